import Testing
@testable import DoctorCore

/// Responses as gateways and PBXes really send them, then everything a broken or hostile peer might send instead.
@Suite struct SipResponseParserTests {
    static func parse(_ lines: [String], body: String = "") throws -> SipResponse {
        try SipResponse.parse(datagram: sipWire(lines, body: body)).get()
    }

    static func failure(_ bytes: [UInt8], limits: SipParseLimits = .standard) -> SipParseError? {
        if case .failure(let error) = SipResponse.parse(datagram: bytes, limits: limits) { return error }
        return nil
    }

    // MARK: real-looking answers

    @Test func asteriskPjsip200() throws {
        let response = try Self.parse([
            "SIP/2.0 200 OK",
            "Via: SIP/2.0/UDP 192.168.10.5:40512;rport=40512;received=192.168.10.5;branch=z9hG4bK28ievoxsr4qo3x3qd3us",
            "Call-ID: q77wvm2jc89b43w7zsfpgs2e",
            "From: \"dahdi-doctor\" <sip:dahdi-doctor@192.168.10.5>;tag=ccl6k2k4ylus",
            "To: <sip:192.168.10.2>;tag=z9hG4bK28ievoxsr4qo3x3qd3us",
            "CSeq: 1 OPTIONS",
            "Accept: application/sdp, application/simple-message-summary, application/dialog-info+xml, message/sipfrag;version=2.0",
            "Allow: OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, PUBLISH, INVITE, ACK, BYE, CANCEL, UPDATE, PRACK, MESSAGE, REFER",
            "Supported: 100rel, timer, replaces, norefersub, histinfo",
            "Accept-Encoding: identity",
            "Accept-Language: en",
            "Server: FPBX-16.0.40.7(18.20.2)",
            "Content-Length:  0",
        ])
        #expect(response.statusCode == 200 && response.reason == "OK" && response.isFinal && !response.isProvisional)
        #expect(response.server == "FPBX-16.0.40.7(18.20.2)")
        #expect(response.headers.topVia?.branch == "z9hG4bK28ievoxsr4qo3x3qd3us")
        #expect(response.headers.topVia?.parameters["received"] == "192.168.10.5")
        #expect(response.headers.cseq?.number == 1 && response.headers.cseq?.method == "OPTIONS")
        #expect(response.body.isEmpty)
    }

    @Test func grandstreamAnswersWithUserAgentAndNoServer() throws {
        let response = try Self.parse([
            "SIP/2.0 200 OK",
            "Via: SIP/2.0/UDP 192.168.10.5:5060;branch=z9hG4bKabc123;rport=5060",
            "From: <sip:dahdi-doctor@192.168.10.5>;tag=t1",
            "To: <sip:192.168.10.40>;tag=1483573918",
            "Call-ID: c1",
            "CSeq: 1 OPTIONS",
            "Supported: replaces, path, timer",
            "User-Agent: Grandstream HT802 1.0.43.11",
            "Allow: INVITE, ACK, OPTIONS, CANCEL, BYE, SUBSCRIBE, NOTIFY, INFO, REFER, UPDATE, MESSAGE",
            "Content-Length: 0",
        ])
        #expect(response.server == "Grandstream HT802 1.0.43.11")
    }

    /// RFC 3261 7.3.3 compact forms, any case, blanks before the colon, and bare-LF line ends.
    @Test func compactFormsAndCaseInsensitiveNames() throws {
        let text = "SIP/2.0 200 OK\nv: SIP/2.0/UDP 10.0.0.2:5060;BRANCH=z9hG4bKcompact\ni: abc@10.0.0.9\n"
            + "f: <sip:a@10.0.0.2>;tag=1\nt: <sip:10.0.0.9>;tag=2\nCSEQ : 3 OPTIONS\nSERVER: Cisco/SPA112-1.4.1(002)\n"
            + "k: replaces\nl: 0\n\n"
        let response = try SipResponse.parse(datagram: Array(text.utf8)).get()
        #expect(response.headers["Via"] == "SIP/2.0/UDP 10.0.0.2:5060;BRANCH=z9hG4bKcompact")
        #expect(response.headers.topVia?.branch == "z9hG4bKcompact", "parameter names are case-insensitive")
        #expect(response.headers["call-id"] == "abc@10.0.0.9" && response.headers["I"] == "abc@10.0.0.9")
        #expect(response.headers["From"] == "<sip:a@10.0.0.2>;tag=1" && response.headers["To"] == "<sip:10.0.0.9>;tag=2")
        #expect(response.headers.cseq == SipCSeq(parsing: "3 OPTIONS"))
        #expect(response.headers["Supported"] == "replaces" && response.headers["content-length"] == "0")
        #expect(response.server == "Cisco/SPA112-1.4.1(002)")
        #expect(response.headers.fields.map(\.name) == ["v", "i", "f", "t", "CSEQ", "SERVER", "k", "l"])
    }

    /// A folded header (RFC 3261 7.3.1) and a Via line holding two hops: the top one is the first.
    @Test func foldedLinesAndViaLists() throws {
        let response = try Self.parse([
            "SIP/2.0 200 OK",
            "Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKtop,",
            "\tSIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKsecond",
            "Via: SIP/2.0/TCP 10.0.0.3;branch=z9hG4bKthird",
            "Server: Some",
            "   Long Product/1.0",
            "Call-ID: x", "CSeq: 1 OPTIONS", "Content-Length: 0",
        ])
        #expect(response.headers.values("via").count == 2)
        #expect(response.headers["Via"] == "SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKtop, SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKsecond")
        #expect(response.headers.topVia?.branch == "z9hG4bKtop" && response.headers.topVia?.sentBy == "10.0.0.2:5060")
        #expect(response.server == "Some Long Product/1.0")
    }

    @Test func provisionalAndErrorCodes() throws {
        let trying = try Self.parse(["SIP/2.0 100 Trying", "Via: SIP/2.0/UDP a;branch=z9hG4bKx", "Content-Length: 0"])
        #expect(trying.isProvisional && !trying.isFinal && trying.reason == "Trying")
        let notAllowed = try Self.parse(["SIP/2.0 405 Method Not Allowed", "Allow: INVITE, ACK, BYE", "Content-Length: 0"])
        #expect(notAllowed.isFinal && notAllowed.statusCode == 405 && notAllowed.reason == "Method Not Allowed")
        let global = try Self.parse(["sip/2.0 603 ", "Content-Length: 0"])
        #expect(global.statusCode == 603 && global.reason == "", "version case and an empty reason are tolerated")
        let bare = try Self.parse(["SIP/2.0 480", "l: 0"])
        #expect(bare.statusCode == 480 && bare.reason == "")
    }

    @Test func bodiesFollowContentLength() throws {
        let sdp = "v=0\r\no=- 1 1 IN IP4 10.0.0.9\r\ns=-\r\n"
        let response = try Self.parse(["SIP/2.0 200 OK", "Content-Type: application/sdp", "Content-Length: \(sdp.utf8.count)"],
                                      body: sdp + "trailing bytes past the length are dropped")
        #expect(response.body == Array(sdp.utf8))
        let noLength = try Self.parse(["SIP/2.0 200 OK"], body: "rest of datagram")
        #expect(noLength.body == Array("rest of datagram".utf8), "UDP without Content-Length: the rest of the datagram")
        let keepAlives = Array("\r\n\r\n".utf8) + sipWire(["SIP/2.0 200 OK", "l: 0"])
        #expect(try SipResponse.parse(datagram: keepAlives).get().statusCode == 200)
    }

    @Test func reasonWithInvalidUTF8IsDecodedNotRefused() throws {
        let bytes = Array("SIP/2.0 486 Occup".utf8) + [0xE9, 0xFF] + Array("\r\nl: 0\r\n\r\n".utf8)
        let response = try SipResponse.parse(datagram: bytes).get()
        #expect(response.statusCode == 486 && response.reason.hasPrefix("Occup"))
    }

    // MARK: what is not a usable response

    @Test func garbageIsATypedFailure() {
        #expect(Self.failure([]) == .empty)
        #expect(Self.failure(Array("\r\n\r\n".utf8)) == .empty)
        #expect(Self.failure(sipWire(["HTTP/1.1 400 Bad Request", "Content-Length: 0"])) == .notSip(firstLine: "HTTP/1.1 400 Bad Request"))
        #expect(Self.failure(sipWire(["OPTIONS sip:10.0.0.2 SIP/2.0", "Content-Length: 0"])) == .notAResponse(method: "OPTIONS"))
        #expect(Self.failure(sipWire(["SIP/3.0 200 OK", "l: 0"])) == .notSip(firstLine: "SIP/3.0 200 OK"))
        #expect(Self.failure(sipWire(["SIP/2.0 99 Low", "l: 0"])) == .invalidStatusLine("SIP/2.0 99 Low"))
        #expect(Self.failure(sipWire(["SIP/2.0 700 High", "l: 0"])) == .invalidStatusLine("SIP/2.0 700 High"))
        #expect(Self.failure(sipWire(["SIP/2.0 2000 OK", "l: 0"])) == .invalidStatusLine("SIP/2.0 2000 OK"))
        #expect(Self.failure(sipWire(["SIP/2.0 OK", "l: 0"])) == .invalidStatusLine("SIP/2.0 OK"))
        #expect(Self.failure(sipWire(["SIP/2.0", "l: 0"])) == .invalidStatusLine("SIP/2.0"))
        #expect(Self.failure(Array("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP x".utf8)) == .incompleteHead)
        #expect(Self.failure(Array("HTTP/1.1 200 OK\r\nServer: x".utf8)) == .notSip(firstLine: "HTTP/1.1 200 OK"))
        #expect(Self.failure(sipWire(["SIP/2.0 200 OK", "Via SIP/2.0/UDP x"])) == .headerWithoutColon(line: 2))
        #expect(Self.failure(sipWire(["SIP/2.0 200 OK", "l: 0", "Bad Name: x"])) == .invalidHeaderName(line: 3))
        #expect(Self.failure(sipWire(["SIP/2.0 200 OK", ": empty"])) == .invalidHeaderName(line: 2))
        #expect(Self.failure(sipWire(["SIP/2.0 200 OK", " folded first"])) == .continuationWithoutHeader)
        #expect(Self.failure(sipWire(["SIP/2.0 200 OK", "Server: a\u{0}b"])) == .controlCharacter(line: 2))
        #expect(Self.failure(sipWire(["SIP/2.0 200 OK", "Content-Length: ten"])) == .invalidContentLength("ten"))
        #expect(Self.failure(sipWire(["SIP/2.0 200 OK", "Content-Length: -1"])) == .invalidContentLength("-1"))
        #expect(Self.failure(sipWire(["SIP/2.0 200 OK", "Content-Length: 1", "l: 2"], body: "ab"))
                == .invalidContentLength("1, 2"))
        #expect(Self.failure(sipWire(["SIP/2.0 200 OK", "Content-Length: 10"], body: "abc")) == .truncatedBody(expected: 10, received: 3))
        #expect(Self.failure(sipWire(["SIP/2.0 200 OK", "Content-Length: 99999999999999999999999"]))
                == .bodyTooLarge(length: Int.max, limit: 65536))
        #expect(Self.failure(sipWire(["SIP/2.0 200 OK", "Content-Length: 70000"])) == .bodyTooLarge(length: 70000, limit: 65536))
    }

    @Test func binaryIsQuotedSafelyInTheMessage() {
        let bytes: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03] + Array("\r\n\r\n".utf8)
        #expect(Self.failure(bytes) == .notSip(firstLine: "\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03"))
        let long = Array(repeating: UInt8(ascii: "A"), count: 200) + Array("\r\n\r\n".utf8)
        guard case .notSip(let quoted)? = Self.failure(long) else { Issue.record("not notSip"); return }
        #expect(quoted.count == 63 && quoted.hasSuffix("..."))
    }

    @Test func limitsBoundWhatAPeerCanMakeUsHold() {
        let huge = sipWire(["SIP/2.0 200 OK", "X-Padding: " + String(repeating: "x", count: 40_000)])
        #expect(Self.failure(huge) == .headTooLarge(limit: 32768))
        let noEnd = Array("SIP/2.0 200 OK\r\nX: ".utf8) + Array(repeating: UInt8(ascii: "y"), count: 40_000)
        #expect(Self.failure(noEnd) == .headTooLarge(limit: 32768))
        let many = sipWire(["SIP/2.0 200 OK"] + (0..<300).map { "X-\($0): 1" })
        #expect(Self.failure(many) == .tooManyHeaders(limit: 256))
        let small = SipParseLimits(maxHeadBytes: 64, maxHeaderLines: 2, maxBodyBytes: 4)
        #expect(Self.failure(sipWire(["SIP/2.0 200 OK", "a: 1", "b: 2", "c: 3"]), limits: small) == .tooManyHeaders(limit: 2))
        #expect(Self.failure(sipWire(["SIP/2.0 200 OK", "l: 5"], body: "12345"), limits: small) == .bodyTooLarge(length: 5, limit: 4))
    }

    /// Random bytes, and valid responses cut and corrupted at random: every one ends in a value, never a trap.
    @Test func randomAndCorruptedInputNeverTraps() {
        var random = SeededRandom(seed: 7)
        var outcomes: [String: Int] = [:]
        for _ in 0..<3000 {
            let count = Int(random.next() % 600)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            outcomes[Self.kind(SipResponse.parse(datagram: bytes)), default: 0] += 1
        }
        let valid = sipWire(["SIP/2.0 200 OK", "v: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKa", "i: x", "CSeq: 1 OPTIONS",
                             "Content-Length: 4"], body: "abcd")
        for _ in 0..<3000 {
            var bytes = valid
            for _ in 0..<(1 + random.next() % 4) {
                let index = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[index] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.removeSubrange(index...)
                default: bytes.insert(contentsOf: [0x0D, 0x0A, 0x20, 0x3A, 0x00].shuffled(using: &random).prefix(2), at: index)
                }
                if bytes.isEmpty { break }
            }
            outcomes[Self.kind(SipResponse.parse(datagram: bytes)), default: 0] += 1
        }
        #expect(outcomes.values.reduce(0, +) == 6000)
        #expect(outcomes["ok"] ?? 0 > 0 && outcomes.count > 5, "\(outcomes)")
    }

    static func kind(_ result: Result<SipResponse, SipParseError>) -> String {
        switch result {
        case .success: return "ok"
        case .failure(let error): return String(describing: error).prefix { $0 != "(" }.description
        }
    }
}
