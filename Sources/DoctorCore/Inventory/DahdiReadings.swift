/// Everything the DAHDI sources read at one moment, before it is merged into an inventory. Each part is present
/// or absent with the reason; the builder decides what the absences mean.
public struct DahdiReadings: Sendable, Hashable, Codable {
    public var control: ControlDeviceAccess
    public var version: DriverVersion?
    public var spans: [SpanStatus]
    /// Spans whose framing-error count rose between two SPANSTAT reads one second apart (dahdi_scan's LMFA test).
    public var multiframeErrorsRising: Set<Int>
    public var channels: [ChannelParams]
    /// Nil when sysfs could not be read at all.
    public var sysfs: SysfsSnapshot?
    public var proc: [ProcSpan]
    public var procAvailable: Bool
    public var parseIssues: [ParseIssue]
    public var failures: [ReadFailure]

    public init(control: ControlDeviceAccess, version: DriverVersion? = nil, spans: [SpanStatus] = [],
                multiframeErrorsRising: Set<Int> = [], channels: [ChannelParams] = [], sysfs: SysfsSnapshot? = nil,
                proc: [ProcSpan] = [], procAvailable: Bool = false, parseIssues: [ParseIssue] = [],
                failures: [ReadFailure] = []) {
        self.control = control; self.version = version; self.spans = spans
        self.multiframeErrorsRising = multiframeErrorsRising; self.channels = channels; self.sysfs = sysfs
        self.proc = proc; self.procAvailable = procAvailable; self.parseIssues = parseIssues
        self.failures = failures
    }
}
