/// The start line and header fields of one SIP message, before its body. Lines end in CRLF; a bare LF is accepted
/// too, as most stacks do. Continuation lines (leading SP/HTAB, RFC 3261 7.3.1) fold into the previous value.
struct SipMessageHead: Sendable, Hashable {
    var startLine: [UInt8]
    var headers: SipHeaders

    /// `head` is everything before the blank line that ends the headers.
    static func parse(_ head: ArraySlice<UInt8>, limits: SipParseLimits) -> Result<SipMessageHead, SipParseError> {
        guard head.count <= limits.maxHeadBytes else { return .failure(.headTooLarge(limit: limits.maxHeadBytes)) }
        var lines = head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            line.last == UInt8(ascii: "\r") ? line.dropLast() : line
        }
        guard !lines.isEmpty, !lines[0].isEmpty else { return .failure(.empty) }
        let startLine = Array(lines.removeFirst())
        guard lines.count <= limits.maxHeaderLines else { return .failure(.tooManyHeaders(limit: limits.maxHeaderLines)) }
        var fields: [SipHeader] = []
        for (offset, line) in lines.enumerated() {
            let number = offset + 2      // the start line is line 1
            guard !line.contains(where: \.isSipControlByte) else { return .failure(.controlCharacter(line: number)) }
            if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                guard !fields.isEmpty else { return .failure(.continuationWithoutHeader) }
                let more = String(decoding: line, as: UTF8.self).sipTrimmed()
                fields[fields.count - 1].value += fields[fields.count - 1].value.isEmpty ? more : " " + more
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return .failure(.headerWithoutColon(line: number)) }
            // HCOLON allows blanks before the colon: "Via :" is legal.
            let name = line[line.startIndex..<colon].reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
            guard !name.isEmpty, name.allSatisfy(\.isSipTokenByte) else { return .failure(.invalidHeaderName(line: number)) }
            let value = String(decoding: line[line.index(after: colon)...], as: UTF8.self).sipTrimmed()
            fields.append(SipHeader(name: String(decoding: name, as: UTF8.self), value: value))
        }
        return .success(SipMessageHead(startLine: startLine, headers: SipHeaders(fields)))
    }

    /// The header block's end: the index of the LF that ends its last line, and where the body starts. Nil while
    /// the blank line has not arrived. Only the first `limit` bytes are searched, so a peer that never sends one
    /// costs a bounded scan.
    static func end(in bytes: ArraySlice<UInt8>, limit: Int) -> (headEnd: Int, bodyStart: Int)? {
        let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        let stop = min(bytes.endIndex, bytes.startIndex + limit + 4)
        var index = bytes.startIndex
        while index < stop {
            if bytes[index] == lf {
                let next = index + 1
                if next < bytes.endIndex && bytes[next] == lf { return (index, next + 1) }
                if next + 1 < bytes.endIndex && bytes[next] == cr && bytes[next + 1] == lf { return (index, next + 2) }
            }
            index += 1
        }
        return nil
    }

    /// Content-Length (or `l:`). Nil when absent; several lines must agree.
    func contentLength(limits: SipParseLimits) -> Result<Int?, SipParseError> {
        let values = headers.values("Content-Length")
        guard let first = values.first else { return .success(nil) }
        guard values.allSatisfy({ $0 == first }) else { return .failure(.invalidContentLength(values.joined(separator: ", "))) }
        guard !first.isEmpty, first.allSatisfy(\.isSipDigit) else { return .failure(.invalidContentLength(sipQuoted(first.utf8))) }
        // More digits than an Int holds is reported as Int.max rather than a wrapped or truncated number.
        let length = first.count <= 18 ? Int(first) ?? Int.max : Int.max
        guard length <= limits.maxBodyBytes else { return .failure(.bodyTooLarge(length: length, limit: limits.maxBodyBytes)) }
        return .success(length)
    }
}

extension UInt8 {
    /// RFC 3261 25.1 `token` characters: what a header name may be made of.
    var isSipTokenByte: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-.!%*_+`'~".utf8.contains(self)
        }
    }

    /// Control characters other than HTAB; a header line holding one (NUL, ESC...) is binary, not SIP.
    var isSipControlByte: Bool { (self < 0x20 && self != 0x09) || self == 0x7F }
}
