/// What a box should be, as an installer orders it: the manifest `dahdi-doctor verify --manifest FILE` checks
/// (example: Config/manifest.example.toml). Every part is optional; what is not written is not checked, except the
/// faults, which are always checked (a box built as ordered has none, unless the manifest tolerates them).
/// Each expectation keeps the line it was written on, so a failure points back into the file.
public struct Manifest: Sendable, Hashable {
    public var name: String?
    public var cards: [CardExpectation] = []
    public var dahdi: DahdiExpectation?
    public var spans: [SpanExpectation] = []
    public var channels: [ChannelGroupExpectation] = []
    public var fxo: FXOExpectation?
    public var gateways: [GatewayExpectation] = []
    public var asterisk: AsteriskExpectation?
    public var faults = FaultPolicy()

    public init() {}
}

/// `[[card]]`: `count` cards of one model (or ID), each with its driver bound and, for Astribanks, its firmware in.
public struct CardExpectation: Sendable, Hashable {
    /// The table's model ("Wildcard TE420 (5th Gen)"), with or without the maker; case is ignored.
    public var model: String?
    /// "d161:1420" (PCI vendor:device or USB vendor:product).
    public var id: String?
    public var bus: KnownHardware.Bus?
    public var count: Int = 1
    /// PCI address ("0000:03:00.0") or USB port path ("2-1") the card must sit in (only with count = 1).
    public var slot: String?
    /// The driver that must be bound; nil means the one the table names (or any, for an unlisted device).
    public var driver: String?
    public var line: Int

    public init(line: Int) { self.line = line }

    /// "Wildcard TE420 (5th Gen)" / "d161:1420".
    public var label: String { model ?? id ?? "?" }
}

/// `[dahdi]`: the DAHDI side as a whole.
public struct DahdiExpectation: Sendable, Hashable {
    public var devices: Int?
    public var spans: Int?
    public var channels: Int?
    /// The echo canceller every configured voice channel must have attached ("VPMOCT064" for a loaded hardware
    /// echo canceller, "MG2" or "OSLEC" for software ones).
    public var echoCanceller: String?
    public var line: Int

    public init(line: Int) { self.line = line }
}

/// `[[span]]`: one span by its number.
public struct SpanExpectation: Sendable, Hashable {
    public var number: Int
    /// Kernel span type: T1, E1, J1, BRI_TE, FXS, FXO, ANALOG_MIXED, DYNAMIC...
    public var type: String?
    /// As `scan` shows it: "ESF", "D4", "CCS", "CCS/CRC4"...
    public var framing: String?
    /// "B8ZS", "AMI", "HDB3".
    public var coding: String?
    public var syncMaster: Bool?
    public var channels: Int?
    public var line: Int

    public init(number: Int, line: Int) { self.number = number; self.line = line }
}

/// `[[channels]]`: how many channels carry a signalling, optionally on a port type.
public struct ChannelGroupExpectation: Sendable, Hashable {
    /// Kernel name: FXSKS, FXOKS, Clear, HDLCFCS, Hardware-assisted HDLC, Unconfigured...
    public var signalling: String
    /// FXS, FXO, FXS/FXO, digital, none.
    public var port: String?
    public var count: Int
    public var line: Int
}

/// `[fxo]`: FXO ports (where a PSTN line plugs in) that see battery.
public struct FXOExpectation: Sendable, Hashable {
    public var linesWithBattery: Int
    public var line: Int
}

/// `[[gateway]]`: a gateway of the settings' gateway list, answering OPTIONS and with its ports registered.
public struct GatewayExpectation: Sendable, Hashable {
    public var name: String
    public var reachable: Bool = true
    public var registered: Bool?
    public var line: Int
}

/// `[asterisk]`: PJSIP endpoints Asterisk must have.
public struct AsteriskExpectation: Sendable, Hashable {
    public var endpoints: [String]
    public var line: Int
}

/// `[faults]`: which findings of the check catalogue do not fail verification.
public struct FaultPolicy: Sendable, Hashable {
    /// Check IDs tolerated (`dahdi-doctor explain` lists them).
    public var tolerate: [String] = []
    /// The lowest severity that fails: warning (default) or critical.
    public var failOn: Severity = .warning
    public var line: Int = 0

    public init() {}
}

/// A manifest that cannot be used, with where (file, line, key path).
public struct ManifestError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var location: String
    public var message: String

    public var description: String { "\(file): \(location): \(message)" }
}
