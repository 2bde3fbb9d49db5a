/// A finding that appeared or went away between two consecutive runs of the agent.
public struct Transition: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable { case raised, cleared }

    public var kind: Kind
    /// The finding's correlation key (stable across runs), e.g. `span-red-alarm:span 2 (TE2/0/2)`.
    public var key: String
    public var id: String
    public var severity: Severity
    public var subject: String
    public var message: String
    /// Unix seconds: the observation time of the run that saw the change.
    public var at: Double

    public init(kind: Kind, finding: Finding, at: Double) {
        self.kind = kind; self.key = finding.key; self.id = finding.id; self.severity = finding.severity
        self.subject = finding.subject; self.message = finding.message; self.at = at
    }
}

/// What the agent knows: the latest report, the metrics rendered from the same run, and a bounded history of
/// transitions. A plain value: the agent keeps it behind one lock, and every reader gets a copy.
public struct AgentState: Sendable {
    public static let defaultHistoryCap = 1000

    public private(set) var report: Report?
    /// The Prometheus text of the latest run (rendered with the observation, which the state does not keep).
    public private(set) var metrics: String?
    public private(set) var lastRunDuration: Double = 0
    /// Oldest first; never more than `historyCap` entries.
    public private(set) var transitions: [Transition] = []
    /// How many transitions were dropped to respect the cap, so a reader knows the history is incomplete.
    public private(set) var droppedTransitions = 0
    public let historyCap: Int
    /// What each source has done (runs, last answer, running now), as of the last update.
    public private(set) var sources: [SourceActivity] = []

    public init(historyCap: Int = AgentState.defaultHistoryCap) {
        self.historyCap = max(1, historyCap)
    }

    /// Records one run: diffs it against the previous report and appends the transitions.
    public mutating func record(_ report: Report, metrics: String?, runDuration: Double) {
        // The once-a-minute refresh re-records the same findings with a new time: equal findings (the same array,
        // usually, so comparing is immediate) have no transition, and the per-key maps are not built.
        let changes = self.report?.findings == report.findings ? [] : Self.transitions(from: self.report, to: report)
        self.report = report
        self.metrics = metrics
        self.lastRunDuration = runDuration
        transitions.append(contentsOf: changes)
        let excess = transitions.count - historyCap
        if excess > 0 {
            transitions.removeFirst(excess)
            droppedTransitions += excess
        }
    }

    public mutating func update(sources: [SourceActivity]) { self.sources = sources }

    /// The findings raised and cleared from `old` to `new`, keyed by finding key, folded consequences included (a
    /// channel alarm folded under a span alarm is still a change on that channel). The first run raises everything
    /// it found. A finding whose key stays but whose message changes is not a transition: the key is its identity.
    /// Order: cleared first, then raised, each sorted by key, so the history is deterministic.
    public static func transitions(from old: Report?, to new: Report) -> [Transition] {
        func byKey(_ report: Report?) -> [String: Finding] {
            var map: [String: Finding] = [:]
            for finding in report?.findings.flatMap(\.flattened) ?? [] where map[finding.key] == nil {
                map[finding.key] = finding
            }
            return map
        }
        let before = byKey(old), after = byKey(new)
        let cleared = before.keys.filter { after[$0] == nil }.sorted()
            .map { Transition(kind: .cleared, finding: before[$0]!, at: new.observedAt) }
        let raised = after.keys.filter { before[$0] == nil }.sorted()
            .map { Transition(kind: .raised, finding: after[$0]!, at: new.observedAt) }
        return cleared + raised
    }
}

/// `GET /v1/events`: the transition history, oldest first.
public struct EventHistory: Sendable, Hashable, Codable {
    public static let currentSchemaVersion = 1
    public var schemaVersion = EventHistory.currentSchemaVersion
    public var historyCap: Int
    public var dropped: Int
    public var events: [Transition]
    /// Findings that came and went repeatedly within the flap window: a span or contact that keeps bouncing.
    public var flapping: [Flap]

    public init(_ state: AgentState, flapWindowSeconds: Double = Flap.defaultWindow, minimumTransitions: Int = Flap.defaultMinimum) {
        historyCap = state.historyCap; dropped = state.droppedTransitions; events = state.transitions
        flapping = Flap.detect(state.transitions, windowSeconds: flapWindowSeconds, minimumTransitions: minimumTransitions)
    }
}

/// A finding that was raised and cleared again and again: `minimumTransitions` or more transitions of the same key
/// within `windowSeconds` before the newest transition in the history.
public struct Flap: Sendable, Hashable, Codable {
    public static let defaultWindow = 3600.0
    /// Raised, cleared, raised, cleared: two full cycles in the window.
    public static let defaultMinimum = 4

    public var key: String
    public var id: String
    public var subject: String
    public var transitions: Int
    /// Unix seconds of the first and the last transition counted.
    public var firstAt: Double
    public var lastAt: Double
    /// Whether the finding is raised now (its last transition).
    public var raisedNow: Bool

    public static func detect(_ transitions: [Transition], windowSeconds: Double, minimumTransitions: Int) -> [Flap] {
        guard let newest = transitions.last?.at else { return [] }
        let recent = transitions.filter { newest - $0.at <= windowSeconds }
        var byKey: [String: [Transition]] = [:]
        for transition in recent { byKey[transition.key, default: []].append(transition) }
        return byKey.compactMap { key, list -> Flap? in
            guard list.count >= minimumTransitions, let first = list.first, let last = list.last else { return nil }
            return Flap(key: key, id: last.id, subject: last.subject, transitions: list.count, firstAt: first.at,
                        lastAt: last.at, raisedNow: last.kind == .raised)
        }.sorted { ($0.transitions, $1.key) > ($1.transitions, $0.key) }
    }
}
