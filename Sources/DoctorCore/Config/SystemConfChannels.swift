/// What each dahdi_cfg channel keyword configures.
struct SystemConfChannelKind {
    let keyword: String
    let signalling: Signalling
    /// The name dahdi_cfg quotes in "already configured as '...'".
    let dahdiCfgName: String
    /// `clear`, `rawhdlc`, `fcshdlc`, `nethdlc`: the line's first channel is the master, the others are slaves.
    var bundled = false

    var isCAS: Bool { signalling == .cas }
    var isDACS: Bool { signalling == .dacs || signalling == .dacsRBS }

    static let all: [SystemConfChannelKind] = [
        .init(keyword: "e&m", signalling: .em, dahdiCfgName: "E & M"),
        .init(keyword: "e&me1", signalling: .emE1, dahdiCfgName: "E & M E1"),
        .init(keyword: "fxsls", signalling: .fxsls, dahdiCfgName: "FXS Loopstart"),
        .init(keyword: "fxsgs", signalling: .fxsgs, dahdiCfgName: "FXS Groundstart"),
        .init(keyword: "fxsks", signalling: .fxsks, dahdiCfgName: "FXS Kewlstart"),
        .init(keyword: "fxols", signalling: .fxols, dahdiCfgName: "FXO Loopstart"),
        .init(keyword: "fxogs", signalling: .fxogs, dahdiCfgName: "FXO Groundstart"),
        .init(keyword: "fxoks", signalling: .fxoks, dahdiCfgName: "FXO Kewlstart"),
        .init(keyword: "cas", signalling: .cas, dahdiCfgName: "CAS / User"),
        .init(keyword: "user", signalling: .cas, dahdiCfgName: "CAS / User"),
        .init(keyword: "dacs", signalling: .dacs, dahdiCfgName: "DACS"),
        .init(keyword: "dacsrbs", signalling: .dacsRBS, dahdiCfgName: "DACS w/RBS"),
        .init(keyword: "unused", signalling: .none, dahdiCfgName: "Unused"),
        .init(keyword: "indclear", signalling: .clear, dahdiCfgName: "Clear channel"),
        .init(keyword: "bchan", signalling: .clear, dahdiCfgName: "Clear channel"),
        .init(keyword: "clear", signalling: .clear, dahdiCfgName: "Clear channel", bundled: true),
        .init(keyword: "rawhdlc", signalling: .hdlcRaw, dahdiCfgName: "Raw HDLC", bundled: true),
        .init(keyword: "nethdlc", signalling: .hdlcNet, dahdiCfgName: "Network HDLC", bundled: true),
        .init(keyword: "fcshdlc", signalling: .hdlcFCS, dahdiCfgName: "HDLC with FCS check", bundled: true),
        .init(keyword: "dchan", signalling: .hdlcFCS, dahdiCfgName: "D-channel"),
        .init(keyword: "hardhdlc", signalling: .hardHDLC, dahdiCfgName: "Hardware assisted D-channel"),
        .init(keyword: "mtp2", signalling: .mtp2, dahdiCfgName: "MTP2"),
    ]

    static let byKeyword: [String: SystemConfChannelKind] =
        Dictionary(uniqueKeysWithValues: all.map { ($0.keyword, $0) })
}

extension SystemConfReader {
    /// `<keyword>=<chanlist>[:<idle bits|start channel|interface>]`. dahdi_cfg cuts the value at colons the way
    /// strtok does: leading colons stay in the channel list (and make it invalid), runs of colons count as one.
    static func splitAtColons(_ value: ArraySlice<UInt8>)
        -> (list: ArraySlice<UInt8>, suffix: ArraySlice<UInt8>?, ignored: ArraySlice<UInt8>?) {
        let colon = UInt8(ascii: ":")
        let tokens = value.split(separator: colon)
        guard let first = tokens.first else { return (value, nil, nil) }
        let list = value[value.startIndex..<first.endIndex]
        let suffix = tokens.count > 1 ? tokens[1] : nil
        let ignored = tokens.count > 2 ? value[tokens[2].startIndex...] : nil
        return (list, suffix, ignored)
    }

    mutating func channels(_ kind: SystemConfChannelKind, _ value: ArraySlice<UInt8>, _ line: ConfigLine) {
        let (listBytes, suffix, ignored) = Self.splitAtColons(value)
        var dacsChannel = 0
        if kind.isDACS {
            guard let suffix, let start = CScannedInt.scan(suffix), start.value >= 1 else {
                return issue(line, "DACS requires a starting channel in the form ':x' where x is the channel")
            }
            dacsChannel = Int(start.value)
        }
        let list: DahdiCfgArguments.ChannelList
        switch DahdiCfgArguments.channelList(listBytes) {
        case .success(let parsed): list = parsed
        case .failure(let message): return issue(line, message.text)
        }
        for note in list.lenientReadings { issue(line, note) }
        if let ignored { issue(line, "dahdi_cfg ignores ':\(ConfigText.string(ignored))'") }

        var master: Int?
        var warnedIdleBits = false
        for number in list.channels {
            if let earlier = claimed[number] {
                issue(line, "Channel \(number) already configured as '\(earlier.name)' at line \(earlier.line)")
                continue
            }
            if kind.isDACS {
                if let earlier = claimed[dacsChannel] {
                    issue(line, "DACS Destination channel \(dacsChannel) already configured as '\(earlier.name)' "
                        + "at line \(earlier.line)")
                    continue
                }
                // dahdi_cfg never names the destination, so a later clash quotes it as '(null)'.
                claimed[dacsChannel] = ("(null)", line.number)
            }
            var idleBits: String?
            if kind.isCAS {
                guard let bits = Self.idleBits(suffix) else {
                    // dahdi_cfg has already claimed this channel when it finds the bits missing, and stops there.
                    claimed[number] = ("(null)", line.number)
                    return issue(line, "CAS Signalling requires idle definition in the form ':xxxx' at the end of the "
                        + "channel definition, where xxxx represent the a, b, c, and d bits")
                }
                idleBits = bits
            }
            claimed[number] = (kind.dahdiCfgName, line.number)
            let isSlave = kind.bundled && master != nil
            if kind.bundled, master == nil { master = number }
            let signalling: Signalling = isSlave ? .slave : kind.signalling
            var entry = SystemConfChannel(
                channel: number, keyword: kind.keyword, signalling: signalling, signallingName: signalling.kernelName,
                dahdiCfgName: kind.dahdiCfgName, master: isSlave ? (master ?? number) : number, idleBits: idleBits,
                dacsPeer: kind.isDACS ? dacsChannel : nil, networkInterface: nil, line: line.number)
            if kind.keyword == "nethdlc", !isSlave, let suffix {
                entry.networkInterface = interfaceName(suffix, line)
            }
            config.channels.append(entry)
            if kind.isDACS {
                if dacsChannel > DahdiCfgArguments.maxChannel {
                    issue(line, "DACS destination channel \(dacsChannel) is beyond \(DahdiCfgArguments.maxChannel)")
                }
                config.channels.append(SystemConfChannel(
                    channel: dacsChannel, keyword: kind.keyword, signalling: kind.signalling,
                    signallingName: kind.signalling.kernelName, dahdiCfgName: kind.dahdiCfgName,
                    master: dacsChannel, idleBits: nil, dacsPeer: number, networkInterface: nil, line: line.number))
                dacsChannel += 1
            }
            if suffix != nil, !kind.isCAS, !kind.isDACS, kind.keyword != "nethdlc", !warnedIdleBits {
                // dahdi_cfg prints this per channel, without a line number; nethdlc is left out because there the
                // suffix is the interface name and is used.
                warnedIdleBits = true
                issue(line, "WARNING: idlebits are not valid on \(kind.dahdiCfgName) channels.")
            }
        }
    }

    /// dahdi_cfg reads the first four characters after the colon and wants each to be 0 or 1.
    static func idleBits(_ suffix: ArraySlice<UInt8>?) -> String? {
        guard let suffix, suffix.count >= 4 else { return nil }
        let bits = suffix.prefix(4)
        guard bits.allSatisfy({ $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "1") }) else { return nil }
        return ConfigText.string(bits)
    }

    mutating func interfaceName(_ suffix: ArraySlice<UInt8>, _ line: ConfigLine) -> String {
        let name = ConfigText.string(suffix)
        // struct dahdi_chanconfig holds netdev_name[16].
        if suffix.count > 15 {
            issue(line, "network interface name '\(name)' is longer than 15 characters; dahdi_cfg cuts it")
        }
        return name
    }

    mutating func law(_ keyword: String, _ value: ArraySlice<UInt8>, _ line: ConfigLine) {
        guard let law = CompandingLaw(rawValue: keyword), let list = channelListOrIssue(value, line) else { return }
        config.laws.append(SystemConfLaw(law: law, channels: list, line: line.number))
    }

    mutating func hdlc56k(_ value: ArraySlice<UInt8>, _ line: ConfigLine) {
        guard let list = channelListOrIssue(value, line) else { return }
        config.hdlc56k.append(SystemConfChannelList(channels: list, line: line.number))
    }

    /// `echocanceller=<name>,<chanlist>[,<chanlist>...]`: dahdi_cfg cuts at every comma and skips empty pieces.
    mutating func echoCanceller(_ value: ArraySlice<UInt8>, _ line: ConfigLine) {
        let pieces = value.split(separator: UInt8(ascii: ","))
        guard let nameBytes = pieces.first else { return }
        var channels = Set<Int>()
        for piece in pieces.dropFirst() {
            switch DahdiCfgArguments.channelList(piece) {
            case .success(let list):
                channels.formUnion(list.channels)
                for note in list.lenientReadings { issue(line, note) }
            case .failure(let message):
                return issue(line, message.text)
            }
        }
        let name = ConfigText.string(nameBytes)
        if nameBytes.contains(where: { $0 < 33 }) {
            issue(line, "echo canceller name '\(name)' contains blanks; dahdi_cfg passes them on and no echo "
                + "canceller has that name")
        }
        // struct dahdi_attach_echocan holds echocan[16].
        if nameBytes.count > 15 { issue(line, "echo canceller name '\(name)' is longer than 15 characters") }
        config.echoCancellers.append(SystemConfEchoCanceller(name: name, channels: channels.sorted(),
                                                             line: line.number))
    }

    mutating func radioChannels(_ keyword: String, _ value: ArraySlice<UInt8>, _ line: ConfigLine) {
        guard channelListOrIssue(value, line) != nil else { return }
        config.radio.append(SystemConfRadioSetting(keyword: keyword, value: ConfigText.string(value),
                                                   line: line.number))
        if !sawRadioParameter {
            issue(line, "'\(keyword)=' in system.conf only applies pciradio settings (dahdi_cfg opens each channel "
                + "while parsing); channels are configured with a signalling keyword such as fxoks=")
        }
    }

    mutating func channelListOrIssue(_ value: ArraySlice<UInt8>, _ line: ConfigLine) -> [Int]? {
        switch DahdiCfgArguments.channelList(value) {
        case .success(let list):
            for note in list.lenientReadings { issue(line, note) }
            return list.channels
        case .failure(let message):
            issue(line, message.text)
            return nil
        }
    }
}
