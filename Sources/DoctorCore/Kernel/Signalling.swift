/// A DAHDI signalling type (`DAHDI_SIG_*`), as found in `dahdi_params.sigtype` (configured) and, OR-ed together,
/// in `sigcap` (what the port can carry). The names are the kernel's `sigstr()` names used in sysfs and /proc.
public struct Signalling: RawRepresentable, Sendable, Hashable, Codable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    static let fxoBit: UInt32 = 1 << 12   // __DAHDI_SIG_FXO: signalling towards an FXO device, used on FXS ports
    static let fxsBit: UInt32 = 1 << 13   // __DAHDI_SIG_FXS: used on FXO ports
    static let dacsBit: UInt32 = 1 << 16

    public static let none = Signalling(rawValue: 0)
    public static let fxsls = Signalling(rawValue: 1 << 0 | fxsBit)
    public static let fxsgs = Signalling(rawValue: 1 << 1 | fxsBit)
    public static let fxsks = Signalling(rawValue: 1 << 2 | fxsBit)
    public static let fxols = Signalling(rawValue: 1 << 3 | fxoBit)
    public static let fxogs = Signalling(rawValue: 1 << 4 | fxoBit)
    public static let fxoks = Signalling(rawValue: 1 << 5 | fxoBit)
    public static let em = Signalling(rawValue: 1 << 6)
    public static let clear = Signalling(rawValue: 1 << 7)
    public static let hdlcRaw = Signalling(rawValue: 1 << 8 | clear.rawValue)
    public static let hdlcFCS = Signalling(rawValue: 1 << 9 | hdlcRaw.rawValue)
    public static let hdlcNet = Signalling(rawValue: 1 << 10 | hdlcFCS.rawValue)
    public static let slave = Signalling(rawValue: 1 << 11)
    public static let sf = Signalling(rawValue: 1 << 14)
    public static let cas = Signalling(rawValue: 1 << 15)
    public static let dacs = Signalling(rawValue: dacsBit | clear.rawValue)
    public static let emE1 = Signalling(rawValue: 1 << 17)
    public static let dacsRBS = Signalling(rawValue: 1 << 18 | dacsBit)
    public static let hardHDLC = Signalling(rawValue: 1 << 19 | clear.rawValue)
    public static let mtp2 = Signalling(rawValue: 1 << 20 | hdlcFCS.rawValue)
    /// Bit 31 of `sigcap`: the port failed to initialise (dahdi_scan prints `FAILED`).
    public static let brokenBit: UInt32 = 1 << 31

    /// What the kernel accepts on a port with capabilities `sigcap`: a port that can carry Clear also carries the
    /// HDLC variants and DACS (dahdi_ioctl_chanconfig widens sigcap the same way before comparing).
    public static func acceptedCapabilities(_ sigcap: UInt32) -> UInt32 {
        sigcap & clear.rawValue != 0 ? sigcap | hdlcRaw.rawValue | hdlcFCS.rawValue | hdlcNet.rawValue | dacs.rawValue : sigcap
    }

    /// Kernel `sigstr()` names, in the order the kernel lists capabilities in sysfs `sigcap`.
    static let kernelNames: [(Signalling, String)] = [
        (.fxsls, "FXSLS"), (.fxsks, "FXSKS"), (.fxsgs, "FXSGS"), (.fxols, "FXOLS"), (.fxoks, "FXOKS"),
        (.fxogs, "FXOGS"), (.em, "E&M"), (.emE1, "E&M-E1"), (.clear, "Clear"), (.hdlcRaw, "HDLCRAW"),
        (.hdlcFCS, "HDLCFCS"), (.hdlcNet, "HDLCNET"), (.hardHDLC, "Hardware-assisted HDLC"), (.mtp2, "MTP2"),
        (.slave, "Slave"), (.cas, "CAS"), (.dacs, "DACS"), (.dacsRBS, "DACS+RBS"), (.sf, "SF (ToneOnly)"),
    ]

    /// The kernel's name: `FXSKS`, `Clear`, `HDLCFCS`, `Unconfigured` for 0, `Unknown(0x...)` otherwise.
    public var kernelName: String {
        if self == .none { return "Unconfigured" }
        if let match = Self.kernelNames.first(where: { $0.0 == self }) { return match.1 }
        return "Unknown(0x\(String(rawValue, radix: 16)))"
    }

    /// Parses a kernel `sigstr()` name back (sysfs `sig`, /proc channel lines).
    public init?(kernelName: Substring) {
        if kernelName == "Unconfigured" { self = .none; return }
        guard let match = Self.kernelNames.first(where: { $0.1[...] == kernelName }) else { return nil }
        self = match.0
    }

    /// The masks the kernel lists in sysfs `sigcap`, in its order (dahdi-sysfs-chan.c); DACS is not among them.
    static let capabilityOrder: [Signalling] = [
        .fxsls, .fxsgs, .fxsks, .fxols, .fxogs, .fxoks, .em, .clear, .hdlcRaw, .hdlcFCS, .hdlcNet, .slave, .sf, .cas,
        .emE1, .dacsRBS, .hardHDLC, .mtp2,
    ]

    /// Parses sysfs `sigcap` (names separated by spaces; "Hardware-assisted HDLC" and "SF (ToneOnly)" contain
    /// spaces themselves) back into a mask. Nil when a word is not a kernel name; an empty line is 0.
    public static func capabilities(sysfsText: String) -> UInt32? {
        var rest = Substring(sysfsText)
        var mask: UInt32 = 0
        while true {
            rest = rest.drop { $0 == " " || $0 == "\n" || $0 == "\t" }
            if rest.isEmpty { return mask }
            // Longest name first, so "HDLCFCS" is not read as a prefix of something longer.
            guard let match = kernelNames.filter({ rest.hasPrefix($0.1) }).max(by: { $0.1.count < $1.1.count }) else { return nil }
            let after = rest.dropFirst(match.1.count)
            guard after.isEmpty || after.first == " " || after.first == "\n" else { return nil }
            mask |= match.0.rawValue
            rest = after
        }
    }

    /// Capability names present in a `sigcap` mask (every listed mask fully contained), exactly as sysfs lists them.
    public static func capabilityNames(_ sigcap: UInt32) -> [String] {
        capabilityOrder.filter { $0.rawValue & sigcap == $0.rawValue }.map(\.kernelName)
    }
}

/// What kind of physical port a channel is, judged from its capabilities. DAHDI names signalling after the far
/// end, so an FXS port (a phone plugs in) carries FXO signalling and the reverse.
public enum PortType: String, Sendable, Hashable, Codable {
    case fxs = "FXS"          // only FXO signalling: a phone port
    case fxo = "FXO"          // only FXS signalling: a CO line port
    case any = "FXS/FXO"      // both (e.g. dynamic spans): the configuration decides
    case digital              // no analog signalling at all (T1/E1/BRI channels)
    case none                 // sigcap 0: an empty module slot

    /// dahdi_scan's rule: FXS when `sigcap & (FXO|FXS) == FXO`, FXO when it is FXS, else `none`.
    public init(sigcap: UInt32) {
        let analog = sigcap & (Signalling.fxoBit | Signalling.fxsBit)
        switch analog {
        case Signalling.fxoBit: self = .fxs
        case Signalling.fxsBit: self = .fxo
        case Signalling.fxoBit | Signalling.fxsBit: self = .any
        default: self = (sigcap & ~Signalling.brokenBit) == 0 ? .none : .digital
        }
    }
}
