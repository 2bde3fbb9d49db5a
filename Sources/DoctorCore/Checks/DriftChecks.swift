/// What runs against what is written: Asterisk configuration files changed after Asterisk's last reload.
public struct DriftChecks: CheckFamily {
    public static let changedSinceReload = CheckDefinition(
        id: "config-changed-since-reload", family: "drift", severity: .warning,
        title: "Asterisk configuration changed after the last reload",
        explanation: """
            A configuration file Asterisk reads was modified after Asterisk's last reload (AMI CoreStatus, \
            CoreReloadDate/CoreReloadTime; over the console, 'core show uptime seconds'), so what Asterisk runs is \
            not what is written: typical when a web back end regenerated the files and the reload failed or never \
            came. Every other check compares the files with the running state, so this explains why they may disagree.
            Time zones: Asterisk prints the reload time in the local time of its own box, without a zone. \
            dahdi-doctor reads it in this machine's local time (the UTC offset is in the evidence). When Asterisk \
            runs elsewhere, or in a container with another TZ, the two differ: a reload time that would lie in the \
            future is taken as such a mismatch and nothing is reported. Over the console there is no zone to guess: \
            Asterisk prints whole seconds since its last reload, counted back from when the answer arrived, so the \
            moment is never early and at most a second plus the round trip late: a file changed within that window \
            after a reload is not reported, one changed before it never is.
            Only a reload through Asterisk's loader moves that clock (main/loader.c, ast_module_reload: 'core reload', \
            'module reload NAME', 'reload NAME'). A module's own reload command does not: 'manager reload' (manager.c \
            reloads itself), 'dahdi restart', 'pjsip reload', 'sip reload'. So this warning is given only for files \
            whose module has no such command (http.conf, ari.conf); the others get config-changed-reload-unknown.
            """,
        remediation: "look at what changed (diff against a backup or the GUI's pending changes), then 'core reload' (or 'module reload' of the module concerned) and check the log for errors")

    public static let reloadUnknown = CheckDefinition(
        id: "config-changed-reload-unknown", family: "drift", severity: .info,
        title: "Asterisk file changed after the last reload; its module's own reload is not on the reload clock",
        explanation: """
            manager.conf, chan_dahdi.conf (with dahdi-channels.conf and its other includes), pjsip.conf (with its \
            includes) or sip.conf was modified after Asterisk's last reload time (AMI CoreStatus, or 'core show \
            uptime seconds' over the console). Each of these modules has a reload command of its own that leaves \
            that time alone ('manager reload', 'dahdi restart', \
            'pjsip reload', 'sip reload': only main/loader.c's ast_module_reload moves it), and the README tells \
            users to run 'manager reload' after creating the AMI user. So the change may well be live: dahdi-doctor \
            says what is known (when the file changed, when the clock says Asterisk last reloaded) and no more. \
            The reconciliation checks (chan_dahdi against chan_dahdi.conf, PJSIP against pjsip.conf, the AMI \
            exposure audit) compare the running state itself and say whether it differs.
            """,
        remediation: "nothing if the module was reloaded with its own command after the edit; otherwise reload it ('manager reload', 'module reload chan_dahdi.so', 'pjsip reload') and check the log for errors")

    public static let definitions = [changedSinceReload, reloadUnknown]

    /// File times are whole seconds on some file systems, the reload time always: allow that much.
    static let slack = 1.0

    public init() {}

    /// Files whose module's own reload command leaves CoreReloadTime alone (manager.conf, sip.conf, chan_dahdi.conf
    /// and pjsip.conf with their includes): everything read for the setup but http.conf, ari.conf, asterisk.conf.
    static func ownReloadCommand(_ path: String) -> String? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        switch name {
        case "http.conf", "ari.conf", "asterisk.conf": return nil
        case "manager.conf": return "manager reload"
        case "sip.conf": return "sip reload"
        case "pjsip.conf": return "pjsip reload"
        default: return name.hasPrefix("pjsip") ? "pjsip reload" : "dahdi restart"
        }
    }

    public func run(_ context: CheckContext) -> [Finding] {
        guard let setup = context.observation.asteriskSetup,
              let asterisk = context.observation.asterisk, asterisk.sessionFailure == nil,
              let status = asterisk.coreStatus?.value, let reload = status.reloadEpoch(utcOffsetSeconds: setup.utcOffsetSeconds) else { return [] }
        // A reload "in the future" means Asterisk's zone is not ours: the comparison would be meaningless.
        guard reload <= context.observation.observedAt + 60 else { return [] }
        let changed = setup.fileTimes.filter { $0.modified > reload + Self.slack && !$0.path.hasSuffix("/asterisk.conf") }
            .sorted { $0.modified > $1.modified }
        guard !changed.isEmpty else { return [] }
        let chanDahdiFiles = Set(context.observation.config.chanDahdi?.value?.files ?? [])
        func command(_ path: String) -> String? { chanDahdiFiles.contains(path) ? "dahdi restart" : Self.ownReloadCommand(path) }
        let reloadEvidence: Evidence
        if status.reloadAt != nil {
            reloadEvidence = Evidence("last reload", "\(Self.utcText(reload)) (the seconds since it, counted back from the answer)",
                                      source: "\(asterisk.sourceLabel) core show uptime seconds")
        } else {
            let offset = Self.offsetText(setup.utcOffsetSeconds ?? 0)
            reloadEvidence = Evidence("last reload", "\(status.reloadDate ?? "?") \(status.reloadTime ?? "?") read as UTC\(offset) = \(Self.utcText(reload))",
                                      source: "\(asterisk.sourceLabel) CoreStatus")
        }
        var findings: [Finding] = []
        let covered = changed.filter { command($0.path) == nil }
        if !covered.isEmpty {
            let names = covered.map { $0.path.split(separator: "/").last.map(String.init) ?? $0.path }
            findings.append(Finding(Self.changedSinceReload, subject: "Asterisk configuration",
                                    message: "\(covered.count) Asterisk file(s) changed after the last reload: " + names.prefix(8).joined(separator: ", ")
                                        + (names.count > 8 ? ", ..." : ""),
                                    evidence: [reloadEvidence] + covered.prefix(20).map { Evidence("modified", Self.utcText($0.modified), source: $0.path) },
                                    key: "config-drift"))
        }
        let uncovered = changed.filter { command($0.path) != nil }
        if !uncovered.isEmpty {
            let commands = Array(Set(uncovered.compactMap { command($0.path) })).sorted()
            let names = uncovered.map { $0.path.split(separator: "/").last.map(String.init) ?? $0.path }
            findings.append(Finding(Self.reloadUnknown, subject: "Asterisk configuration (own reloads)",
                                    message: names.prefix(6).joined(separator: ", ") + (names.count > 6 ? ", ..." : "")
                                        + " changed at \(Self.utcText(uncovered[0].modified)), after the last reload on Asterisk's clock (\(Self.utcText(reload))); "
                                        + "that clock does not cover " + commands.map { "'\($0)'" }.joined(separator: ", ") + ", so whether the change is live is not known",
                                    evidence: [reloadEvidence] + uncovered.prefix(20).map { Evidence("modified", Self.utcText($0.modified), source: $0.path) },
                                    key: "config-drift-own-reload"))
        }
        return findings
    }

    static func offsetText(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        return sign + (minutes / 60 < 10 ? "0" : "") + "\(minutes / 60):" + (minutes % 60 < 10 ? "0" : "") + "\(minutes % 60)"
    }

    /// "2026-11-21 07:30:00 UTC".
    static func utcText(_ epoch: Double) -> String {
        String(TimeText.iso8601UTC(epoch).map { $0 == "T" ? " " : $0 }.dropLast()) + " UTC"
    }
}
