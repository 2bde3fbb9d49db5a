/// DAHDI_ALARM_* bits as the kernel reports them in `dahdi_spaninfo.alarms`, `dahdi_params.chan_alarms` and the
/// sysfs `alarms` attribute (values from <dahdi/user.h>).
public struct SpanAlarms: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let recovering = SpanAlarms(rawValue: 1 << 0)
    public static let loopback = SpanAlarms(rawValue: 1 << 1)
    public static let yellow = SpanAlarms(rawValue: 1 << 2)
    public static let red = SpanAlarms(rawValue: 1 << 3)
    public static let blue = SpanAlarms(rawValue: 1 << 4)
    public static let notOpen = SpanAlarms(rawValue: 1 << 5)
    // "Verbose" bits, set only by some drivers (wct4xxp) inside their RED path.
    public static let lossOfSignal = SpanAlarms(rawValue: 1 << 8)
    public static let lossOfFrameAlignment = SpanAlarms(rawValue: 1 << 9)
    public static let lossOfMultiframeAlignment = SpanAlarms(rawValue: 1 << 10)

    /// Every bit with the name the kernel uses in /proc and sysfs (`fill_alarm_string`), or our own for the
    /// verbose bits the kernel never prints.
    static let named: [(SpanAlarms, String)] = [
        (.blue, "BLUE"), (.yellow, "YELLOW"), (.red, "RED"), (.loopback, "LOOP"), (.recovering, "RECOVERING"),
        (.notOpen, "NOTOPEN"), (.lossOfSignal, "LOS"), (.lossOfFrameAlignment, "LFA"),
        (.lossOfMultiframeAlignment, "LMFA"),
    ]

    /// Names of the set bits, in the kernel's order, plus `UNKNOWN(0x...)` for bits no DAHDI version defines.
    public var names: [String] {
        var result = Self.named.filter { contains($0.0) }.map(\.1)
        let known = Self.named.reduce(SpanAlarms()) { $0.union($1.0) }
        let unknown = subtracting(known)
        if !unknown.isEmpty { result.append("UNKNOWN(0x\(String(unknown.rawValue, radix: 16)))") }
        return result
    }

    /// Parses the kernel's word list (`RED `, `YELLOW NOTOPEN `) as found in sysfs channel `alarms` and /proc.
    public init(kernelWords text: Substring) {
        var bits = SpanAlarms()
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            if let match = Self.named.first(where: { $0.1 == word }) { bits.insert(match.0) }
        }
        self = bits
    }
}

/// The span alarm summary exactly as dahdi_scan prints it (`alarms=`): `OK`, `UNCONFIGURED`, `RED`, `BLU/RED`,
/// `RED/LFA`, `LMFA/OK`, `UUU`... Technicians know these strings, and the lab compares ours with dahdi_scan's.
public enum DahdiScanAlarmText {
    /// - Parameters:
    ///   - configuredChannels: `numchans` (channels with a signalling); 0 with no alarms reads `UNCONFIGURED`.
    ///   - multiframeErrorsRising: dahdi_scan re-reads a CRC4 span whose `fecount` is non-zero one second later;
    ///     `true` when the count rose while the span showed no alarm (printed as `LMFA/OK`).
    public static func text(alarms: SpanAlarms, configuredChannels: Int, multiframeErrorsRising: Bool = false) -> String {
        if alarms.isEmpty {
            if configuredChannels == 0 { return "UNCONFIGURED" }
            return multiframeErrorsRising ? "LMFA/OK" : "OK"
        }
        var parts: [String] = []
        if alarms.contains(.blue) { parts.append("BLU") }
        if alarms.contains(.yellow) { parts.append("YEL") }
        if alarms.contains(.red) {
            parts.append("RED")
            if alarms.contains(.lossOfFrameAlignment) { parts.append("LFA") }
        }
        if alarms.contains(.loopback) { parts.append("LB") }
        if alarms.contains(.recovering) { parts.append("REC") }
        if alarms.contains(.notOpen) { parts.append("NOP") }
        return parts.isEmpty ? "UUU" : parts.joined(separator: "/")
    }
}
