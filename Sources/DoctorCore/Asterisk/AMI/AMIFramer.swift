/// The line Asterisk sends on connect, before anything else: `Asterisk Call Manager/11.0.0`.
public struct AMIBanner: Sendable, Hashable {
    public var line: String
    /// What follows the `/`: the AMI protocol version (not Asterisk's version).
    public var version: String

    public init(line: String, version: String) {
        self.line = line; self.version = version
    }
}

public enum AMIFrame: Sendable, Hashable {
    case banner(AMIBanner)
    case message(AMIMessage)
}

/// Cuts the byte stream of an AMI connection into the banner and messages. It is fed whatever `read` returned, in
/// chunks of any size, and keeps at most one message in memory. It accepts what Asterisk really sends:
/// - CRLF line ends, and bare LF ones: Asterisk writes `Message: No Contacts found\n\r\n\r\n`, a value ending in LF
///   before the CRLF (pjsip_options.c, pjsip_configuration.c); blank lines between messages are skipped;
/// - one space after the colon, which is not part of the value (`Output:  Endpoint:` keeps its indentation).
///
/// A peer that is not AMI, or a hostile one, cannot make it grow without bound: the banner, each message's size and
/// its number of fields are capped, and crossing a cap is a `protocolError`. After an error it stays failed.
public struct AMIFramer: Sendable {
    public struct Limits: Sendable, Hashable {
        /// The banner line is ~30 bytes; more than this without a line end is not AMI.
        public var maxBannerBytes: Int
        /// The largest message in the captures is ~5.5 KB (EndpointDetail); a big `Command` output stays far below.
        public var maxMessageBytes: Int
        public var maxFields: Int

        public init(maxBannerBytes: Int = 256, maxMessageBytes: Int = 1 << 20, maxFields: Int = 10_000) {
            self.maxBannerBytes = maxBannerBytes; self.maxMessageBytes = maxMessageBytes; self.maxFields = maxFields
        }

        public static let standard = Limits()
    }

    public let limits: Limits
    private var expectingBanner: Bool
    private var line: [UInt8] = []
    private var fields: [AMIField] = []
    private var messageBytes = 0
    private var messagesSeen = 0
    private var failure: AMIFailure?

    /// `expectingBanner: false` for a stream that starts after the banner (a transcript of one action).
    public init(limits: Limits = .standard, expectingBanner: Bool = true) {
        self.limits = limits
        self.expectingBanner = expectingBanner
    }

    /// Bytes held for a message not yet complete (the streaming bound the tests check).
    public var bufferedBytes: Int { messageBytes }

    /// Feeds the next bytes of the stream and returns every frame they complete.
    public mutating func feed(_ chunk: some Sequence<UInt8>) throws(AMIFailure) -> [AMIFrame] {
        if let failure { throw failure }
        var frames: [AMIFrame] = []
        do {
            for byte in chunk {
                if byte == 0x0A {
                    if let frame = try endLine() { frames.append(frame) }
                } else {
                    line.append(byte)
                    try checkGrowth()
                }
            }
        } catch {
            failure = error
            throw error
        }
        return frames
    }

    private mutating func checkGrowth() throws(AMIFailure) {
        if expectingBanner {
            if line.count > limits.maxBannerBytes {
                throw AMIFailure(kind: .protocolError,
                                 message: "not an AMI server: no banner line within the first \(limits.maxBannerBytes) bytes")
            }
            return
        }
        messageBytes += 1
        if messageBytes > limits.maxMessageBytes {
            throw AMIFailure(kind: .protocolError,
                             message: "AMI message \(messagesSeen + 1) is larger than \(limits.maxMessageBytes) bytes")
        }
    }

    private mutating func endLine() throws(AMIFailure) -> AMIFrame? {
        if line.last == 0x0D { line.removeLast() }
        defer { line.removeAll(keepingCapacity: true) }
        if expectingBanner { return try banner() }
        messageBytes += 1
        if line.isEmpty {
            // The blank line ends a message; further blank lines (the bare-LF quirk leaves one) are skipped.
            guard !fields.isEmpty else { messageBytes = 0; return nil }
            let message = AMIMessage(fields: fields)
            fields.removeAll()
            messageBytes = 0
            messagesSeen += 1
            return .message(message)
        }
        fields.append(try field())
        if fields.count > limits.maxFields {
            throw AMIFailure(kind: .protocolError,
                             message: "AMI message \(messagesSeen + 1) has more than \(limits.maxFields) fields")
        }
        return nil
    }

    private mutating func banner() throws(AMIFailure) -> AMIFrame {
        let text = String(decoding: line, as: UTF8.self)
        let marker = "Call Manager/"
        guard let range = text.firstRange(of: marker), text.allSatisfy({ $0.isASCII && !$0.isNewline }),
              text[range.upperBound...].contains(where: \.isNumber) else {
            throw AMIFailure(kind: .protocolError,
                             message: "not an AMI server: the first line (\(line.count) bytes) is not `Asterisk Call Manager/<version>`")
        }
        expectingBanner = false
        return .banner(AMIBanner(line: text, version: String(text[range.upperBound...])))
    }

    /// `Key: value`. The key is printable ASCII without spaces (`ActionID`, `bpviol`, `DAHDIChannel`); anything else
    /// is not AMI. The line itself is never quoted in the error: it could be a credential field gone wrong.
    private func field() throws(AMIFailure) -> AMIField {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
              line[..<colon].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            let first = line.first.map { "0x" + String($0, radix: 16, uppercase: true) } ?? "-"
            throw AMIFailure(kind: .protocolError,
                             message: "not AMI: line \(fields.count + 1) of message \(messagesSeen + 1) is not `Key: value` "
                                 + "(\(line.count) bytes, first byte \(first))")
        }
        var valueStart = line.index(after: colon)
        if valueStart < line.endIndex && line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        return AMIField(key: String(decoding: line[..<colon], as: UTF8.self),
                        value: String(decoding: line[valueStart...], as: UTF8.self))
    }
}
