
/// A response's status line and headers.
public struct HTTPResponseHead: Sendable, Hashable {
    public var version: String
    public var statusCode: Int
    public var reason: String
    /// In order, names lower-cased (Set-Cookie and WWW-Authenticate may repeat).
    public var headers: [HTTPHeader]

    public func values(_ name: String) -> [String] { headers.filter { $0.name == name }.map(\.value) }
    public func value(_ name: String) -> String? { values(name).first }
}

public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String
}

public struct HTTPResponse: Sendable, Hashable {
    public var head: HTTPResponseHead
    public var body: [UInt8]

    public var statusCode: Int { head.statusCode }
}

/// Why bytes from the gateway are not a usable HTTP/1.x response.
package enum HTTPParseError: Error, Hashable {
    case malformed(String)
    case headTooLarge(limit: Int)
    case bodyTooLarge(limit: Int)
    /// The stream ended before the response was complete.
    case truncated(received: Int)
}

/// An incremental HTTP/1.x response parser (RFC 9112): Content-Length, chunked and close-delimited bodies, interim
/// 1xx answers skipped. Embedded web servers end lines with a bare LF, so that is accepted too. Every size is
/// capped, so a hostile or broken gateway costs at most `bodyLimit` bytes of memory.
package struct HTTPResponseParser {
    let bodyLimit: Int
    let headLimit: Int

    private enum State: Equatable {
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case done
    }

    private var state = State.head
    private var buffer: [UInt8] = []
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []
    private var received = 0
    /// How far the search for the end of the head got, so a head arriving byte by byte is not rescanned.
    private var headScanned = 0

    package init(bodyLimit: Int, headLimit: Int = 64 * 1024) {
        self.bodyLimit = bodyLimit; self.headLimit = headLimit
    }

    /// Feeds bytes as they arrive; returns the response once complete.
    package mutating func feed(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPResponse? {
        received += bytes.count
        buffer.append(contentsOf: bytes)
        var position = 0
        defer { buffer.removeFirst(min(position, buffer.count)) }
        while true {
            switch state {
            case .done:
                return try response()
            case .head:
                guard let (end, next) = headEnd(from: position, skipping: headScanned) else {
                    if buffer.count - position > headLimit { throw .headTooLarge(limit: headLimit) }
                    headScanned = buffer.count - position
                    return nil
                }
                headScanned = 0
                // The same cap whether the head came in one read or in many.
                if next - position > headLimit { throw .headTooLarge(limit: headLimit) }
                let parsed = try Self.parseHead(buffer[position..<end])
                position = next
                if (100...199).contains(parsed.statusCode) && parsed.statusCode != 101 { continue }   // 100 Continue
                head = parsed
                state = try bodyState(for: parsed)
            case .fixedBody(let remaining):
                let take = min(remaining, buffer.count - position)
                try appendBody(buffer[position..<(position + take)])
                position += take
                if take == remaining { state = .done } else { state = .fixedBody(remaining: remaining - take); return nil }
            case .untilClose:
                try appendBody(buffer[position...])
                position = buffer.count
                return nil
            case .chunkSize:
                guard let (end, next) = lineEnd(from: position) else { return try waitForLine(from: position) }
                let line = buffer[position..<end]
                position = next
                let sizeText = String(decoding: line.prefix { $0 != UInt8(ascii: ";") }, as: UTF8.self)
                    .trimmed(of: " \t")
                guard !sizeText.isEmpty, sizeText.count <= 15, let size = Int(sizeText, radix: 16), size >= 0 else {
                    throw .malformed("bad chunk size line")
                }
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let take = min(remaining, buffer.count - position)
                try appendBody(buffer[position..<(position + take)])
                position += take
                if take == remaining { state = .chunkDataEnd } else { state = .chunkData(remaining: remaining - take); return nil }
            case .chunkDataEnd:
                guard let (end, next) = lineEnd(from: position) else { return try waitForLine(from: position) }
                guard end == position else { throw .malformed("chunk data longer than its size") }
                position = next
                state = .chunkSize
            case .trailers:
                // Trailer fields are read past, up to the blank line that ends the message.
                guard let (end, next) = lineEnd(from: position) else { return try waitForLine(from: position) }
                let isBlank = end == position
                position = next
                if isBlank { state = .done }
            }
        }
    }

    /// The stream ended: complete a close-delimited body, or say what was cut short.
    package mutating func finish() throws(HTTPParseError) -> HTTPResponse {
        switch state {
        case .untilClose, .done: return try response()
        case .head where received == 0: throw .truncated(received: 0)
        default: throw .truncated(received: received)
        }
    }

    private func response() throws(HTTPParseError) -> HTTPResponse {
        guard let head else { throw .malformed("no status line") }   // unreachable: both states follow the head
        return HTTPResponse(head: head, body: body)
    }

    private mutating func appendBody(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) {
        guard body.count + bytes.count <= bodyLimit else { throw .bodyTooLarge(limit: bodyLimit) }
        body.append(contentsOf: bytes)
    }

    private func waitForLine(from position: Int) throws(HTTPParseError) -> HTTPResponse? {
        if buffer.count - position > 4096 { throw .malformed("a chunk line longer than 4096 bytes") }
        return nil
    }

    private func bodyState(for head: HTTPResponseHead) throws(HTTPParseError) -> State {
        if head.statusCode == 204 || head.statusCode == 304 { return .done }
        let encodings = head.values("transfer-encoding").joined(separator: ",").lowercased()
        if encodings.contains("chunked") { return .chunkSize }
        let lengths = Set(head.values("content-length").map { $0.trimmed(of: " \t") })
        if lengths.count > 1 { throw .malformed("conflicting Content-Length headers") }
        if let text = lengths.first {
            guard text.count <= 15, let length = Int(text), length >= 0 else { throw .malformed("bad Content-Length") }
            if length > bodyLimit { throw .bodyTooLarge(limit: bodyLimit) }
            return length == 0 ? .done : .fixedBody(remaining: length)
        }
        return .untilClose
    }

    /// End of the head: the index where the blank line starts and the index after it (CRLFCRLF or LFLF).
    private func headEnd(from start: Int, skipping scanned: Int) -> (Int, Int)? {
        var index = start + max(0, scanned - 3)
        while index < buffer.count {
            if buffer[index] == 0x0A {
                if index + 1 < buffer.count, buffer[index + 1] == 0x0A { return (index, index + 2) }
                if index + 2 < buffer.count, buffer[index + 1] == 0x0D, buffer[index + 2] == 0x0A { return (index, index + 3) }
            }
            index += 1
        }
        return nil
    }

    /// One line from `start`: (end of its content, index after its LF).
    private func lineEnd(from start: Int) -> (Int, Int)? {
        guard let newline = buffer[start...].firstIndex(of: 0x0A) else { return nil }
        let end = newline > start && buffer[newline - 1] == 0x0D ? newline - 1 : newline
        return (end, newline + 1)
    }

    static func parseHead(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPResponseHead {
        // Split on bytes: as Characters, "\r\n" is one grapheme and would never match "\n".
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
        guard !lines.isEmpty else { throw .malformed("no status line") }
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let code = Int(parts[1]),
              (100...999).contains(code) else {
            throw .malformed("not an HTTP/1.x status line")
        }
        var headers: [HTTPHeader] = []
        for line in lines where !line.isEmpty {
            if line.first == " " || line.first == "\t", !headers.isEmpty {   // obsolete line folding
                headers[headers.count - 1].value += " " + line.trimmed(of: " \t")
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("a header line without a colon") }
            headers.append(HTTPHeader(name: line[..<colon].trimmed(of: " \t").lowercased(),
                                      value: line[line.index(after: colon)...].trimmed(of: " \t")))
        }
        return HTTPResponseHead(version: String(parts[0]), statusCode: code,
                                reason: parts.count > 2 ? String(parts[2]) : "", headers: headers)
    }
}

extension StringProtocol {
    package func trimmed(of set: String) -> String {
        let characters = Set(set)
        let trimmedFront = drop { characters.contains($0) }
        return String(trimmedFront.reversed().drop { characters.contains($0) }.reversed())
    }
}
