/// Parses `/etc/dahdi/system.conf` with dahdi_cfg's grammar (dahdi-tools `dahdi_cfg.c`) and dahdi_cfg's own error
/// messages, so a technician recognises them. It never fails: each line dahdi_cfg would reject becomes one
/// `ParseIssue` and parsing goes on. A few issues go beyond dahdi_cfg (it accepts them but the result is wrong);
/// their messages say so in plain words.
public enum SystemConfParser {
    public static func parse(_ text: String, file: String) -> SystemConfig {
        var reader = SystemConfReader(file: file)
        for line in ConfigText.lines(text) { reader.read(line) }
        reader.finish()
        return reader.config
    }
}

/// dahdi_cfg reads lines into a 256-byte buffer; longer lines are cut into pieces it parses separately.
let dahdiCfgLineLimit = 255

struct SystemConfReader {
    let file: String
    var config = SystemConfig()
    /// Channel -> the name dahdi_cfg would quote and the line that claimed it ("already configured as ...").
    var claimed: [Int: (name: String, line: Int)] = [:]
    var spanLines: [Int: Int] = [:]
    var sawRadioParameter = false
    var defaultZoneText = ""

    init(file: String) { self.file = file }

    mutating func issue(_ line: ConfigLine, _ message: String) {
        config.issues.append(ParseIssue(file: file, line: line.number, text: line.text, message: message))
    }

    mutating func read(_ line: ConfigLine) {
        var bytes = line.bytes
        if line.number == 1, ConfigText.hasByteOrderMark(bytes) {
            // x86 dahdi_cfg happens to skip it (its blank test uses a signed char); on ARM it joins the keyword.
            issue(line, "UTF-8 byte order mark: dahdi_cfg ignores it only on machines where char is signed (x86)")
            bytes = bytes.dropFirst(ConfigText.byteOrderMark.count)
        }
        if let nul = bytes.firstIndex(of: 0) {
            issue(line, "NUL byte: dahdi_cfg ignores the rest of the line")
            bytes = bytes[..<nul]
        }
        if line.bytes.count > dahdiCfgLineLimit {
            issue(line, "line too long for dahdi_cfg (\(dahdiCfgLineLimit) bytes)")
        }
        if let hash = bytes.firstIndex(of: UInt8(ascii: "#")) { bytes = bytes[..<hash] }
        let content = bytes.trimmingControlAndSpace()
        guard !content.isEmpty else { return }

        guard let equals = content.firstIndex(of: UInt8(ascii: "=")) else {
            return issue(line, "Syntax error. Should be <keyword>=<value>")
        }
        let key = content[..<equals].trimmingControlAndSpace()
        let value = content[(equals + 1)...].trimmingControlAndSpace()
        guard !key.isEmpty, !value.isEmpty else { return issue(line, "Syntax error. Should be <keyword>=<value>") }
        dispatch(keyword: key.lowercasedASCII(), written: ConfigText.string(key), value: value, line: line)
    }

    mutating func dispatch(keyword: String, written: String, value: ArraySlice<UInt8>, line: ConfigLine) {
        switch keyword {
        case "span": span(value, line)
        case "dynamic": dynamicSpan(value, line)
        case "loadzone": loadZone(value, line)
        case "defaultzone": defaultZone(value, line)
        case "alaw", "mulaw", "deflaw": law(keyword, value, line)
        case "echocanceller": echoCanceller(value, line)
        case "56k": hdlc56k(value, line)
        case "channel", "channels": radioChannels(keyword, value, line)
        default:
            if let kind = SystemConfChannelKind.byKeyword[keyword] {
                channels(kind, value, line)
            } else if SystemConfReader.radioParameters.contains(keyword) {
                sawRadioParameter = true
                config.radio.append(SystemConfRadioSetting(keyword: keyword, value: ConfigText.string(value),
                                                           line: line.number))
            } else {
                issue(line, "Unknown keyword '\(written)'")
            }
        }
    }

    static let radioParameters: Set<String> = [
        "ctcss", "dcsrx", "rxdcs", "tx", "debouncetime", "bursttime", "exttone", "invertcor", "corthresh", "rxgain",
        "txgain", "deemp", "preemp",
    ]

    mutating func finish() {
        guard let zone = config.defaultZone else { return }
        let loaded = Set(config.loadZones.map { $0.zone.lowercased() })
        var message: String?
        if loaded.isEmpty {
            message = "defaultzone=\(zone.zone) has no effect without a loadzone line: dahdi_cfg then loads only 'us' "
                + "and makes it the default"
        } else if !loaded.contains(zone.zone.lowercased()), ToneZones.isKnown(zone.zone) {
            message = "defaultzone '\(zone.zone)' is not loaded by any loadzone line"
        }
        if let message {
            config.issues.append(ParseIssue(file: file, line: zone.line, text: defaultZoneText, message: message))
        }
    }
}

// MARK: - span, dynamic, tone zones

extension SystemConfReader {
    static let spanUsage = "Incorrect number of arguments to 'span' (should be <spanno>,<timing>,<lbo>,<framing>,"
        + "<coding>[, crc4 | yellow [, yellow]])"

    mutating func span(_ value: ArraySlice<UInt8>, _ line: ConfigLine) {
        guard let args = DahdiCfgArguments.split(value, separator: UInt8(ascii: ","), maxCount: 9),
              (5...9).contains(args.count) else { return issue(line, Self.spanUsage) }
        let text = args.map { ConfigText.string($0) }
        guard let number = CScannedInt.scan(args[0]) else {
            return issue(line, "Span number should be a valid span number, not '\(text[0])'")
        }
        guard let timing = CScannedInt.scan(args[1]), (0...255).contains(timing.value) else {
            return issue(line, "Timing should be a number from 0 to 255, not '\(text[1])'")
        }
        guard let lbo = CScannedInt.scan(args[2]) else {
            return issue(line, "Line build-out (LBO) should be a number from 0 to 7 (usually 0) not '\(text[2])'")
        }
        guard (0...7).contains(lbo.value) else {
            return issue(line, "Line build-out should be in the range 0 to 7, not \(lbo.value)")
        }
        guard let framing = SpanFraming(rawValue: args[3].lowercasedASCII()) else {
            return issue(line, "Framing(T1)/Signalling(E1) must be one of 'd4', 'esf', 'cas' or 'ccs', not '\(text[3])'")
        }
        guard let coding = SpanCoding(rawValue: args[4].lowercasedASCII()) else {
            return issue(line, "Coding must be one of 'ami', 'b8zs' or 'hdb3', not '\(text[4])'")
        }
        var lineConfig: LineConfig = [framing.lineConfig, coding.lineConfig]
        var options: [String] = []
        for (index, option) in args.enumerated().dropFirst(5) {
            switch option.lowercasedASCII() {
            case "yellow": lineConfig.insert(.notOpen)
            case "crc4": lineConfig.insert(.crc4)
            case "nt": lineConfig.insert(.ntte)
            case "te": lineConfig.remove(.ntte)
            case "term": lineConfig.insert(.term)
            default:
                return issue(line, "Remaining arguments may be any of: 'yellow', 'crc4', 'nt', 'te', 'term', "
                    + "not '\(text[index])'")
            }
            options.append(option.lowercasedASCII())
        }
        for (index, scanned) in [(0, number), (1, timing), (2, lbo)] {
            if let note = DahdiCfgArguments.lenientNote(args[index], scanned: scanned, text: text[index]) {
                issue(line, note)
            }
        }
        let spanNumber = Int(number.value)
        // dahdi_cfg does not range-check the span number; DAHDI only has spans 1 to 127.
        if !(1...127).contains(spanNumber) {
            issue(line, "span number '\(text[0])' is not between 1 and 127: DAHDI_SPANCONFIG will fail")
        }
        if let earlier = spanLines[spanNumber] {
            issue(line, "span \(spanNumber) is already declared at line \(earlier); dahdi_cfg applies both, the last wins")
        } else {
            spanLines[spanNumber] = line.number
        }
        config.spans.append(SystemConfSpan(span: spanNumber, timing: Int(timing.value), lbo: Int(lbo.value),
                                           framing: framing, coding: coding, options: options,
                                           lineConfig: lineConfig, line: line.number))
    }

    mutating func dynamicSpan(_ value: ArraySlice<UInt8>, _ line: ConfigLine) {
        guard let args = DahdiCfgArguments.split(value, separator: UInt8(ascii: ","), maxCount: 4), args.count == 4
        else {
            return issue(line, "Incorrect number of arguments to 'dynamic' (should be <driver>,<address>,"
                + "<num channels>, <timing>)")
        }
        let text = args.map { ConfigText.string($0) }
        guard let count = CScannedInt.scan(args[2]), count.value >= 1 else {
            return issue(line, "Invalid number of channels '\(text[2])', should be a number > 0.")
        }
        guard let timing = CScannedInt.scan(args[3]), timing.value >= 0 else {
            return issue(line, "Invalid timing '\(text[3])', should be a number > 0.")
        }
        // struct dahdi_dynamic_span holds driver[20] and addr[40]; dahdi_cfg cuts longer values silently.
        if args[0].count > 19 { issue(line, "driver name '\(text[0])' is longer than 19 characters; dahdi_cfg cuts it") }
        if args[1].count > 39 { issue(line, "address '\(text[1])' is longer than 39 characters; dahdi_cfg cuts it") }
        config.dynamicSpans.append(SystemConfDynamicSpan(driver: text[0], address: text[1],
                                                         channelCount: Int(count.value), timing: Int(timing.value),
                                                         line: line.number))
    }

    mutating func loadZone(_ value: ArraySlice<UInt8>, _ line: ConfigLine) {
        let zone = ConfigText.string(value)
        // DAHDI_TONE_ZONE_MAX is 128.
        guard config.loadZones.count < 128 else { return issue(line, "Too many tone zones specified") }
        config.loadZones.append(SystemConfZone(zone: zone, line: line.number))
        if value.contains(UInt8(ascii: ",")) {
            issue(line, "loadzone takes one zone per line: dahdi_cfg would try to load a zone named '\(zone)'")
        } else if !ToneZones.isKnown(zone) {
            issue(line, "Unable to register tone zone '\(zone)'")
        } else if value.count > 9 {
            issue(line, "zone name '\(zone)' is longer than 9 characters; dahdi_cfg cuts it")
        }
    }

    mutating func defaultZone(_ value: ArraySlice<UInt8>, _ line: ConfigLine) {
        let zone = ConfigText.string(value)
        guard ToneZones.isKnown(zone) else { return issue(line, "No such tone zone known: \(zone)") }
        config.defaultZone = SystemConfZone(zone: zone, line: line.number)
        defaultZoneText = line.text
    }
}

extension SpanFraming {
    var lineConfig: LineConfig {
        switch self {
        case .d4: .d4
        case .esf: .esf
        case .ccs: .ccs
        case .cas: []
        }
    }
}

extension SpanCoding {
    var lineConfig: LineConfig {
        switch self {
        case .ami: .ami
        case .b8zs: .b8zs
        case .hdb3: .hdb3
        }
    }
}
