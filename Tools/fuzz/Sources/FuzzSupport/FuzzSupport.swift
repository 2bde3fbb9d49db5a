import DoctorCore

/// What every fuzz target shares: turning libFuzzer's bytes into parser input, and the invariants checked on every
/// run. A broken invariant is a crash (fatalError), which libFuzzer reports and saves like any other.
public enum Fuzz {
    public static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The text a reader would hand the parser: invalid UTF-8 becomes U+FFFD, as `String(decoding:)` does in the
    /// readers.
    public static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    public static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError("invariant broken: \(message())") }
    }

    /// Every output is printable as JSON (the reports and goldens are); an encoding failure is a finding.
    public static func json<T: Encodable>(_ value: T, _ what: String) -> String {
        do { return try JSONOutput.encode(value) } catch { fatalError("invariant broken: \(what) does not encode: \(error)") }
    }

    /// Physical lines as any of the parsers could count them (LF, CR, CRLF all counted generously).
    public static func maxLine(_ text: String) -> Int {
        var count = 1
        for byte in text.utf8 where byte == 10 || byte == 13 { count += 1 }
        return count
    }

    /// An issue names a line of the file it is about: never negative and never past the end of the file.
    public static func checkIssues(_ issues: [ParseIssue], text: String, file: String) {
        let last = maxLine(text)
        for issue in issues where issue.file == file {
            require(issue.line >= 0 && issue.line <= last, "issue at line \(issue.line) of a \(last)-line file: \(issue)")
        }
    }

    /// Cuts bytes into chunks whose sizes come from the bytes themselves (1...16), the way reads split a stream.
    public static func chunks(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while start < bytes.count {
            let size = Int(bytes[index % bytes.count] % 16) + 1
            let end = min(bytes.count, start + size)
            result.append(bytes[start..<end])
            start = end
            index += 7
        }
        return result
    }

    /// A value that is easy to spot in any output and that no input byte sequence produced by chance.
    public static let secretMarker = "Fz9-SECRET-marker-Q7"
}

/// A set of Asterisk configuration files carried in one fuzz input: the text before the first `%%% name` line is the
/// top-level file, and each `%%% name` line starts another file of that name (in the config directory). Includes,
/// `#tryinclude`, globs and cycles are then all reachable by mutation.
public struct VirtualConfigFiles: Sendable {
    public static let directory = "/etc/asterisk"
    public var files: [(path: String, text: String)]

    public init(_ text: String, topLevel: String) {
        var files: [(path: String, text: String)] = []
        var name = topLevel
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("%%% ") {
                files.append((Self.path(name), current.joined(separator: "\n")))
                name = String(line.dropFirst(4))
                current = []
            } else {
                current.append(line)
            }
        }
        files.append((Self.path(name), current.joined(separator: "\n")))
        self.files = files
    }

    static func path(_ name: String) -> String { name.hasPrefix("/") ? name : directory + "/" + name }

    public var topLevelText: String { files[0].text }
    public var topLevelPath: String { files[0].path }

    public var source: AsteriskConfigSource {
        var byPath: [String: String] = [:]
        for file in files where byPath[file.path] == nil { byPath[file.path] = file.text }
        let table = byPath
        let paths = table.keys.sorted()
        return AsteriskConfigSource(
            configDirectory: Self.directory,
            read: { path in
                if let text = table[path] { return .success(text) }
                return .failure(SystemError(code: 2, name: "ENOENT", message: "No such file or directory"))
            },
            expandGlob: { pattern in
                let wanted = Array(pattern.utf8)
                return paths.filter { Glob.matches(pattern: wanted[...], name: Array($0.utf8)[...]) }
            })
    }
}

/// `*` and `?` the way glob(3) reads them (brackets and braces taken literally), enough for include patterns.
enum Glob {
    static func matches(pattern: ArraySlice<UInt8>, name: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex, n = name.startIndex
        var star: Int?, mark = n
        while n < name.endIndex {
            if p < pattern.endIndex, pattern[p] == UInt8(ascii: "?") || pattern[p] == name[n] {
                p += 1; n += 1
            } else if p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") {
                star = p; mark = n; p += 1
            } else if let s = star {
                p = s + 1; mark += 1; n = mark
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }
}
