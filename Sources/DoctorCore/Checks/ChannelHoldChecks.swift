/// Does anything hold the DAHDI channels Asterisk is configured to use? chan_dahdi opens every channel of
/// chan_dahdi.conf when it loads and keeps it open while Asterisk runs; the kernel marks an open channel in use
/// (DAHDI_FLAGBIT_OPEN: sysfs `in_use`, "(In use)" in /proc/dahdi). When every configured channel chan_dahdi.conf
/// lists is closed, no call can use them: Asterisk is stopped, or chan_dahdi is not loaded.
///
/// This needs neither AMI nor NOTOPEN: the kernel and chan_dahdi.conf are the evidence, so it fires when AMI is
/// not set up or not answering (that is when the technician asks first). NOTOPEN is no substitute: only some T1/E1
/// drivers raise it, and only when the line configuration asks; analog and dynamic spans never do.
public struct ChannelHoldChecks: CheckFamily {
    public static let notHeld = CheckDefinition(
        id: "dahdi-channels-not-held", family: "asterisk-dahdi", severity: .critical,
        title: "no process holds the DAHDI channels chan_dahdi.conf lists",
        explanation: """
            Every DAHDI channel that chan_dahdi.conf lists and the kernel has configured is closed: the kernel \
            reports it not in use (sysfs in_use = 0, no "(In use)" in /proc/dahdi). chan_dahdi opens each of its \
            channels when it loads and holds it while Asterisk runs, so Asterisk is not running, or runs without \
            chan_dahdi (not loaded, or it declined to load: see chan-dahdi-not-loaded and \
            chan-dahdi-channel-missing). No call can be made or received on these lines. This needs no AMI: when AMI \
            is unreachable too (connection refused), that is the same cause and is folded under this finding. A \
            span's NOTOPEN alarm is not used: analog and dynamic spans never raise it.
            """,
        remediation: "'systemctl status asterisk' (start it, read why it stopped: journalctl -u asterisk); if Asterisk runs, 'module show like chan_dahdi' in its CLI and 'module load chan_dahdi.so' to see why chan_dahdi is not loaded",
        faults: ["C22"])

    public static let definitions = [notHeld]
    public static let key = "dahdi-channels-not-held"

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        guard context.kernelReadable, let config = context.observation.config.chanDahdi?.value else { return [] }
        let listed = Set(config.channels.map(\.channel))
        let wanted = listed.compactMap { context.channels[$0] }.filter(\.configured).sorted { $0.number < $1.number }
        // Only when the kernel says for each of them whether it is open.
        guard !wanted.isEmpty, wanted.allSatisfy({ $0.inUse != nil }), wanted.allSatisfy({ $0.inUse == false }) else { return [] }
        let numbers = wanted.map(\.number)
        let runs = NumberRuns.runs(numbers).map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
        let list = runs.prefix(8).joined(separator: ",") + (runs.count > 8 ? ",..." : "")
        // sysfs `in_use` is read only for channels whose /proc/dahdi line did not already say it.
        let fromSysfs = context.observation.dahdi.sysfs?.channels.contains { $0.inUse != nil } == true
        let source = fromSysfs ? "sysfs channels/*/in_use" : "/proc/dahdi"
        var evidence = [Evidence("channels in use", "0 of \(wanted.count) (\(list))", source: source),
                        Evidence("chan_dahdi.conf", "\(listed.count) channel(s)", source: config.files.first ?? "chan_dahdi.conf")]
        // chan_dahdi.conf itself makes chan_dahdi decline to load: that is why nothing holds them.
        let decline = ChanDahdiChecks.declineCause(context)
        var cause: String? = decline?.key
        if let decline { evidence.append(Evidence("chan_dahdi declines to load", decline.why, source: decline.source)) }
        let asterisk = context.observation.asterisk
        if let asterisk, let failure = asterisk.sessionFailure {
            evidence.append(Evidence("AMI", failure.description, source: "\(asterisk.sourceLabel)"))
        } else if AsteriskView.chanDahdiNotLoaded(asterisk) {
            cause = AsteriskView.chanDahdiNotLoadedKey
        } else if asterisk == nil {
            evidence.append(Evidence("AMI", "not asked", source: "dahdi-doctor settings"))
        }
        let subject = numbers.count == 1 ? "channel \(numbers[0])" : "channels \(list)"
        return [Finding(Self.notHeld, subject: subject,
                        message: "none of the \(wanted.count) DAHDI channel(s) chan_dahdi.conf lists is open (\(list)): "
                            + (decline != nil ? "chan_dahdi declines to load with this chan_dahdi.conf"
                               : cause != nil ? "chan_dahdi is not loaded in Asterisk" : "Asterisk is not running, or chan_dahdi does not hold them"),
                        evidence: evidence, key: Self.key, causeKey: cause)]
    }
}
