/// A strict parser for the part of TOML that dahdi-doctor.toml uses: `[table]`, `[[array.of.tables]]` (dotted, one
/// level of nesting such as `[[gateway.port]]`), `key = value` with basic "..." and literal '...' strings, integers,
/// floats, booleans and single-line arrays of those, and `#` comments. Anything else (inline tables, multi-line
/// strings, dates, dotted keys) is refused with its line, never guessed. Written here rather than taken from a
/// package because toml++ (under TOMLKit) aborts the process on input as small as "[[[".
public enum TOMLSubset {
    public indirect enum Value: Sendable, Hashable {
        case string(String), integer(Int), float(Double), boolean(Bool), array([Value]), table(Table), tables([Table])
    }

    /// Keys in file order, with the line each was defined on (for error messages).
    public struct Table: Sendable, Hashable {
        public var entries: [(key: String, value: Value, line: Int)] = []
        public var line: Int

        public init(line: Int) { self.line = line }

        public subscript(key: String) -> Value? { entries.last { $0.key == key }?.value }
        public var keys: [String] { entries.map(\.key) }

        mutating func set(_ key: String, _ value: Value, line: Int) { entries.append((key, value, line)) }

        public static func == (a: Table, b: Table) -> Bool {
            a.entries.map(\.key) == b.entries.map(\.key) && a.entries.map(\.value) == b.entries.map(\.value)
        }

        public func hash(into hasher: inout Hasher) { hasher.combine(keys) }
    }

    public struct ParseError: Error, Sendable, Hashable {
        public var line: Int
        public var message: String
    }

    public static func parse(_ text: String) throws(ParseError) -> Table {
        var root = Table(line: 0)
        // Where `key = value` lines go: the root, a [table], or the last element of a [[table]] (path of names).
        var current: [String] = []
        var currentIsArrayElement = false
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if lineNumber == 1, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            let content = stripComment(line).trimmed
            if content.isEmpty { continue }
            if content.hasPrefix("[[") {
                guard content.hasSuffix("]]"), content.count > 4 else { throw ParseError(line: lineNumber, message: "malformed array-of-tables header") }
                let path = try names(content.dropFirst(2).dropLast(2), line: lineNumber)
                try appendTable(&root, path: path, line: lineNumber)
                current = path
                currentIsArrayElement = true
            } else if content.hasPrefix("[") {
                guard content.hasSuffix("]"), content.count > 2 else { throw ParseError(line: lineNumber, message: "malformed table header") }
                let path = try names(content.dropFirst().dropLast(), line: lineNumber)
                guard path.count == 1 else { throw ParseError(line: lineNumber, message: "nested [a.b] tables are not supported here") }
                guard root[path[0]] == nil else { throw ParseError(line: lineNumber, message: "table [\(path[0])] is defined twice") }
                root.set(path[0], .table(Table(line: lineNumber)), line: lineNumber)
                current = path
                currentIsArrayElement = false
            } else {
                guard let equals = content.firstIndex(of: "=") else { throw ParseError(line: lineNumber, message: "expected key = value") }
                let key = try bareKey(content[..<equals].trimmed, line: lineNumber)
                var rest = content[content.index(after: equals)...].trimmed
                let value = try parseValue(&rest, line: lineNumber)
                guard rest.trimmed.isEmpty else { throw ParseError(line: lineNumber, message: "unexpected text after the value: '\(rest.trimmed)'") }
                try insert(&root, path: current, arrayElement: currentIsArrayElement, key: key, value: value, line: lineNumber)
            }
        }
        return root
    }

    // MARK: - Structure

    static func appendTable(_ root: inout Table, path: [String], line: Int) throws(ParseError) {
        switch path.count {
        case 1:
            var tables: [Table] = []
            if let existing = root[path[0]] {
                guard case .tables(let list) = existing else { throw ParseError(line: line, message: "'\(path[0])' is not an array of tables") }
                tables = list
                root.entries.removeAll { $0.key == path[0] }
            }
            tables.append(Table(line: line))
            root.set(path[0], .tables(tables), line: line)
        case 2:
            guard case .tables(var parents)? = root[path[0]], var parent = parents.popLast() else {
                throw ParseError(line: line, message: "[[\(path.joined(separator: "."))]] needs a [[\(path[0])]] before it")
            }
            try appendTable(&parent, path: [path[1]], line: line)
            parents.append(parent)
            root.entries.removeAll { $0.key == path[0] }
            root.set(path[0], .tables(parents), line: line)
        default:
            throw ParseError(line: line, message: "tables nested deeper than two levels are not supported here")
        }
    }

    static func insert(_ root: inout Table, path: [String], arrayElement: Bool, key: String, value: Value, line: Int) throws(ParseError) {
        func add(_ table: inout Table) throws(ParseError) {
            guard table[key] == nil else { throw ParseError(line: line, message: "key '\(key)' is defined twice") }
            table.set(key, value, line: line)
        }
        if path.isEmpty { try add(&root); return }
        guard let index = root.entries.lastIndex(where: { $0.key == path[0] }) else { throw ParseError(line: line, message: "no such table") }
        switch root.entries[index].value {
        case .table(var table) where !arrayElement:
            try add(&table)
            root.entries[index].value = .table(table)
        case .tables(var tables) where arrayElement:
            guard var last = tables.popLast() else { throw ParseError(line: line, message: "no such table") }
            if path.count == 2 {
                guard case .tables(var inner)? = last[path[1]], var innerLast = inner.popLast(),
                      let innerIndex = last.entries.lastIndex(where: { $0.key == path[1] }) else {
                    throw ParseError(line: line, message: "no such table")
                }
                try add(&innerLast)
                inner.append(innerLast)
                last.entries[innerIndex].value = .tables(inner)
            } else {
                try add(&last)
            }
            tables.append(last)
            root.entries[index].value = .tables(tables)
        default:
            throw ParseError(line: line, message: "no such table")
        }
    }

    // MARK: - Lexical

    static func stripComment(_ line: Substring) -> Substring {
        var inBasic = false, inLiteral = false, escaped = false
        for index in line.indices {
            let c = line[index]
            if escaped { escaped = false; continue }
            if inBasic && c == "\\" { escaped = true; continue }
            if c == "\"" && !inLiteral { inBasic.toggle() }
            else if c == "'" && !inBasic { inLiteral.toggle() }
            else if c == "#" && !inBasic && !inLiteral { return line[..<index] }
        }
        return line
    }

    static func names(_ text: Substring, line: Int) throws(ParseError) -> [String] {
        var result: [String] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            result.append(try bareKey(part.trimmed, line: line))
        }
        return result
    }

    static func bareKey(_ text: Substring, line: Int) throws(ParseError) -> String {
        let allowed = text.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_" || $0 == "-" }
        guard !text.isEmpty, allowed else { throw ParseError(line: line, message: "invalid key '\(text)' (use letters, digits, _ and -)") }
        return String(text)
    }

    static func parseValue(_ rest: inout Substring, line: Int, depth: Int = 0) throws(ParseError) -> Value {
        guard depth < 8 else { throw ParseError(line: line, message: "arrays nested too deeply") }
        guard let first = rest.first else { throw ParseError(line: line, message: "missing value") }
        switch first {
        case "\"":
            rest = rest.dropFirst()
            var result = ""
            while let c = rest.first {
                rest = rest.dropFirst()
                if c == "\"" { return .string(result) }
                if c == "\\" {
                    guard let e = rest.first else { break }
                    rest = rest.dropFirst()
                    switch e {
                    case "\"": result.append("\"")
                    case "\\": result.append("\\")
                    case "n": result.append("\n")
                    case "t": result.append("\t")
                    case "r": result.append("\r")
                    case "u", "U":
                        let count = e == "u" ? 4 : 8
                        let hex = rest.prefix(count)
                        guard hex.count == count, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                            throw ParseError(line: line, message: "invalid \\\(e) escape")
                        }
                        result.unicodeScalars.append(scalar)
                        rest = rest.dropFirst(count)
                    default: throw ParseError(line: line, message: "invalid escape \\\(e)")
                    }
                } else {
                    result.append(c)
                }
            }
            throw ParseError(line: line, message: "unterminated string")
        case "'":
            rest = rest.dropFirst()
            guard let end = rest.firstIndex(of: "'") else { throw ParseError(line: line, message: "unterminated string") }
            let value = String(rest[..<end])
            rest = rest[rest.index(after: end)...]
            return .string(value)
        case "[":
            rest = rest.dropFirst()
            var items: [Value] = []
            while true {
                rest = rest.trimmed
                if rest.first == "]" { rest = rest.dropFirst(); return .array(items) }
                items.append(try parseValue(&rest, line: line, depth: depth + 1))
                rest = rest.trimmed
                if rest.first == "," { rest = rest.dropFirst(); continue }
                if rest.first == "]" { rest = rest.dropFirst(); return .array(items) }
                throw ParseError(line: line, message: "expected , or ] in the array (arrays must fit on one line)")
            }
        case "{":
            throw ParseError(line: line, message: "inline tables are not supported here; use a [table]")
        default:
            let token = rest.prefix { $0 != "," && $0 != "]" && $0 != " " && $0 != "\t" }
            rest = rest.dropFirst(token.count)
            if token == "true" { return .boolean(true) }
            if token == "false" { return .boolean(false) }
            let digits = token.filter { $0 != "_" }
            if let integer = Int(digits) { return .integer(integer) }
            if digits.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let float = Double(digits) { return .float(float) }
            throw ParseError(line: line, message: "invalid value '\(token)' (strings need quotes)")
        }
    }
}

extension Substring {
    var trimmed: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return Substring() }
        return self[first...last]
    }
}
