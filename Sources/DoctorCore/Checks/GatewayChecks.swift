/// FXO/FXS SIP gateways from the gateway list: reachable (our SIP OPTIONS), registered and connected (their status
/// page), and whether Asterisk agrees (its contacts and channels over AMI).
public struct GatewayChecks: CheckFamily {
    public static let unreachable = CheckDefinition(
        id: "gateway-unreachable", family: "gateways", severity: .critical,
        title: "gateway does not answer SIP OPTIONS",
        explanation: """
            dahdi-doctor sent SIP OPTIONS to the gateway (retransmitting on the SIP T1 timer) and got no final \
            response before the deadline, or could not send at all (address unresolvable, ICMP port unreachable, TCP \
            refused). The gateway is off, its address changed, or a firewall drops SIP. Its lines are down for Asterisk too.
            """,
        remediation: "check the gateway's power and network (ping), its SIP port and transport against the gateway list, and firewalls between",
        faults: ["C33"])

    public static let optionsError = CheckDefinition(
        id: "gateway-options-error", family: "gateways", severity: .warning,
        title: "gateway answers OPTIONS with a server error",
        explanation: "The gateway answers, so it is reachable, but with a 5xx/6xx code: it reports itself unable to serve (503 Service Unavailable during boot or overload, 500 internal error, 603 decline). A 4xx answer (404, 405) only means it does not take OPTIONS at that URI and is recorded as reachable.",
        remediation: "look at the gateway's status and log; a 503 that persists usually means its SIP stack did not start or lost its registration server")

    public static let reachabilityDisagreement = CheckDefinition(
        id: "gateway-reachability-disagreement", family: "gateways", severity: .warning,
        title: "dahdi-doctor and Asterisk disagree on the gateway's reachability",
        explanation: """
            One side reaches the gateway and the other does not. If dahdi-doctor reaches it but Asterisk marks its \
            contact Unreachable, the contact Asterisk uses is wrong (NAT, a stale registration, rewrite_contact) or \
            Asterisk's qualify path is blocked. If Asterisk reaches it but dahdi-doctor does not, the gateway list has \
            the wrong address or transport, or a firewall treats our probe differently.
            """,
        remediation: "compare the contact URI in 'pjsip show contacts' with the gateway's address in dahdi-doctor.toml, and check NAT/firewall rules for both paths",
        faults: ["C33"])

    public static let portNotRegistered = CheckDefinition(
        id: "gateway-port-not-registered", family: "gateways", severity: .critical,
        title: "gateway port not registered",
        explanation: "The gateway reports that this port's SIP account is not registered: a wrong user or password on the gateway, the account disabled, or the registrar unreachable from the gateway. Calls to the port fail.",
        remediation: "check the port's SIP account (user ID, authenticate ID, password, registrar) on the gateway against the PJSIP endpoint and auth in pjsip.conf",
        faults: ["C37"])

    public static let registeredWithoutContact = CheckDefinition(
        id: "gateway-registered-no-contact", family: "gateways", severity: .critical,
        title: "gateway says registered but Asterisk has no contact",
        explanation: "The gateway claims its port is registered, but Asterisk has no contact for the gateway's endpoint: it registers somewhere else (another PBX, an old address), to another account, or Asterisk rejected and the gateway's page is stale.",
        remediation: "check the registrar address and user on the gateway; 'pjsip show aor NAME' and Asterisk's security log for its REGISTERs",
        faults: ["C35", "C37"])

    public static let lineDisconnected = CheckDefinition(
        id: "gateway-fxo-line-disconnected", family: "gateways", severity: .critical,
        title: "gateway FXO port has no PSTN line",
        explanation: "The gateway reports its FXO port's PSTN line as not connected (no loop voltage): the cable is out or the line is dead. Calls over that line fail; inbound calls never arrive.",
        remediation: "check the RJ11 cable and test the line with a phone; call the carrier if the line is dead",
        faults: ["C38"])

    public static let stuckLine = CheckDefinition(
        id: "gateway-stuck-line", family: "gateways", severity: .warning,
        title: "gateway line busy with no call in Asterisk (stuck line)",
        explanation: """
            The gateway shows the port off-hook (in use) while Asterisk has no active channel on the gateway's \
            endpoint: a call ended on the SIP side but the gateway missed the PSTN disconnect (no battery reversal, \
            busy tone or loop break detected), so the line stays seized and callers get busy.
            """,
        remediation: "hang the line up from the gateway's page; configure disconnect supervision on the port (current disconnect, busy tone, polarity reversal) to match the carrier",
        faults: ["C39"])

    public static let statusUnavailable = CheckDefinition(
        id: "gateway-status-unavailable", family: "gateways", severity: .warning,
        title: "gateway status page could not be read",
        explanation: "dahdi-doctor could not read the gateway's web status (login refused, unexpected page, timeout): its per-port registration and line state are unknown. Reachability over SIP is still checked.",
        remediation: "check the gateway's web credentials file and profile in dahdi-doctor.toml; the finding says which page and what was expected")

    public static let portStateUnknown = CheckDefinition(
        id: "gateway-port-state-unknown", family: "gateways", severity: .unknown,
        title: "gateway port shows a word dahdi-doctor does not know",
        explanation: """
            The gateway's status page gives this port a registration, hook or line value that no vendor map in \
            dahdi-doctor knows (a firmware wording, a translated UI, a new state). It is not guessed: the port's state \
            is unknown, so the report cannot be OK on it. The finding quotes the word.
            """,
        remediation: "read the port's state on the gateway's own page; switch the web UI to English if it is translated, and report the word (with the model and firmware) so it can be mapped")

    public static let webLoginLocked = CheckDefinition(
        id: "gateway-web-login-locked", family: "gateways", severity: .warning,
        title: "gateway locked its web login after failed attempts",
        explanation: """
            The gateway answered the web login with its lock-out (too many failed logins: a wrong password in the \
            credentials file, or someone else guessing). dahdi-doctor stops logging in to it until the lock ends, so \
            its per-port status is unknown meanwhile; every further attempt would extend the lock.
            """,
        remediation: "check the password in the gateway's credentials file; wait for the lock to end (the finding says how long when the gateway does), then run check again")

    public static let webTLSUnverified = CheckDefinition(
        id: "gateway-web-tls-unverified", family: "gateways", severity: .warning,
        title: "gateway web status read over HTTPS without checking the certificate",
        explanation: """
            web_tls_insecure is set for this gateway: its status page is read over HTTPS, but the certificate is not \
            checked, so anyone in the path can pretend to be the gateway and receive the web password.
            """,
        remediation: "pin the gateway's certificate instead: web_tls_fingerprint = the SHA-256 fingerprint of its certificate (openssl x509 -noout -fingerprint -sha256), or give its CA in web_ca_file")

    public static let definitions = [unreachable, optionsError, reachabilityDisagreement, portNotRegistered, registeredWithoutContact,
                                     lineDisconnected, stuckLine, statusUnavailable, portStateUnknown, webLoginLocked,
                                     webTLSUnverified]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        guard let gateways = context.observation.gateways else { return [] }
        let asterisk = context.observation.asterisk?.sessionFailure == nil ? context.observation.asterisk : nil
        var findings: [Finding] = []
        for gateway in gateways {
            let subject = "gateway \(gateway.name)"
            let unreachableKey = "gateway-down:\(gateway.name)"
            var reachable: Bool?
            if let probe = gateway.options {
                let source = "SIP OPTIONS \(probe.transport.rawValue.uppercased()) \(probe.target)"
                switch probe.outcome {
                case .timeout, .error:
                    reachable = false
                    let why = probe.outcome == .timeout ? "no answer after \(probe.transmissions) transmission(s)" : (probe.error ?? "error")
                    findings.append(Finding(Self.unreachable, subject: subject, message: "\(subject) (\(gateway.address)) does not answer SIP OPTIONS: \(why)",
                                            evidence: [Evidence("OPTIONS", why, source: source)], key: unreachableKey))
                case .answered:
                    reachable = true
                    if let code = probe.statusCode, code >= 500 {
                        findings.append(Finding(Self.optionsError, subject: subject,
                                                message: "\(subject) answers OPTIONS with \(code) \(probe.reason ?? "")",
                                                evidence: [Evidence("response", "\(code) \(probe.reason ?? "")", source: source),
                                                           Evidence("server", probe.server ?? "-", source: source)]))
                    }
                }
            }
            // Asterisk's view of the same gateway, through its PJSIP endpoint.
            let contacts = gateway.endpoint.map { endpoint in
                (asterisk?.contacts?.value ?? []).filter { $0.endpoint == endpoint || $0.aor == endpoint }
            }
            if let reachable, let contacts, let endpoint = gateway.endpoint, asterisk?.contacts?.value != nil {
                let asteriskReaches = contacts.contains { $0.status == "Reachable" }
                let asteriskUnreachable = contacts.contains { $0.status == "Unreachable" }
                if reachable && asteriskUnreachable {
                    findings.append(Finding(Self.reachabilityDisagreement, subject: subject,
                                            message: "\(subject) answers dahdi-doctor's OPTIONS but Asterisk marks endpoint \(endpoint)'s contact Unreachable",
                                            evidence: contacts.map { Evidence("Asterisk contact", "\($0.uri) \($0.status ?? "?")", source: "AMI PJSIPShowContacts") }))
                } else if !reachable && asteriskReaches {
                    findings.append(Finding(Self.reachabilityDisagreement, subject: subject,
                                            message: "Asterisk reaches endpoint \(endpoint) but dahdi-doctor's OPTIONS to \(gateway.address) get no answer",
                                            evidence: contacts.map { Evidence("Asterisk contact", "\($0.uri) \($0.status ?? "?")", source: "AMI PJSIPShowContacts") },
                                            causeKey: nil))
                }
            }
            if gateway.webSecurity == .insecure {
                findings.append(Finding(Self.webTLSUnverified, subject: subject,
                                        message: "\(subject)'s web status is read over HTTPS without checking its certificate (web_tls_insecure)",
                                        evidence: [Evidence("web TLS", "certificate not verified", source: "gateway list")]))
            }
            switch gateway.status {
            case .failed(let failure)?:
                guard failure.kind != .unsupported else { break }
                let source = "HTTP \(gateway.address)" + (failure.path ?? "")
                if failure.kind == .locked {
                    let until = failure.retryAfterSeconds.map { "; it says \($0) s remain, and no login is tried before then" }
                        ?? "; no login is tried before the next status interval"
                    findings.append(Finding(Self.webLoginLocked, subject: subject, message: "\(subject) web login is locked\(until)",
                                            evidence: [Evidence("locked", failure.message, source: source)]))
                    break
                }
                var message = "\(subject) status page: \(failure.message)"
                var evidence = [Evidence(failure.kind.rawValue, failure.message, source: source)]
                if let profile = failure.suggestedProfile {
                    message += "; the page reads as profile \(profile): set profile = \"\(profile)\" for this gateway"
                    evidence.append(Evidence("profile", "configured \(gateway.profile), the page is \(profile)", source: source))
                }
                // Folded under the gateway's silence only when the web page could not be reached either: a page that
                // answered but did not parse (or refused the login) is its own problem.
                let notReached = failure.kind == .unreachable || failure.kind == .timeout
                findings.append(Finding(Self.statusUnavailable, subject: subject, message: message, evidence: evidence,
                                        causeKey: notReached ? unreachableKey : nil))
            case .ok(let status)?:
                findings += portFindings(gateway, status, contacts: contacts, asterisk: asterisk, unreachableKey: unreachableKey)
            case nil:
                break
            }
        }
        return findings
    }

    func portFindings(_ gateway: GatewayObservation, _ status: GatewayStatus, contacts: [AsteriskContact]?,
                      asterisk: AsteriskObservation?, unreachableKey: String) -> [Finding] {
        var findings: [Finding] = []
        let source = "HTTP \(gateway.address) (\(gateway.profile))"
        let endpointState = gateway.endpoint.flatMap { name in asterisk?.endpoints?.value?.first { $0.name == name } }
        for port in status.ports {
            let subject = "gateway \(gateway.name) port \(port.port)"
            let portEvidence = Evidence("port \(port.port)", [port.kind.rawValue, port.registrationText, port.lineText, port.hookText]
                .compactMap { $0 }.joined(separator: ", "), source: source)
            switch port.registration {
            case .notRegistered:
                findings.append(Finding(Self.portNotRegistered, subject: subject,
                                        message: "\(subject) is not registered (\(port.registrationText ?? "not registered"))",
                                        evidence: [portEvidence]))
            case .registered:
                if let contacts, contacts.isEmpty, asterisk?.contacts?.value != nil, let endpoint = gateway.endpoint {
                    findings.append(Finding(Self.registeredWithoutContact, subject: subject,
                                            message: "\(subject) says registered but Asterisk has no contact for endpoint \(endpoint)",
                                            evidence: [portEvidence, Evidence("Asterisk contacts", "none", source: "AMI PJSIPShowContacts")]))
                }
            case .unknown:
                break
            }
            for (field, word) in Self.unknownWords(port) {
                findings.append(Finding(Self.portStateUnknown, subject: subject,
                                        message: "\(subject) \(field) reads '\(word)', which dahdi-doctor does not know",
                                        evidence: [portEvidence], key: "gateway-word:\(gateway.name):\(port.port):\(field)"))
            }
            if port.kind == .fxo && port.lineConnected == false {
                findings.append(Finding(Self.lineDisconnected, subject: subject,
                                        message: "\(subject): PSTN line not connected (\(port.lineText ?? "no line"))",
                                        evidence: [portEvidence] + (port.lastDisconnectReason.map { [Evidence("last disconnect", $0, source: source)] } ?? [])))
            }
            if port.hook == .offHook, let endpoint = endpointState, (endpoint.activeChannels ?? 0) == 0 {
                findings.append(Finding(Self.stuckLine, subject: subject,
                                        message: "\(subject) is off-hook but Asterisk has no active channel on endpoint \(endpoint.name)",
                                        evidence: [portEvidence, Evidence("Asterisk active channels", "0", source: "AMI PJSIPShowEndpoints")]
                                            + (port.lastDisconnectReason.map { [Evidence("last disconnect", $0, source: source)] } ?? [])))
            }
        }
        return findings
    }

    /// The values a port shows that no vocabulary mapped: (field, word). Empty values say nothing and are skipped.
    static func unknownWords(_ port: GatewayPortStatus) -> [(String, String)] {
        var words: [(String, String)] = []
        func shown(_ text: String?) -> String? {
            guard let text, !text.trimmingWhitespace().isEmpty else { return nil }
            return String(text.prefix(80))
        }
        if port.registration == .unknown, let word = shown(port.registrationText) { words.append(("registration", word)) }
        if port.hook == .unknown, let word = shown(port.hookText) { words.append(("hook", word)) }
        if port.lineConnected == nil, let word = shown(port.lineText) { words.append(("line", word)) }
        return words
    }
}
