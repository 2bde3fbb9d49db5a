import DoctorCore
import DoctorAgentServer
import DoctorKernel
import DoctorNetwork
import DoctorSystem
import Synchronization

/// The agent's live parts: each source's latest answer, what each source is doing, and the state the socket
/// serves. Source threads call `read`, which records the answer and recomposes the report; the main thread calls
/// `recheckDeadlines` every second so a source that hangs shows up as overdue without waiting for it.
final class AgentRuntime: Sendable {
    let generator: String
    let store = AgentStateStore()
    private let textfileDirectory: String?
    private let names: [String]
    private let parts: Mutex<ObservationParts>
    private let activities: Mutex<[String: SourceActivity]>
    private let memory = Mutex(ComposeMemory())

    /// The longest a report (and the textfile) may go without being recomposed while nothing changes, so
    /// `generated_at`, `dahdi_doctor_last_run_timestamp_seconds` and the textfile's mtime still show a live agent.
    let refreshSeconds: Double

    private struct ComposeMemory {
        var overdue: Set<String> = []
        var lastTextfileError: String?
        /// The last diagnosed observation without its timestamps, and when (monotonic) it was diagnosed.
        var lastInput: Observation?
        var lastRunAt = -Double.infinity
    }

    init(generator: String, schedules: [SourceSchedule], rateWindowSeconds: Double, textfileDirectory: String?,
         refreshSeconds: Double = 60) {
        self.generator = generator
        self.textfileDirectory = textfileDirectory
        self.refreshSeconds = refreshSeconds
        names = schedules.map(\.name)
        parts = Mutex(ObservationParts(rateWindowSeconds: rateWindowSeconds))
        activities = Mutex(Dictionary(uniqueKeysWithValues: schedules.map { ($0.name, SourceActivity($0)) }))
    }

    /// One read of source `name`: marks it running (so a hang is seen), performs `body`, which returns the change
    /// to the parts, then records it and recomposes.
    func read(_ name: String, trigger: String, _ body: () -> (inout ObservationParts) -> Void) {
        activities.withLock { $0[name]?.started(at: Clock.wall(), trigger: trigger) }
        let started = Clock.monotonic()
        let change = body()
        parts.withLock { change(&$0) }
        activities.withLock { $0[name]?.finished(at: Clock.wall()) }
        compose(readDuration: Clock.monotonic() - started)
    }

    /// Every source has answered once, or is past its deadline: the first report can be served.
    func firstReadsSettled() -> Bool {
        let now = Clock.wall()
        return activities.withLock { all in all.values.allSatisfy { $0.runs > 0 || $0.isOverdue(now: now) } }
    }

    func isOverdue(_ name: String) -> Bool {
        let now = Clock.wall()
        return activities.withLock { $0[name]?.isOverdue(now: now) ?? false }
    }

    /// Recomposes when the set of overdue sources changed since the last report.
    func recheckDeadlines() {
        let now = Clock.wall()
        let overdue = Set(activities.withLock { $0.values.filter { $0.isOverdue(now: now) }.map(\.name) })
        if overdue != memory.withLock({ $0.overdue }) { compose(readDuration: 0) }
    }

    /// Builds the report from every source's latest answer, records it (transitions logged to the journal) and
    /// writes the textfile. Serialised: two sources answering at once compose one after the other. When the
    /// observation equals the last diagnosed one but for its timestamps, and that one is younger than
    /// `refreshSeconds`, only the sources' activity is updated: no diagnosis, no metrics, no textfile write.
    func compose(readDuration: Double) {
        memory.withLock { memory in
            let now = Clock.wall()
            let current = activities.withLock { all in names.compactMap { all[$0] } }
            guard let observation = parts.withLock({ $0.compose(generator: generator, activities: current, now: now) }) else { return }
            let started = Clock.monotonic()
            let input = observation.withoutTimestamps
            if input == memory.lastInput {
                guard started - memory.lastRunAt >= refreshSeconds else {
                    store.update(sources: current)
                    // A textfile that could not be written is tried again on every read, not only on a change.
                    if memory.lastTextfileError != nil, let metrics = store.snapshot().metrics {
                        writeTextfile(metrics, memory: &memory)
                    }
                    return
                }
                // Unchanged for a minute: the same findings and series with the new time, written again, so the
                // report's time, the timestamp metric and the textfile's mtime show a live agent.
                let state = store.snapshot()
                if var report = state.report, let metrics = state.metrics {
                    report.observedAt = observation.observedAt
                    let refreshed = PrometheusText.withLastRunTimestamp(metrics, observation.observedAt)
                    _ = store.record(report, metrics: refreshed, runDuration: state.lastRunDuration, sources: current)
                    memory.lastRunAt = started
                    writeTextfile(refreshed, memory: &memory)
                    return
                }
            }
            memory.lastInput = input
            memory.lastRunAt = started
            let report = Diagnosis.run(observation, generator: generator)
            let duration = readDuration + (Clock.monotonic() - started)
            let metrics = PrometheusText.render(observation: observation, report: report, runDurationSeconds: duration)
            // The journal gets root findings only (a driver unloaded is one line, not one per channel it takes
            // with it); /v1/events keeps every transition, folded ones included.
            let (transitions, roots) = store.record(report, metrics: metrics, runDuration: duration, sources: current)
            for line in AgentJournal.lines(transitions, roots: roots) { printError(line) }
            memory.overdue = Set(observation.overdueSources?.map(\.name) ?? [])
            writeTextfile(metrics, memory: &memory)
        }
    }

    private func writeTextfile(_ metrics: String, memory: inout ComposeMemory) {
        guard let textfileDirectory else { return }
        do {
            try PrometheusTextfile.write(metrics, directory: textfileDirectory)
            if memory.lastTextfileError != nil { printError("dahdi-doctor: agent: metrics are written again to \(textfileDirectory)") }
            memory.lastTextfileError = nil
        } catch {
            // Once per distinct failure, not every five seconds; the last good textfile stays in place.
            if memory.lastTextfileError != "\(error)" {
                printError("dahdi-doctor: agent: cannot write metrics: \(error)")
            }
            memory.lastTextfileError = "\(error)"
        }
    }
}

/// The one place the served state lives: `compose` writes it, connection threads copy it. A class so that a
/// connection thread still finishing after the agent stopped holds the state alive with it.
final class AgentStateStore: Sendable {
    private let state = Mutex(AgentState())
    func snapshot() -> AgentState { state.withLock { $0 } }

    /// Records a report; returns the transitions it caused and the keys of the root findings before and after it.
    func update(sources: [SourceActivity]) { state.withLock { $0.update(sources: sources) } }

    func record(_ report: Report, metrics: String, runDuration: Double, sources: [SourceActivity]) -> ([Transition], Set<String>) {
        state.withLock { state in
            var roots = Set(state.report?.findings.map(\.key) ?? [])
            roots.formUnion(report.findings.map(\.key))
            let before = state.transitions.count + state.droppedTransitions
            state.record(report, metrics: metrics, runDuration: runDuration)
            state.update(sources: sources)
            let added = state.transitions.count + state.droppedTransitions - before
            return (Array(state.transitions.suffix(min(added, state.transitions.count))), roots)
        }
    }
}

enum Clock {
    static func wall() -> Double { AgentHost.wallClockSeconds() }
    static func monotonic() -> Double { AgentHost.monotonicSeconds() }
}
