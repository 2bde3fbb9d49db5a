/// Everything dahdi-doctor saw at one moment: the value checks run on. It can be saved as JSON and loaded again
/// (`check --save-observation` / `--observation`), so a technician can send one and it can be replayed anywhere.
/// Secrets are never stored: configuration parsers redact them before they get here.
public struct Observation: Sendable, Hashable, Codable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var generator: String
    /// Seconds since the Unix epoch when the first sample was taken.
    public var observedAt: Double
    public var dahdi: DahdiReadings
    /// A second reading of the span counters, taken when asked (`check --interval`), for rates.
    public var secondSample: CounterSample?
    public var config: ConfigObservation
    /// Asterisk's view over AMI; nil when AMI was not asked (no credentials, or --no-ami).
    public var asterisk: AsteriskObservation?
    /// Each gateway of the gateway list: SIP OPTIONS and vendor status. Nil when there is no gateway list.
    public var gateways: [GatewayObservation]?
    /// The agent's earlier reading of the span counters, `intervalSeconds` before `dahdi` (its rate window), so
    /// counter rises are measured without a second sample. Nil outside the agent.
    public var previousSample: CounterSample?
    /// Sources the agent asked and that have not answered within their deadline; their parts of this observation
    /// are from their last answer (or missing). Nil or empty outside the agent.
    public var overdueSources: [OverdueSource]?
    /// manager.conf, http.conf, ari.conf, sip.conf, asterisk.conf (secrets classified, never kept) and the mtimes of
    /// the Asterisk files read. Nil when not looked at (observations saved before it existed).
    public var asteriskSetup: AsteriskSetupObservation?
    /// Container signs and the /dev/dahdi nodes as seen from here; nil when not looked at.
    public var container: ContainerObservation?
    /// Telephony cards on the PCI and USB buses (nil in observations saved before the bus scan existed).
    public var hardware: HardwareObservation?
    /// Where the DAHDI modules are installed and for which kernels, DKMS, the kernel log about them and a pending
    /// reboot. Read when the driver is missing (or on a full read); nil when not looked at.
    public var kernelModules: KernelModulesObservation?
    /// Two /proc/interrupts samples (a card whose IRQ line does not grow); nil when no span was there to need it.
    public var interrupts: InterruptSamples?
    /// What on this box needs DAHDI without a card (modules.conf: MeetMe, app_rpt, res_timing_dahdi...); nil when not looked at.
    public var dahdiDemand: DahdiDemand?
    /// Configuration files (and directories) a reader was refused (EACCES/EPERM): nil when not looked at, empty
    /// when every read was allowed.
    public var configAccess: [ConfigReadDenial]?

    public init(generator: String, observedAt: Double, dahdi: DahdiReadings, secondSample: CounterSample? = nil,
                config: ConfigObservation = ConfigObservation(), asterisk: AsteriskObservation? = nil) {
        self.schemaVersion = Self.currentSchemaVersion
        self.generator = generator; self.observedAt = observedAt; self.dahdi = dahdi
        self.secondSample = secondSample; self.config = config; self.asterisk = asterisk
    }
}

/// A source (kernel, ami, gateways) whose read has been running longer than its deadline.
public struct OverdueSource: Sendable, Hashable, Codable {
    public var name: String
    /// Unix seconds when the read that has not finished started.
    public var runningSince: Double
    public var deadlineSeconds: Double
    /// Unix seconds of the last answer the observation still shows; nil when the source never answered.
    public var lastAnswerAt: Double?

    public init(name: String, runningSince: Double, deadlineSeconds: Double, lastAnswerAt: Double?) {
        self.name = name; self.runningSince = runningSince; self.deadlineSeconds = deadlineSeconds; self.lastAnswerAt = lastAnswerAt
    }
}

/// Span counters read again `intervalSeconds` after the first sample (or, as `previousSample`, before it).
public struct CounterSample: Sendable, Hashable, Codable {
    public var intervalSeconds: Double
    public var spans: [SpanStatus]
    public var proc: [ProcSpan]

    public init(intervalSeconds: Double, spans: [SpanStatus], proc: [ProcSpan]) {
        self.intervalSeconds = intervalSeconds; self.spans = spans; self.proc = proc
    }
}

/// A configuration input: parsed, or absent with the reason (file missing, unreadable).
public enum ConfigPart<Value: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    case present(path: String, value: Value)
    case absent(path: String, reason: String)

    public var value: Value? {
        if case .present(_, let value) = self { return value }
        return nil
    }

    public var path: String {
        switch self {
        case .present(let path, _), .absent(let path, _): return path
        }
    }

    private enum CodingKeys: String, CodingKey { case state, path, value, reason }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let path = try container.decode(String.self, forKey: .path)
        if try container.decode(String.self, forKey: .state) == "present" {
            self = .present(path: path, value: try container.decode(Value.self, forKey: .value))
        } else {
            self = .absent(path: path, reason: try container.decode(String.self, forKey: .reason))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .present(let path, let value):
            try container.encode("present", forKey: .state)
            try container.encode(path, forKey: .path)
            try container.encode(value, forKey: .value)
        case .absent(let path, let reason):
            try container.encode("absent", forKey: .state)
            try container.encode(path, forKey: .path)
            try container.encode(reason, forKey: .reason)
        }
    }
}

/// Facts about a plain file whose content does not matter, only whether it is there (e.g. /etc/fxotune.conf).
public struct FileFacts: Sendable, Hashable, Codable {
    public var size: Int
    public init(size: Int) { self.size = size }
}

/// Kernel modules named in /etc/dahdi/modules, and whether each is loaded (/sys/module/NAME).
public struct ModuleState: Sendable, Hashable, Codable {
    public var name: String
    public var loaded: Bool
    public var line: Int
    public init(name: String, loaded: Bool, line: Int) { self.name = name; self.loaded = loaded; self.line = line }
}

/// The configuration files, each parsed or absent with the reason. Nil means "not looked at" (e.g. an observation
/// built by a test); `.absent` means looked at and not there.
public struct ConfigObservation: Sendable, Hashable, Codable {
    public var systemConf: ConfigPart<SystemConfig>?
    public var assignedSpans: ConfigPart<AssignedSpansConfig>?
    public var spanTypes: ConfigPart<SpanTypesConfig>?
    public var dahdiModules: ConfigPart<DahdiModulesConfig>?
    /// /etc/asterisk/chan_dahdi.conf with its #include files (dahdi-channels.conf).
    public var chanDahdi: ConfigPart<ChanDahdiConfig>?
    /// /etc/asterisk/pjsip.conf with includes, summarised without secrets.
    public var pjsip: ConfigPart<PjsipSummary>?
    /// PJSIP endpoints that are FXO/FXS gateways (from --gateway-endpoint or the gateway list): a gateway without a
    /// contact or with qualify disabled is a fault, a phone without one is not.
    public var gatewayEndpoints: [String] = []
    public var fxotune: ConfigPart<FileFacts>?
    /// The modules /etc/dahdi/modules names, and whether each is loaded.
    public var modules: [ModuleState]

    public init(systemConf: ConfigPart<SystemConfig>? = nil, assignedSpans: ConfigPart<AssignedSpansConfig>? = nil,
                spanTypes: ConfigPart<SpanTypesConfig>? = nil, dahdiModules: ConfigPart<DahdiModulesConfig>? = nil,
                fxotune: ConfigPart<FileFacts>? = nil, modules: [ModuleState] = []) {
        self.systemConf = systemConf; self.assignedSpans = assignedSpans; self.spanTypes = spanTypes
        self.dahdiModules = dahdiModules; self.fxotune = fxotune; self.modules = modules
    }

    private enum CodingKeys: String, CodingKey {
        case systemConf, assignedSpans, spanTypes, dahdiModules, chanDahdi, pjsip, gatewayEndpoints, fxotune, modules
    }

    /// Every key is optional on decoding: fields added within schema_version 1 must not break observations saved
    /// by an earlier dahdi-doctor (the lab fixtures under Tests/ are such observations).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        systemConf = try c.decodeIfPresent(ConfigPart<SystemConfig>.self, forKey: .systemConf)
        assignedSpans = try c.decodeIfPresent(ConfigPart<AssignedSpansConfig>.self, forKey: .assignedSpans)
        spanTypes = try c.decodeIfPresent(ConfigPart<SpanTypesConfig>.self, forKey: .spanTypes)
        dahdiModules = try c.decodeIfPresent(ConfigPart<DahdiModulesConfig>.self, forKey: .dahdiModules)
        chanDahdi = try c.decodeIfPresent(ConfigPart<ChanDahdiConfig>.self, forKey: .chanDahdi)
        pjsip = try c.decodeIfPresent(ConfigPart<PjsipSummary>.self, forKey: .pjsip)
        gatewayEndpoints = try c.decodeIfPresent([String].self, forKey: .gatewayEndpoints) ?? []
        fxotune = try c.decodeIfPresent(ConfigPart<FileFacts>.self, forKey: .fxotune)
        modules = try c.decodeIfPresent([ModuleState].self, forKey: .modules) ?? []
    }

    /// Every line any parser could not understand.
    public var parseIssues: [ParseIssue] {
        (systemConf?.value?.issues ?? []) + (assignedSpans?.value?.issues ?? []) + (spanTypes?.value?.issues ?? [])
            + (dahdiModules?.value?.issues ?? []) + (chanDahdi?.value?.issues ?? []) + (pjsip?.value?.issues ?? [])
    }
}
