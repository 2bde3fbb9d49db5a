/// What sysfs says about one DAHDI device (`/sys/bus/dahdi_devices/devices/<name>/`). Attributes a kernel does not
/// have, or that could not be read, are nil.
public struct SysfsDevice: Sendable, Hashable, Codable {
    public var name: String
    public var manufacturer: String?
    public var type: String?
    public var spanCount: Int?
    public var hardwareId: String?
    public var location: String?
    /// `<local_spanno>:<TYPE>` lines from `spantype` or, on kernels >= 4.13, `dahdi_spantype`.
    public var spanTypes: [LocalSpanType]
    /// Which of the two names the device's span-type attribute has here (`dahdi_spantype` or `spantype`); nil
    /// when neither exists.
    public var spanTypeAttribute: String?
    public var registrationTime: String?
    /// Kernel span numbers of this device's assigned spans (its `span-N` children).
    public var assignedSpans: [Int]

    public init(name: String, manufacturer: String? = nil, type: String? = nil, spanCount: Int? = nil,
                hardwareId: String? = nil, location: String? = nil, spanTypes: [LocalSpanType] = [],
                spanTypeAttribute: String? = nil, registrationTime: String? = nil, assignedSpans: [Int] = []) {
        self.name = name; self.manufacturer = manufacturer; self.type = type; self.spanCount = spanCount
        self.hardwareId = hardwareId; self.location = location; self.spanTypes = spanTypes
        self.spanTypeAttribute = spanTypeAttribute
        self.registrationTime = registrationTime; self.assignedSpans = assignedSpans
    }
}

public struct LocalSpanType: Sendable, Hashable, Codable {
    public var localSpan: Int
    public var type: String
    public init(localSpan: Int, type: String) { self.localSpan = localSpan; self.type = type }
}

/// `/sys/bus/dahdi_spans/devices/span-N/`.
public struct SysfsSpan: Sendable, Hashable, Codable {
    public var number: Int
    public var device: String?
    public var name: String?
    public var description: String?
    public var spanType: String?
    public var localSpan: Int?
    public var alarms: SpanAlarms?
    public var lbo: Int?
    public var syncSource: Int?
    public var isDigital: Bool?
    public var isSyncMaster: Bool?
    /// Nil when the read fails (the kernel gives ENODEV for a span with 0 channels).
    public var baseChannel: Int?
    public var channels: Int?
    public var lineConfig: LineConfig?
    public var lineCompat: LineConfig?

    public init(number: Int, device: String? = nil, name: String? = nil, description: String? = nil,
                spanType: String? = nil, localSpan: Int? = nil, alarms: SpanAlarms? = nil, lbo: Int? = nil,
                syncSource: Int? = nil, isDigital: Bool? = nil, isSyncMaster: Bool? = nil,
                baseChannel: Int? = nil, channels: Int? = nil, lineConfig: LineConfig? = nil,
                lineCompat: LineConfig? = nil) {
        self.number = number; self.device = device; self.name = name; self.description = description
        self.spanType = spanType; self.localSpan = localSpan; self.alarms = alarms; self.lbo = lbo
        self.syncSource = syncSource; self.isDigital = isDigital; self.isSyncMaster = isSyncMaster
        self.baseChannel = baseChannel; self.channels = channels; self.lineConfig = lineConfig
        self.lineCompat = lineCompat
    }
}

/// `/sys/bus/dahdi_channels/devices/dahdi!chan!SSS!PPP/`.
public struct SysfsChannel: Sendable, Hashable, Codable {
    public var channel: Int
    public var position: Int?
    public var name: String?
    public var signalling: Signalling?
    public var alarms: SpanAlarms?
    public var echoCancellerFactory: String?
    public var echoCancellerActive: Bool?
    public var inUse: Bool?
    /// The `sigcap` attribute as a mask (the OR of the masks it lists), which tells the port type without the ioctl.
    public var capabilities: UInt32?

    public init(channel: Int, position: Int? = nil, name: String? = nil, signalling: Signalling? = nil,
                alarms: SpanAlarms? = nil, echoCancellerFactory: String? = nil, echoCancellerActive: Bool? = nil,
                inUse: Bool? = nil, capabilities: UInt32? = nil) {
        self.channel = channel; self.position = position; self.name = name; self.signalling = signalling
        self.alarms = alarms; self.echoCancellerFactory = echoCancellerFactory
        self.echoCancellerActive = echoCancellerActive; self.inUse = inUse; self.capabilities = capabilities
    }
}

/// Everything read from sysfs in one pass.
public struct SysfsSnapshot: Sendable, Hashable, Codable {
    public var moduleLoaded: Bool
    public var moduleVersion: String?
    public var autoAssignSpans: Bool?
    public var devices: [SysfsDevice]
    public var spans: [SysfsSpan]
    public var channels: [SysfsChannel]

    public init(moduleLoaded: Bool, moduleVersion: String? = nil, autoAssignSpans: Bool? = nil,
                devices: [SysfsDevice] = [], spans: [SysfsSpan] = [], channels: [SysfsChannel] = []) {
        self.moduleLoaded = moduleLoaded; self.moduleVersion = moduleVersion; self.autoAssignSpans = autoAssignSpans
        self.devices = devices; self.spans = spans; self.channels = channels
    }
}

/// Pure parsers for sysfs attribute values (formats from dahdi-sysfs.c / dahdi-sysfs-chan.c).
public enum SysfsValue {
    /// A trimmed string; nil for a missing attribute.
    public static func string(_ raw: String?) -> String? { raw.map { String($0.trimmingWhitespace()) } }

    public static func int(_ raw: String?) -> Int? {
        guard let text = raw?.trimmingWhitespace(), !text.isEmpty else { return nil }
        return Int(text)
    }

    public static func bool(_ raw: String?) -> Bool? { int(raw).map { $0 != 0 } }

    /// Span `alarms` is `0x%x`.
    public static func hexAlarms(_ raw: String?) -> SpanAlarms? {
        guard var text = raw?.trimmingWhitespace() else { return nil }
        if text.hasPrefix("0x") || text.hasPrefix("0X") { text = text.dropFirst(2) }
        return UInt32(text, radix: 16).map(SpanAlarms.init(rawValue:))
    }

    /// Device `spantype`/`dahdi_spantype`: one `<local_spanno>:<TYPE>` per line; malformed lines are skipped.
    public static func spanTypes(_ raw: String?) -> [LocalSpanType] {
        guard let raw else { return [] }
        return raw.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let local = Int(parts[0].trimmingWhitespace()) else { return nil }
            return LocalSpanType(localSpan: local, type: String(parts[1].trimmingWhitespace()))
        }
    }

    /// Channel `ec_state` is `ACTIVE`/`INACTIVE`, empty when there is no factory.
    public static func echoCancellerActive(_ raw: String?) -> Bool? {
        switch raw?.trimmingWhitespace() {
        case "ACTIVE": return true
        case "INACTIVE": return false
        default: return nil
        }
    }
}
