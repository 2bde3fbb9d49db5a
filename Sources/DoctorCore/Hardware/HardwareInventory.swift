/// One PCI function as the PCI source reads it (libudev on the real /sys, plain directories under a fixture root).
public struct PCIDeviceRecord: Sendable, Hashable, Codable {
    /// The PCI address (sysfs name), e.g. "0000:03:00.0".
    public var address: String
    public var vendor: UInt16
    public var device: UInt16
    public var subVendor: UInt16?
    public var subDevice: UInt16?
    /// The bound driver (the `driver` link's name), nil when none is bound.
    public var driver: String?

    public init(address: String, vendor: UInt16, device: UInt16, subVendor: UInt16? = nil, subDevice: UInt16? = nil,
                driver: String? = nil) {
        self.address = address; self.vendor = vendor; self.device = device
        self.subVendor = subVendor; self.subDevice = subDevice; self.driver = driver
    }
}

/// One USB device as the USB source reads it (libusb for the identity; the driver bound to its first interface).
public struct USBDeviceRecord: Sendable, Hashable, Codable {
    public var bus: Int
    public var address: Int
    /// The port path as sysfs names the device ("2-1", "1-1.3"), when known.
    public var portPath: String?
    public var vendor: UInt16
    public var product: UInt16
    public var serial: String?
    /// The driver bound to interface 1.0 (what dahdi_hardware reports), nil when none.
    public var driver: String?

    public init(bus: Int, address: Int, portPath: String? = nil, vendor: UInt16, product: UInt16, serial: String? = nil,
                driver: String? = nil) {
        self.bus = bus; self.address = address; self.portPath = portPath; self.vendor = vendor; self.product = product
        self.serial = serial; self.driver = driver
    }
}

/// A telephony card (or USB unit) found on the buses, matched against `KnownHardware`.
public struct TelephonyCard: Sendable, Hashable, Codable {
    public var bus: KnownHardware.Bus
    /// PCI address ("0000:03:00.0") or USB "bus/address" ("002/003").
    public var address: String
    /// The USB port path ("2-1"), stable across re-plugs into the same port; nil for PCI.
    public var portPath: String?
    /// "d161:1420"; with subsystem IDs for PCI when the kernel gives them: `subsystem` "d161:0004".
    public var id: String
    public var subsystem: String?
    public var maker: String
    public var model: String
    public var kind: KnownHardware.Kind?
    /// The driver the table says this device needs; nil for an unlisted device of a telephony vendor.
    public var expectedDriver: String?
    /// The driver bound now; nil when no driver is bound.
    public var driver: String?
    /// Astribanks: the firmware state their USB product ID tells.
    public var firmware: KnownHardware.Firmware?
    /// Set when DAHDI dropped support for this device.
    public var supportDropped: String?
    public var serial: String?
    /// The DAHDI device this card registered ("pci:0000:03:00.0"), when one did.
    public var dahdiDevice: String?

    /// "PCI 0000:03:00.0" / "USB 002/003 (port 2-1)".
    public var location: String {
        switch bus {
        case .pci: return "PCI \(address)"
        case .usb: return "USB \(address)" + (portPath.map { " (port \($0))" } ?? "")
        }
    }

    /// The manifest/README form: "Digium Wildcard TE420 (5th Gen)".
    public var fullModel: String { maker + " " + model }

    public var driverBound: Bool { driver != nil }
}

/// The hardware part of an observation: the telephony cards and how the buses could be read.
public struct HardwareObservation: Sendable, Hashable, Codable {
    public var cards: [TelephonyCard]
    /// "pci" and "usb", each available or not with the reason, and how many devices were on the bus.
    public var sources: [SourceStatus]

    public init(cards: [TelephonyCard], sources: [SourceStatus]) {
        self.cards = cards; self.sources = sources
    }

    /// Matches what the buses showed against the table. `pci`/`usb` nil means the bus could not be read (the
    /// source status says why). `dahdiDevices` are the DAHDI device names, to link a PCI card to its device.
    public static func build(pci: [PCIDeviceRecord]?, pciSource: SourceStatus, usb: [USBDeviceRecord]?, usbSource: SourceStatus,
                             dahdiDevices: [String] = []) -> HardwareObservation {
        var cards: [TelephonyCard] = []
        for record in (pci ?? []).sorted(by: { $0.address < $1.address }) {
            let known = KnownHardware.lookupPCI(vendor: record.vendor, device: record.device, subVendor: record.subVendor,
                                                subDevice: record.subDevice)
            guard known != nil || KnownHardware.telephonyPCIVendors[record.vendor] != nil else { continue }
            let subsystem = record.subVendor.map { hex4($0) + ":" + (record.subDevice.map(hex4) ?? "?") }
            let dahdiName = "pci:" + record.address
            cards.append(TelephonyCard(
                bus: .pci, address: record.address, portPath: nil, id: hex4(record.vendor) + ":" + hex4(record.device),
                subsystem: subsystem, maker: known?.maker ?? KnownHardware.telephonyPCIVendors[record.vendor] ?? "?",
                model: known?.model ?? "unlisted device \(hex4(record.vendor)):\(hex4(record.device))", kind: known?.kind,
                expectedDriver: known?.driver, driver: record.driver, firmware: nil, supportDropped: known?.supportDropped,
                serial: nil, dahdiDevice: dahdiDevices.contains(dahdiName) ? dahdiName : nil))
        }
        for record in (usb ?? []).sorted(by: { ($0.bus, $0.address) < ($1.bus, $1.address) }) {
            let known = KnownHardware.lookupUSB(vendor: record.vendor, product: record.product)
            guard known != nil || KnownHardware.telephonyUSBVendors[record.vendor] != nil else { continue }
            cards.append(TelephonyCard(
                bus: .usb, address: String(format3(record.bus)) + "/" + format3(record.address), portPath: record.portPath,
                id: hex4(record.vendor) + ":" + hex4(record.product), subsystem: nil,
                maker: known?.maker ?? KnownHardware.telephonyUSBVendors[record.vendor] ?? "?",
                model: known?.model ?? "unlisted device \(hex4(record.vendor)):\(hex4(record.product))", kind: known?.kind,
                expectedDriver: known?.driver, driver: record.driver, firmware: known?.firmware, supportDropped: nil,
                serial: record.serial, dahdiDevice: nil))
        }
        return HardwareObservation(cards: cards, sources: [pciSource, usbSource])
    }
}

func format3(_ value: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
}

/// What is wrong with a card, if anything: the one place the scan table, the checks and verify agree on.
public enum HardwareState: Sendable, Hashable {
    case ok
    /// No driver bound (and, when DAHDI dropped support for the device, why).
    case noDriver(dropped: String?)
    /// A driver other than the one the table names is bound.
    case otherDriver(bound: String, expected: String)
    /// An Astribank whose USB ID says it is still waiting for its firmware.
    case waitingForFirmware(KnownHardware.Firmware)

    public static func of(_ card: TelephonyCard) -> HardwareState {
        if let firmware = card.firmware, firmware.waiting { return .waitingForFirmware(firmware) }
        guard let driver = card.driver else { return .noDriver(dropped: card.supportDropped) }
        if let expected = card.expectedDriver, !KnownHardware.driverMatches(expected: expected, bound: driver) {
            return .otherDriver(bound: driver, expected: expected)
        }
        return .ok
    }

    public var text: String {
        switch self {
        case .ok: return "ok"
        case .noDriver(let dropped): return dropped == nil ? "no driver bound" : "no driver bound (support dropped in DAHDI 3.x)"
        case .otherDriver(let bound, let expected): return "driver \(bound) bound, \(expected) expected"
        case .waitingForFirmware(let firmware):
            return firmware == .missing ? "waiting for firmware (none loaded)" : "waiting for firmware (USB firmware only, no FPGA)"
        }
    }
}
