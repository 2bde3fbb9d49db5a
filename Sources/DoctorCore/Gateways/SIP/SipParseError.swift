/// Why bytes from the network are not a SIP response we can use. Parsing is total: every input, however broken,
/// ends in a response or one of these, never in a trap.
public enum SipParseError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    /// The first line is not SIP at all (an HTTP server, a binary protocol...); quoted, escaped and shortened.
    case notSip(firstLine: String)
    /// A well-formed request rather than a response (a gateway may send us its own OPTIONS on a TCP connection).
    case notAResponse(method: String)
    case invalidStatusLine(String)
    case headerWithoutColon(line: Int)
    case invalidHeaderName(line: Int)
    case controlCharacter(line: Int)
    case continuationWithoutHeader
    case tooManyHeaders(limit: Int)
    case headTooLarge(limit: Int)
    /// A datagram that ends before the blank line that closes the headers.
    case incompleteHead
    case invalidContentLength(String)
    case bodyTooLarge(length: Int, limit: Int)
    /// A datagram shorter than its Content-Length says (RFC 3261 18.3: discard it).
    case truncatedBody(expected: Int, received: Int)

    public var description: String {
        switch self {
        case .empty: return "empty message"
        case .notSip(let line): return "not a SIP message (first line \"\(line)\")"
        case .notAResponse(let method): return "a \(method) request, not a response"
        case .invalidStatusLine(let line): return "invalid status line \"\(line)\""
        case .headerWithoutColon(let line): return "header line \(line) has no colon"
        case .invalidHeaderName(let line): return "header line \(line) has an invalid name"
        case .controlCharacter(let line): return "line \(line) holds a control character"
        case .continuationWithoutHeader: return "a folded continuation line before any header"
        case .tooManyHeaders(let limit): return "more than \(limit) header lines"
        case .headTooLarge(let limit): return "headers longer than \(limit) bytes"
        case .incompleteHead: return "message ends inside its headers"
        case .invalidContentLength(let value): return "invalid Content-Length \"\(value)\""
        case .bodyTooLarge(let length, let limit): return "Content-Length \(length) exceeds \(limit) bytes"
        case .truncatedBody(let expected, let received):
            return "body of \(received) byte(s), Content-Length says \(expected)"
        }
    }

    /// A stream cannot be framed past this error: it broke the header block or the length, not just one message.
    public var breaksFraming: Bool {
        switch self {
        case .notAResponse, .invalidStatusLine: return false
        default: return true
        }
    }
}

/// Bounds that keep a hostile or broken peer from making the parser hold unbounded memory.
public struct SipParseLimits: Sendable, Hashable {
    public var maxHeadBytes: Int
    public var maxHeaderLines: Int
    public var maxBodyBytes: Int

    public init(maxHeadBytes: Int = 32 * 1024, maxHeaderLines: Int = 256, maxBodyBytes: Int = 64 * 1024) {
        self.maxHeadBytes = maxHeadBytes; self.maxHeaderLines = maxHeaderLines; self.maxBodyBytes = maxBodyBytes
    }

    public static let standard = SipParseLimits()
}

/// Printable ASCII for quoting untrusted bytes in a message: anything else as \xNN, at most `limit` bytes shown.
func sipQuoted(_ bytes: some Collection<UInt8>, limit: Int = 60) -> String {
    var text = ""
    for byte in bytes.prefix(limit) {
        if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\\") && byte != UInt8(ascii: "\"") {
            text.unicodeScalars.append(Unicode.Scalar(byte))
        } else {
            let hex = String(byte, radix: 16, uppercase: true)
            text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
        }
    }
    return bytes.count > limit ? text + "..." : text
}
