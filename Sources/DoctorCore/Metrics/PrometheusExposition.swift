/// The Prometheus text exposition format 0.0.4, as node_exporter's textfile collector parses it: one `# HELP` and
/// one `# TYPE` per family, then its samples; no timestamps (node_exporter drops a whole file that has any).
public struct MetricFamily: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case gauge, counter }

    public struct Sample: Sendable, Hashable {
        public var labels: [(String, String)]
        public var value: Double

        public init(_ labels: [(String, String)], _ value: Double) { self.labels = labels; self.value = value }

        public static func == (a: Sample, b: Sample) -> Bool {
            a.value.bitPattern == b.value.bitPattern && a.labels.map(\.0) == b.labels.map(\.0) && a.labels.map(\.1) == b.labels.map(\.1)
        }

        public func hash(into hasher: inout Hasher) {
            for (name, value) in labels { hasher.combine(name); hasher.combine(value) }
            hasher.combine(value.bitPattern)
        }
    }

    public var name: String
    public var help: String
    public var kind: Kind
    public var samples: [Sample]

    public init(_ name: String, _ kind: Kind, _ help: String, samples: [Sample] = []) {
        self.name = name; self.kind = kind; self.help = help; self.samples = samples
    }

    public mutating func add(_ labels: [(String, String)], _ value: Double) { samples.append(Sample(labels, value)) }
    public mutating func add(_ labels: [(String, String)], _ value: Bool) { samples.append(Sample(labels, value ? 1 : 0)) }
}

public enum PrometheusExposition {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Families in the order given; a family without samples is left out entirely (no HELP/TYPE for nothing).
    /// A sample whose label set repeats one already written is dropped: a duplicate makes the whole file invalid.
    public static func render(_ families: [MetricFamily]) -> String {
        var out = ""
        for family in families where !family.samples.isEmpty {
            out += "# HELP \(family.name) \(escapeHelp(family.help))\n"
            out += "# TYPE \(family.name) \(family.kind.rawValue)\n"
            var seen = Set<[String]>()
            for sample in family.samples {
                let key = sample.labels.flatMap { [$0.0, $0.1] }
                guard seen.insert(key).inserted else { continue }
                out += family.name
                if !sample.labels.isEmpty {
                    out += "{" + sample.labels.map { "\($0.0)=\"\(escapeLabelValue($0.1))\"" }.joined(separator: ",") + "}"
                }
                out += " " + formatValue(sample.value) + "\n"
            }
        }
        return out
    }

    /// Label values: backslash, double quote and line feed are escaped (`\\`, `\"`, `\n`).
    public static func escapeLabelValue(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// HELP text: backslash and line feed are escaped (a double quote is literal there).
    public static func escapeHelp(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Integers without a fraction, other values as Swift's shortest round-trip form (Go's ParseFloat reads both),
    /// and the format's spellings of the special values.
    public static func formatValue(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return "\(value)"
    }
}
