/// The result of `dahdi-doctor scan`: every DAHDI device, span and channel, with where each value came from
/// implied by the `sources` list. Encoded as JSON with `schema_version` (see README, "scan --json").
public struct Inventory: Sendable, Hashable, Codable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var generator: String
    public var status: InventoryStatus
    public var driver: DriverSection
    public var sources: [SourceStatus]
    public var devices: [InventoryDevice]
    public var spans: [InventorySpan]
    /// Read failures and unparseable lines, each with its location.
    public var problems: [String]
    /// Telephony cards on the PCI and USB buses, matched against the known-hardware table (`scan` fills it in;
    /// absent in inventories built without a bus scan).
    public var hardware: HardwareObservation? = nil
}

public struct InventoryStatus: Sendable, Hashable, Codable {
    public enum Code: String, Sendable, Hashable, Codable, CaseIterable {
        case ok
        case driverNotLoaded = "driver_not_loaded"
        case controlDeviceMissing = "control_device_missing"
        case permissionDenied = "permission_denied"
        case controlDeviceError = "control_device_error"
        case noDevices = "no_devices"
        case spansNotAssigned = "spans_not_assigned"
    }

    public var code: Code
    /// One line a technician can act on.
    public var message: String
}

public struct DriverSection: Sendable, Hashable, Codable {
    public var loaded: Bool?
    public var version: String?
    public var echoCancellers: [String]
    public var autoAssignSpans: Bool?
}

public struct SourceStatus: Sendable, Hashable, Codable {
    public var name: String
    public var available: Bool
    public var detail: String

    public init(name: String, available: Bool, detail: String) {
        self.name = name; self.available = available; self.detail = detail
    }
}

public struct InventoryDevice: Sendable, Hashable, Codable {
    public var name: String
    public var manufacturer: String?
    public var type: String?
    public var hardwareId: String?
    public var location: String?
    public var registrationTime: String?
    public var spanCount: Int?
    /// Each of the device's spans: its local number, type, and the kernel span number once assigned.
    public var spans: [DeviceSpan]
}

public struct DeviceSpan: Sendable, Hashable, Codable {
    public var localSpan: Int
    public var type: String?
    public var assignedSpan: Int?
}

public struct InventorySpan: Sendable, Hashable, Codable {
    public var number: Int
    public var name: String
    public var description: String
    public var device: String?
    public var localSpan: Int?
    public var manufacturer: String?
    public var deviceType: String?
    public var location: String?
    /// Full kernel span type (`T1`, `E1`, `BRI_TE`, `FXS`, `DYNAMIC`...).
    public var type: String?
    /// dahdi_scan's `type=` (`digital-T1`, `analog`...).
    public var scanType: String?
    public var isDigital: Bool
    public var assigned: Bool
    /// dahdi_scan's `alarms=` text: `OK`, `UNCONFIGURED`, `RED`, `BLU/RED`, `LMFA/OK`...
    public var alarmSummary: String
    /// Kernel alarm names (`RED`, `YELLOW`, `NOTOPEN`...) and the raw bits.
    public var alarms: [String]
    public var alarmBits: UInt32
    public var counters: SpanCounters?
    public var irqMisses: Int?
    /// Only /proc/dahdi shows timing slips; nil when it could not be read.
    public var timingSlips: Int?
    public var syncSource: Int?
    public var isSyncMaster: Bool?
    public var framing: String?
    public var coding: String?
    public var lbo: Int?
    public var lboName: String?
    public var lineConfig: [String]
    public var lineCompat: [String]
    public var configuredChannels: Int?
    public var totalChannels: Int
    public var baseChannel: Int?
    public var channels: [InventoryChannel]
}

public struct InventoryChannel: Sendable, Hashable, Codable {
    public var number: Int
    public var span: Int
    public var position: Int?
    public var name: String
    /// Kernel name of the configured signalling (`FXSKS`, `Clear`, `HDLCFCS`...) or `Unconfigured`.
    public var signalling: String
    public var signallingBits: UInt32?
    public var configured: Bool
    public var capabilities: [String]
    public var capabilityBits: UInt32?
    public var portType: PortType?
    public var inUse: Bool?
    public var rxHook: String?
    public var txHook: String?
    public var offHook: Bool?
    public var rxBits: Int?
    public var txBits: Int?
    public var alarms: [String]
    public var broken: Bool
    public var echoCanceller: EchoCancellerState?
}

public struct EchoCancellerState: Sendable, Hashable, Codable {
    public var name: String
    public var active: Bool?
}
