/// One `/proc/dahdi/<span>` file, parsed. This is the only place the kernel shows timing slips, and it shows the
/// echo canceller per channel. Counter lines appear only when non-zero, so a missing line reads as 0.
public struct ProcSpan: Sendable, Hashable, Codable {
    public var number: Int
    public var name: String
    public var description: String
    public var isSyncMaster: Bool
    public var lineConfig: LineConfig
    public var alarms: SpanAlarms
    public var isClockSource: Bool
    public var bipolarViolations: Int
    public var crc4Errors: Int
    public var eBitErrors: Int
    public var framingAlignmentErrors: Int
    public var irqMisses: Int
    public var timingSlips: Int
    public var channels: [ProcChannel]

    public init(number: Int, name: String, description: String, isSyncMaster: Bool = false,
                lineConfig: LineConfig = [], alarms: SpanAlarms = [], isClockSource: Bool = false,
                bipolarViolations: Int = 0, crc4Errors: Int = 0, eBitErrors: Int = 0,
                framingAlignmentErrors: Int = 0, irqMisses: Int = 0, timingSlips: Int = 0,
                channels: [ProcChannel] = []) {
        self.number = number; self.name = name; self.description = description; self.isSyncMaster = isSyncMaster
        self.lineConfig = lineConfig; self.alarms = alarms; self.isClockSource = isClockSource
        self.bipolarViolations = bipolarViolations; self.crc4Errors = crc4Errors; self.eBitErrors = eBitErrors
        self.framingAlignmentErrors = framingAlignmentErrors; self.irqMisses = irqMisses
        self.timingSlips = timingSlips; self.channels = channels
    }
}

extension ProcSpan {
    /// The channels whose `/proc/dahdi/<span>` line was read from a file without any parse issue. Such a line
    /// already says what sysfs `in_use`, `ec_factory` and `ec_state` would: the kernel prints `(In use)` and
    /// `(EC: <factory> - ACTIVE|INACTIVE)` from the same `struct dahdi_chan` fields (dahdi-base.c `dahdi_seq_show`,
    /// dahdi-sysfs-chan.c; DAHDI 2.6 to 3.4), so those files need not be opened for them. A span whose file had
    /// an issue is left out whole: its channels are read from sysfs.
    public static func channelsDescribed(_ spans: [ProcSpan], issues: [ParseIssue]) -> Set<Int> {
        let troubled = Set(issues.compactMap { issue in issue.file.split(separator: "/").last.flatMap { Int($0) } })
        var described = Set<Int>()
        for span in spans where !troubled.contains(span.number) {
            for channel in span.channels { described.insert(channel.channel) }
        }
        return described
    }
}

public struct ProcChannel: Sendable, Hashable, Codable {
    public var channel: Int
    public var name: String
    /// Nil when no signalling is configured (the kernel prints nothing, or `Reserved` for an empty slot).
    public var signalling: Signalling?
    public var isBundleMaster: Bool
    public var isReserved: Bool
    public var inUse: Bool
    public var noPcm: Bool
    public var alarms: SpanAlarms
    public var echoCanceller: String?
    public var echoCancellerActive: Bool?

    public init(channel: Int, name: String, signalling: Signalling? = nil, isBundleMaster: Bool = false,
                isReserved: Bool = false, inUse: Bool = false, noPcm: Bool = false, alarms: SpanAlarms = [],
                echoCanceller: String? = nil, echoCancellerActive: Bool? = nil) {
        self.channel = channel; self.name = name; self.signalling = signalling; self.isBundleMaster = isBundleMaster
        self.isReserved = isReserved; self.inUse = inUse; self.noPcm = noPcm; self.alarms = alarms
        self.echoCanceller = echoCanceller; self.echoCancellerActive = echoCancellerActive
    }
}

/// A line of a /proc file the parser could not understand (kept as evidence, never fatal).
public struct ParseIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var text: String
    public var message: String

    public init(file: String, line: Int, text: String, message: String) {
        self.file = file; self.line = line; self.text = text; self.message = message
    }

    public var description: String { "\(file):\(line): \(message): \(text)" }
}

public enum ProcDahdiParser {
    static let alarmWords: Set<Substring> = ["BLUE", "YELLOW", "RED", "LOOP", "RECOVERING", "NOTOPEN"]

    /// Parses the text of `/proc/dahdi/N`. Returns nil (with an issue) when the header line is not a span header.
    public static func parse(_ text: String, file: String) -> (span: ProcSpan?, issues: [ParseIssue]) {
        var issues: [ParseIssue] = []
        // Lines and words are cut on bytes: the kernel writes ASCII, and Character (grapheme) splitting of the
        // whole text was a third of the agent's /proc time on 992 channels under QEMU TCG.
        let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Substring.init)
        var unrecognised: [Substring] = []
        guard let header = lines.first, var span = parseHeader(header, unrecognised: &unrecognised) else {
            issues.append(ParseIssue(file: file, line: 1, text: String(lines.first ?? ""),
                                     message: "not a DAHDI span header"))
            return (nil, issues)
        }
        if !unrecognised.isEmpty {
            issues.append(ParseIssue(file: file, line: 1, text: String(header),
                                     message: "unrecognised word(s) in the span header: " + unrecognised.joined(separator: " ")))
            unrecognised.removeAll(keepingCapacity: true)
        }
        for (index, rawLine) in lines.enumerated().dropFirst() {
            let line = rawLine.trimmingKernelWhitespace()
            if line.isEmpty { continue }
            if let (label, value) = counterLine(line) {
                switch label {
                case "BPV count": span.bipolarViolations = value
                case "CRC4 error count": span.crc4Errors = value
                case "E-bit error count": span.eBitErrors = value
                case "FAS error count": span.framingAlignmentErrors = value
                case "IRQ misses": span.irqMisses = value
                case "Timing slips": span.timingSlips = value
                default:
                    issues.append(ParseIssue(file: file, line: index + 1, text: String(rawLine),
                                             message: "unknown counter"))
                }
            } else if let channel = parseChannel(line, unrecognised: &unrecognised) {
                span.channels.append(channel)
                if !unrecognised.isEmpty {
                    // The channel is kept for what was understood; the words are not guessed at.
                    issues.append(ParseIssue(file: file, line: index + 1, text: String(rawLine),
                                             message: "unrecognised word(s) in a channel line: " + unrecognised.joined(separator: " ")))
                    unrecognised.removeAll(keepingCapacity: true)
                }
            } else {
                issues.append(ParseIssue(file: file, line: index + 1, text: String(rawLine),
                                         message: "unrecognised line"))
            }
        }
        return (span, issues)
    }

    /// `Span 1: DYN/loc/1:0 "Dynamic 'loc' span at '1:0'" (MASTER) ESF/B8ZS RED ClockSource `
    /// Words after the description other than `(MASTER)`, the line configuration (`lineconfig_str`: framing,
    /// coding and CRC4 names joined by `/`), alarm words and `ClockSource` go to `unrecognised`.
    static func parseHeader(_ line: Substring, unrecognised: inout [Substring]) -> ProcSpan? {
        guard line.hasPrefix("Span "), let colon = line.firstIndex(of: ":"),
              let number = Int(line[line.index(line.startIndex, offsetBy: 5)..<colon]),
              let openQuote = line[colon...].firstIndex(of: "\""), let closeQuote = line.lastIndex(of: "\""),
              openQuote < closeQuote
        else { return nil }
        let name = line[line.index(after: colon)..<openQuote].trimmingWhitespace()
        let description = line[line.index(after: openQuote)..<closeQuote]
        var span = ProcSpan(number: number, name: String(name), description: String(description))
        for word in line[line.index(after: closeQuote)...].split(separator: " ") {
            if word == "(MASTER)" { span.isSyncMaster = true }
            else if word == "ClockSource" { span.isClockSource = true }
            else if alarmWords.contains(word) { span.alarms.formUnion(SpanAlarms(kernelWords: word)) }
            // DAHDI 2.6 printed the framing with a slash even without a coding (` B8ZS/`); 3.x joins the names.
            else if case let parts = word.split(separator: "/"), !parts.isEmpty,
                    parts.allSatisfy({ part in LineConfig.named.contains { $0.1[...] == part } }) {
                span.lineConfig.formUnion(LineConfig(kernelNames: word))
            }
            else { unrecognised.append(word) }
        }
        return span
    }

    static func counterLine(_ line: Substring) -> (Substring, Int)? {
        // The label starts with a letter (checked below too): a channel line, which starts with its number, is
        // ruled out before the search for the last colon (its name has colons).
        guard line.first?.isLetter == true, let colon = line.lastIndex(of: ":"), let value = Int(line[line.index(after: colon)...].trimmingWhitespace())
        else { return nil }
        let label = line[..<colon]
        guard label.first?.isLetter == true, !label.contains(where: \.isNumber) || label.hasPrefix("CRC4") else {
            return nil
        }
        return (label, value)
    }

    static let echoCancellerOpen = Array("(EC: ".utf8)
    static let echoCancellerDash = Array(" - ".utf8)
    static let inUseFlag = Array("(In use)".utf8)
    static let noPcmFlag = Array("(no pcm)".utf8)

    /// `Signalling.kernelNames` as bytes, longest name first (sorted once, not for every channel line).
    static let longestFirstSignallingNames: [(Signalling, [UInt8])] =
        Signalling.kernelNames.map { ($0.0, Array($0.1.utf8)) }.sorted { $0.1.count > $1.1.count }

    /// `  25 DYN/loc/1:1/1 FXOKS (In use) RED (EC: MG2 - INACTIVE) `. Words `dahdi_seq_show` does not print (a
    /// newer driver's flag, a name with a space) are appended to `unrecognised`, never dropped silently: scan relies
    /// on these lines for `in_use` and the echo canceller. Read on bytes (the kernel prints ASCII).
    static func parseChannel(_ line: Substring, unrecognised: inout [Substring]) -> ProcChannel? {
        let bytes = line.utf8
        guard let space = bytes.firstIndex(of: 0x20), let number = Int(Substring(bytes[..<space])) else { return nil }
        var rest = Substring(bytes[space...]).trimmingKernelWhitespace()
        let nameEnd = rest.utf8.firstIndex(of: 0x20) ?? rest.utf8.endIndex
        var channel = ProcChannel(channel: number, name: String(Substring(rest.utf8[..<nameEnd])))
        rest = Substring(rest.utf8[nameEnd...]).trimmingKernelWhitespace()
        // The echo canceller is printed last: `(EC: <name> - ACTIVE|INACTIVE)`.
        if let ec = rest.utf8.firstRange(ofBytes: Self.echoCancellerOpen) {
            let afterOpen = rest.utf8[ec.upperBound...]
            let inner = afterOpen[..<(afterOpen.firstIndex(of: UInt8(ascii: ")")) ?? afterOpen.endIndex)]
            if let dash = inner.firstRange(ofBytes: Self.echoCancellerDash) {
                channel.echoCanceller = String(Substring(inner[..<dash.lowerBound]))
                channel.echoCancellerActive = inner[dash.upperBound...].elementsEqual("ACTIVE".utf8)
            }
            rest = Substring(rest.utf8[..<ec.lowerBound]).trimmingKernelWhitespace()
        }
        // Signalling names may contain spaces ("SF (ToneOnly)"), so match the longest known name first.
        if let match = Self.longestFirstSignallingNames.first(where: { _, name in
            guard rest.utf8.starts(with: name) else { return false }
            let after = rest.utf8.index(rest.utf8.startIndex, offsetBy: name.count)
            return after == rest.utf8.endIndex || rest.utf8[after] == 0x20
        }) {
            channel.signalling = match.0
            rest = Substring(rest.utf8.dropFirst(match.1.count)).trimmingKernelWhitespace()
        }
        var remaining = rest
        for (flag, field) in [(Self.inUseFlag, \ProcChannel.inUse), (Self.noPcmFlag, \ProcChannel.noPcm)] {
            guard let range = remaining.utf8.firstRange(ofBytes: flag) else { continue }
            channel[keyPath: field] = true
            remaining = Substring(String(Substring(remaining.utf8[..<range.lowerBound])) + " "
                                  + String(Substring(remaining.utf8[range.upperBound...])))
        }
        for bytes in remaining.utf8.split(separator: 0x20) {
            let word = Substring(bytes)
            if word == "Master" { channel.isBundleMaster = true }
            else if word == "Reserved" { channel.isReserved = true }
            else if alarmWords.contains(word) { channel.alarms.formUnion(SpanAlarms(kernelWords: word)) }
            // sigstr() of a signalling value it has no name for (GET_PARAMS carries the number).
            else if word == "Unconfigured" && channel.signalling == nil { continue }
            else { unrecognised.append(word) }
        }
        return channel
    }
}


extension Substring.UTF8View {
    /// Whether `needle` occurs in these bytes (a cheap test before a Character search for the same ASCII text).
    func containsBytes(_ needle: [UInt8]) -> Bool {
        needle.isEmpty || firstRange(ofBytes: needle) != nil
    }

    /// Where `needle` first occurs in these bytes.
    func firstRange(ofBytes needle: [UInt8]) -> Range<Index>? {
        guard let first = needle.first else { return nil }
        var index = startIndex
        while let start = self[index...].firstIndex(of: first) {
            if self[start...].starts(with: needle) { return start..<self.index(start, offsetBy: needle.count) }
            index = self.index(after: start)
        }
        return nil
    }
}
