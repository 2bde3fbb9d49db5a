/// Asterisk read through its control socket: CLI text is less stable than AMI, so whatever the parsers did not
/// recognise, and every read that failed for another reason than a missing module or permission, is a finding
/// quoting it. It never reads as fine.
public struct AsteriskConsoleChecks: CheckFamily {
    public static let readFailed = CheckDefinition(
        id: "asterisk-console-read-failed", family: "asterisk", severity: .unknown,
        title: "Asterisk's console printed something dahdi-doctor cannot read",
        explanation: """
            dahdi-doctor read Asterisk through its control socket (as `asterisk -rx` does, because no AMI credentials \
            are set up) and a command failed, or printed lines none of its parsers recognise: another Asterisk \
            version, a module that changed its table, or output cut short. The checks that need that command are \
            skipped or may be incomplete; the finding quotes the lines.
            """,
        remediation: "set up AMI for dahdi-doctor (docs/asterisk.md: the AMI user), which does not depend on CLI text; report the quoted lines with 'asterisk -rx \"core show version\"'")

    public static let unreachable = CheckDefinition(
        id: "asterisk-console-unreachable", family: "asterisk", severity: .unknown,
        title: "cannot talk to Asterisk through its control socket",
        explanation: """
            No AMI credentials are set up, so dahdi-doctor (as root) tried Asterisk's control socket, the one \
            `asterisk -rx` uses. The socket file is there but nothing usable answered: Asterisk stopped and left a \
            stale socket (connection refused), it hangs, or another program owns the path. Asterisk's view of PJSIP \
            and chan_dahdi is unknown.
            """,
        remediation: "check 'systemctl status asterisk' and 'asterisk -rx \"core show version\"'; or set up AMI for dahdi-doctor (docs/asterisk.md)")

    public static let definitions = [unreachable, readFailed]

    public init() {}

    /// How many lines one finding quotes.
    static let quoted = 5

    public func run(_ context: CheckContext) -> [Finding] {
        guard let asterisk = context.observation.asterisk, asterisk.readViaConsole else { return [] }
        if let failure = asterisk.sessionFailure {
            return [Finding(Self.unreachable, subject: asterisk.sourceLabel, message: "\(asterisk.sourcePhrase): \(failure.message)",
                            evidence: [Evidence("session", failure.description, source: asterisk.sourceLabel)],
                            key: AsteriskView.sessionKey)]
        }
        var findings: [Finding] = []
        let failures: [(String, AMIFailure?)] = [
            ("pjsip show endpoints", asterisk.endpoints?.failure),
            ("pjsip show contacts", asterisk.contacts?.failure), ("pjsip show aors", asterisk.aors?.failure),
            ("pjsip show registrations", asterisk.outboundRegistrations?.failure),
            ("dahdi show channels", asterisk.dahdiChannels?.failure), ("dahdi show status", asterisk.dahdiSpans?.failure),
        ] + (asterisk.moduleChecks ?? []).map { ("module show like \($0.module)", $0.loaded.failure) }
        for (command, failure) in failures {
            guard let failure, failure.kind != .unsupported, failure.kind != .permission else { continue }
            findings.append(Finding(Self.readFailed, subject: "'\(command)'",
                                    message: "'\(command)' could not be read: \(failure.message)",
                                    evidence: [Evidence(command, failure.description, source: asterisk.sourceLabel)]))
        }
        var byCommand: [String: [String]] = [:]
        var order: [String] = []
        for line in asterisk.unrecognised ?? [] {
            if byCommand[line.command] == nil { order.append(line.command) }
            byCommand[line.command, default: []].append(line.line)
        }
        for command in order {
            let lines = byCommand[command] ?? []
            findings.append(Finding(Self.readFailed, subject: "'\(command)'",
                                    message: "'\(command)' printed \(lines.count) line(s) dahdi-doctor does not recognise",
                                    evidence: lines.prefix(Self.quoted).map { Evidence("line", "\"\($0)\"", source: asterisk.sourceLabel) }
                                        + (lines.count > Self.quoted ? [Evidence("more lines", "\(lines.count - Self.quoted)", source: asterisk.sourceLabel)] : [])))
        }
        return findings
    }
}
