/// One line of `/proc/interrupts`: the IRQ, its count summed over the CPUs, and the handlers registered on it
/// (the driver names drivers pass to request_irq, e.g. `wct4xxp`, `wctdm24xxp`).
public struct InterruptLine: Sendable, Hashable, Codable {
    /// The first column without its colon: a number (`16`) or a name (`NMI`, `LOC`).
    public var irq: String
    public var count: UInt64
    /// What follows the counts: the chip, the hardware IRQ and the handler names, as the kernel printed them.
    public var description: String
    public var handlers: [String]

    public init(irq: String, count: UInt64, description: String, handlers: [String]) {
        self.irq = irq; self.count = count; self.description = description; self.handlers = handlers
    }
}

/// Two readings of `/proc/interrupts` some time apart, so an IRQ line that does not grow can be told from one that does.
public struct InterruptSamples: Sendable, Hashable, Codable {
    public var source: String
    public var first: [InterruptLine]
    public var second: [InterruptLine]
    public var intervalSeconds: Double

    public init(source: String, first: [InterruptLine], second: [InterruptLine], intervalSeconds: Double) {
        self.source = source; self.first = first; self.second = second; self.intervalSeconds = intervalSeconds
    }
}

public enum ProcInterruptsParser {
    /// Parses the table: a header of CPU names, then one line per IRQ with one count per CPU. Lines that are not
    /// an IRQ row (ERR:, MIS: with a single count are kept; anything without a colon is skipped). At most 4096 rows.
    public static func parse(_ text: String) -> [InterruptLine] {
        var lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
        guard let header = lines.first else { return [] }
        let cpus = header.split(whereSeparator: { $0 == " " || $0 == "\t" }).filter { $0.hasPrefix("CPU") }.count
        if cpus > 0 { lines.removeFirst() }
        var result: [InterruptLine] = []
        for line in lines.prefix(4096) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let irq = line[..<colon].trimmingWhitespace()
            guard !irq.isEmpty, irq.count <= 32, !irq.contains(" ") else { continue }
            var rest = line[line.index(after: colon)...]
            var total: UInt64 = 0
            var counted = 0
            while counted < max(cpus, 1) {
                let trimmed = rest.drop { $0 == " " || $0 == "\t" }
                let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
                guard !digits.isEmpty, let value = UInt64(digits.prefix(20)) else { break }
                let (sum, overflow) = total.addingReportingOverflow(value)
                total = overflow ? UInt64.max : sum
                rest = trimmed[digits.endIndex...]
                counted += 1
            }
            guard counted > 0 else { continue }
            let description = String(rest.trimmingWhitespace().prefix(512))
            result.append(InterruptLine(irq: String(irq), count: total, description: description,
                                        handlers: handlers(description)))
        }
        return result
    }

    /// The handler names: the comma-separated list at the end of the line, after the chip and the hwirq/trigger
    /// word ("16-fasteoi", "524288-edge"); without such a word, the last word.
    static func handlers(_ description: String) -> [String] {
        var words: [Range<String.Index>] = []
        var index = description.startIndex
        while index < description.endIndex {
            guard description[index] != " " else { index = description.index(after: index); continue }
            let start = index
            while index < description.endIndex && description[index] != " " { index = description.index(after: index) }
            words.append(start..<index)
        }
        guard let lastWord = words.last else { return [] }
        var from = lastWord.lowerBound
        if let trigger = words.lastIndex(where: { range in
            let word = description[range]
            return word.hasSuffix("edge") || word.hasSuffix("fasteoi") || word.hasSuffix("level") || word.hasSuffix("-msi")
        }) {
            guard trigger + 1 < words.count else { return [] }
            from = words[trigger + 1].lowerBound
        }
        return description[from...].split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }.map(String.init)
    }
}
