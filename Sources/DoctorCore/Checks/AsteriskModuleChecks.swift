/// Which Asterisk module provides an AMI action, and whether an action Asterisk calls unknown is missing because that
/// module is not loaded (a DAHDI-only Asterisk has no res_pjsip) or because this Asterisk is older than the action.
/// Manager actions are registered by the module that implements them (ast_manager_register_xml in its load_module)
/// and unregistered when it unloads, so "Invalid/unknown command" says only "not here now". The evidence that tells
/// the two causes apart: ModuleCheck of the providing module (Asterisk answers "Module not loaded"), then the
/// release the action first appeared in against CoreSettings' version.
public enum AsteriskModules {
    public struct Provider: Sendable, Hashable {
        /// e.g. "res_pjsip.so".
        public var module: String
        /// The first release of every supported branch that has the action (nil: older than any Asterisk we meet).
        public var since: AsteriskVersion?
    }

    /// The modules ModuleCheck is asked about: chan_sip for the sip.conf leftovers, res_pjsip and chan_dahdi to tell
    /// an unloaded module from an old Asterisk.
    public static let checked = ["chan_sip.so", "res_pjsip.so", "chan_dahdi.so"]

    /// res_pjsip registers PJSIPShowEndpoints/Contacts/Aors (res_pjsip/pjsip_configuration.c, pjsip_options.c,
    /// location.c) since Asterisk 13; PJSIPShowRegistrationsOutbound is res_pjsip_outbound_registration's.
    /// DAHDIShowChannels is chan_dahdi's since 1.6; DAHDIShowStatus has a version table of its own
    /// (`DahdiShowStatusSupport`).
    public static func provider(of action: String) -> Provider? {
        switch action {
        case "PJSIPShowEndpoints", "PJSIPShowContacts", "PJSIPShowAors", "PJSIPShowEndpoint":
            return Provider(module: "res_pjsip.so", since: AsteriskVersion(major: 13, minor: 0))
        case "PJSIPShowRegistrationsOutbound":
            return Provider(module: "res_pjsip_outbound_registration.so", since: AsteriskVersion(major: 13, minor: 0))
        case "DAHDIShowChannels":
            return Provider(module: "chan_dahdi.so", since: AsteriskVersion(major: 1, minor: 6))
        case "DAHDIShowStatus":
            return Provider(module: "chan_dahdi.so", since: nil)
        default:
            return nil
        }
    }

    /// Why Asterisk does not know `action`.
    public enum Absence: Sendable, Hashable {
        /// The providing module is not loaded; `evidence` says how that is known.
        case moduleNotLoaded(module: String, evidence: String)
        /// This Asterisk predates the action.
        case tooOld(version: String)
        case unknown
    }

    public static func absence(of action: String, in asterisk: AsteriskObservation) -> Absence {
        guard let provider = provider(of: action) else { return .unknown }
        if asterisk.moduleLoaded(provider.module) == false {
            return .moduleNotLoaded(module: provider.module, evidence: "ModuleCheck \(provider.module): Module not loaded")
        }
        // res_pjsip_outbound_registration needs res_pjsip: without res_pjsip it cannot be loaded either.
        if provider.module == "res_pjsip_outbound_registration.so", asterisk.moduleLoaded("res_pjsip.so") == false {
            return .moduleNotLoaded(module: "res_pjsip.so", evidence: "ModuleCheck res_pjsip.so: Module not loaded")
        }
        let version = asterisk.asteriskVersion.flatMap(AsteriskVersion.init)
        // Loaded, yet the action is unknown: neither cause fits; say so rather than guess.
        if asterisk.moduleLoaded(provider.module) == true, action != "DAHDIShowStatus" { return .unknown }
        if action == "DAHDIShowStatus" {
            if case .absent = DahdiShowStatusSupport.of(asteriskVersion: asterisk.asteriskVersion) {
                return .tooOld(version: asterisk.asteriskVersion ?? "?")
            }
            if asterisk.dahdiChannels?.failure?.kind == .unsupported {
                return .moduleNotLoaded(module: "chan_dahdi.so", evidence: "DAHDIShowChannels is unknown too")
            }
            return version != nil ? .moduleNotLoaded(module: "chan_dahdi.so", evidence: "Asterisk \(asterisk.asteriskVersion ?? "") has DAHDIShowStatus") : .unknown
        }
        if let version, let since = provider.since {
            return version < since ? .tooOld(version: asterisk.asteriskVersion ?? "?")
                : .moduleNotLoaded(module: provider.module, evidence: "Asterisk \(asterisk.asteriskVersion ?? "") has \(action) (since \(since.major).\(since.minor)), so its module is not loaded")
        }
        return .unknown
    }

    /// res_pjsip is not loaded: PJSIPShowEndpoints is an unknown command, and ModuleCheck says the module is not
    /// loaded (or this Asterisk is recent enough to have the action).
    public static func pjsipNotLoaded(_ asterisk: AsteriskObservation) -> (evidence: String, message: String)? {
        guard asterisk.sessionFailure == nil, let failure = asterisk.endpoints?.failure, failure.kind == .unsupported,
              case .moduleNotLoaded(_, let evidence) = absence(of: "PJSIPShowEndpoints", in: asterisk) else { return nil }
        return (evidence, failure.message)
    }
}

/// PJSIP not loaded in Asterisk. On a DAHDI-only box that is the design and nothing is reported; it is a fault only
/// when something on the box says PJSIP should be there: endpoints in pjsip.conf, or PJSIP endpoints in the
/// gateway list.
public struct AsteriskModuleChecks: CheckFamily {
    public static let pjsipNotLoaded = CheckDefinition(
        id: "pjsip-not-loaded", family: "asterisk", severity: .warning,
        title: "res_pjsip not loaded, but PJSIP is configured",
        explanation: """
            Asterisk answers the PJSIPShow* actions with "Invalid/unknown command" and ModuleCheck says res_pjsip.so \
            is not loaded (or this Asterisk is recent enough to have those actions, so only the module can be \
            missing). That is not an old Asterisk. On a DAHDI-only box (no pjsip.conf endpoints, no gateway list) it \
            is normal and dahdi-doctor reports nothing. Here pjsip.conf defines endpoints, or the gateway list names \
            PJSIP endpoints, so the SIP side of the box is down: noload => res_pjsip.so in modules.conf, autoload=no \
            without a load line, a missing dependency (res_pjsip needs res_sorcery_config and a pjproject Asterisk \
            was built with), or a pjsip.conf error that made res_pjsip decline. The PJSIP checks are skipped. \
            With the gateway list naming endpoints, calls to the gateways fail: CRITICAL.
            """,
        remediation: "in the Asterisk CLI: 'module load res_pjsip.so' and read the errors (then 'module show like pjsip'); remove any noload => res_pjsip.so from modules.conf; if PJSIP is not meant to run here, remove the endpoints from pjsip.conf or the gateway list",
        faults: ["C31"])

    public static let definitions = [pjsipNotLoaded]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        guard let asterisk = context.observation.asterisk, let found = AsteriskModules.pjsipNotLoaded(asterisk) else { return [] }
        let (how, reply) = found
        let endpoints = context.observation.config.pjsip?.value?.endpoints ?? []
        let gateways = context.observation.config.gatewayEndpoints
        guard !endpoints.isEmpty || !gateways.isEmpty else { return [] }
        let source = "AMI \(asterisk.target)"
        var evidence = [Evidence("res_pjsip.so", how, source: source)]
        if !reply.isEmpty { evidence.append(Evidence("PJSIPShowEndpoints", reply, source: source)) }
        if let first = endpoints.first {
            evidence.append(Evidence("pjsip.conf endpoints", "\(endpoints.count) (first: \(first.name))", source: "\(first.file):\(first.line)"))
        }
        if !gateways.isEmpty {
            evidence.append(Evidence("gateway endpoints", gateways.joined(separator: ","), source: "gateway list"))
        }
        let why = gateways.isEmpty ? "pjsip.conf defines \(endpoints.count) endpoint(s)" : "the gateway list names PJSIP endpoint(s) " + gateways.prefix(4).joined(separator: ", ")
        return [Finding(Self.pjsipNotLoaded, subject: "res_pjsip",
                        message: "res_pjsip is not loaded in Asterisk \(asterisk.asteriskVersion ?? ""), but \(why)",
                        evidence: evidence, key: "pjsip-not-loaded", severity: gateways.isEmpty ? .warning : .critical)]
    }
}
