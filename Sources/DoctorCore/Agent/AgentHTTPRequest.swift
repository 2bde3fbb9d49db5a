/// The head of a request to the agent's socket. The agent is read-only, so a body is never read.
public struct AgentHTTPRequest: Sendable, Hashable {
    public var method: String
    /// The origin-form target, query included (`/v1/health?x=1`).
    public var target: String
    public var version: String
    public var headers: [(name: String, value: String)]

    public init(method: String, target: String, version: String, headers: [(name: String, value: String)]) {
        self.method = method; self.target = target; self.version = version; self.headers = headers
    }

    /// The target without its query string.
    public var path: String { String(target.prefix { $0 != "?" && $0 != "#" }) }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.version == rhs.version
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(method); hasher.combine(target) }
}

/// Why bytes from a client are not a request the agent will answer. Each maps to the 4xx it is answered with.
public enum AgentHTTPRequestError: Error, Sendable, Hashable {
    case malformed(String)
    case headTooLarge(limit: Int)
    case unsupportedVersion(String)

    public var statusCode: Int {
        switch self {
        case .malformed, .unsupportedVersion: return 400
        case .headTooLarge: return 431
        }
    }

    public var reason: String {
        switch self {
        case .malformed(let why): return "malformed request: \(why)"
        case .headTooLarge(let limit): return "request head larger than \(limit) bytes"
        case .unsupportedVersion(let version): return "unsupported protocol \(version)"
        }
    }
}

/// Parses a request head (RFC 9112 section 3) from the bytes received so far: `nil` means "need more". Strict where
/// it costs nothing: CRLF line ends, a token method, an origin-form target, HTTP/1.0 or 1.1, `name: value` headers.
/// The request line is judged as soon as it is complete, so garbage is refused without waiting for the deadline.
public enum AgentHTTPRequestParser {
    public static let defaultHeadLimit = 8 * 1024

    public static func parse(_ bytes: [UInt8], headLimit: Int = defaultHeadLimit) throws(AgentHTTPRequestError) -> AgentHTTPRequest? {
        guard let firstLineEnd = lineEnd(in: bytes, from: 0) else {
            if bytes.count > headLimit { throw .headTooLarge(limit: headLimit) }
            try checkPartialRequestLine(bytes)
            return nil
        }
        let (method, target, version) = try requestLine(Array(bytes[..<firstLineEnd]))
        var headers: [(name: String, value: String)] = []
        var position = firstLineEnd + 2
        while true {
            guard let end = lineEnd(in: bytes, from: position) else {
                if bytes.count > headLimit { throw .headTooLarge(limit: headLimit) }
                return nil
            }
            if end + 2 > headLimit { throw .headTooLarge(limit: headLimit) }
            if end == position {
                return AgentHTTPRequest(method: method, target: target, version: version, headers: headers)
            }
            headers.append(try header(Array(bytes[position..<end])))
            position = end + 2
        }
    }

    /// The index of the next CRLF at or after `start`. A bare LF or CR anywhere is refused by the line checks.
    private static func lineEnd(in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == 13 && bytes[index + 1] == 10 { return index }
            index += 1
        }
        return nil
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// Refuses an unfinished request line that can already not become a valid one (binary garbage, a bare LF).
    private static func checkPartialRequestLine(_ bytes: [UInt8]) throws(AgentHTTPRequestError) {
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: " ") { return }
            if byte == 13 && index == bytes.count - 1 { return }
            if !isTokenByte(byte) { throw .malformed("the method is not a token") }
        }
    }

    private static func requestLine(_ line: [UInt8]) throws(AgentHTTPRequestError) -> (String, String, String) {
        // The method first, as checkPartialRequestLine judges it, so the answer does not depend on how the bytes
        // were split across reads.
        let method = line.prefix { $0 != UInt8(ascii: " ") }
        guard method.allSatisfy(isTokenByte) else { throw .malformed("the method is not a token") }
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("the request line is not METHOD TARGET VERSION") }
        guard !parts[0].isEmpty, parts[0].allSatisfy(isTokenByte) else { throw .malformed("the method is not a token") }
        guard parts[1].first == UInt8(ascii: "/"), parts[1].allSatisfy({ $0 > 32 && $0 < 127 }) else {
            throw .malformed("the target is not an absolute path")
        }
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version.hasPrefix("HTTP/") else { throw .malformed("no HTTP version") }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { throw .unsupportedVersion(version) }
        return (String(decoding: parts[0], as: UTF8.self), String(decoding: parts[1], as: UTF8.self), version)
    }

    private static func header(_ line: [UInt8]) throws(AgentHTTPRequestError) -> (name: String, value: String) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
              line[..<colon].allSatisfy(isTokenByte) else {
            throw .malformed("a header line is not name: value")
        }
        let value = line[(colon + 1)...]
        guard !value.contains(where: { $0 == 10 || $0 == 13 || $0 == 0 }) else { throw .malformed("a control byte in a header") }
        let text = String(decoding: value, as: UTF8.self).trimmingSpacesAndTabs()
        return (String(decoding: line[..<colon], as: UTF8.self).lowercased(), text)
    }
}

private extension String {
    func trimmingSpacesAndTabs() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
