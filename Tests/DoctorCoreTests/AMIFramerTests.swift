import Testing
@testable import DoctorCore

@Suite struct AMIFramerTests {
    @Test func bannerThenLoginReply() throws {
        let bytes = try AMIFixtures.bytes("ami-banner") + AMIFixtures.bytes("ami-Login-success")
        let frames = try AMIFixtures.frames(bytes, expectingBanner: true)
        #expect(frames.count == 3)
        guard case .banner(let banner) = frames[0], case .message(let reply) = frames[1],
              case .message(let booted) = frames[2] else {
            Issue.record("unexpected frames \(frames)"); return
        }
        #expect(banner.line == "Asterisk Call Manager/11.0.0" && banner.version == "11.0.0")
        #expect(reply.isSuccess && reply.actionID == "login-1" && reply.message == "Authentication accepted")
        #expect(booted.event == "FullyBooted" && booted.actionID == nil && booted["Status"] == "Fully Booted")
    }

    /// The real bytes cut at every possible place, and one byte at a time, frame exactly as in one piece.
    @Test(arguments: ["ami-PJSIPShowEndpoints", "ami-PJSIPShowContacts.no-gateway-registered",
                      "ami-PJSIPShowRegistrationsOutbound", "ami-PJSIPShowEndpoint-nonexistent",
                      "ami-events-register-unregister", "ami-Command-pjsip-show-endpoints",
                      "dahdi-constructed/ami-DAHDIShowChannels"])
    func everyChunkBoundary(name: String) throws {
        let bytes = try AMIFixtures.bytes("ami-banner") + AMIFixtures.bytes(name)
        let whole = try AMIFixtures.frames(bytes, expectingBanner: true)
        #expect(whole.count > 1)
        for cut in 0...bytes.count {
            var framer = AMIFramer()
            let frames = try framer.feed(bytes[..<cut]) + framer.feed(bytes[cut...])
            if frames != whole { Issue.record("\(name): cut at byte \(cut) frames differently"); return }
            #expect(framer.bufferedBytes == 0)
        }
        var framer = AMIFramer()
        var frames: [AMIFrame] = []
        for byte in bytes { frames += try framer.feed([byte]) }
        #expect(frames == whole)
    }

    /// `Message: No Contacts found\n\r\n\r\n`: the value ends in a bare LF before the CRLF terminator.
    @Test func bareLineFeedAtTheEndOfAValue() throws {
        let contacts = try AMIFixtures.messages("ami-PJSIPShowContacts.no-gateway-registered")
        #expect(contacts.count == 1)
        #expect(contacts[0].fields.map(\.key) == ["Response", "ActionID", "Message"])
        #expect(contacts[0].isError && contacts[0].message == "No Contacts found")

        let endpoint = try AMIFixtures.messages("ami-PJSIPShowEndpoint-nonexistent")
        #expect(endpoint.count == 1 && endpoint[0].message == "Unable to retrieve endpoint no-such-endpoint")

        // The quirk followed by another message on the same connection: nothing is lost or merged.
        let stream = try AMIFixtures.bytes("ami-PJSIPShowContacts.no-gateway-registered") + AMIFixtures.bytes("ami-Ping")
        let messages = try AMIFixtures.frames(stream)
        #expect(messages.count == 2)
        #expect(messages.last == .message(try AMIFixtures.messages("ami-Ping")[0]))
    }

    @Test func lineFeedOnlyLineEnds() throws {
        let crlf = try AMIFixtures.bytes("ami-banner") + AMIFixtures.bytes("ami-PJSIPShowAors")
        var lf: [UInt8] = []
        for byte in crlf where byte != 0x0D { lf.append(byte) }
        #expect(lf.count < crlf.count)
        #expect(try AMIFixtures.frames(lf, expectingBanner: true) == AMIFixtures.frames(crlf, expectingBanner: true))
    }

    @Test func keysCompareWithoutCaseAndRepeatsAreKept() throws {
        let command = try #require(try AMIFixtures.messages("ami-Command-pjsip-show-endpoints").first)
        let lines = try Fixtures.read("ami/ami-Command-pjsip-show-endpoints.txt").utf8.split(separator: 0x0A)
        #expect(command.values("Output").count == lines.filter { $0.starts(with: "Output:".utf8) }.count)
        #expect(command.values("output") == command.values("OUTPUT"))
        // Only the one space after the colon is dropped: the CLI's indentation is part of the value.
        #expect(command.values("Output")[1].hasPrefix(" Endpoint:  <Endpoint/CID"))
        #expect(command.values("Output")[0] == "")
        #expect(command["actionid"] == "cmd-1" && command["ACTIONID"] == command.actionID)
    }

    @Test func credentialFieldsNeverReachAMessage() throws {
        for name in ["ami-PJSIPShowAuths", "ami-PJSIPShowRegistrationsOutbound", "ami-PJSIPShowEndpoint-gateway-fxo-1"] {
            let messages = try AMIFixtures.messages(name)
            let auths = messages.filter { AMISecretFields.isAuthEvent($0) }
            #expect(!auths.isEmpty, "\(name) has auth events")
            for message in messages {
                for key in ["Password", "password", "PasswordDigest", "OauthSecret", "RefreshToken", "Md5Cred", "md5_cred"] {
                    #expect(message[key] == nil)
                }
                AMIFixtures.expectNoLabSecret(in: message.description, "\(name) message")
            }
            // The harmless fields around them survive.
            #expect(auths.allSatisfy { $0["Username"] != nil && $0["AuthType"] == "userpass" })
        }
        #expect(AMISecretFields.isSecret("SECRET") && AMISecretFields.isSecret("md5_cred") && !AMISecretFields.isSecret("Username"))
    }

    @Test func randomBytesInsteadOfABanner() {
        var framer = AMIFramer()
        #expect(throws: AMIFailure.self) { _ = try framer.feed(BrokenInput.randomBytes(count: 4096, seed: 7)) }
        // Garbage with no line end at all is refused once it passes the banner cap, not buffered forever.
        var silent = AMIFramer()
        let noNewline = [UInt8](repeating: 0x41, count: 300)
        do {
            _ = try silent.feed(noNewline)
            Issue.record("300 bytes without a line end were accepted as a banner")
        } catch {
            #expect(error.kind == .protocolError && error.message.contains("no banner line within the first 256 bytes"))
        }
        // An HTTP or SSH server is not AMI either.
        var http = AMIFramer()
        #expect(throws: AMIFailure.self) { _ = try http.feed(Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8)) }
    }

    @Test func garbageMidSession() throws {
        var framer = AMIFramer()
        _ = try framer.feed(AMIFixtures.bytes("ami-banner") + AMIFixtures.bytes("ami-Ping"))
        do {
            _ = try framer.feed([0x00, 0xFF, 0xFE, 0x0D, 0x0A] + BrokenInput.randomBytes(count: 512, seed: 3))
            Issue.record("garbage accepted")
        } catch {
            #expect(error.kind == .protocolError)
            #expect(error.message.hasPrefix("not AMI: line 1 of message 2 is not `Key: value`"))
        }
        // It stays failed: a stream that lost sync cannot be trusted again.
        #expect(throws: AMIFailure.self) { _ = try framer.feed(AMIFixtures.bytes("ami-Ping")) }
    }

    @Test func oversizedMessagesAndTooManyFieldsAreRefused() throws {
        let limits = AMIFramer.Limits(maxMessageBytes: 4096, maxFields: 100)
        var big = AMIFramer(limits: limits, expectingBanner: false)
        var refused = false
        // 1 MB of one endless line, fed in 1 KB chunks: refused as soon as it passes the cap, never buffered whole.
        for _ in 0..<1024 where !refused {
            do {
                _ = try big.feed([UInt8](repeating: 0x61, count: 1024))
                #expect(big.bufferedBytes <= 4096)
            } catch {
                #expect(error.kind == .protocolError && error.message == "AMI message 1 is larger than 4096 bytes")
                refused = true
            }
        }
        #expect(refused)

        var many = AMIFramer(limits: limits, expectingBanner: false)
        let fields = (0...100).map { "X\($0): y\r\n" }.joined()
        #expect(throws: AMIFailure(kind: .protocolError, message: "AMI message 1 has more than 100 fields")) {
            _ = try many.feed(Array(fields.utf8))
        }
        // The defaults take the largest real message with room to spare.
        #expect(try AMIFixtures.messages("ami-PJSIPShowEndpoint-gateway-fxo-1").count > 5)
    }

    @Test func blankLinesBetweenMessagesAreNotMessages() throws {
        let frames = try AMIFixtures.frames(Array("\r\n\r\nResponse: Success\r\nActionID: a\r\n\r\n\n\r\n".utf8))
        #expect(frames.count == 1)
    }
}
