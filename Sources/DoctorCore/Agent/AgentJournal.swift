/// The agent's journal lines for one run's transitions. Only root findings are journalled (a driver unloaded is
/// one line, not one per channel it takes with it), and a run that raises or clears many roots of one finding ID
/// at once (a 992-channel box whose channel alarms all change together) writes the first few and one line that
/// counts the rest, instead of hundreds of lines: `/v1/events` keeps every transition.
public enum AgentJournal {
    public static let linesPerFinding = 5

    public static func lines(_ transitions: [Transition], roots: Set<String>) -> [String] {
        let logged = transitions.filter { roots.contains($0.key) }
        var lines: [String] = []
        var counts: [String: Int] = [:]
        var order: [String] = []
        for transition in logged {
            let group = "\(transition.kind.rawValue) \(transition.severity.rawValue) \(transition.id)"
            let seen = counts[group, default: 0]
            if seen == 0 { order.append(group) }
            counts[group] = seen + 1
            if seen < linesPerFinding {
                lines.append("dahdi-doctor: agent: \(group): \(transition.message)")
            }
        }
        for group in order {
            let count = counts[group]!
            if count > linesPerFinding {
                lines.append("dahdi-doctor: agent: \(group): \(count - linesPerFinding) more like these (\(count) in all, in /v1/events)")
            }
        }
        if logged.count < transitions.count {
            lines.append("dahdi-doctor: agent: (+\(transitions.count - logged.count) transition(s) of folded consequences, in /v1/events)")
        }
        return lines
    }
}
