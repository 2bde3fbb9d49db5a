/// Every check family, in pipeline order: the cards on the buses, the driver, span assignment, what the kernel reports now (span alarms,
/// counters, timing, ports), then the configuration files against it (syntax, system.conf, chan_dahdi.conf, echo
/// cancellers, fxotune), then Asterisk's view over AMI (session, chan_dahdi, PJSIP), then the gateways, then the agent's own sources. Among independent findings of equal severity, a live outage comes before a mismatch in a
/// file; causes still fold their consequences whatever the order.
public enum CheckCatalogue {
    public static let families: [any CheckFamily] = [
        HardwareChecks(), KernelModuleChecks(), DriverChecks(), TimingOnlyChecks(), SpanTypeAttributeChecks(), AssignmentChecks(), InterruptChecks(), SpanStateChecks(),
        CounterChecks(), TimingChecks(), PortChecks(),
        ReadAccessChecks(), ConfigSyntaxChecks(), ChannelConfigChecks(), ChanDahdiChecks(), EchoCancellerChecks(), FxotuneChecks(),
        AsteriskSessionChecks(), AsteriskConsoleChecks(), AsteriskDahdiChecks(), ChannelHoldChecks(), AsteriskModuleChecks(), PjsipChecks(), GatewayChecks(), AgentSourceChecks(),
        ContainerChecks(), ExposureChecks(), LegacyChecks(), DriftChecks(),
    ]

    /// Without the family names: `String(describing:)` of 29 types is a runtime conformance lookup each, which
    /// every `check` paid for the correlation order (5 % of a 48-channel `check` under QEMU TCG).
    public static var definitions: [CheckDefinition] { families.flatMap { type(of: $0).definitions } }

    public static func definition(id: String) -> CheckDefinition? {
        definitions.first { $0.id == id.lowercased() }
    }

    /// One README table row per check: ID, severity, family file, title.
    public static func markdownTable() -> String {
        var rows = ""
        for (family, definitions) in familyDefinitions {
            for definition in definitions {
                rows += "| `\(definition.id)` | \(definition.severity.rawValue) | \(definition.family) (\(family).swift) | \(definition.title) |\n"
            }
        }
        return rows
    }

    static var familyDefinitions: [(String, [CheckDefinition])] {
        families.map { family in (String(describing: type(of: family)), type(of: family).definitions) }
    }

    static let stageOrder: [String: Int] =
        Dictionary(definitions.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
}

/// Runs every check on an observation and correlates the findings into a report. Pure.
public enum Diagnosis {
    static func amiSource(_ asterisk: AsteriskObservation?) -> SourceStatus {
        guard let asterisk else { return SourceStatus(name: "ami", available: false, detail: "not asked (no AMI credentials, or --no-ami; `sudo dahdi-doctor setup ami` creates them)") }
        let name = asterisk.readViaConsole ? "console" : "ami"
        if let failure = asterisk.sessionFailure {
            return SourceStatus(name: name, available: false, detail: "\(asterisk.target): \(failure.message)")
        }
        return SourceStatus(name: name, available: true,
                            detail: "\(asterisk.target)" + (asterisk.tls ? " (TLS)" : "") + ", Asterisk \(asterisk.asteriskVersion ?? "?")")
    }

    public static func run(_ observation: Observation, generator: String) -> Report {
        let context = CheckContext(observation: observation, generator: generator)
        let findings = CheckCatalogue.families.flatMap { $0.run(context) }
        let roots = Correlator.correlate(findings, order: CheckCatalogue.stageOrder)
        return Report(generator: generator, observedAt: observation.observedAt, findings: roots,
                      sources: context.inventory.sources + [amiSource(observation.asterisk)], spans: context.inventory.spans.count,
                      channels: context.inventory.spans.reduce(0) { $0 + $1.totalChannels })
    }
}
