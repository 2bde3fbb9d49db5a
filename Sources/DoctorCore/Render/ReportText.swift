/// The technician's view of a report: root causes first, each with evidence and the fix, consequences folded
/// under them (the first few shown, the rest counted). Colour only when asked (a terminal without NO_COLOR).
public struct ReportText {
    public var colour: Bool
    /// How many folded consequences to show under a cause before summarising the rest.
    public var consequenceLimit: Int

    public init(colour: Bool, consequenceLimit: Int = 5) {
        self.colour = colour
        self.consequenceLimit = consequenceLimit
    }

    public func render(_ report: Report) -> String {
        var out: [String] = []
        out.append("dahdi-doctor check: " + paint(report.status.rawValue, for: report.status) + ": " + report.summary)
        for finding in report.findings {
            out.append("")
            out.append(paint(label(finding.severity), for: finding.severity) + "  " + finding.id + "  " + finding.subject)
            out.append("  " + finding.message)
            for (index, evidence) in finding.evidence.enumerated() {
                out.append((index == 0 ? "  evidence: " : "            ") + "\(evidence.label) = \(evidence.value)  [\(evidence.source)]")
            }
            out.append("  fix: " + finding.remediation)
            let consequences = finding.consequences.flatMap(\.flattened)
            if !consequences.isEmpty {
                out.append("  explains \(consequences.count) more finding(s):")
                let groups = Self.grouped(consequences)
                for group in groups.prefix(consequenceLimit) {
                    let first = group[0]
                    let line = group.count == 1 ? first.message : "\(group.count) findings on \(Self.subjectRanges(group))"
                    out.append("    " + paint(label(first.severity), for: first.severity) + "  " + first.id + "  " + line)
                }
                if groups.count > consequenceLimit {
                    out.append("    ... and \(groups.count - consequenceLimit) more (see --json)")
                }
            }
        }
        out.append("")
        let c = report.counts
        out.append("\(report.spans) span(s), \(report.channels) channel(s); \(c.critical) critical, \(c.warning) warning, \(c.unknown) unknown, \(c.info) info"
                   + (c.folded > 0 ? " (+\(c.folded) consequence(s) folded)" : "") + "; sources: "
                   + report.sources.map { "\($0.name) " + ($0.available ? "ok" : $0.detail.hasPrefix("not asked") ? "not asked" : "unavailable") }
                    .joined(separator: ", "))
        return out.joined(separator: "\n") + "\n"
    }

    /// Consecutive consequences with the same ID and severity, grouped when there are more than three (the 24
    /// channel alarms under a span alarm read as one line).
    static func grouped(_ findings: [Finding]) -> [[Finding]] {
        var groups: [[Finding]] = []
        for finding in findings {
            if let last = groups.last?.last, last.id == finding.id, last.severity == finding.severity {
                groups[groups.count - 1].append(finding)
            } else {
                groups.append([finding])
            }
        }
        return groups.flatMap { $0.count > 3 ? [$0] : $0.map { [$0] } }
    }

    /// "channels 1-23" from subjects "channel 1 (...)", "channel 2 (...)"...; falls back to the subjects' count.
    static func subjectRanges(_ findings: [Finding]) -> String {
        let words = Set(findings.map { $0.subject.prefix { $0 != " " } })
        let numbers = findings.compactMap(\.subject.firstNumber)
        guard words.count == 1, let word = words.first, numbers.count == findings.count else { return "\(findings.count) subjects" }
        return "\(word)s " + NumberRuns.text(numbers)
    }

    func label(_ severity: Severity) -> String {
        switch severity {
        case .critical: return "CRITICAL"
        case .warning: return "WARNING "
        case .unknown: return "UNKNOWN "
        case .info: return "INFO    "
        }
    }

    func paint(_ text: String, for severity: Severity) -> String {
        guard colour else { return text }
        let code: String
        switch severity {
        case .critical: code = "1;31"
        case .warning: code = "33"
        case .unknown: code = "35"
        case .info: code = "2"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    func paint(_ text: String, for status: Report.Status) -> String {
        guard colour else { return text }
        switch status {
        case .ok: return "\u{1B}[32m\(text)\u{1B}[0m"
        case .warning: return paint(text, for: Severity.warning)
        case .critical: return paint(text, for: Severity.critical)
        case .unknown: return paint(text, for: Severity.unknown)
        }
    }
}

/// One monitoring-plugin line: `DAHDI STATUS - summary | perfdata` (Nagios plugin guidelines).
public enum NagiosOutput {
    public static func render(_ report: Report) -> String {
        let c = report.counts
        let alarmed = report.findings.flatMap(\.flattened).filter { $0.key.hasPrefix("span-alarm:") }.count
        // The summary must not contain '|', which separates perfdata.
        let summary = report.summary.replacingAll("|", with: "/")
        return "DAHDI \(report.status.rawValue) - \(summary) | critical=\(c.critical) warning=\(c.warning) unknown=\(c.unknown) folded=\(c.folded) "
            + "spans=\(report.spans) channels=\(report.channels) spans_in_alarm=\(alarmed)\n"
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self { result += character == target ? replacement : String(character) }
        return result
    }
}
