/// `GET /v1/health`: the one-screen answer a load balancer, a script or a person wants. Wire type, schema_version
/// 1: adding fields keeps the version, renaming or removing one bumps it.
public struct HealthSummary: Sendable, Hashable, Codable {
    public static let currentSchemaVersion = 1

    public var schemaVersion = HealthSummary.currentSchemaVersion
    public var generator: String
    /// UNKNOWN until the first run has finished.
    public var status: Report.Status
    public var counts: Report.Counts
    public var summary: String
    /// Unix seconds: when the reported run observed the box.
    public var generatedAt: Double
    /// Seconds the last observation and diagnosis took.
    public var lastRunDuration: Double
    /// Each source's schedule and last read (agent only): overdue ones are also findings (`source-overdue`).
    public var sources: [SourceActivity]

    public init(_ state: AgentState, generator: String) {
        self.generator = generator
        if let report = state.report {
            status = report.status; counts = report.counts; summary = report.summary
            generatedAt = report.observedAt
        } else {
            status = .unknown; counts = Report.Counts(); summary = "the agent has not finished a run yet"
            generatedAt = 0
        }
        lastRunDuration = state.lastRunDuration
        sources = state.sources
    }

    /// The HTTP status of `/v1/health`: 200 only when the box is OK, so a plain `curl --fail` is a health check.
    public var httpStatus: Int { status == .ok ? 200 : 503 }
}
