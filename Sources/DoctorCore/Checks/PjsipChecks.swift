/// pjsip.conf, the gateway list and what Asterisk's res_pjsip actually runs (PJSIPShow* over AMI).
public struct PjsipChecks: CheckFamily {
    public static let notLoaded = CheckDefinition(
        id: "pjsip-endpoint-not-loaded", family: "pjsip", severity: .warning,
        title: "endpoint in pjsip.conf but not in Asterisk",
        explanation: """
            pjsip.conf defines the endpoint but Asterisk does not have it: the file changed after the last 'pjsip \
            reload' / 'module reload res_pjsip.so' (common after a GUI regenerated the files), or Asterisk refused the \
            object (a config error in it or in a template it uses). Calls to or from it fail.
            """,
        remediation: "run 'pjsip reload' in the Asterisk CLI and look for errors about the endpoint; 'pjsip show endpoint NAME' must then list it",
        faults: ["C31"])

    public static let gatewayNoContact = CheckDefinition(
        id: "pjsip-gateway-no-contact", family: "pjsip", severity: .critical,
        title: "gateway registers but has no contact",
        explanation: """
            The gateway's endpoint registers to Asterisk (its AOR has no static contact), but Asterisk has no contact \
            for it: the gateway is off, cannot reach Asterisk, or its registration is refused (wrong password or user \
            on the gateway, max_contacts reached). Calls to the gateway's lines fail with "no contacts".
            """,
        remediation: "check the gateway's SIP account page (registration state), Asterisk's security log for failed REGISTERs, and 'pjsip show aor NAME'",
        faults: ["C35"])

    public static let phonesNoContact = CheckDefinition(
        id: "pjsip-endpoints-no-contact", family: "pjsip", severity: .info,
        title: "registering endpoints without a contact",
        explanation: "Endpoints that register (no static contact) currently have no contact. For phones this is often normal (switched off); gateways are reported on their own.",
        remediation: "nothing, unless these should be online; list the gateways with --gateway-endpoint so their absence is a fault")

    public static let unreachable = CheckDefinition(
        id: "pjsip-contact-unreachable", family: "pjsip", severity: .critical,
        title: "contact Unreachable (qualify fails)",
        explanation: """
            Asterisk sends OPTIONS to the contact every qualify_frequency seconds and gets no answer within \
            qualify_timeout: the gateway or trunk is down, its address changed, or a firewall/NAT drops the packets. \
            Asterisk marks the endpoint Unavailable and will not send calls there.
            """,
        remediation: "check the device is powered and reachable (ping, sip port), NAT/firewall between, and the contact URI in 'pjsip show contacts'",
        faults: ["C33"])

    public static let qualifyDisabled = CheckDefinition(
        id: "pjsip-qualify-disabled", family: "pjsip", severity: .warning,
        title: "qualify disabled on a gateway or trunk",
        explanation: """
            The AOR's qualify_frequency is 0 (Asterisk's default): Asterisk never checks the gateway or trunk, so its \
            status stays NonQualified or Unknown and an outage is only noticed when a call fails.
            """,
        remediation: "set qualify_frequency=30 (and qualify_timeout=3) on the AOR, then 'pjsip reload'",
        faults: ["C34"])

    public static let registrationFailed = CheckDefinition(
        id: "pjsip-registration-failed", family: "pjsip", severity: .critical,
        title: "outbound registration not registered",
        explanation: """
            An outbound registration (to a provider or an upstream gateway) is Rejected or Unregistered: wrong \
            credentials (401/403), the registrar is unreachable (no response: Asterisk reports that as Rejected too), \
            or max_retries ran out. Inbound calls through it fail.
            """,
        remediation: "check the registration's server_uri reachability and credentials; 'pjsip send register NAME' retries at once; look at the log for the SIP response",
        faults: ["C36"])

    public static let gatewayEndpointMissing = CheckDefinition(
        id: "pjsip-gateway-endpoint-missing", family: "pjsip", severity: .critical,
        title: "the gateway list names an endpoint Asterisk does not have",
        explanation: """
            The gateway list maps a gateway to a PJSIP endpoint, and Asterisk answers PJSIPShowEndpoint with \
            "Unable to retrieve endpoint": the endpoint was never created, renamed, or not reloaded. Calls to the \
            gateway's lines have nowhere to go.
            """,
        remediation: "check the endpoint name in dahdi-doctor.toml against 'pjsip show endpoints'; create or reload the endpoint (pjsip reload)",
        faults: ["C35"])

    public static let definitions = [notLoaded, gatewayEndpointMissing, gatewayNoContact, phonesNoContact, unreachable, qualifyDisabled, registrationFailed]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        guard let asterisk = context.observation.asterisk, asterisk.sessionFailure == nil else { return [] }
        let config = context.observation.config.pjsip?.value
        let gateways = Set(context.observation.config.gatewayEndpoints).union((context.observation.gateways ?? []).compactMap(\.endpoint))
        // A gateway that does not answer our OPTIONS explains Asterisk losing it.
        let downKeys = Dictionary((context.observation.gateways ?? []).compactMap { g in g.endpoint.map { ($0, "gateway-down:\(g.name)") } },
                                  uniquingKeysWith: { a, _ in a })
        let source = "\(asterisk.sourceLabel)"
        var findings: [Finding] = []

        let loaded = asterisk.endpoints?.value
        if let loaded, let config {
            let names = Set(loaded.map(\.name))
            for endpoint in config.endpoints where !names.contains(endpoint.name) {
                findings.append(Finding(Self.notLoaded, subject: "endpoint \(endpoint.name)",
                                        message: "pjsip.conf defines endpoint \(endpoint.name) but Asterisk has not loaded it",
                                        evidence: [Evidence("defined", "endpoint \(endpoint.name)", source: "\(endpoint.file):\(endpoint.line)"),
                                                   Evidence("loaded endpoints", "\(names.count)", source: "\(source) PJSIPShowEndpoints")],
                                        key: "pjsip-missing:\(endpoint.name)"))
            }
        }

        // Gateway endpoints Asterisk does not have (pjsip.conf's own not-loaded finding covers those it defines).
        let defined = Set(config?.endpoints.map(\.name) ?? [])
        for lookup in asterisk.endpointDetails ?? [] where lookup.isMissing && !defined.contains(lookup.name) {
            findings.append(Finding(Self.gatewayEndpointMissing, subject: "endpoint \(lookup.name)",
                                    message: "gateway endpoint \(lookup.name) does not exist in Asterisk",
                                    evidence: [Evidence("PJSIPShowEndpoint", lookup.detail.failure?.message ?? "", source: source)],
                                    key: "pjsip-missing:\(lookup.name)"))
        }

        // Registered contacts from PJSIPShowContacts; static contacts' status only from PJSIPShowEndpoint.
        var contacts = asterisk.contacts?.value ?? []
        for lookup in asterisk.endpointDetails ?? [] {
            for status in lookup.detail.value?.contacts ?? [] where !contacts.contains(where: { $0.uri == status.uri }) {
                contacts.append(AsteriskContact(uri: status.uri, aor: status.aor, endpoint: lookup.name, status: status.status,
                                                roundtripUsec: status.roundtripUsec))
            }
        }
        let aorsSeen = Dictionary((asterisk.aors?.value ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        if let loaded {
            var silentPhones: [String] = []
            for endpoint in loaded {
                let isGateway = gateways.contains(endpoint.name)
                // Registering: none of its AORs has a static contact (Asterisk reports static ones in Contacts too).
                let staticContacts = endpoint.aors.flatMap { aorsSeen[$0]?.staticContacts ?? config?.aor($0)?.staticContacts ?? [] }
                guard staticContacts.isEmpty else { continue }
                let live = contacts.filter { endpoint.aors.contains($0.aor) || $0.endpoint == endpoint.name }
                guard live.isEmpty else { continue }
                if isGateway {
                    findings.append(Finding(Self.gatewayNoContact, subject: "gateway \(endpoint.name)",
                                            message: "gateway endpoint \(endpoint.name) has no registered contact",
                                            evidence: [Evidence("contacts", "none", source: "\(source) PJSIPShowContacts"),
                                                       Evidence("device state", endpoint.deviceState ?? "-", source: "\(source) PJSIPShowEndpoints"),
                                                       Evidence("AORs", endpoint.aors.joined(separator: ","), source: "\(source) PJSIPShowEndpoints")],
                                            key: "pjsip-contact:\(endpoint.name)", causeKey: downKeys[endpoint.name]))
                } else {
                    silentPhones.append(endpoint.name)
                }
            }
            if !silentPhones.isEmpty {
                findings.append(Finding(Self.phonesNoContact, subject: "\(silentPhones.count) endpoint(s)",
                                        message: "\(silentPhones.count) registering endpoint(s) without a contact: " + silentPhones.prefix(10).joined(separator: ", ")
                                            + (silentPhones.count > 10 ? ", ..." : ""),
                                        evidence: [Evidence("endpoints", silentPhones.joined(separator: ","), source: "\(source) PJSIPShowEndpoints/PJSIPShowContacts")]))
            }
        }

        for contact in contacts where contact.status == "Unreachable" {
            let endpoint = contact.endpoint ?? contact.aor
            let isGateway = gateways.contains(endpoint)
            findings.append(Finding(Self.unreachable, subject: "contact \(contact.aor)",
                                    message: "\(isGateway ? "gateway" : "endpoint") \(endpoint) contact \(contact.uri) is Unreachable",
                                    evidence: [Evidence("status", "Unreachable", source: "\(source) PJSIPShowContacts"),
                                               Evidence("round trip", contact.roundtripUsec.map { "\($0) us" } ?? "N/A", source: "\(source) PJSIPShowContacts"),
                                               Evidence("qualify frequency", contact.qualifyFrequency.map { "\($0) s" } ?? "-", source: "\(source) PJSIPShowContacts")],
                                    key: "pjsip-contact:\(endpoint)", causeKey: downKeys[endpoint], severity: isGateway ? .critical : .warning))
        }

        // Qualify matters on gateways and on trunks (endpoints with a static contact or an outbound registration).
        let registrationEndpoints = Set((asterisk.outboundRegistrations?.value ?? []).compactMap(\.endpoint))
        for endpoint in loaded ?? [] {
            let trunkLike = gateways.contains(endpoint.name) || registrationEndpoints.contains(endpoint.name)
                || endpoint.aors.contains { !(aorsSeen[$0]?.staticContacts ?? []).isEmpty }
            guard trunkLike else { continue }
            for aorName in endpoint.aors {
                guard let aor = aorsSeen[aorName], (aor.qualifyFrequency ?? 0) == 0 else { continue }
                let defined = config?.aor(aorName).map { "\($0.file):\($0.line)" } ?? "\(source) PJSIPShowAors"
                findings.append(Finding(Self.qualifyDisabled, subject: "aor \(aorName)",
                                        message: "AOR \(aorName) of \(gateways.contains(endpoint.name) ? "gateway" : "trunk") \(endpoint.name) is never qualified (qualify_frequency=0)",
                                        evidence: [Evidence("qualify_frequency", "\(aor.qualifyFrequency ?? 0)", source: "\(source) PJSIPShowAors"),
                                                   Evidence("defined", "aor \(aorName)", source: defined)]))
            }
        }

        for registration in asterisk.outboundRegistrations?.value ?? [] where registration.status != "Registered" {
            let status = registration.status ?? "unknown"
            // NextReg 0 does not mean Asterisk gave up: the real capture shows it still retrying every 30 s.
            findings.append(Finding(Self.registrationFailed, subject: "registration \(registration.name)",
                                    message: "outbound registration \(registration.name) to \(registration.serverUri ?? "?") is \(status)",
                                    evidence: [Evidence("status", status, source: "\(source) PJSIPShowRegistrationsOutbound"),
                                               Evidence("next attempt", registration.nextReg.map { "\($0) s" } ?? "-", source: "\(source) PJSIPShowRegistrationsOutbound")]))
        }
        return findings
    }
}
