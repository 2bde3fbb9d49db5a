/// Who can reach Asterisk's control interfaces: AMI (manager.conf), AMI over HTTP and ARI (http.conf, ari.conf).
/// Secrets are judged by the class the parser gave them; no finding ever carries one.
public struct ExposureChecks: CheckFamily {
    public static let amiOpen = CheckDefinition(
        id: "ami-open-to-everyone", family: "exposure", severity: .critical,
        title: "AMI listens beyond loopback and a user admits any address",
        explanation: """
            manager.conf enables AMI on a non-loopback address (bindaddr defaults to 0.0.0.0) and an AMI user has \
            no permit/deny at all, or rules that still let an Internet address in (Asterisk applies permit/deny in \
            order, the last matching rule wins, and an address no rule matches is allowed). Anyone who can reach \
            the port can try that user's secret, and AMI users usually can originate calls: toll fraud follows. \
            Checked with 203.0.113.7 and 8.8.8.8 standing in for "anyone"; a named acl= from acl.conf is not \
            followed, so such a user is not judged.
            """,
        remediation: "give the user 'deny=0.0.0.0/0.0.0.0' then 'permit=' only for the hosts that need AMI (127.0.0.1/255.255.255.255), or bind AMI to 127.0.0.1 (bindaddr in [general]); then 'manager reload'")

    public static let ariOpen = CheckDefinition(
        id: "ari-open-to-everyone", family: "exposure", severity: .critical,
        title: "ARI listens beyond loopback and a user admits any address",
        explanation: """
            http.conf serves Asterisk's HTTP server on a non-loopback address and an ari.conf user has no \
            permit/deny, or rules that admit an Internet address ("If no restriction is defined for a given user, \
            no IPs will be blocked", ari.conf). ARI users that are not read_only control calls and channels.
            """,
        remediation: "add 'deny=0.0.0.0/0' and 'permit=' for the application hosts to the ARI user, or bind http.conf to 127.0.0.1; then 'module reload res_ari.so' and 'module reload http'")

    public static let weakSecret = CheckDefinition(
        id: "asterisk-secret-weak", family: "exposure", severity: .warning,
        title: "an AMI or ARI user has a weak secret",
        explanation: """
            An AMI user (manager.conf secret) or an ARI user (ari.conf password, plain format) has an empty secret, \
            one shorter than 12 characters, one equal to the user name, or a well-known sample secret (the \
            defaults of FreePBX/Elastix installers, Asterisk's samples and the common guides: the first ones an \
            attacker tries). dahdi-doctor classifies the secret while reading the file and keeps only the class; \
            the secret is never printed or saved. The finding is critical when the interface is reachable from \
            any address.
            """,
        remediation: "set a long random secret (e.g. 'openssl rand -hex 16') in the file and in every client that logs in (FreePBX: AMPMGRPASS in the Advanced Settings, then 'fwconsole reload'); then 'manager reload' / 'module reload res_ari.so'")

    public static let excessWrite = CheckDefinition(
        id: "ami-user-excess-write", family: "exposure", severity: .warning,
        title: "the monitoring AMI user has write classes it does not need",
        explanation: """
            dahdi-doctor logs in as a monitoring user and needs only write=system,reporting (CoreSettings, \
            CoreStatus, ModuleCheck and the PJSIPShow* actions; the DAHDI actions need no class). The user has \
            more: originate, call, command, config, agent or all let whoever holds the secret place calls, run CLI \
            commands or rewrite configuration files. A monitoring credential sits in more places (a monitoring \
            server, a backup) than an administrator's, so it should be the weakest one.
            """,
        remediation: "let 'sudo dahdi-doctor setup ami' create a dedicated user with only these classes (loopback only, a random secret), or set 'read = system,reporting' and 'write = system,reporting' on the monitoring user in manager.conf by hand (docs/asterisk.md), then 'manager reload'")

    public static let webWithoutTLS = CheckDefinition(
        id: "ami-http-without-tls", family: "exposure", severity: .warning,
        title: "AMI over HTTP without TLS beyond loopback",
        explanation: """
            manager.conf has enabled=yes and webenabled=yes, and http.conf serves plain HTTP on a non-loopback \
            address: AMI logins (/manager, /rawman, /mxml) and their session cookies cross the network in clear \
            text. Loopback-only HTTP is not reported.
            """,
        remediation: "turn webenabled off if nothing uses AMI over HTTP; otherwise set tlsenable=yes with a certificate in http.conf and bind the plain listener to 127.0.0.1")

    public static let ariPlain = CheckDefinition(
        id: "ari-plain-password-exposed", family: "exposure", severity: .warning,
        title: "ARI user with a plain-text password reachable beyond loopback",
        explanation: """
            An ari.conf user keeps its password in plain text (password_format=plain, the default) while \
            Asterisk's HTTP server listens beyond loopback. Anyone who reads ari.conf (a backup, a support bundle, \
            a container image layer) gets a credential usable from the network. With crypt, the file holds only a \
            crypt(3) hash.
            """,
        remediation: "store a hash: 'mkpasswd -m sha-512', then 'password = <hash>' and 'password_format = crypt' in ari.conf; 'module reload res_ari.so'")

    public static let definitions = [amiOpen, ariOpen, weakSecret, excessWrite, webWithoutTLS, ariPlain]

    /// What dahdi-doctor's monitoring user needs (docs/asterisk.md, the AMI user; `setup ami` creates it).
    public static let monitoringWriteClasses: Set<String> = ["system", "reporting"]
    /// Its name when the credentials do not say.
    public static let defaultMonitoringUser = "dahdi-doctor"

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        guard let setup = context.observation.asteriskSetup else { return [] }
        var findings: [Finding] = []
        if let manager = setup.manager?.value {
            findings += amiFindings(manager, monitoringUser: setup.monitoringUser ?? Self.defaultMonitoringUser)
            if let http = setup.http?.value { findings += webFindings(manager, http) }
        }
        if let ari = setup.ari?.value, let http = setup.http?.value { findings += ariFindings(ari, http) }
        return findings
    }

    func amiFindings(_ manager: ManagerConfSummary, monitoringUser: String) -> [Finding] {
        guard manager.enabled else { return [] }
        var findings: [Finding] = []
        let scope = BindScope.of(manager.bindAddress)
        let bindEvidence = Evidence("bindaddr", "\(manager.bindAddress):\(manager.port) (\(scope.rawValue.replacingUnderscores()))",
                                    source: manager.generalSource ?? "manager.conf")
        for user in manager.users {
            let open = scope.reachableBeyondLoopback && user.access.admitsEveryone == true
            let where_ = "\(user.file):\(user.line)"
            if open {
                findings.append(Finding(Self.amiOpen, subject: "AMI user \(user.name)",
                                        message: "AMI user \(user.name) can log in from any address: AMI listens on \(manager.bindAddress) and \(user.access.summary)",
                                        evidence: [bindEvidence, Evidence("access", user.access.summary, source: where_)],
                                        key: "ami-open:\(user.name)"))
            }
            if user.secret != .ok {
                findings.append(Finding(Self.weakSecret, subject: "AMI user \(user.name)",
                                        message: "AMI user \(user.name) has \(user.secret.phrase)",
                                        evidence: [Evidence("secret", user.secret.phrase, source: where_), bindEvidence],
                                        key: "weak-secret:ami:\(user.name)", causeKey: nil,
                                        severity: open ? .critical : nil))
            }
            if user.name == monitoringUser {
                let extra = user.write.filter { !Self.monitoringWriteClasses.contains($0) }
                if !extra.isEmpty {
                    findings.append(Finding(Self.excessWrite, subject: "AMI user \(user.name)",
                                            message: "the monitoring AMI user \(user.name) can also write " + extra.joined(separator: ","),
                                            evidence: [Evidence("write", user.write.joined(separator: ","), source: user.writeSource ?? where_),
                                                       Evidence("needed", "system,reporting", source: "dahdi-doctor's AMI actions")],
                                            key: "ami-excess-write:\(user.name)"))
                }
            }
        }
        return findings
    }

    func webFindings(_ manager: ManagerConfSummary, _ http: HttpConfSummary) -> [Finding] {
        guard manager.enabled, manager.webEnabled, let listener = http.plainListener,
              BindScope.of(listener).reachableBeyondLoopback else { return [] }
        return [Finding(Self.webWithoutTLS, subject: "AMI over HTTP",
                        message: "AMI over HTTP (webenabled=yes) is served in clear text on \(listener):\(http.bindPort)",
                        evidence: [Evidence("webenabled", "yes", source: manager.generalSource ?? "manager.conf"),
                                   Evidence("http bindaddr", "\(listener):\(http.bindPort)", source: http.source ?? "http.conf"),
                                   Evidence("tlsenable", http.tlsEnabled ? "yes (the plain listener stays open)" : "no", source: http.source ?? "http.conf")],
                        key: "ami-http-plain")]
    }

    func ariFindings(_ ari: AriConfSummary, _ http: HttpConfSummary) -> [Finding] {
        guard ari.enabled, http.enabled else { return [] }
        let listeners = [http.plainListener, http.tlsEnabled ? (http.tlsBindAddress ?? http.bindAddress) : nil].compactMap { $0 }
        guard !listeners.isEmpty else { return [] }
        let exposed = listeners.contains { BindScope.of($0).reachableBeyondLoopback }
        let httpEvidence = Evidence("http listeners", listeners.joined(separator: ", "), source: http.source ?? "http.conf")
        var findings: [Finding] = []
        for user in ari.users {
            let where_ = "\(user.file):\(user.line)"
            let open = exposed && user.access.admitsEveryone == true
            if open {
                findings.append(Finding(Self.ariOpen, subject: "ARI user \(user.name)",
                                        message: "ARI user \(user.name)\(user.readOnly ? " (read-only)" : "") can log in from any address: \(user.access.summary)",
                                        evidence: [httpEvidence, Evidence("access", user.access.summary, source: where_)],
                                        key: "ari-open:\(user.name)", severity: user.readOnly ? .warning : nil))
            }
            if let secret = user.secret, secret != .ok {
                findings.append(Finding(Self.weakSecret, subject: "ARI user \(user.name)",
                                        message: "ARI user \(user.name) has \(secret.phrase)",
                                        evidence: [Evidence("password", secret.phrase, source: where_), httpEvidence],
                                        key: "weak-secret:ari:\(user.name)", severity: open ? .critical : nil))
            }
            if exposed && user.passwordFormat == "plain" {
                findings.append(Finding(Self.ariPlain, subject: "ARI user \(user.name)",
                                        message: "ARI user \(user.name) has a plain-text password and ARI is reachable on \(listeners.joined(separator: ", "))",
                                        evidence: [Evidence("password_format", "plain", source: where_), httpEvidence],
                                        key: "ari-plain:\(user.name)"))
            }
        }
        return findings
    }
}

extension String {
    func replacingUnderscores() -> String { String(map { $0 == "_" ? " " : $0 }) }
}
