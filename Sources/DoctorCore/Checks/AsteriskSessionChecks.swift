/// Could dahdi-doctor talk to Asterisk at all, and with enough permission? Without AMI, Asterisk's side of every
/// reconciliation is unknown, which is not the same as fine.
public struct AsteriskSessionChecks: CheckFamily {
    public static let unreachable = CheckDefinition(
        id: "ami-unreachable", family: "asterisk", severity: .unknown,
        title: "cannot talk to Asterisk over AMI",
        explanation: """
            dahdi-doctor could not hold an AMI session with Asterisk (connection refused, timed out, TLS failed, or \
            the peer is not AMI), so Asterisk's view of PJSIP and chan_dahdi is unknown. If the connection is \
            refused, Asterisk may not be running, or manager.conf has enabled=no or a different bindaddr/port. When \
            the kernel also shows every channel chan_dahdi.conf lists closed, Asterisk is not running: this finding is \
            then folded under dahdi-channels-not-held.
            """,
        remediation: "check 'systemctl status asterisk'; check manager.conf [general] enabled, bindaddr and port; then 'dahdi-doctor check --ami-host HOST --ami-port PORT'")

    public static let loginRefused = CheckDefinition(
        id: "ami-login-refused", family: "asterisk", severity: .unknown,
        title: "Asterisk refused the AMI login",
        explanation: "Asterisk answered \"Authentication failed\": the user does not exist in manager.conf, the secret differs, or the user's permit/deny ACL excludes this address. Asterisk's view is unknown.",
        remediation: "run 'sudo dahdi-doctor setup ami': it creates dahdi-doctor's own AMI user and credentials file, reloads manager.conf and tests the login; or check the [user] section in manager.conf (secret, permit) against dahdi-doctor's credentials file by hand (docs/asterisk.md), then 'manager reload'")

    public static let permissionMissing = CheckDefinition(
        id: "ami-permission-missing", family: "asterisk", severity: .warning,
        title: "the AMI user lacks a permission class",
        explanation: """
            Asterisk answered "Permission denied" to a read dahdi-doctor needs. Asterisk authorises actions against the \
            user's write= classes (events against read=): PJSIPShow* and DAHDIShow* need 'system', CoreSettings \
            'system' or 'reporting'. The checks that need that read are skipped.
            """,
        remediation: "run 'sudo dahdi-doctor setup ami' for a user with exactly these classes, or give the AMI user 'read = system,reporting' and 'write = system,reporting' in manager.conf by hand (docs/asterisk.md), then 'manager reload'")

    public static let actionUnsupported = CheckDefinition(
        id: "asterisk-action-unsupported", family: "asterisk", severity: .info,
        title: "this Asterisk lacks an AMI action",
        explanation: """
            Asterisk does not know an action dahdi-doctor would use ("Invalid/unknown command"). Asterisk registers \
            each action when the module that provides it loads, so there are two causes, and the finding says which \
            one the evidence shows: the release is older than the action (DAHDIShowStatus arrived in 21.3.0, 20.8.0 \
            and 18.23.0), or the providing module is not loaded now (ModuleCheck answers "Module not loaded", or the \
            version has the action). res_pjsip not loaded is not reported here: on a DAHDI-only box it is normal, \
            and pjsip-not-loaded reports it when PJSIP is configured. The checks that need the action are skipped.
            """,
        remediation: "nothing is wrong by itself; on an old release, upgrade Asterisk for the extra checks; for a module not loaded, 'module load MODULE' if it is meant to run")

    public static let credentialsUnusable = CheckDefinition(
        id: "ami-credentials-unusable", family: "asterisk", severity: .unknown,
        title: "the AMI credentials cannot be used",
        explanation: "dahdi-doctor refused or could not read its AMI credentials: the file must be a regular file, mode 0600 or stricter, owned by the user running dahdi-doctor or root, with 'username = ...' and 'secret = ...' lines (or DAHDI_DOCTOR_AMI_USER and DAHDI_DOCTOR_AMI_SECRET both set). Asterisk's view is unknown.",
        remediation: "chmod 600 the credentials file and chown it to the user running dahdi-doctor (or root); the finding says what is wrong")

    public static let tlsUnverified = CheckDefinition(
        id: "ami-tls-unverified", family: "asterisk", severity: .warning,
        title: "AMI over TLS without certificate verification",
        explanation: "The AMI session used TLS with --ami-tls-insecure: the traffic is encrypted but the server is not authenticated, so anyone on the path could impersonate Asterisk and collect the AMI secret.",
        remediation: "give dahdi-doctor the CA that signed Asterisk's certificate (--ami-ca-file or ca_file in [ami]) and drop --ami-tls-insecure")

    public static let definitions = [unreachable, loginRefused, credentialsUnusable, permissionMissing, actionUnsupported, tlsUnverified]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        guard let asterisk = context.observation.asterisk else { return [] }
        if let failure = asterisk.sessionFailure {
            let definition = failure.action == "credentials" ? Self.credentialsUnusable
                : failure.kind == .loginRefused ? Self.loginRefused : Self.unreachable
            return [Finding(definition, subject: "AMI \(asterisk.target)", message: "AMI at \(asterisk.target): \(failure.message)",
                            evidence: [Evidence("session", failure.description, source: "AMI \(asterisk.target)" + (asterisk.tls ? " (TLS)" : ""))],
                            key: AsteriskView.sessionKey,
                            // Refused while no process holds the DAHDI channels: one cause, Asterisk is not running.
                            causeKey: failure.kind == .connect ? ChannelHoldChecks.key : nil)]
        }
        var findings: [Finding] = []
        if asterisk.tls && asterisk.tlsVerified == false {
            findings.append(Finding(Self.tlsUnverified, subject: "AMI \(asterisk.target)", message: "AMI at \(asterisk.target) uses TLS without verifying the certificate",
                                    evidence: [Evidence("certificate", "not verified (--ami-tls-insecure)", source: "AMI \(asterisk.target)")]))
        }
        let reads: [(String, AMIFailure?)] = [
            ("PJSIPShowEndpoints", asterisk.endpoints?.failure), ("PJSIPShowContacts", asterisk.contacts?.failure),
            ("PJSIPShowAors", asterisk.aors?.failure), ("PJSIPShowRegistrationsOutbound", asterisk.outboundRegistrations?.failure),
            ("DAHDIShowChannels", asterisk.dahdiChannels?.failure), ("DAHDIShowStatus", asterisk.dahdiSpans?.failure),
        ]
        let denied = reads.filter { $0.1?.kind == .permission }.map(\.0)
        if !denied.isEmpty {
            findings.append(Finding(Self.permissionMissing, subject: "AMI \(asterisk.target)",
                                    message: "the AMI user may not run " + denied.joined(separator: ", "),
                                    evidence: denied.map { Evidence($0, "Permission denied", source: "AMI \(asterisk.target)") }))
        }
        // DAHDIShowChannels unknown means chan_dahdi is not loaded: a finding of its own (AsteriskDahdiChecks).
        // Without chan_dahdi, DAHDIShowStatus is missing for the same reason: not worth a second line. An action
        // missing because its module is not loaded is not an old Asterisk: res_pjsip absent is reported (or not,
        // on a DAHDI-only box) by AsteriskModuleChecks.
        let noChanDahdi = AsteriskView.chanDahdiNotLoaded(asterisk)
        let unsupported = reads.filter {
            $0.1?.kind == .unsupported && $0.0 != "DAHDIShowChannels" && !(noChanDahdi && $0.0 == "DAHDIShowStatus")
        }
        for (action, failure) in unsupported {
            let absence = AsteriskModules.absence(of: action, in: asterisk)
            let message: String
            var evidence = [Evidence(action, failure?.message ?? "unsupported", source: "AMI \(asterisk.target)")]
            switch absence {
            case .moduleNotLoaded(let module, let how):
                // res_pjsip (and so its outbound registrations) missing: AsteriskModuleChecks says whether it matters.
                if module == "res_pjsip.so" || action.hasPrefix("PJSIP") && AsteriskModules.pjsipNotLoaded(asterisk) != nil { continue }
                message = "Asterisk \(asterisk.asteriskVersion ?? "") has no \(action) now: \(module) is not loaded"
                evidence.append(Evidence(module, how, source: "AMI \(asterisk.target)"))
            case .tooOld(let version):
                message = "Asterisk \(version) is older than \(action): " + (failure?.message ?? "")
            case .unknown:
                message = "Asterisk \(asterisk.asteriskVersion ?? "") has no \(action) (an older release, or its module is not loaded): " + (failure?.message ?? "")
            }
            var remediation: String? = nil
            if case .moduleNotLoaded(let module, _) = absence {
                remediation = "nothing is wrong if \(module) is not meant to run here; otherwise 'module load \(module)' in the Asterisk CLI and read the errors"
            }
            findings.append(Finding(Self.actionUnsupported, subject: "AMI \(action)", message: message,
                                    evidence: evidence, remediation: remediation))
        }
        return findings
    }
}

/// Shared vocabulary for the Asterisk checks.
public enum AsteriskView {
    public static let sessionKey = "ami-session"
    public static let chanDahdiNotLoadedKey = "chan-dahdi-not-loaded"

    /// chan_dahdi answered DAHDIShowChannels with "Invalid/unknown command": the module is not loaded.
    public static func chanDahdiNotLoaded(_ asterisk: AsteriskObservation?) -> Bool {
        asterisk?.sessionFailure == nil && asterisk?.dahdiChannels?.failure?.kind == .unsupported
    }
}
