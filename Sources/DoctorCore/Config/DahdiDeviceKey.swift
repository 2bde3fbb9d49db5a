/// The first field of `assigned-spans.conf` and `span-types.conf`: which DAHDI device a line is about.
/// dahdi_span_assignments and dahdi_span_types match it as a shell pattern (`case`), against each of the device's
/// sysfs `hardware_id`, `@` + `location`, and its real sysfs path (`cd $dev && pwd -P`), and take any match.
public struct DahdiDeviceKey: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// e.g. `usb:INT03165`, `pci:0000:03:04.0` style ids the driver reports
        case hardwareId = "hardware_id"
        /// `@` followed by the sysfs `location`, e.g. `@usb-0000:00:1d.7-3`
        case location
        /// an absolute sysfs path, e.g. `/sys/devices/pci0000:00/0000:00:1e.0/0000:03:04.0`
        case devpath
    }

    public var text: String
    /// What the key looks like; the scripts still try it against all three values.
    public var kind: Kind
    /// Contains shell wildcards (`*`, `?`, `[...]`).
    public var isPattern: Bool

    init(_ bytes: ArraySlice<UInt8>) {
        text = ConfigText.string(bytes)
        switch bytes.first {
        case UInt8(ascii: "@"): kind = .location
        case UInt8(ascii: "/"): kind = .devpath
        default: kind = .hardwareId
        }
        isPattern = bytes.contains { Self.wildcards.contains($0) }
    }

    static let wildcards = ByteSet("*?[")
    static let matchable = ByteSet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:.-_@*?[]!^")

    /// The scripts turn every hardware_id/location character outside `a-zA-Z0-9/:.-` into `_` (and `!` into `/`)
    /// before matching, so a key holding any other character (wildcards aside) can only match a devpath.
    var unmatchableCharacter: Character? {
        guard kind != .devpath else { return nil }
        guard !text.utf8.allSatisfy(Self.matchable.contains) else { return nil }
        return text.unicodeScalars.first { !$0.isASCII || !Self.matchable.contains(UInt8($0.value)) }
            .map(Character.init)
    }
}

/// The dahdi shell scripts read their tables with `sed 's/#.*//'`, drop blank lines and then `read id rest`.
struct DahdiShellTableLine {
    let line: ConfigLine
    let key: ArraySlice<UInt8>
    /// The rest of the line after the key, blanks trimmed (what `read id rest` leaves in `rest`).
    let rest: ArraySlice<UInt8>

    /// A line of assigned-spans.conf or span-types.conf and its device key, reporting what the scripts would trip on
    /// (a NUL, a byte order mark, a character no device id can hold); `script` names the script in the messages.
    static func entry(_ line: ConfigLine, script: String, issue: (String) -> Void) -> (DahdiShellTableLine, DahdiDeviceKey)? {
        if line.bytes.contains(0) { issue("NUL byte: the dahdi shell scripts do not expect one here") }
        guard let entry = read(line) else { return nil }
        var key = entry.key
        if line.number == 1, ConfigText.hasByteOrderMark(key) {
            issue("UTF-8 byte order mark: it becomes part of the device key, which then matches no device")
            key = key.dropFirst(ConfigText.byteOrderMark.count)
        }
        let device = DahdiDeviceKey(key)
        if let character = device.unmatchableCharacter {
            issue("'\(device.text)' contains '\(character)', which no hardware_id or location can contain "
                + "(\(script) turns such characters into '_')")
        }
        return (entry, device)
    }

    static func read(_ line: ConfigLine) -> DahdiShellTableLine? {
        var bytes = line.bytes
        if let nul = bytes.firstIndex(of: 0) { bytes = bytes[..<nul] }
        if let hash = bytes.firstIndex(of: UInt8(ascii: "#")) { bytes = bytes[..<hash] }
        let content = bytes.trimmingCSpace()
        guard let key = content.whitespaceFields().first else { return nil }
        return DahdiShellTableLine(line: line, key: key, rest: content[key.endIndex...].trimmingCSpace())
    }
}
