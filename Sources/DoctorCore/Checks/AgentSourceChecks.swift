/// The agent reads each source on its own thread with a deadline. A source stuck past it (an ioctl that does not
/// return, an AMI that accepted the connection and went silent, a gateway that trickles bytes) must show, because
/// the rest of the report is then built on its last answer.
public struct AgentSourceChecks: CheckFamily {
    public static let sourceOverdue = CheckDefinition(
        id: "source-overdue", family: "agent", severity: .unknown,
        title: "a source has not answered within its deadline",
        explanation: """
            The agent started reading this source and the read has taken longer than its deadline. What the report \
            says about that source is from its last answer (or missing), so it may be out of date. The other sources \
            are read on their own and stay current. A kernel read that hangs points at the driver (a stuck ioctl, \
            often with a kernel message); an AMI read, at an Asterisk that accepts connections but does not answer \
            (deadlocked, or overloaded); a gateway, at a device or network path that stalls.
            """,
        remediation: "kernel: check dmesg for DAHDI errors and whether dahdi_scan returns; ami: 'asterisk -rx \"core show taskprocessors\"' and 'manager show connected'; gateways: reach the device's web page and SIP port by hand")

    public static let definitions = [sourceOverdue]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        let observedAt = context.observation.observedAt
        return (context.observation.overdueSources ?? []).map { source in
            let last = source.lastAnswerAt.map { "its last answer is \(Self.age(observedAt - $0)) old" } ?? "it has not answered yet"
            return Finding(Self.sourceOverdue, subject: "source \(source.name)",
                           message: "the \(source.name) read has not finished within its \(CounterChecks.format(source.deadlineSeconds)) s deadline; \(last)",
                           evidence: [Evidence("read running since", TimeText.iso8601UTC(source.runningSince), source: "agent schedule"),
                                      Evidence("deadline", "\(CounterChecks.format(source.deadlineSeconds)) s", source: "agent schedule")])
        }
    }

    static func age(_ seconds: Double) -> String {
        let whole = max(0, Int(seconds.rounded()))
        return whole < 120 ? "\(whole) s" : "\(whole / 60) min"
    }
}
