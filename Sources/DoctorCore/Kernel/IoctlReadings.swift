/// DAHDI_GETVERSION: the driver version and the registered echo canceller factories.
public struct DriverVersion: Sendable, Hashable, Codable {
    public var version: String
    public var echoCancellers: [String]

    public init(version: String, echoCancellers: [String]) {
        self.version = version
        self.echoCancellers = echoCancellers
    }

    /// `echo_canceller` is a comma-separated list (`MG2, OSLEC`); entries are trimmed of ASCII whitespace and NULs,
    /// empty ones dropped. On bytes: the version is read on every agent interval, and splitting by Characters
    /// was a twentieth of a 48-channel read under QEMU TCG.
    public init(version: String, echoCancellerList: String) {
        var names: [String] = []
        for part in echoCancellerList.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let name = Substring(part).trimmingKernelWhitespace()
            if !name.isEmpty { names.append(String(name)) }
        }
        self.init(version: version, echoCancellers: names)
    }
}

/// DAHDI_SPANSTAT (`struct dahdi_spaninfo`) decoded: one span at one moment. Strings are the ioctl's, which the
/// kernel truncates (name 19, others 39 chars); sysfs has the full ones.
public struct SpanStatus: Sendable, Hashable, Codable {
    public var number: Int
    public var name: String
    public var description: String
    public var alarms: SpanAlarms
    public var txLevel: Int32
    public var rxLevel: Int32
    public var counters: SpanCounters
    public var irqMisses: Int32
    public var syncSource: Int32
    public var configuredChannels: Int32
    public var totalChannels: Int32
    public var totalSpans: Int32
    public var lbo: Int32
    public var lineConfig: LineConfig
    public var lboName: String
    public var location: String
    public var manufacturer: String
    public var deviceType: String
    public var lineCompat: LineConfig
    /// The ioctl's 5-character form (`T1`, `E1`, `NT`, `TE`, `DYNAM`, `ANALO`).
    public var spanType: String

    public init(number: Int, name: String, description: String, alarms: SpanAlarms, txLevel: Int32 = 0,
                rxLevel: Int32 = 0, counters: SpanCounters = SpanCounters(), irqMisses: Int32 = 0,
                syncSource: Int32 = 0, configuredChannels: Int32, totalChannels: Int32, totalSpans: Int32,
                lbo: Int32 = 0, lineConfig: LineConfig = [], lboName: String = "", location: String = "",
                manufacturer: String = "", deviceType: String = "", lineCompat: LineConfig = [],
                spanType: String = "") {
        self.number = number; self.name = name; self.description = description; self.alarms = alarms
        self.txLevel = txLevel; self.rxLevel = rxLevel; self.counters = counters; self.irqMisses = irqMisses
        self.syncSource = syncSource; self.configuredChannels = configuredChannels
        self.totalChannels = totalChannels; self.totalSpans = totalSpans; self.lbo = lbo
        self.lineConfig = lineConfig; self.lboName = lboName; self.location = location
        self.manufacturer = manufacturer; self.deviceType = deviceType; self.lineCompat = lineCompat
        self.spanType = spanType
    }

    public var isDigital: Bool { !lineCompat.isEmpty }
}

/// Span error counters from DAHDI_SPANSTAT. The newer ones (fe...errsec) read 0xFFFFFFFF when the driver does
/// not keep them (dahdi_maint's convention); they decode to nil.
public struct SpanCounters: Sendable, Hashable, Codable {
    public var bipolarViolations: UInt32
    public var crc4Errors: UInt32
    public var eBitErrors: UInt32
    public var framingAlignmentErrors: UInt32
    public var framingErrors: UInt32?
    public var codingViolations: UInt32?
    public var bitErrors: UInt32?
    public var prbs: UInt32?
    public var erroredSeconds: UInt32?

    public init(bipolarViolations: UInt32 = 0, crc4Errors: UInt32 = 0, eBitErrors: UInt32 = 0,
                framingAlignmentErrors: UInt32 = 0, framingErrors: UInt32? = 0, codingViolations: UInt32? = 0,
                bitErrors: UInt32? = 0, prbs: UInt32? = 0, erroredSeconds: UInt32? = 0) {
        self.bipolarViolations = bipolarViolations; self.crc4Errors = crc4Errors; self.eBitErrors = eBitErrors
        self.framingAlignmentErrors = framingAlignmentErrors; self.framingErrors = framingErrors
        self.codingViolations = codingViolations; self.bitErrors = bitErrors; self.prbs = prbs
        self.erroredSeconds = erroredSeconds
    }

    /// Maps the driver's "not supported" marker to nil.
    public static func supported(_ raw: UInt32) -> UInt32? { raw == UInt32.max ? nil : raw }
}

/// DAHDI_GET_PARAMS (`struct dahdi_params`) decoded, read on /dev/dahdi/ctl with the channel number in the struct.
public struct ChannelParams: Sendable, Hashable, Codable {
    public var channel: Int
    public var span: Int
    public var position: Int
    public var signalling: Signalling
    public var capabilities: UInt32
    public var rxIsOffHook: Bool
    public var rxBits: Int32
    public var txBits: Int32
    public var txHookSignal: Int32
    public var rxHookSignal: Int32
    public var law: Int32
    public var idleBits: Int32
    public var name: String
    public var alarms: SpanAlarms

    public init(channel: Int, span: Int, position: Int, signalling: Signalling, capabilities: UInt32,
                rxIsOffHook: Bool = false, rxBits: Int32 = -1, txBits: Int32 = -1, txHookSignal: Int32 = -1,
                rxHookSignal: Int32 = -1, law: Int32 = 1, idleBits: Int32 = 0, name: String,
                alarms: SpanAlarms = []) {
        self.channel = channel; self.span = span; self.position = position; self.signalling = signalling
        self.capabilities = capabilities; self.rxIsOffHook = rxIsOffHook; self.rxBits = rxBits
        self.txBits = txBits; self.txHookSignal = txHookSignal; self.rxHookSignal = rxHookSignal; self.law = law
        self.idleBits = idleBits; self.name = name; self.alarms = alarms
    }
}

extension UInt8 {
    /// The bytes `trimmingWhitespace` trims: ASCII space, tab, newline, carriage return, and NUL.
    var isKernelWhitespace: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D || self == 0 }
}

extension Substring {
    /// Without the ASCII whitespace and NULs around it, cut on bytes (kernel text is ASCII; `trimmingWhitespace`
    /// does the same on Characters).
    func trimmingKernelWhitespace() -> Substring {
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { !$0.isKernelWhitespace }),
              let last = bytes.lastIndex(where: { !$0.isKernelWhitespace })
        else { return Substring() }
        return Substring(bytes[first...last])
    }
}

extension StringProtocol {
    /// Trims ASCII whitespace and NULs (sysfs values end in `\n`, C strings in padding).
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\0" }
        let sub = self[...]
        guard let first = sub.firstIndex(where: { !isSpace($0) }), let last = sub.lastIndex(where: { !isSpace($0) })
        else { return Substring() }
        return Substring(sub[first...last])
    }
}
