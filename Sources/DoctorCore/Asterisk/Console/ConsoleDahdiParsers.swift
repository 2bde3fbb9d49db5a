// `dahdi show channels` and `dahdi show status` (channels/chan_dahdi.c). Both changed layout in the releases that
// added DAHDIShowStatus (21.3.0, 20.8.0, 18.23.0); the header line says which layout follows, and a header that
// matches neither is not guessed at.

public enum ConsoleDahdiParsers {
    static let channelsCurrent = FixedColumns(columns: [
        .init(name: "Chan", width: 7, rightAligned: true), .init(name: "Span", width: 4, rightAligned: true),
        .init(name: "Signalling", width: 20, rightAligned: false), .init(name: "Extension", width: 10, rightAligned: false),
        .init(name: "Context", width: 15, rightAligned: false), .init(name: "Language", width: 8, rightAligned: false),
        .init(name: "MOH Interpret", width: 20, rightAligned: false), .init(name: "Blocked", width: 10, rightAligned: false),
        .init(name: "In Service", width: 10, rightAligned: false), .init(name: "Alarms", width: 12, rightAligned: false),
        .init(name: "Description", width: 32, rightAligned: false)], lastIsFree: false)

    /// Before 21.3.0/20.8.0/18.23.0: no span, signalling or alarm column.
    static let channelsOld = FixedColumns(columns: [
        .init(name: "Chan", width: 7, rightAligned: true), .init(name: "Extension", width: 15, rightAligned: false),
        .init(name: "Context", width: 15, rightAligned: false), .init(name: "Language", width: 10, rightAligned: false),
        .init(name: "MOH Interpret", width: 20, rightAligned: false), .init(name: "Blocked", width: 10, rightAligned: false),
        .init(name: "In Service", width: 10, rightAligned: false), .init(name: "Description", width: 32, rightAligned: false)],
        lastIsFree: false)

    /// alarm2str(), cut to the 12-character column ("Unknown Alarm" prints as "Unknown Alar").
    static let channelAlarms: Set<String> = ["No Alarm", "Red Alarm", "Yellow Alarm", "Blue Alarm", "Recovering", "Loopback",
                                             "Not Open", "None", "Unknown Alar"]

    public static func channels(_ text: String) -> ConsoleParsed<[AsteriskDahdiChannel]> {
        let command = "dahdi show channels"
        if let refusal = ConsoleText.refusal(text, command: command, action: "DAHDIShowChannels") {
            return .failed(refusal.kind == .unsupported
                ? AMIFailure(kind: .unsupported, action: refusal.action, message: "chan_dahdi is not loaded in Asterisk (\(refusal.message))")
                : refusal)
        }
        var layout: FixedColumns?
        var channels: [AsteriskDahdiChannel] = []
        var unrecognised: [String] = []
        for line in ConsoleText.lines(text) where !ConsoleText.isBlank(line) {
            guard let current = layout else {
                if channelsCurrent.matchesHeader(line) { layout = channelsCurrent } else if channelsOld.matchesHeader(line) { layout = channelsOld } else {
                    unrecognised.append(line)
                }
                continue
            }
            let isCurrent = current.columns.count == channelsCurrent.columns.count
            guard let fields = current.fields(line) else { unrecognised.append(line); continue }
            if fields[0] == "pseudo" { continue }
            guard let number = Int(fields[0]), number > 0 else { unrecognised.append(line); continue }
            let inService = isCurrent ? fields[8] : fields[6]
            guard inService == "Yes" || inService == "No" else { unrecognised.append(line); continue }
            var channel = AsteriskDahdiChannel(channel: number, context: (isCurrent ? fields[4] : fields[2]).nonEmpty,
                                               description: (isCurrent ? fields[10] : fields[7]).nonEmpty)
            if isCurrent {
                guard Int(fields[1]) != nil else { unrecognised.append(line); continue }
                channel.signalling = fields[2].nonEmpty
                channel.alarm = fields[9]
                if !channelAlarms.contains(fields[9]) { unrecognised.append(line) }
            }
            channels.append(channel)
        }
        guard layout != nil else {
            return ConsoleParsed(.failed(AMIFailure(kind: .protocolError, action: "DAHDIShowChannels",
                                                    message: "'\(command)' printed no channel table header")), unrecognised: unrecognised)
        }
        return ConsoleParsed(.ok(channels), unrecognised: unrecognised)
    }

    static let statusCurrent = FixedColumns(columns: [
        .init(name: "Span", width: 4, rightAligned: true), .init(name: "Description", width: 40, rightAligned: false),
        .init(name: "Alarms", width: 7, rightAligned: false), .init(name: "IRQ", width: 6, rightAligned: false),
        .init(name: "bpviol", width: 6, rightAligned: false), .init(name: "CRC", width: 6, rightAligned: false),
        .init(name: "Framing", width: 3, rightAligned: false), .init(name: "Coding", width: 4, rightAligned: false),
        .init(name: "Options", width: 8, rightAligned: false), .init(name: "LBO", width: 0, rightAligned: false)], lastIsFree: true)

    static let statusOld = FixedColumns(columns: Array(statusCurrent.columns.dropFirst()), lastIsFree: true)

    static let spanAlarmWords: Set<String> = ["BLU", "YEL", "RED", "LB", "REC", "NOP", "UUU"]
    static let framings: Set<String> = ["D4", "ESF", "CCS", "CAS"]
    static let codings: Set<String> = ["B8ZS", "HDB3", "AMI", "Unkn"]
    static let options: Set<String> = ["CRC4", "CRC4/YEL", "YEL"]

    /// build_alarm_info() cut to the 7-character column: "UNCONFI" is UNCONFIGURED; "BLU/YEL" may be the start of
    /// "BLU/YEL/RED" (the CLI cannot tell; the AMI can).
    static func spanAlarms(_ text: String) -> String? {
        if text == "OK" { return "OK" }
        if text == "UNCONFI" { return "UNCONFIGURED" }
        let words = text.split(separator: "/", omittingEmptySubsequences: false)
        let kept = words.last == "" ? words.dropLast() : words[...]
        guard !kept.isEmpty, kept.allSatisfy({ spanAlarmWords.contains(String($0)) }) else { return nil }
        return kept.joined(separator: "/")
    }

    public static func status(_ text: String, asteriskVersion: String?) -> ConsoleParsed<[AsteriskDahdiSpan]> {
        let command = "dahdi show status"
        if let refusal = ConsoleText.refusal(text, command: command, action: "DAHDIShowStatus") { return .failed(refusal) }
        var spans: [AsteriskDahdiSpan] = []
        var unrecognised: [String] = []
        var sawHeader = false
        for line in ConsoleText.lines(text) where !ConsoleText.isBlank(line) {
            if !sawHeader {
                if line.hasPrefix("No DAHDI found. Unable to open /dev/dahdi/ctl") {
                    return .failed(AMIFailure(kind: .error, action: "DAHDIShowStatus",
                                              message: "chan_dahdi cannot open /dev/dahdi/ctl (Asterisk answered: \(line))"))
                }
                if statusCurrent.matchesHeader(line) { sawHeader = true; continue }
                if statusOld.matchesHeader(line) {
                    let version = asteriskVersion.map { "Asterisk \($0)" } ?? "this Asterisk"
                    return .failed(AMIFailure(kind: .unsupported, action: "DAHDIShowStatus",
                                              message: "\(version) prints 'dahdi show status' without span numbers (they came with 21.3.0, 20.8.0 and 18.23.0)"))
                }
                unrecognised.append(line)
                continue
            }
            if let span = statusRow(line) { spans.append(span) } else { unrecognised.append(line) }
        }
        guard sawHeader else {
            return ConsoleParsed(.failed(AMIFailure(kind: .protocolError, action: "DAHDIShowStatus",
                                                    message: "'\(command)' printed no span table header")), unrecognised: unrecognised)
        }
        return ConsoleParsed(.ok(spans), unrecognised: unrecognised)
    }

    /// "%4d %-40.40s %-7.7s %-6d %-6d %-6d %-3.3s %-4.4s %-8.8s %s": the counters are `%-6d`, which grows past six
    /// digits, so only the first three columns are fixed; the rest is read word by word.
    static func statusRow(_ line: String) -> AsteriskDahdiSpan? {
        let characters = Array(line)
        guard characters.count > 54, characters[4] == " ", characters[45] == " ", characters[53] == " " else { return nil }
        guard let number = Int(ConsoleText.trimmed(String(characters[0..<4]))),
              let alarms = spanAlarms(ConsoleText.trimmed(String(characters[46..<53]))) else { return nil }
        var words = String(characters[54...]).split(separator: " ").map(String.init)[...]
        guard words.count >= 5, let irq = Int(words.removeFirst()), let bpv = Int(words.removeFirst()),
              let crc = Int(words.removeFirst()) else { return nil }
        let framing = words.removeFirst()
        let coding = words.removeFirst()
        guard framings.contains(framing), codings.contains(coding) else { return nil }
        var option = ""
        if let next = words.first, options.contains(next) { option = next; words.removeFirst() }
        return AsteriskDahdiSpan(span: number, description: ConsoleText.trimmed(String(characters[5..<45])).nonEmpty,
                                 alarms: alarms, irq: irq, bipolarViolations: bpv, crc: crc, framing: framing,
                                 coding: coding == "Unkn" ? "Unk" : coding, options: option,
                                 lbo: words.joined(separator: " ").nonEmpty)
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
