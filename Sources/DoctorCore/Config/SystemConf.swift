/// `/etc/dahdi/system.conf` as dahdi_cfg would apply it. Every declaration keeps its line number as evidence, and
/// every list is in file order. A line dahdi_cfg would reject contributes nothing here and one issue in `issues`.
public struct SystemConfig: Sendable, Hashable, Codable {
    public var spans: [SystemConfSpan] = []
    public var dynamicSpans: [SystemConfDynamicSpan] = []
    /// One entry per configured channel, in the order dahdi_cfg assigns them (line by line, ascending within a line).
    public var channels: [SystemConfChannel] = []
    public var echoCancellers: [SystemConfEchoCanceller] = []
    public var laws: [SystemConfLaw] = []
    /// `56k=` lines: HDLC channels run at 56 kbit/s instead of 64.
    public var hdlc56k: [SystemConfChannelList] = []
    public var loadZones: [SystemConfZone] = []
    public var defaultZone: SystemConfZone?
    /// pciradio settings (`ctcss`, `tx`, `rxgain`, ... and the radio-only `channel`/`channels`), recorded as written.
    public var radio: [SystemConfRadioSetting] = []
    public var issues: [ParseIssue] = []

    public init() {}

    /// The channel declaration for a channel number, if any line configured it.
    public func channel(_ number: Int) -> SystemConfChannel? { channels.first { $0.channel == number } }
}

/// `span=<spanno>,<timing>,<lbo>,<framing>,<coding>[,crc4|yellow|nt|te|term...]`
public struct SystemConfSpan: Sendable, Hashable, Codable {
    public var span: Int
    /// 0: never a sync source; 1: first choice; 2: second... (dahdi_cfg accepts 0 to 255).
    public var timing: Int
    public var lbo: Int
    public var framing: SpanFraming
    public var coding: SpanCoding
    /// The optional words, lowercased, in the order written.
    public var options: [String]
    /// The `lineconfig` dahdi_cfg hands to DAHDI_SPANCONFIG for these fields.
    public var lineConfig: LineConfig
    public var line: Int
}

public enum SpanFraming: String, Sendable, Hashable, Codable {
    case d4, esf, cas, ccs
}

public enum SpanCoding: String, Sendable, Hashable, Codable {
    case ami, b8zs, hdb3
}

/// `dynamic=<driver>,<address>,<numchans>,<timing>`, e.g. `dynamic=eth,eth0/00:02:b3:35:43:9c,24,0`.
public struct SystemConfDynamicSpan: Sendable, Hashable, Codable {
    public var driver: String
    public var address: String
    public var channelCount: Int
    public var timing: Int
    public var line: Int
}

public struct SystemConfChannel: Sendable, Hashable, Codable {
    public var channel: Int
    /// The keyword that configured it, lowercased (`fxoks`, `bchan`, `dchan`, `clear`, `dacs`...).
    public var keyword: String
    /// What DAHDI_CHANCONFIG receives: `Slave` for the second and later channels of a `clear`, `rawhdlc`,
    /// `fcshdlc` or `nethdlc` bundle, whose first channel is the master.
    public var signalling: Signalling
    /// The kernel's name for `signalling` (`FXOKS`, `Clear`, `HDLCFCS`, `Slave`...).
    public var signallingName: String
    /// The name dahdi_cfg uses in "already configured as '...'" (`FXO Kewlstart`, `D-channel`...).
    public var dahdiCfgName: String
    /// The bundle master; the channel itself when it is not a slave.
    public var master: Int
    /// `cas`/`user` idle ABCD bits as written, e.g. `1101`.
    public var idleBits: String?
    /// For `dacs`/`dacsrbs`: the channel this one is cross-connected with.
    public var dacsPeer: Int?
    /// For the master of a `nethdlc` bundle: the network interface name, when given.
    public var networkInterface: String?
    public var line: Int
}

public struct SystemConfEchoCanceller: Sendable, Hashable, Codable {
    public var name: String
    public var channels: [Int]
    public var line: Int
}

public enum CompandingLaw: String, Sendable, Hashable, Codable {
    case alaw, mulaw, deflaw
}

public struct SystemConfLaw: Sendable, Hashable, Codable {
    public var law: CompandingLaw
    public var channels: [Int]
    public var line: Int
}

public struct SystemConfChannelList: Sendable, Hashable, Codable {
    public var channels: [Int]
    public var line: Int
}

public struct SystemConfZone: Sendable, Hashable, Codable {
    public var zone: String
    public var line: Int
}

public struct SystemConfRadioSetting: Sendable, Hashable, Codable {
    public var keyword: String
    public var value: String
    public var line: Int
}
