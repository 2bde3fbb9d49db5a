import Testing
@testable import DoctorCore

@Suite struct SipRequestBuilderTests {
    static func request(_ target: String = "192.0.2.20", transport: SipProbeResult.Transport = .udp,
                        local: SipHostPort = SipHostPort(host: "192.0.2.10", port: 40512), cseq: Int = 1,
                        seed: UInt64 = 0x5EED_0F_D0C7) throws -> SipOptionsRequest {
        var random = SeededRandom(seed: seed)
        return SipOptionsRequest(target: try SipTarget(parsing: target), transport: transport, local: local, cseq: cseq,
                                 userAgent: "dahdi-doctor/0.1.0", using: &random)
    }

    /// Every byte of the request with the randomness fixed: RFC 3261 8.1.1's mandatory headers, plus Contact,
    /// Accept and User-Agent, CRLF line ends and the closing empty line.
    @Test func goldenUDPRequest() throws {
        let request = try Self.request()
        #expect(request.text == [
            "OPTIONS sip:192.0.2.20 SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:40512;branch=z9hG4bK28ievoxsr4qo3x3qd3us;rport",
            "Max-Forwards: 70",
            "From: \"dahdi-doctor\" <sip:dahdi-doctor@192.0.2.10>;tag=ccl6k2k4ylus",
            "To: <sip:192.0.2.20>",
            "Call-ID: q77wvm2jc89b43w7zsfpgs2e",
            "CSeq: 1 OPTIONS",
            "Contact: <sip:dahdi-doctor@192.0.2.10:40512>",
            "Accept: application/sdp",
            "User-Agent: dahdi-doctor/0.1.0",
            "Content-Length: 0",
        ].joined(separator: "\r\n") + "\r\n\r\n")
        #expect(request.bytes == Array(request.text.utf8))
    }

    @Test func goldenTCPRequestOverIPv6WithAPort() throws {
        let request = try Self.request("[2001:db8::20]:5062", transport: .tcp,
                                       local: SipHostPort(host: "2001:db8::10", port: 51000), cseq: 7)
        #expect(request.text == [
            "OPTIONS sip:[2001:db8::20]:5062 SIP/2.0",
            "Via: SIP/2.0/TCP [2001:db8::10]:51000;branch=z9hG4bK28ievoxsr4qo3x3qd3us;rport",
            "Max-Forwards: 70",
            "From: \"dahdi-doctor\" <sip:dahdi-doctor@[2001:db8::10]>;tag=ccl6k2k4ylus",
            "To: <sip:[2001:db8::20]:5062>",
            "Call-ID: q77wvm2jc89b43w7zsfpgs2e",
            "CSeq: 7 OPTIONS",
            "Contact: <sip:dahdi-doctor@[2001:db8::10]:51000;transport=tcp>",
            "Accept: application/sdp",
            "User-Agent: dahdi-doctor/0.1.0",
            "Content-Length: 0",
        ].joined(separator: "\r\n") + "\r\n\r\n")
    }

    @Test func randomPartsAreTokensThatDifferPerRequest() throws {
        var random = SeededRandom(seed: 42)
        let target = SipTarget(host: "gw1.example.net")
        let local = SipHostPort(host: "10.0.0.2", port: 5060)
        let requests = (0..<200).map { _ in
            SipOptionsRequest(target: target, transport: .udp, local: local, userAgent: "dahdi-doctor/x", using: &random)
        }
        #expect(Set(requests.map(\.branch)).count == 200 && Set(requests.map(\.callID)).count == 200)
        #expect(Set(requests.map(\.fromTag)).count == 200)
        for request in requests {
            #expect(request.branch.hasPrefix("z9hG4bK") && request.branch.count == 27)
            let random = request.branch.dropFirst(7) + request.fromTag + request.callID
            #expect(random.allSatisfy { $0.isLowercase || $0.isNumber })
        }
        // The same seed gives the same request: what makes the golden tests possible.
        #expect(try Self.request(seed: 9) == (try Self.request(seed: 9)))
        #expect(try Self.request(seed: 9).branch != (try Self.request(seed: 10)).branch)
    }

    /// Our own request goes through our own parser's header layer: names, the Via branch and CSeq come back.
    @Test func requestHeadersReadBackWithTheParser() throws {
        let request = try Self.request()
        let bytes = request.bytes
        let end = try #require(SipMessageHead.end(in: bytes[...], limit: 4096))
        let head = try SipMessageHead.parse(bytes[..<end.headEnd], limits: .standard).get()
        #expect(String(decoding: head.startLine, as: UTF8.self) == "OPTIONS sip:192.0.2.20 SIP/2.0")
        #expect(head.headers.topVia?.branch == request.branch)
        #expect(head.headers.topVia?.sentProtocol == "SIP/2.0/UDP" && head.headers.topVia?.parameters["rport"] == "")
        #expect(head.headers.cseq == SipCSeq(parsing: "1 OPTIONS"))
        #expect(head.headers["max-forwards"] == "70" && head.headers["l"] == "0")
        #expect(end.bodyStart == bytes.count)
    }

    /// A response that copies Via, Call-ID and CSeq (as every UAS must) is ours; a change in any of them is not.
    @Test func matchingResponsesToTheRequest() throws {
        let request = try Self.request()
        func response(via: String = "SIP/2.0/UDP 192.0.2.10:40512;branch=z9hG4bK28ievoxsr4qo3x3qd3us;rport=40512;received=192.0.2.10",
                      callID: String = "q77wvm2jc89b43w7zsfpgs2e", cseq: String = "1 OPTIONS", compact: Bool = false) throws -> SipResponse {
            try SipResponse.parse(datagram: sipWire([
                "SIP/2.0 200 OK", (compact ? "v: " : "Via: ") + via, (compact ? "i: " : "Call-ID: ") + callID,
                "CSeq: " + cseq, "l: 0",
            ])).get()
        }
        #expect(request.match(try response()) == .ours)
        #expect(request.match(try response(compact: true)) == .ours)
        #expect(request.match(try response(via: "SIP/2.0/UDP 192.0.2.10:40512;branch=z9hG4bKother")) == .otherBranch("z9hG4bKother"))
        #expect(request.match(try response(via: "SIP/2.0/UDP 192.0.2.10:40512")) == .otherBranch(""))
        #expect(request.match(try response(callID: "someone-else")) == .otherCallID("someone-else"))
        #expect(request.match(try response(cseq: "2 OPTIONS")) == .otherCSeq("2 OPTIONS"))
        #expect(request.match(try response(cseq: "1 INVITE")) == .otherCSeq("1 INVITE"))
        let noVia = try SipResponse.parse(datagram: sipWire(["SIP/2.0 200 OK", "Content-Length: 0"])).get()
        #expect(request.match(noVia) == .noVia)
        #expect(SipResponseMatch.otherBranch("x").description == "response to another transaction (Via branch 'x')")
    }
}
