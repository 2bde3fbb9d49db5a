/// A SIP response: status, headers and body (RFC 3261 7.2).
public struct SipResponse: Sendable, Hashable {
    public var statusCode: Int
    public var reason: String
    public var headers: SipHeaders
    public var body: [UInt8]

    public init(statusCode: Int, reason: String, headers: SipHeaders, body: [UInt8] = []) {
        self.statusCode = statusCode; self.reason = reason; self.headers = headers; self.body = body
    }

    /// 1xx: the request arrived and is being worked on; the probe keeps waiting for a final answer.
    public var isProvisional: Bool { statusCode < 200 }
    /// 2xx to 6xx: whatever the code, the device is there and answered.
    public var isFinal: Bool { statusCode >= 200 }
    public var server: String? { headers.serverName }

    /// One UDP datagram holds exactly one message (RFC 3261 18.3): bytes past Content-Length are dropped, a missing
    /// Content-Length means the rest of the datagram, and a datagram shorter than its Content-Length is refused.
    public static func parse(datagram: [UInt8], limits: SipParseLimits = .standard) -> Result<SipResponse, SipParseError> {
        // CRLFs before the start line are keep-alives (RFC 5626 4.4.1) and are ignored (RFC 3261 7.5).
        let bytes = datagram.drop { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }
        guard !bytes.isEmpty else { return .failure(.empty) }
        guard let end = SipMessageHead.end(in: bytes, limit: limits.maxHeadBytes) else {
            if bytes.count > limits.maxHeadBytes { return .failure(.headTooLarge(limit: limits.maxHeadBytes)) }
            // Still say what it is when it is not SIP at all: that is more useful than "incomplete".
            if case .failure(let error) = startLine(bytes.prefix { $0 != UInt8(ascii: "\n") }), error != .empty {
                return .failure(error)
            }
            return .failure(.incompleteHead)
        }
        return parse(head: bytes[bytes.startIndex..<end.headEnd], rest: bytes[end.bodyStart...], limits: limits,
                     lengthRequired: false).map(\.response)
    }

    /// Head and as much of the rest as is known; returns the response and how many bytes of `rest` it used.
    static func parse(head: ArraySlice<UInt8>, rest: ArraySlice<UInt8>, limits: SipParseLimits, lengthRequired: Bool)
        -> Result<(response: SipResponse, bodyLength: Int), SipParseError>
    {
        let parsedHead: SipMessageHead
        switch SipMessageHead.parse(head, limits: limits) {
        case .success(let value): parsedHead = value
        case .failure(let error): return .failure(error)
        }
        let length: Int
        switch parsedHead.contentLength(limits: limits) {
        case .success(let value?): length = value
        // On a stream a missing Content-Length is taken as 0 (RFC 3261 18.3 makes it mandatory there).
        case .success(nil): length = lengthRequired ? 0 : min(rest.count, limits.maxBodyBytes)
        case .failure(let error): return .failure(error)
        }
        guard rest.count >= length else { return .failure(.truncatedBody(expected: length, received: rest.count)) }
        let status: (code: Int, reason: String)
        switch startLine(parsedHead.startLine[...]) {
        case .success(let value): status = value
        case .failure(let error): return .failure(error)
        }
        let body = Array(rest.prefix(length))
        return .success((SipResponse(statusCode: status.code, reason: status.reason, headers: parsedHead.headers, body: body),
                         length))
    }

    /// `SIP/2.0 200 OK`. A request line is recognised as such so a caller can skip it rather than give up.
    static func startLine(_ line: ArraySlice<UInt8>) -> Result<(code: Int, reason: String), SipParseError> {
        let line = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
        guard !line.isEmpty else { return .failure(.empty) }
        let quoted = sipQuoted(line)
        guard !line.contains(where: \.isSipControlByte) else { return .failure(.notSip(firstLine: quoted)) }
        let text = String(decoding: line, as: UTF8.self)
        let words = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard let version = words.first else { return .failure(.notSip(firstLine: quoted)) }
        guard version.uppercased() == "SIP/2.0" else {
            if words.count == 3, words[2].uppercased() == "SIP/2.0", words[0].utf8.allSatisfy(\.isSipTokenByte) {
                return .failure(.notAResponse(method: String(words[0])))
            }
            return .failure(.notSip(firstLine: quoted))
        }
        guard words.count >= 2, words[1].count == 3, words[1].allSatisfy(\.isSipDigit), let code = Int(words[1]),
              (100...699).contains(code) else { return .failure(.invalidStatusLine(quoted)) }
        let reason = words.count == 3 ? String(words[2]).sipTrimmed() : ""
        return .success((code, reason))
    }
}
