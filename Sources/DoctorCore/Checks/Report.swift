/// The result of `dahdi-doctor check`: findings ordered by root cause, consequences folded under their causes.
public struct Report: Sendable, Hashable, Codable {
    public static let currentSchemaVersion = 1

    /// Monitoring-plugin states; `check` exits with `exitCode`.
    public enum Status: String, Sendable, Hashable, Codable {
        case ok = "OK", warning = "WARNING", critical = "CRITICAL", unknown = "UNKNOWN"

        public var exitCode: Int32 {
            switch self {
            case .ok: return 0
            case .warning: return 1
            case .critical: return 2
            case .unknown: return 3
            }
        }
    }

    /// Root problems by severity (what a monitoring system should count), plus how many consequences are folded
    /// under them.
    public struct Counts: Sendable, Hashable, Codable {
        public var critical = 0, warning = 0, unknown = 0, info = 0
        public var folded = 0
    }

    public var schemaVersion: Int
    public var generator: String
    public var observedAt: Double
    public var status: Status
    public var summary: String
    public var counts: Counts
    public var spans: Int
    public var channels: Int
    public var findings: [Finding]
    public var sources: [SourceStatus]

    public init(generator: String, observedAt: Double, findings: [Finding], sources: [SourceStatus], spans: Int, channels: Int) {
        self.schemaVersion = Self.currentSchemaVersion
        self.generator = generator
        self.observedAt = observedAt
        self.findings = findings
        self.sources = sources
        self.spans = spans
        self.channels = channels
        var counts = Counts()
        for finding in findings {
            switch finding.severity {
            case .critical: counts.critical += 1
            case .warning: counts.warning += 1
            case .unknown: counts.unknown += 1
            case .info: counts.info += 1
            }
            counts.folded += finding.flattened.count - 1
        }
        self.counts = counts
        // The status looks at every finding, folded or not. Critical outranks unknown (we saw a real fault); unknown
        // outranks warning (a part could not be looked at).
        let all = Set(findings.flatMap(\.flattened).map(\.severity))
        if all.contains(.critical) { status = .critical }
        else if all.contains(.unknown) { status = .unknown }
        else if all.contains(.warning) { status = .warning }
        else { status = .ok }
        if let first = findings.first(where: { $0.severity != .info }) {
            let others = counts.critical + counts.warning + counts.unknown - 1
            summary = first.message + (others > 0 ? " (+\(others) more problem\(others == 1 ? "" : "s"))" : "")
        } else {
            summary = "\(spans) span(s), \(channels) channel(s), no problem found"
        }
    }
}
