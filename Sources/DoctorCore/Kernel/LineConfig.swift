/// DAHDI_CONFIG_* bits used in a span's `lineconfig` (in use) and `linecompat` (supported); 0 linecompat = analog.
public struct LineConfig: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let d4 = LineConfig(rawValue: 0x10)
    public static let esf = LineConfig(rawValue: 0x20)
    public static let ami = LineConfig(rawValue: 0x40)
    public static let b8zs = LineConfig(rawValue: 0x80)
    public static let ccs = LineConfig(rawValue: 0x100)
    public static let hdb3 = LineConfig(rawValue: 0x200)
    public static let crc4 = LineConfig(rawValue: 0x400)
    public static let ntte = LineConfig(rawValue: 0x800)
    public static let term = LineConfig(rawValue: 0x1000)
    public static let notOpen = LineConfig(rawValue: 0x10000)

    /// Kernel names (`dahdi_lineconfig_bit_name`), in bit order: sysfs `lineconfig` joins them with `/`.
    static let named: [(LineConfig, String)] = [
        (.d4, "D4"), (.esf, "ESF"), (.ami, "AMI"), (.b8zs, "B8ZS"), (.ccs, "CCS"), (.hdb3, "HDB3"), (.crc4, "CRC4"),
        (.ntte, "NTTE"), (.term, "TERM"), (.notOpen, "NOTOPEN"),
    ]

    public var names: [String] { Self.named.filter { contains($0.0) }.map(\.1) }

    /// Parses sysfs `lineconfig` (`ESF/B8ZS`) or `linecompat` (`D4 ESF AMI B8ZS`); unknown words are ignored.
    public init(kernelNames text: Substring) {
        var bits = LineConfig()
        for word in text.split(whereSeparator: { $0 == "/" || $0 == " " || $0 == "\n" }) {
            if let match = Self.named.first(where: { $0.1[...] == word }) { bits.insert(match.0) }
        }
        self = bits
    }

    /// dahdi_scan's `coding=`: the first of B8ZS, AMI, HDB3 that is set.
    public var coding: String? {
        [(LineConfig.b8zs, "B8ZS"), (.ami, "AMI"), (.hdb3, "HDB3")].first { contains($0.0) }?.1
    }

    /// dahdi_scan's `framing=`: ESF, D4 or CCS, else CAS; `/CRC4` appended when CRC4 is on.
    public var framing: String {
        let base = [(LineConfig.esf, "ESF"), (.d4, "D4"), (.ccs, "CCS")].first { contains($0.0) }?.1 ?? "CAS"
        return contains(.crc4) ? base + "/CRC4" : base
    }
}

/// Line build-out names (`dahdi_lboname`).
public enum LineBuildOut {
    public static func name(_ lbo: Int) -> String {
        let names = ["0 db (CSU)/0-133 feet (DSX-1)", "133-266 feet (DSX-1)", "266-399 feet (DSX-1)",
                     "399-533 feet (DSX-1)", "533-655 feet (DSX-1)", "-7.5db (CSU)", "-15db (CSU)", "-22.5db (CSU)"]
        return names.indices.contains(lbo) ? names[lbo] : "Unknown"
    }
}

/// Hook signals reported by DAHDI_GET_PARAMS (`enum dahdi_rxsig`/`dahdi_txsig` live in kernel.h, not user.h).
public enum HookSignal {
    public static func rxName(_ value: Int32) -> String? {
        switch value {
        case -1: return nil
        case 0: return "onhook"
        case 1: return "offhook"
        case 2: return "start"
        case 3: return "ring"
        case 4: return "initial"
        default: return "unknown(\(value))"
        }
    }

    public static func txName(_ value: Int32) -> String? {
        switch value {
        case -1: return nil
        case 0: return "onhook"
        case 1: return "offhook"
        case 2: return "start"
        case 3: return "kewl"
        default: return "unknown(\(value))"
        }
    }
}
