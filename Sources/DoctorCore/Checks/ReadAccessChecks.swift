/// Configuration files dahdi-doctor was not allowed to read. Permission denied is never an absent file and never a
/// pass: the checks that need the file could not look, so the report is UNKNOWN, names the file, who owns it and
/// how to grant read access.
public struct ReadAccessChecks: CheckFamily {
    public static let unreadable = CheckDefinition(
        id: "config-unreadable", family: "access", severity: .unknown,
        title: "a configuration file the checks need cannot be read",
        explanation: """
            Reading a configuration file was refused (EACCES/EPERM): the file's mode, or a directory on its way \
            that may not be searched (/etc/asterisk is asterisk:asterisk 0750 on most installs). A root process \
            without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (the shipped agent unit) is subject to file \
            permissions like any user. The checks that need the file did nothing: manager.conf and http.conf feed \
            the exposure audit, chan_dahdi.conf the chan_dahdi reconciliation and dahdi-channels-not-held, \
            pjsip.conf the PJSIP checks, /etc/dahdi the DAHDI configuration checks, every Asterisk file the \
            drift check. That is why the result is UNKNOWN and not OK. The finding names the file, the place \
            permission stops, its owner, group and mode, and who dahdi-doctor ran as.
            """,
        remediation: "let the user dahdi-doctor runs as join the file's group (the agent: SupplementaryGroups=GROUP in a drop-in for dahdi-doctor-agent.service; a login: usermod -aG GROUP USER) and give that group read access (chmod g+r on the file, g+rx on its directory); or run the check with sudo")

    public static let definitions = [unreadable]

    public init() {}

    /// What each file feeds, for the message.
    static func consumers(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        switch name {
        case "manager.conf", "http.conf", "ari.conf": return "the AMI/HTTP exposure audit"
        case "chan_dahdi.conf": return "the chan_dahdi reconciliation and dahdi-channels-not-held"
        case "pjsip.conf": return "the PJSIP checks"
        case "sip.conf": return "the chan_sip leftovers check"
        case "asterisk.conf": return "the container and path checks"
        case "system.conf", "assigned-spans.conf", "span-types.conf", "modules": return "the DAHDI configuration checks"
        default: return path.contains("/asterisk") ? "the Asterisk configuration checks" : "the configuration checks"
        }
    }

    public func run(_ context: CheckContext) -> [Finding] {
        let denials = context.observation.configAccess ?? []
        guard !denials.isEmpty else { return [] }
        // One finding per place permission stops (a directory blocks every file in it).
        var order: [String] = []
        var byBlock: [String: [ConfigReadDenial]] = [:]
        for denial in denials {
            if byBlock[denial.blockedAt] == nil { order.append(denial.blockedAt) }
            byBlock[denial.blockedAt, default: []].append(denial)
        }
        return order.map { blocked in
            let group = byBlock[blocked]!
            let first = group[0]
            let files = group.map(\.path)
            let names = files.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
            let owner = "\(first.owner ?? "?"):\(first.group ?? "?") \(first.mode ?? "?")"
            let what = first.blockedIsDirectory ? "directory \(blocked)" : blocked
            var evidence = [Evidence("refused", first.error.description, source: first.path),
                            Evidence("owner:group mode", owner, source: what)]
            if let reader = first.reader { evidence.append(Evidence("dahdi-doctor ran as", reader, source: "geteuid")) }
            if files.count > 1 { evidence.append(Evidence("files not read", files.prefix(12).joined(separator: ", "), source: what)) }
            let consumers = Array(Set(files.map(Self.consumers))).sorted()
            return Finding(Self.unreadable, subject: what,
                           message: "cannot read " + names.prefix(6).joined(separator: ", ") + (names.count > 6 ? ", ..." : "")
                               + " (\(what) is \(owner)): " + consumers.joined(separator: ", ") + " did not run",
                           evidence: evidence, remediation: Self.fix(first), key: "config-unreadable:\(blocked)")
        }
    }

    static func fix(_ denial: ConfigReadDenial) -> String {
        guard let group = denial.group else {
            return "make \(denial.blockedAt) readable to the user dahdi-doctor runs as, or run the check with sudo"
        }
        var steps = "let the user dahdi-doctor runs as join group \(group): for the agent, a drop-in for dahdi-doctor-agent.service (and dahdi-doctor-metrics.service) with "
            + "'SupplementaryGroups=\(group)' then 'systemctl restart dahdi-doctor-agent'; for a login, 'usermod -aG \(group) USER'"
        if denial.groupMayRead == false {
            steps += "; the group may not read yet: " + (denial.blockedIsDirectory ? "chmod g+rx \(denial.blockedAt)" : "chmod g+r \(denial.blockedAt)")
        }
        if denial.blockedIsDirectory {
            steps += " (the files in it need g+r too)"
        }
        return steps + "; or run 'sudo dahdi-doctor check'"
    }
}
