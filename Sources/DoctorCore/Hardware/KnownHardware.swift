/// The telephony hardware dahdi-doctor recognises, as data: PCI and USB IDs, the maker, the model, the driver each
/// needs and what kind of ports it carries. The IDs and drivers are the ones dahdi-tools' hardware tables use
/// (xpp/perl_modules/Dahdi/Hardware/PCI.pm and USB.pm; see the project's reference notes, section 5), plus the
/// support DAHDI 3.0.0 dropped (commit a66e88e removed four IDs from wctdm24xxp's PCI table).
///
/// A PCI entry may be narrowed by subsystem IDs, written as dahdi-tools writes them: `vendor:device/subvendor` or
/// `vendor:device/subvendor:subdevice`. Lookup prefers the most specific entry, then falls back (PCI.pm's order).
public struct KnownHardware: Sendable, Hashable {
    public enum Bus: String, Sendable, Hashable, Codable { case pci, usb }

    /// What the device carries.
    public enum Kind: String, Sendable, Hashable, Codable {
        case digital       // T1/E1/J1 spans
        case analog        // FXS/FXO ports
        case bri           // ISDN BRI
        case hybrid        // modular analog or BRI (Hx8)
        case astribank     // Xorcom Astribank (USB; modules of any kind)
        case transcoder    // codec cards, no spans
        case radio
    }

    /// An Astribank's USB product ID tells its firmware state (the low digit: 0 none, 1 USB firmware only,
    /// 2 FPGA firmware, i.e. ready). The udev rule 60-dahdi-linux.rules runs xpp_fxloader for the 0/1/3 states.
    public enum Firmware: String, Sendable, Hashable, Codable {
        case missing = "none"             // waiting for the USB firmware
        case usbOnly = "usb"              // USB firmware loaded, waiting for the FPGA firmware
        case loaded = "fpga"              // FPGA firmware loaded: the Astribank is ready
        case twinstarMonitor = "twinstar-monitor"
        case eepromBurner = "eeprom-burner"

        public var waiting: Bool { self == .missing || self == .usbOnly }
    }

    public var bus: Bus
    public var vendor: UInt16
    public var device: UInt16
    public var subVendor: UInt16?
    public var subDevice: UInt16?
    public var maker: String
    public var model: String
    public var driver: String
    public var kind: Kind
    public var firmware: Firmware?
    /// Why the driver no longer binds this device, when DAHDI dropped it (e.g. "removed from wctdm24xxp in DAHDI 3.0.0").
    public var supportDropped: String?

    /// "d161:1420", or "e159:0001/8085", "1397:08b4/1397:b540" with subsystem IDs.
    public var id: String {
        var text = hex4(vendor) + ":" + hex4(device)
        if let subVendor { text += "/" + hex4(subVendor) + (subDevice.map { ":" + hex4($0) } ?? "") }
        return text
    }
}

func hex4(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

extension KnownHardware {
    /// PCI vendors whose every device is telephony hardware: an unlisted device from them is still reported (with
    /// no known driver) rather than ignored.
    public static let telephonyPCIVendors: [UInt16: String] = [0xd161: "Digium", 0x1923: "Sangoma"]
    /// The same for USB: Xorcom's Astribanks.
    public static let telephonyUSBVendors: [UInt16: String] = [0xe4e4: "Xorcom"]

    private static func pci(_ id: String, _ driver: String, _ kind: Kind, _ maker: String, _ model: String,
                            dropped: String? = nil) -> KnownHardware {
        let (vendor, device, subVendor, subDevice) = parseID(id)!
        return KnownHardware(bus: .pci, vendor: vendor, device: device, subVendor: subVendor, subDevice: subDevice,
                             maker: maker, model: model, driver: driver, kind: kind, firmware: nil, supportDropped: dropped)
    }

    private static func usb(_ id: String, _ driver: String, _ kind: Kind, _ maker: String, _ model: String,
                            firmware: Firmware? = nil) -> KnownHardware {
        let (vendor, device, _, _) = parseID(id)!
        return KnownHardware(bus: .usb, vendor: vendor, device: device, subVendor: nil, subDevice: nil, maker: maker,
                             model: model, driver: driver, kind: kind, firmware: firmware, supportDropped: nil)
    }

    /// "vvvv:dddd[/svvv[:sddd]]" (hex, no 0x) into numbers; nil if malformed.
    public static func parseID(_ text: String) -> (UInt16, UInt16, UInt16?, UInt16?)? {
        let parts = text.lowercased().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        let main = parts[0].split(separator: ":", omittingEmptySubsequences: false)
        guard main.count == 2, let vendor = hexID(main[0]), let device = hexID(main[1]) else { return nil }
        guard parts.count == 2 else { return (vendor, device, nil, nil) }
        let sub = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard sub.count <= 2, let subVendor = hexID(sub[0]) else { return nil }
        if sub.count == 2 {
            guard let subDevice = hexID(sub[1]) else { return nil }
            return (vendor, device, subVendor, subDevice)
        }
        return (vendor, device, subVendor, nil)
    }

    static func hexID(_ text: Substring) -> UInt16? {
        var digits = text
        if digits.hasPrefix("0x") { digits = digits.dropFirst(2) }
        guard (1...4).contains(digits.count) else { return nil }
        return UInt16(digits, radix: 16)
    }

    /// wct1xxp left with DAHDI 3.0's driver cleanup and came back in 3.4.0 (dahdi-linux pull request 29; FreePBX
    /// issue-tracker 206 has the maintainers saying so: not in 3.3.0, in 3.4.0-rc1).
    static let wct1xxpGap = "wct1xxp is not in DAHDI 3.0.0 to 3.3.x; restored in DAHDI 3.4.0 (dahdi-linux pull request 29)"

    static let dahdi3 = "removed from wctdm24xxp's PCI table in DAHDI 3.0.0 (commit a66e88e); DAHDI 2.11 still drives it"

    /// The table. Order matters only for equally specific entries (the first wins).
    public static let table: [KnownHardware] = [
        // Digium digital: wct4xxp
        pci("10ee:0314", "wct4xxp", .digital, "Digium", "Wildcard TE410P/TE405P (1st Gen)"),
        pci("d161:1420", "wct4xxp", .digital, "Digium", "Wildcard TE420 (5th Gen)"),
        pci("d161:1410", "wct4xxp", .digital, "Digium", "Wildcard TE410P (5th Gen)"),
        pci("d161:1405", "wct4xxp", .digital, "Digium", "Wildcard TE405P (5th Gen)"),
        pci("d161:0420/0004", "wct4xxp", .digital, "Digium", "Wildcard TE420 (4th Gen)"),
        pci("d161:0410/0004", "wct4xxp", .digital, "Digium", "Wildcard TE410P (4th Gen)"),
        pci("d161:0405/0004", "wct4xxp", .digital, "Digium", "Wildcard TE405P (4th Gen)"),
        pci("d161:0410/0003", "wct4xxp", .digital, "Digium", "Wildcard TE410P (3rd Gen)"),
        pci("d161:0405/0003", "wct4xxp", .digital, "Digium", "Wildcard TE405P (3rd Gen)"),
        pci("d161:0410", "wct4xxp", .digital, "Digium", "Wildcard TE410P (2nd Gen)"),
        pci("d161:0405", "wct4xxp", .digital, "Digium", "Wildcard TE405P (2nd Gen)"),
        pci("d161:1220", "wct4xxp", .digital, "Digium", "Wildcard TE220 (5th Gen)"),
        pci("d161:1205", "wct4xxp", .digital, "Digium", "Wildcard TE205P (5th Gen)"),
        pci("d161:1210", "wct4xxp", .digital, "Digium", "Wildcard TE210P (5th Gen)"),
        pci("d161:0220/0004", "wct4xxp", .digital, "Digium", "Wildcard TE220 (4th Gen)"),
        pci("d161:0205/0004", "wct4xxp", .digital, "Digium", "Wildcard TE205P (4th Gen)"),
        pci("d161:0210/0004", "wct4xxp", .digital, "Digium", "Wildcard TE210P (4th Gen)"),
        pci("d161:0205/0003", "wct4xxp", .digital, "Digium", "Wildcard TE205P (3rd Gen)"),
        pci("d161:0210/0003", "wct4xxp", .digital, "Digium", "Wildcard TE210P (3rd Gen)"),
        pci("d161:0205", "wct4xxp", .digital, "Digium", "Wildcard TE205P"),
        pci("d161:0210", "wct4xxp", .digital, "Digium", "Wildcard TE210P"),
        pci("d161:1820", "wct4xxp", .digital, "Digium", "Wildcard TE820 (5th Gen)"),
        // Digium analog: wctdm24xxp (four IDs dropped in DAHDI 3.0.0)
        pci("d161:2400", "wctdm24xxp", .analog, "Digium", "Wildcard TDM2400P"),
        pci("d161:0800", "wctdm24xxp", .analog, "Digium", "Wildcard TDM800P", dropped: dahdi3),
        pci("d161:8002", "wctdm24xxp", .analog, "Digium", "Wildcard AEX800", dropped: dahdi3),
        pci("d161:8003", "wctdm24xxp", .analog, "Digium", "Wildcard AEX2400"),
        pci("d161:8005", "wctdm24xxp", .analog, "Digium", "Wildcard TDM410P", dropped: dahdi3),
        pci("d161:8006", "wctdm24xxp", .analog, "Digium", "Wildcard AEX410P", dropped: dahdi3),
        pci("d161:8007", "wctdm24xxp", .hybrid, "Digium", "HA8-0000"),
        pci("d161:8008", "wctdm24xxp", .hybrid, "Digium", "HB8-0000"),
        // Tiger Jet based boards (vendor e159, told apart by subsystem)
        pci("e159:0001/e16b", "pciradio", .radio, "Zapata", "PCIRADIO"),
        pci("e159:0001/8084", "wcfxo", .analog, "Digium", "Wildcard X101P clone"),
        pci("e159:0001/8085", "wcfxo", .analog, "Digium", "Wildcard X101P"),
        pci("e159:0001/8086", "wcfxo", .analog, "Digium", "Wildcard X101P clone"),
        pci("e159:0001/8087", "wcfxo", .analog, "Digium", "Wildcard X101P clone"),
        pci("1057:5608", "wcfxo", .analog, "Digium", "Wildcard X100P"),
        pci("e159:0001/6159", "wct1xxp", .digital, "Digium", "Wildcard T100P T1/PRI or E100P E1/PRA", dropped: wct1xxpGap),
        pci("e159:0001/a159", "wctdm", .analog, "Digium", "Wildcard S400P Prototype"),
        pci("e159:0001/e159", "wctdm", .analog, "Digium", "Wildcard S400P Prototype"),
        pci("e159:0001/b100", "wctdm", .analog, "Digium", "Wildcard TDM400P REV E/F"),
        pci("e159:0001/b1d9", "wctdm", .analog, "Digium", "Wildcard TDM400P REV I"),
        pci("e159:0001/b118", "wctdm", .analog, "Digium", "Wildcard TDM400P REV I"),
        pci("e159:0001/b119", "wctdm", .analog, "Digium", "Wildcard TDM400P REV I"),
        pci("e159:0001/a9fd", "wctdm", .analog, "Digium", "Wildcard TDM400P REV H"),
        pci("e159:0001/a8fd", "wctdm", .analog, "Digium", "Wildcard TDM400P REV H"),
        pci("e159:0001/a800", "wctdm", .analog, "Digium", "Wildcard TDM400P REV H"),
        pci("e159:0001/a801", "wctdm", .analog, "Digium", "Wildcard TDM400P REV H"),
        pci("e159:0001/a908", "wctdm", .analog, "Digium", "Wildcard TDM400P REV H"),
        pci("e159:0001/a901", "wctdm", .analog, "Digium", "Wildcard TDM400P REV H"),
        pci("e159:0001/71fe", "wcte11xp", .digital, "Digium", "Wildcard TE110P T1/E1"),
        pci("e159:0001/79fe", "wcte11xp", .digital, "Digium", "Wildcard TE110P T1/E1"),
        pci("e159:0001/795e", "wcte11xp", .digital, "Digium", "Wildcard TE110P T1/E1"),
        pci("e159:0001/79de", "wcte11xp", .digital, "Digium", "Wildcard TE110P T1/E1"),
        pci("e159:0001/797e", "wcte11xp", .digital, "Digium", "Wildcard TE110P T1/E1"),
        pci("e159:0001/2151", "ystdm8xx", .analog, "Yeastar", "YSTDM8xx"),
        pci("e159:0001/9500:0003", "opvxa1200", .analog, "OpenVox", "A800P"),
        // Digium single-span and newer cards
        pci("d161:0120", "wcte12xp", .digital, "Digium", "Wildcard TE12xP"),
        pci("d161:8000", "wcte12xp", .digital, "Digium", "Wildcard TE121"),
        pci("d161:8001", "wcte12xp", .digital, "Digium", "Wildcard TE122"),
        pci("d161:800a", "wcte13xp", .digital, "Digium", "Wildcard TE131/TE133"),
        pci("d161:800b", "wcte13xp", .digital, "Digium", "Wildcard TE132/TE134"),
        pci("d161:800c", "wcaxx", .analog, "Digium", "A8A"),
        pci("d161:800d", "wcaxx", .analog, "Digium", "A8B"),
        pci("d161:800f", "wcaxx", .analog, "Digium", "A4A"),
        pci("d161:8010", "wcaxx", .analog, "Digium", "A4B"),
        pci("d161:800e", "wcte43x", .digital, "Digium", "Wildcard TE435/235"),
        pci("d161:8013", "wcte43x", .digital, "Digium", "Wildcard TE436/236"),
        pci("d161:b410", "wcb4xxp", .bri, "Digium", "Wildcard B410P"),
        pci("d161:8014", "wcb4xxp", .bri, "Digium", "Wildcard B433"),
        pci("d161:8015", "wcb4xxp", .bri, "Digium", "Wildcard B434"),
        pci("d161:8016", "wcb4xxp", .bri, "Digium", "Wildcard B233"),
        pci("d161:8017", "wcb4xxp", .bri, "Digium", "Wildcard B234"),
        pci("d161:3400", "wctc4xxp", .transcoder, "Digium", "Wildcard TC400P"),
        pci("d161:8004", "wctc4xxp", .transcoder, "Digium", "Wildcard TCE400P"),
        pci("10b5:d00d", "tor2", .digital, "Zapata", "Tormenta 2 Quad T1/PRI or E1/PRA"),
        pci("10b5:4000", "tor2", .digital, "Zapata", "Tormenta 2 Quad T1/E1 (non-Digium clone)"),
        // Cologne Chip BRI boards (OpenVox, Junghanns, BeroNet, Swyx) on wcb4xxp
        pci("1397:08b4/1397:b540", "wcb4xxp", .bri, "Swyx", "4xS0 SX2 QuadBri"),
        pci("1397:08b4/1397:b556", "wcb4xxp", .bri, "Junghanns", "DuoBRI ISDN card"),
        pci("1397:08b4/1397:b520", "wcb4xxp", .bri, "Junghanns", "QuadBRI ISDN card"),
        pci("1397:08b4/1397:b550", "wcb4xxp", .bri, "Junghanns", "QuadBRI ISDN card"),
        pci("1397:08b4/1397:b752", "wcb4xxp", .bri, "Junghanns", "QuadBRI ISDN PCI-E card"),
        pci("1397:16b8/1397:b552", "wcb4xxp", .bri, "Junghanns", "OctoBRI ISDN card"),
        pci("1397:16b8/1397:b55b", "wcb4xxp", .bri, "Junghanns", "OctoBRI ISDN card"),
        pci("1397:08b4/1397:e884", "wcb4xxp", .bri, "OpenVox", "B200P"),
        pci("1397:08b4/1397:e888", "wcb4xxp", .bri, "OpenVox", "B400P"),
        pci("1397:16b8/1397:e998", "wcb4xxp", .bri, "OpenVox", "B800P"),
        pci("1397:08b4/1397:b566", "wcb4xxp", .bri, "BeroNet", "BN2S0"),
        pci("1397:08b4/1397:b560", "wcb4xxp", .bri, "BeroNet", "BN4S0"),
        pci("1397:08b4/1397:b762", "wcb4xxp", .bri, "BeroNet", "BN4S0 PCI-E card"),
        pci("1397:16b8/1397:b562", "wcb4xxp", .bri, "BeroNet", "BN8S0"),
        pci("1397:08b4", "qozap", .bri, "Cologne Chip", "Generic Cologne ISDN card"),
        pci("1397:16b8", "qozap", .bri, "Cologne Chip", "Generic OctoBRI ISDN card"),
        pci("1397:30b1", "cwain", .digital, "Cologne Chip", "HFC-E1 ISDN E1 card"),
        pci("1397:2bd0", "zaphfc", .bri, "Cologne Chip", "HFC-S ISDN BRI card"),
        pci("1043:0675", "zaphfc", .bri, "ASUSTeK", "ISDNLink P-IN100-ST-D"),
        // Rhino
        pci("0b0b:0105", "r1t1", .digital, "Rhino", "R1T1"),
        pci("0b0b:0205", "r4fxo", .analog, "Rhino", "R14FXO"),
        pci("0b0b:0206", "rcbfx", .analog, "Rhino", "RCB4FXO"),
        pci("0b0b:0305", "rxt1", .digital, "Rhino", "R4T1"),
        pci("0b0b:0405", "rcbfx", .analog, "Rhino", "R8FXX"),
        pci("0b0b:0406", "rcbfx", .analog, "Rhino", "RCB8FXX"),
        pci("0b0b:0505", "rcbfx", .analog, "Rhino", "R24FXX"),
        pci("0b0b:0506", "rcbfx", .analog, "Rhino", "RCB24FXS"),
        pci("0b0b:0605", "rxt1", .digital, "Rhino", "R2T1"),
        pci("0b0b:0705", "rcbfx", .analog, "Rhino", "R24FXS"),
        pci("0b0b:0706", "rcbfx", .analog, "Rhino", "RCB24FXO"),
        pci("0b0b:0906", "rcbfx", .analog, "Rhino", "RCB24FXX"),
        // Sangoma (driven by Sangoma's out-of-tree wanpipe, which registers DAHDI spans)
        pci("1923:0040", "wanpipe", .analog, "Sangoma", "A200/Remora FXO/FXS Analog AFT card"),
        pci("1923:0100", "wanpipe", .digital, "Sangoma", "A104d QUAD T1/E1 AFT card"),
        pci("1923:0300", "wanpipe", .digital, "Sangoma", "A101 single-port T1/E1"),
        pci("1923:0400", "wanpipe", .digital, "Sangoma", "A104u Quad T1/E1 AFT"),
        // Aligera
        pci("10ee:1004", "ap400", .digital, "Aligera", "AP40X/APE40X 1E1/2E1/4E1 card"),
        // USB
        usb("06e6:831c", "wcusb", .analog, "Digium", "Wildcard S100U USB FXS Interface"),
        usb("06e6:831e", "wcusb2", .analog, "Digium", "Wildcard S110U USB FXS Interface"),
        usb("e4e4:1130", "xpp_usb", .astribank, "Xorcom", "Astribank-8/16", firmware: .missing),
        usb("e4e4:1131", "xpp_usb", .astribank, "Xorcom", "Astribank-8/16", firmware: .usbOnly),
        usb("e4e4:1132", "xpp_usb", .astribank, "Xorcom", "Astribank-8/16", firmware: .loaded),
        usb("e4e4:1140", "xpp_usb", .astribank, "Xorcom", "Astribank-BRI", firmware: .missing),
        usb("e4e4:1141", "xpp_usb", .astribank, "Xorcom", "Astribank-BRI", firmware: .usbOnly),
        usb("e4e4:1142", "xpp_usb", .astribank, "Xorcom", "Astribank-BRI", firmware: .loaded),
        usb("e4e4:1150", "xpp_usb", .astribank, "Xorcom", "Astribank-multi", firmware: .missing),
        usb("e4e4:1151", "xpp_usb", .astribank, "Xorcom", "Astribank-multi", firmware: .usbOnly),
        usb("e4e4:1152", "xpp_usb", .astribank, "Xorcom", "Astribank-multi", firmware: .loaded),
        usb("e4e4:1160", "xpp_usb", .astribank, "Xorcom", "Astribank-modular", firmware: .missing),
        usb("e4e4:1161", "xpp_usb", .astribank, "Xorcom", "Astribank-modular", firmware: .usbOnly),
        usb("e4e4:1162", "xpp_usb", .astribank, "Xorcom", "Astribank-modular", firmware: .loaded),
        usb("e4e4:1163", "xpp_usb", .astribank, "Xorcom", "Astribank-TwinStar monitor", firmware: .twinstarMonitor),
        usb("e4e4:1164", "xpp_usb", .astribank, "Xorcom", "Astribank-EEPROM burner", firmware: .eepromBurner),
        usb("10c4:8461", "wanpipe", .analog, "Sangoma", "WANPIPE USB-FXO Device"),
    ]

    /// The most specific entry for a PCI device (vendor:device/subvendor:subdevice, then /subvendor, then the bare
    /// ID), as dahdi-tools looks it up.
    public static func lookupPCI(vendor: UInt16, device: UInt16, subVendor: UInt16?, subDevice: UInt16?) -> KnownHardware? {
        let candidates = table.filter { $0.bus == .pci && $0.vendor == vendor && $0.device == device }
        if let subVendor, let subDevice,
           let exact = candidates.first(where: { $0.subVendor == subVendor && $0.subDevice == subDevice }) { return exact }
        if let subVendor, let bySubVendor = candidates.first(where: { $0.subVendor == subVendor && $0.subDevice == nil }) {
            return bySubVendor
        }
        return candidates.first { $0.subVendor == nil }
    }

    /// Other names under which the driver a table entry names binds the device. dahdi-tools names Sangoma's
    /// driver "wanpipe"; the wanpipe package's low-level adapter module is sdladrv, so either counts as driven.
    public static let driverAliases: [String: Set<String>] = ["wanpipe": ["sdladrv"]]

    public static func driverMatches(expected: String, bound: String) -> Bool {
        expected == bound || driverAliases[expected]?.contains(bound) == true
    }

    public static func lookupUSB(vendor: UInt16, product: UInt16) -> KnownHardware? {
        table.first { $0.bus == .usb && $0.vendor == vendor && $0.device == product }
    }
}
