/// What runs against what is written: Asterisk configuration files changed after Asterisk's last reload.
public struct DriftChecks: CheckFamily {
    public static let changedSinceReload = CheckDefinition(
        id: "config-changed-since-reload", family: "drift", severity: .warning,
        title: "Asterisk configuration changed after the last reload",
        explanation: """
            A configuration file Asterisk reads was modified after Asterisk's last reload (AMI CoreStatus, \
            CoreReloadDate/CoreReloadTime), so what Asterisk runs is not what is written: typical when a web back \
            end regenerated the files and the reload failed or never came. Every other check compares the files \
            with the running state, so this explains why they may disagree.
            Time zones: Asterisk prints the reload time in the local time of its own box, without a zone. \
            dahdi-doctor reads it in this machine's local time (the UTC offset is in the evidence). When Asterisk \
            runs elsewhere, or in a container with another TZ, the two differ: a reload time that would lie in the \
            future is taken as such a mismatch and nothing is reported. Reloads made with a module's own command \
            ('pjsip reload', 'dahdi restart') do not move CoreReloadTime; 'module reload' and 'core reload' do.
            """,
        remediation: "look at what changed (diff against a backup or the GUI's pending changes), then 'core reload' (or 'module reload' of the module concerned) and check the log for errors")

    public static let definitions = [changedSinceReload]

    /// File times are whole seconds on some file systems, the reload time always: allow that much.
    static let slack = 1.0

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        guard let setup = context.observation.asteriskSetup, let offset = setup.utcOffsetSeconds,
              let asterisk = context.observation.asterisk, asterisk.sessionFailure == nil,
              let status = asterisk.coreStatus?.value, let reload = status.reloadEpoch(utcOffsetSeconds: offset) else { return [] }
        // A reload "in the future" means Asterisk's zone is not ours: the comparison would be meaningless.
        guard reload <= context.observation.observedAt + 60 else { return [] }
        let changed = setup.fileTimes.filter { $0.modified > reload + Self.slack && !$0.path.hasSuffix("/asterisk.conf") }
            .sorted { $0.modified > $1.modified }
        guard !changed.isEmpty else { return [] }
        let source = "\(asterisk.sourceLabel) CoreStatus"
        var evidence = [Evidence("last reload", "\(status.reloadDate ?? "?") \(status.reloadTime ?? "?") read as UTC\(Self.offsetText(offset)) = \(Self.utcText(reload))",
                                 source: source)]
        evidence += changed.prefix(20).map { Evidence("modified", Self.utcText($0.modified), source: $0.path) }
        let names = changed.map { $0.path.split(separator: "/").last.map(String.init) ?? $0.path }
        return [Finding(Self.changedSinceReload, subject: "Asterisk configuration",
                        message: "\(changed.count) Asterisk file(s) changed after the last reload: " + names.prefix(8).joined(separator: ", ")
                            + (names.count > 8 ? ", ..." : ""),
                        evidence: evidence, key: "config-drift")]
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
