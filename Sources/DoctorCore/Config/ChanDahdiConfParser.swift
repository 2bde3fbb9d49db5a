/// Builds chan_dahdi's channel list from chan_dahdi.conf the way chan_dahdi does (channels/chan_dahdi.c,
/// `setup_dahdi_int` and `process_dahdi`):
/// - the first `[channels]` section is read top to bottom; options (`signalling`, `context`, `group`...) stick
///   until changed, and each `channel =>` line creates channels with the options in force at that point;
/// - every other section except `[general]`, `[globals]` and `[trunkgroups]` is used only if it has a `dahdichan`:
///   it starts from the options in force at the end of `[channels]`, applies all of its own options, then creates
///   the channels of its last `dahdichan` (`channel` lines there are ignored);
/// - templates (`[name](!)`) are never used directly.
public enum ChanDahdiConfParser {
    public static func parse(_ text: String, file: String, source: AsteriskConfigSource) -> ChanDahdiConfig {
        build(AsteriskConfigReader.read(text, file: file, source: source))
    }

    /// Reads `name` (relative names are in `source.configDirectory`) and everything it includes.
    public static func load(_ name: String = "chan_dahdi.conf", source: AsteriskConfigSource) -> ChanDahdiConfig {
        build(AsteriskConfigReader.load(name, source: source))
    }

    static let reservedSections: Set<String> = ["general", "trunkgroups", "globals", "channels"]

    static func build(_ asterisk: AsteriskConfig) -> ChanDahdiConfig {
        var builder = ChanDahdiBuilder()
        builder.config.files = asterisk.files
        builder.config.issues = asterisk.issues
        builder.config.loadsInAsterisk = asterisk.loadsInAsterisk
        let usable = asterisk.categories.filter { !$0.isTemplate }
        let channelsSections = usable.filter { $0.name.lowercased() == "channels" }
        if let first = channelsSections.first {
            builder.process(first, allowChannelLines: true)
            for ignored in channelsSections.dropFirst() {
                builder.note(ignored.file, ignored.line, "[\(ignored.name)]",
                             "chan_dahdi reads only the first [channels] section (line \(first.line) of \(first.file));"
                                 + " this one is ignored")
            }
        }
        let base = builder.state
        for section in usable where !reservedSections.contains(section.name.lowercased()) {
            guard let dahdichan = section.lastValue("dahdichan"), !dahdichan.trimmingBlanks().isEmpty else {
                builder.note(section.file, section.line, "[\(section.name)]",
                             "section [\(section.name)] has no dahdichan: chan_dahdi ignores it")
                continue
            }
            builder.state = base
            builder.process(section, allowChannelLines: false)
        }
        return builder.finish()
    }
}

/// chan_dahdi's running channel configuration (its `dahdi_chan_conf`), reduced to what the doctor compares.
struct ChanDahdiState: Hashable {
    var signalling: String?
    var context = "default"
    var group: String?
    var ignoreFailedChannels = false
    /// Every option in force, in the order first set, each with its last value and the line that set it.
    var options: [ChanDahdiOption] = []
    private var positions: [String: Int] = [:]

    mutating func set(_ option: ChanDahdiOption) {
        let key = option.key.lowercased()
        // setvar adds a channel variable each time; everything else replaces the earlier value.
        if key != "setvar", let position = positions[key] {
            options[position] = option
        } else {
            positions[key] = options.count
            options.append(option)
        }
    }

    mutating func clearChannelVariables() {
        options.removeAll { $0.key.lowercased() == "setvar" }
        positions = Dictionary(options.enumerated().map { ($1.key.lowercased(), $0) }, uniquingKeysWith: { $1 })
    }
}

struct ChanDahdiBuilder {
    var config = ChanDahdiConfig()
    var state = ChanDahdiState()
    /// Channels in creation order; a redefined channel leaves a hole where it was first created.
    private var slots: [ChanDahdiChannel?] = []
    private var slotOfChannel: [Int: Int] = [:]

    /// The result, once every section has been processed.
    mutating func finish() -> ChanDahdiConfig {
        config.channels = slots.compactMap { $0 }
        return config
    }

    mutating func note(_ file: String, _ line: Int, _ text: String, _ message: String) {
        config.issues.append(ParseIssue(file: file, line: line, text: text, message: message))
    }

    mutating func process(_ section: AsteriskCategory, allowChannelLines: Bool) {
        var dahdichan: AsteriskVariable?
        for variable in section.variables {
            let text = "\(variable.name) \(variable.isObject ? "=>" : "=") \(variable.value)"
            switch variable.name.lowercased() {
            case "channel", "channels":
                if allowChannelLines {
                    createChannels(variable, section: section.name, text: text)
                } else {
                    note(variable.file, variable.line, text, "Channel '\(variable.value)' ignored.")
                }
            case "dahdichan":
                dahdichan = variable
            default:
                apply(variable, text: text)
            }
        }
        if let dahdichan {
            createChannels(dahdichan, section: section.name,
                           text: "\(dahdichan.name) = \(dahdichan.value)")
        }
        // chan_dahdi hands setvar variables to the channels of this section only.
        state.clearChannelVariables()
    }

    private mutating func apply(_ variable: AsteriskVariable, text: String) {
        let key = variable.name.lowercased()
        let value = variable.value
        switch key {
        case "signalling", "signaling":
            let wanted = value.lowercased()
            guard ChanDahdiSignalling.values[wanted] != nil else {
                return note(variable.file, variable.line, text,
                            "Unknown signalling method '\(value)' at line \(variable.line).")
            }
            state.signalling = wanted
        case "outsignalling", "outsignaling":
            if !ChanDahdiSignalling.outValues.contains(value.lowercased()) {
                note(variable.file, variable.line, text, "Unknown signalling method '\(value)' at line \(variable.line).")
            }
        case "context": state.context = value
        case "group": state.group = value
        case "ignore_failed_channels": state.ignoreFailedChannels = Self.isTrue(value)
        default: break
        }
        state.set(ChanDahdiOption(key: variable.name, value: value, file: variable.file, line: variable.line))
    }

    /// Asterisk's `ast_true`.
    static func isTrue(_ value: String) -> Bool {
        ["yes", "true", "y", "t", "1", "on"].contains(value.trimmingBlanks().lowercased())
    }

    /// A failure chan_dahdi treats as fatal (its module does not load) unless `ignore_failed_channels` is set.
    private mutating func channelFailure(_ variable: AsteriskVariable, _ text: String, _ message: String) {
        if state.ignoreFailedChannels {
            note(variable.file, variable.line, text, "\(message) (failure ignored: ignore_failed_channels)")
        } else {
            note(variable.file, variable.line, text, "\(message) (chan_dahdi does not load)")
            config.loadsInAsterisk = false
        }
    }

    private mutating func createChannels(_ variable: AsteriskVariable, section: String, text: String) {
        guard state.signalling != nil else {
            return channelFailure(variable, text, "Signalling must be specified before any channels are.")
        }
        let value = Array(variable.value.utf8)
        for piece in value[...].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let pieceText = ConfigText.string(piece)
            guard !piece.allSatisfy(\.isCSpace) else {
                note(variable.file, variable.line, text, "empty entry in channel list '\(variable.value)': chan_dahdi "
                    + "registers the previous channel number again")
                continue
            }
            guard let range = Self.channelRange(piece) else {
                if pieceText.lowercased() == "pseudo" { continue }  // the pseudo channel has no hardware behind it
                return channelFailure(variable, text, "Syntax error parsing '\(variable.value)' at '\(pieceText)'")
            }
            if let note = range.lenientReading { self.note(variable.file, variable.line, text, note) }
            var (start, finish) = (range.start, range.finish)
            if finish < start {
                note(variable.file, variable.line, text, "Silliness: \(start) < \(finish)")
                swap(&start, &finish)
            }
            guard start >= 1, finish <= DahdiCfgArguments.maxChannel else {
                channelFailure(variable, text, "channel '\(pieceText)' is outside 1 to \(DahdiCfgArguments.maxChannel): "
                    + "Unable to register channel '\(variable.value)'")
                continue
            }
            for number in start...finish { add(number, variable, section: section, text: text) }
        }
    }

    private mutating func add(_ number: Int, _ variable: AsteriskVariable, section: String, text: String) {
        let sig = state.signalling.flatMap { ChanDahdiSignalling.values[$0] ?? nil }
        let expected = sig.map(ChanDahdiSignalling.expectedSignalling)
        let channel = ChanDahdiChannel(
            channel: number, file: variable.file, line: variable.line, section: section, signalling: state.signalling,
            chanDahdiSig: sig, expectedSignalling: expected, expectedSignallingName: expected?.kernelName,
            context: state.context, group: state.group, options: state.options)
        if let existing = slotOfChannel[number], let earlier = slots[existing] {
            note(variable.file, variable.line, text, "channel \(number) is already configured at \(earlier.file):"
                + "\(earlier.line); chan_dahdi reconfigures it with this definition")
            slots[existing] = nil
        }
        slotOfChannel[number] = slots.count
        slots.append(channel)
    }

    struct ChannelRange {
        var start: Int
        var finish: Int
        var lenientReading: String?
    }

    /// chan_dahdi reads each element with `sscanf("%30d-%30d")`, then `sscanf("%30d")`: a range needs the dash
    /// right after the first number, and whatever follows the numbers is ignored.
    static func channelRange(_ piece: ArraySlice<UInt8>) -> ChannelRange? {
        guard let first = CScannedInt.scan(piece, maxWidth: 30) else { return nil }
        let afterFirst = piece.startIndex + first.length
        var result = ChannelRange(start: Int(first.value), finish: Int(first.value))
        var consumed = first.length
        if afterFirst < piece.endIndex, piece[afterFirst] == UInt8(ascii: "-"),
           let second = CScannedInt.scan(piece[(afterFirst + 1)...], maxWidth: 30) {
            result.finish = Int(second.value)
            consumed += 1 + second.length
        }
        let rest = piece[(piece.startIndex + consumed)...].trimmingCSpace()
        if !rest.isEmpty {
            let reading = result.start == result.finish ? "\(result.start)" : "\(result.start)-\(result.finish)"
            result.lenientReading = "chan_dahdi reads '\(ConfigText.string(piece))' as \(reading) and ignores "
                + "'\(ConfigText.string(rest))'"
        }
        return result
    }
}
