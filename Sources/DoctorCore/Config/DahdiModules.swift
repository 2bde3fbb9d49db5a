/// `/etc/dahdi/modules`: the DAHDI hardware drivers to load at boot. Both readers, dahdi-tools' `dahdi.init` and
/// Debian's `/usr/share/dahdi/dahdi-modules`, remove `#` comments with sed and then run `modprobe` on every
/// whitespace-separated word. So a line holds module names only; parameters belong in /etc/modprobe.d
/// (dahdi-tools `modules.sample` says the same).
public struct DahdiModulesConfig: Sendable, Hashable, Codable {
    public var modules: [DahdiModuleEntry] = []
    public var issues: [ParseIssue] = []
    public init() {}
}

public struct DahdiModuleEntry: Sendable, Hashable, Codable {
    public var name: String
    public var line: Int
}

public enum DahdiModulesParser {
    public static func parse(_ text: String, file: String) -> DahdiModulesConfig {
        var config = DahdiModulesConfig()
        for line in ConfigText.lines(text) {
            func issue(_ message: String) {
                config.issues.append(ParseIssue(file: file, line: line.number, text: line.text, message: message))
            }
            var bytes = line.bytes
            if let nul = bytes.firstIndex(of: 0) {
                issue("NUL byte: the dahdi shell scripts do not expect one here")
                bytes = bytes[..<nul]
            }
            let commented = bytes.firstIndex(of: UInt8(ascii: "#"))
            if let commented { bytes = bytes[..<commented] }
            var words = bytes.whitespaceFields()
            if line.number == 1, let first = words.first, ConfigText.hasByteOrderMark(first) {
                issue("UTF-8 byte order mark: modprobe is asked for '\u{FEFF}\(ConfigText.string(first.dropFirst(3)))'"
                    + " and finds no such module")
                words[0] = first.dropFirst(3)
                if words[0].isEmpty { words.removeFirst() }
            }
            if line.endedWithCarriageReturn, commented == nil, let last = words.last {
                issue("carriage return (CRLF line end): the init script runs 'modprobe \(ConfigText.string(last))\\r',"
                    + " which finds no such module")
            }
            for word in words {
                let name = ConfigText.string(word)
                if word.contains(UInt8(ascii: "=")) {
                    issue("'\(name)' is a module parameter, but every word here is loaded as a module: put "
                        + "'options <module> \(name)' in /etc/modprobe.d/ instead")
                } else if !word.allSatisfy({ Self.nameBytes.contains($0) }) {
                    issue("'\(name)' is not a kernel module name")
                } else {
                    config.modules.append(DahdiModuleEntry(name: name, line: line.number))
                }
            }
        }
        return config
    }

    static let nameBytes = ByteSet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
}
