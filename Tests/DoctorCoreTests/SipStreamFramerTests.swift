import Testing
@testable import DoctorCore

/// TCP framing (RFC 3261 18.3): reads cut messages anywhere, and one read can hold several.
@Suite struct SipStreamFramerTests {
    static let first = sipWire(["SIP/2.0 100 Trying", "v: SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKa", "CSeq: 1 OPTIONS", "l: 0"])
    static let second = sipWire(["SIP/2.0 200 OK", "Via: SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKa", "Server: GW/1.0",
                                 "Content-Type: application/sdp", "Content-Length: 12"], body: "v=0\r\ns=-\r\nxx")
    static let third = sipWire(["SIP/2.0 404 Not Found", "Content-Length: 0"])

    /// Everything the framer yields until it needs more bytes.
    static func drain(_ framer: inout SipStreamFramer) -> [Result<SipResponse, SipParseError>] {
        var out: [Result<SipResponse, SipParseError>] = []
        while let next = framer.next() { out.append(next) }
        return out
    }

    static func codes(_ results: [Result<SipResponse, SipParseError>]) -> [Int] {
        results.compactMap { try? $0.get().statusCode }
    }

    @Test func severalMessagesInOneRead() throws {
        var framer = SipStreamFramer()
        framer.append(Self.first + Self.second + Self.third)
        let results = Self.drain(&framer)
        #expect(Self.codes(results) == [100, 200, 404])
        #expect(try results[1].get().body == Array("v=0\r\ns=-\r\nxx".utf8))
        #expect(try results[1].get().server == "GW/1.0")
        #expect(framer.bufferedCount == 0 && framer.failure == nil)
    }

    /// Every possible cut of the stream into two reads gives the same three messages.
    @Test func oneMessageAcrossReadsAtEveryCut() {
        let stream = Self.first + Self.second + Self.third
        for cut in 0...stream.count {
            var framer = SipStreamFramer()
            framer.append(stream[..<cut])
            var results = Self.drain(&framer)
            framer.append(stream[cut...])
            results += Self.drain(&framer)
            #expect(Self.codes(results) == [100, 200, 404], "cut at \(cut)")
        }
    }

    @Test func oneByteAtATime() {
        var framer = SipStreamFramer()
        var results: [Result<SipResponse, SipParseError>] = []
        for byte in Self.second + Self.first + Self.third {
            framer.append([byte])
            results += Self.drain(&framer)
        }
        #expect(Self.codes(results) == [200, 100, 404])
    }

    @Test func keepAlivesBetweenMessagesAreSkipped() {
        var framer = SipStreamFramer()
        framer.append(Array("\r\n\r\n".utf8) + Self.first + Array("\r\n\r\n\r\n".utf8) + Self.third)
        #expect(Self.codes(Self.drain(&framer)) == [100, 404])
    }

    /// A request from the peer is framed by its Content-Length and skipped; the responses around it still come.
    @Test func aRequestInTheStreamIsSkippedWhole() {
        let request = sipWire(["OPTIONS sip:dahdi-doctor@10.0.0.2 SIP/2.0", "Content-Length: 5"], body: "SIP/2")
        var framer = SipStreamFramer()
        framer.append(Self.first + request + Self.third)
        let results = Self.drain(&framer)
        #expect(results.count == 3)
        #expect(results[1] == .failure(.notAResponse(method: "OPTIONS")))
        #expect(Self.codes(results) == [100, 404] && framer.failure == nil)
    }

    @Test func missingContentLengthOnAStreamMeansNoBody() {
        var framer = SipStreamFramer()
        framer.append(sipWire(["SIP/2.0 200 OK", "Server: no length"]) + Self.third)
        let results = Self.drain(&framer)
        #expect(Self.codes(results) == [200, 404])
    }

    @Test func aBodyArrivingLaterWaitsForItsLength() {
        var framer = SipStreamFramer()
        framer.append(sipWire(["SIP/2.0 200 OK", "l: 6"], body: "abc"))
        #expect(framer.next() == nil)
        framer.append(Array("def".utf8))
        #expect((try? framer.next()?.get().body) == Array("abcdef".utf8))
    }

    /// Something that is not SIP is refused as soon as its first line is in, without waiting for a blank line;
    /// after a framing error nothing more is taken.
    @Test func garbageBreaksTheStreamForGood() {
        var framer = SipStreamFramer()
        framer.append(Array("HTTP/1.1 400 Bad Request\r\nServer: nginx".utf8))
        #expect(framer.next() == .failure(.notSip(firstLine: "HTTP/1.1 400 Bad Request")))
        #expect(framer.failure == .notSip(firstLine: "HTTP/1.1 400 Bad Request"))
        framer.append(Self.third)
        #expect(framer.next() == nil && framer.bufferedCount == 0)

        var badLength = SipStreamFramer()
        badLength.append(sipWire(["SIP/2.0 200 OK", "Content-Length: lots"]) + Self.third)
        #expect(Self.drain(&badLength) == [.failure(.invalidContentLength("lots"))])
    }

    @Test func limitsHoldOnAStream() {
        var endless = SipStreamFramer(limits: SipParseLimits(maxHeadBytes: 1024))
        endless.append(Array("SIP/2.0 200 OK\r\nX: ".utf8))
        #expect(endless.next() == nil)
        endless.append(Array(repeating: UInt8(ascii: "z"), count: 2000))
        #expect(endless.next() == .failure(.headTooLarge(limit: 1024)))

        var hugeBody = SipStreamFramer()
        hugeBody.append(sipWire(["SIP/2.0 200 OK", "Content-Length: 100000000"]))
        #expect(hugeBody.next() == .failure(.bodyTooLarge(length: 100_000_000, limit: 65536)))
    }

    @Test func randomChunksOfRandomBytesNeverTrap() {
        var random = SeededRandom(seed: 99)
        for _ in 0..<300 {
            var framer = SipStreamFramer(limits: SipParseLimits(maxHeadBytes: 2048, maxBodyBytes: 2048))
            for _ in 0..<20 {
                let useful = random.next() % 2 == 0
                let chunk = useful ? [Self.first, Self.second, Self.third][Int(random.next() % 3)]
                    : (0..<Int(random.next() % 300)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                framer.append(chunk)
                _ = Self.drain(&framer)
            }
            #expect(framer.bufferedCount <= 2048 + 65536)
        }
    }
}
