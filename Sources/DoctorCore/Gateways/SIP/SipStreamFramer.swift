/// Cuts a TCP byte stream into SIP messages (RFC 3261 18.3): the headers end at the first blank line and the body
/// is exactly Content-Length bytes, so one read may hold several messages and one message may span many reads.
/// A framing error (broken headers, a bad length, too much without a blank line) leaves no way to find the next
/// message, so the framer stops there and keeps the error.
public struct SipStreamFramer: Sendable {
    public let limits: SipParseLimits
    private var buffer: [UInt8] = []
    public private(set) var failure: SipParseError?

    public init(limits: SipParseLimits = .standard) {
        self.limits = limits
    }

    /// Bytes waiting for the rest of their message.
    public var bufferedCount: Int { buffer.count }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        guard failure == nil else { return }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete message, nil when more bytes are needed or the stream is broken (see `failure`). A message
    /// that frames but is not a usable response (a request from the peer) comes back as a failure and the stream
    /// goes on.
    public mutating func next() -> Result<SipResponse, SipParseError>? {
        guard failure == nil else { return nil }
        let keepAlive = buffer.prefix { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }.count
        if keepAlive > 0 { buffer.removeFirst(keepAlive) }
        guard !buffer.isEmpty else { return nil }
        // Judge the start line as soon as it is complete: say early that this is not SIP, instead of waiting for a
        // blank line that may never come, and give the same error however the reads split the stream.
        if let lineEnd = buffer.firstIndex(of: UInt8(ascii: "\n")), lineEnd <= limits.maxHeadBytes,
           case .failure(let error) = SipResponse.startLine(buffer[..<lineEnd]), error.breaksFraming {
            return fail(error)
        }
        guard let end = SipMessageHead.end(in: buffer[...], limit: limits.maxHeadBytes) else {
            if buffer.count > limits.maxHeadBytes { return fail(.headTooLarge(limit: limits.maxHeadBytes)) }
            return nil
        }
        let head = buffer[..<end.headEnd]
        // Frame on Content-Length first, so a message we cannot use (a request) is skipped whole.
        let length: Int
        switch SipMessageHead.parse(head, limits: limits).flatMap({ $0.contentLength(limits: limits) }) {
        case .success(let value): length = value ?? 0
        case .failure(let error): return fail(error)
        }
        guard buffer.count - end.bodyStart >= length else { return nil }
        let rest = buffer[end.bodyStart..<(end.bodyStart + length)]
        let parsed = SipResponse.parse(head: head, rest: rest, limits: limits, lengthRequired: true)
        buffer.removeFirst(end.bodyStart + length)
        switch parsed {
        case .success(let value): return .success(value.response)
        case .failure(let error):
            if error.breaksFraming { return fail(error) }
            return .failure(error)
        }
    }

    private mutating func fail(_ error: SipParseError) -> Result<SipResponse, SipParseError> {
        failure = error
        buffer = []
        return .failure(error)
    }
}
