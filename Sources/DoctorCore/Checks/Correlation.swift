/// Folds consequences under their causes, so the first line of a report is a root cause.
///
/// A finding whose `causeKey` names another finding in the same run becomes that finding's consequence (chains
/// work: a channel alarm under a span RED under "spans not assigned"). Causes that were not found leave the
/// finding at the top. Cycles cannot form: a finding is only folded under one that is not already below it.
public enum Correlator {
    public static func correlate(_ findings: [Finding], order: [String: Int]) -> [Finding] {
        var byKey: [String: Int] = [:]
        for (index, finding) in findings.enumerated() where byKey[finding.key] == nil { byKey[finding.key] = index }

        // parent[i] = index of the finding that explains finding i.
        var parent: [Int: Int] = [:]
        for (index, finding) in findings.enumerated() {
            guard let cause = finding.causeKey, let causeIndex = byKey[cause], causeIndex != index else { continue }
            // Refuse a link that would close a cycle.
            var walker = causeIndex
            var cycles = false
            while let up = parent[walker] {
                if up == index { cycles = true; break }
                walker = up
            }
            if !cycles { parent[index] = causeIndex }
        }

        func build(_ index: Int) -> Finding {
            var finding = findings[index]
            finding.consequences = sorted(findings.indices.filter { parent[$0] == index }.map(build), order: order)
            return finding
        }
        return sorted(findings.indices.filter { parent[$0] == nil }.map(build), order: order)
    }

    /// Severity first, then the pipeline stage of the check (driver before spans before channels), then subject.
    static func sorted(_ findings: [Finding], order: [String: Int]) -> [Finding] {
        findings.sorted { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            let stageA = order[a.id] ?? Int.max, stageB = order[b.id] ?? Int.max
            if stageA != stageB { return stageA < stageB }
            // "channel 62" after "channels 49-60": the first number decides, then the text.
            if let x = a.subject.firstNumber, let y = b.subject.firstNumber, x != y { return x < y }
            return a.subject.localizedNumericLess(than: b.subject)
        }
    }
}

extension String {
    var firstNumber: Int? {
        guard let start = firstIndex(where: \.isNumber) else { return nil }
        return Int(self[start...].prefix(while: \.isNumber).prefix(9))
    }

    /// "span 2" before "span 10": compares digit runs as numbers.
    func localizedNumericLess(than other: String) -> Bool {
        var a = Substring(self), b = Substring(other)
        while let ca = a.first, let cb = b.first {
            if ca.isNumber && cb.isNumber {
                let da = a.prefix(while: \.isNumber), db = b.prefix(while: \.isNumber)
                if da.count != db.count { return da.count < db.count }
                if da != db { return da < db }
                a = a.dropFirst(da.count); b = b.dropFirst(db.count)
            } else {
                if ca != cb { return ca < cb }
                a = a.dropFirst(); b = b.dropFirst()
            }
        }
        return a.isEmpty && !b.isEmpty
    }
}
