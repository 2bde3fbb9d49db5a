// Shared pieces of the CLI parsers: lines, refusals, fixed-width columns.

/// One command's output, parsed: its value or why there is none, and every line no rule recognised (quoted in a
/// finding: an unrecognised line never reads as fine).
public struct ConsoleParsed<Value: Sendable & Hashable & Codable>: Sendable, Hashable {
    public var result: AMIResult<Value>
    public var unrecognised: [String]

    public init(_ result: AMIResult<Value>, unrecognised: [String] = []) {
        self.result = result; self.unrecognised = unrecognised
    }

    public static func failed(_ failure: AMIFailure) -> ConsoleParsed { ConsoleParsed(.failed(failure)) }
}

enum ConsoleText {
    /// The output's lines, without the line ends (CRs were already dropped by the protocol layer).
    static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    static func isBlank(_ line: String) -> Bool { line.allSatisfy { $0 == " " || $0 == "\t" } }

    /// cli.c's answers for a command it will not run: unknown (the module is not loaded, or the Asterisk is too old),
    /// not permitted (cli_permissions.conf), or nothing printed at all.
    static func refusal(_ text: String, command: String, action: String) -> AMIFailure? {
        guard let first = lines(text).first(where: { !isBlank($0) }) else {
            return AMIFailure(kind: .protocolError, action: action, message: "'\(command)' printed nothing")
        }
        if first.hasPrefix("No such command '") {
            return AMIFailure(kind: .unsupported, action: action, message: first)
        }
        if first.hasPrefix("You don't have permissions to run '") {
            return AMIFailure(kind: .permission, action: action, message: first)
        }
        return nil
    }

    static func trimmed<S: StringProtocol>(_ text: S) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    static func rightTrimmed(_ text: String) -> String {
        String(text.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

/// A printf layout of fixed-width columns separated by one space (chan_dahdi's FORMAT/FORMAT2): the header line it
/// prints, and the fields of a row. Widths are exact because every string is printed `%-N.Ns` (cut and padded).
struct FixedColumns {
    struct Column {
        var name: String
        var width: Int
        var rightAligned: Bool
    }

    var columns: [Column]
    /// The last column is printed without a width (`%s`): it takes the rest of the line.
    var lastIsFree: Bool

    func header() -> String {
        var parts: [String] = []
        for (index, column) in columns.enumerated() {
            if index == columns.count - 1 && lastIsFree { parts.append(column.name); continue }
            let name = String(column.name.prefix(column.width))
            let pad = String(repeating: " ", count: column.width - name.count)
            parts.append(column.rightAligned ? pad + name : name + pad)
        }
        return ConsoleText.rightTrimmed(parts.joined(separator: " "))
    }

    func matchesHeader(_ line: String) -> Bool { ConsoleText.rightTrimmed(line) == header() }

    /// The trimmed fields, or nil when a separator position holds something else than a space.
    func fields(_ line: String) -> [String]? {
        var characters = Array(line)
        let fixedWidth = columns.reduce(0) { $0 + $1.width + 1 } - 1
        if characters.count < fixedWidth { characters += Array(repeating: " ", count: fixedWidth - characters.count) }
        var fields: [String] = []
        var position = 0
        for (index, column) in columns.enumerated() {
            if index > 0 {
                guard characters[position] == " " else { return nil }
                position += 1
            }
            let end = index == columns.count - 1 ? max(position + column.width, characters.count) : position + column.width
            let slice = characters[position..<min(end, characters.count)]
            fields.append(ConsoleText.trimmed(String(slice)))
            position = end
        }
        return fields
    }
}
