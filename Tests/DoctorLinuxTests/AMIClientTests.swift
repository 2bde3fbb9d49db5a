import Foundation
import Testing
@testable import DoctorCore
@testable import DoctorAgentServer
@testable import DoctorKernel
@testable import DoctorNetwork
@testable import DoctorSystem

/// `AMIClient` itself: long lists, unsolicited events, reconnecting, TLS.
@Suite struct AMIClientTests {
    static let quick = AMITimeouts(connect: .seconds(2), request: .seconds(1), overall: .seconds(6))

    /// 5000 endpoints: every one decoded, and the client never holds more than one message's bytes at a time.
    @Test func aHugeListIsStreamed() throws {
        let server = try AMIReplayServer("huge-list", items: 5000)
        let client = try AMIClient.connect(to: server.endpoint(), credentials: AMIReplayServer.credentials,
                                           timeouts: AMITimeouts(request: .seconds(30)))
        defer { client.logoff() }
        let result = try client.list(AMIAction("PJSIPShowEndpoints"), decode: AsteriskEndpoint.decode)
        #expect(result.items.count == 5000 && result.summary?["ListItems"] == "5000")
        #expect(result.items.last?.name == "ep04999" && result.items[1234].contacts == ["ep01234/sip:ep01234@192.0.2.10:5060"])
        // An EndpointList event is ~250 bytes; the list is ~1.3 MB. A client that buffered it would show that here.
        #expect(client.peakBufferedBytes < 1024)
        #expect(client.isUsable)

        // The reader, on a second connection, takes them all too and goes on with the other reads.
        let observation = AsteriskReader(endpoint: server.endpoint(), credentials: AMIReplayServer.credentials,
                                         timeouts: AMITimeouts(request: .seconds(30), overall: .seconds(60))).read()
        #expect(observation.endpoints?.value?.count == 5000 && observation.dahdiSpans?.value?.count == 3)
    }

    @Test func unsolicitedEventsForAnAgent() throws {
        let server = try AMIReplayServer("events")
        let client = try AMIClient.connect(to: server.endpoint(), credentials: AMIReplayServer.credentials, events: true,
                                           timeouts: Self.quick)
        defer { client.logoff() }
        var names: [String] = []
        while let event = try client.nextEvent(deadline: .now + .seconds(2)) {
            names.append(event.event ?? "?")
            if names.count == 9 { break }
        }
        #expect(names == ["FullyBooted", "ContactStatus", "PeerStatus", "ContactStatus", "DeviceStateChange", "Registry",
                          "PeerStatus", "ContactStatus", "DeviceStateChange"])
        // Nothing more: nil at the deadline, and the session still answers actions.
        #expect(try client.nextEvent(deadline: .now + .milliseconds(200)) == nil)
        #expect(try client.action(AMIAction("Ping"))["Ping"] == "Pong")
    }

    @Test func actionsAfterAFailureSayWhy() throws {
        let server = try AMIReplayServer("garbage-session")
        let client = try AMIClient.connect(to: server.endpoint(), credentials: AMIReplayServer.credentials, timeouts: Self.quick)
        #expect(throws: AMIFailure.self) { try client.action(AMIAction("Ping")) }
        #expect(!client.isUsable)
        do {
            _ = try client.action(AMIAction("CoreSettings"))
            Issue.record("a broken client answered")
        } catch {
            #expect(error.kind == .protocolError && error.action == "CoreSettings")
        }
        // Refused before anything is written.
        let good = try AMIReplayServer()
        let fresh = try AMIClient.connect(to: good.endpoint(), credentials: AMIReplayServer.credentials, timeouts: Self.quick)
        defer { fresh.logoff() }
        #expect(throws: AMIFailure.self) { try fresh.action(AMIAction("PJSIPShowEndpoint", ["Endpoint": "x\r\nAction: Originate"])) }
        #expect(fresh.isUsable && good.actions == ["Login"])
    }

    /// Silence is retried with backoff; a refused login never is.
    @Test func reconnectPolicy() throws {
        let silent = try AMIReplayServer("never-answer")
        let policy = ReconnectPolicy.backoff(initialDelay: .milliseconds(100), maxDelay: .milliseconds(200), maxAttempts: 3)
        let timeouts = AMITimeouts(connect: .seconds(1), request: .milliseconds(300), overall: .seconds(10))
        #expect(throws: AMIFailure.self) {
            try AMIClient.connect(to: silent.endpoint(), credentials: AMIReplayServer.credentials, timeouts: timeouts,
                                  reconnect: policy)
        }
        #expect(silent.actions(atLeast: 3) == ["Login", "Login", "Login"])

        let once = try AMIReplayServer("never-answer")
        #expect(throws: AMIFailure.self) {
            try AMIClient.connect(to: once.endpoint(), credentials: AMIReplayServer.credentials, timeouts: timeouts)
        }
        #expect(once.actions(atLeast: 1) == ["Login"])

        let refusing = try AMIReplayServer()
        let wrong = AMICredentials(username: "doctor", secret: "wrong", source: "test")
        do {
            _ = try AMIClient.connect(to: refusing.endpoint(), credentials: wrong, timeouts: timeouts, reconnect: policy)
            Issue.record("a wrong secret logged in")
        } catch {
            #expect(error.kind == .loginRefused)
        }
        #expect(refusing.actions(atLeast: 1) == ["Login"])

        // The session deadline stops the retries even with attempts left.
        let bounded = try AMIReplayServer("never-answer")
        let start = ContinuousClock.now
        #expect(throws: AMIFailure.self) {
            try AMIClient.connect(to: bounded.endpoint(), credentials: AMIReplayServer.credentials, timeouts: timeouts,
                                  sessionDeadline: .now + .milliseconds(700), reconnect: .backoff(initialDelay: .milliseconds(100)))
        }
        #expect(ContinuousClock.now - start < .seconds(2))
    }
}

/// TLS with a certificate made at test time: verified against its CA, refused without it, or unverified on request.
@Suite struct AMITLSTests {
    @Test func verificationNeedsTheCA() throws {
        let (files, directory) = try TestCertificate.make()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try AMIReplayServer(tls: files)
        let timeouts = AMITimeouts(connect: .seconds(3), request: .seconds(2), overall: .seconds(8))

        let trusted = AsteriskReader(endpoint: server.endpoint(tls: AMITLSOptions(caFile: files.certificate)),
                                     credentials: AMIReplayServer.credentials, timeouts: timeouts).read()
        #expect(trusted.sessionFailure == nil && trusted.tls && trusted.tlsVerified == true)
        #expect(trusted.endpoints?.value?.count == 4 && trusted.dahdiSpans?.value?.count == 3)
        try AMITestChecks.expectNoSecret(trusted)

        // The system's CAs do not know a self-signed certificate.
        let untrusted = AsteriskReader(endpoint: server.endpoint(tls: AMITLSOptions()),
                                       credentials: AMIReplayServer.credentials, timeouts: timeouts).read()
        let failure = try #require(untrusted.sessionFailure)
        #expect(failure.kind == .tls)
        #expect(failure.message.hasPrefix("127.0.0.1:\(server.port)'s certificate was refused: self-signed certificate"))

        // Right CA, wrong name.
        let misnamed = AsteriskReader(
            endpoint: server.endpoint(tls: AMITLSOptions(caFile: files.certificate, serverName: "asterisk.example.net")),
            credentials: AMIReplayServer.credentials, timeouts: timeouts).read()
        #expect(misnamed.sessionFailure?.kind == .tls)
        #expect(misnamed.sessionFailure?.message.contains("hostname mismatch") == true)

        // Verification off: it works, and the observation says it was not verified.
        let insecure = AsteriskReader(endpoint: server.endpoint(tls: .insecure), credentials: AMIReplayServer.credentials,
                                      timeouts: timeouts).read()
        #expect(insecure.sessionFailure == nil && insecure.tlsVerified == false && insecure.endpoints?.value?.count == 4)
    }

    @Test func tlsToAPlainPortFails() throws {
        let server = try AMIReplayServer()
        let observation = AsteriskReader(endpoint: server.endpoint(tls: .insecure), credentials: AMIReplayServer.credentials,
                                         timeouts: AMITimeouts(connect: .seconds(2), request: .seconds(1), overall: .seconds(4))).read()
        #expect(observation.sessionFailure?.kind == .tls)
    }
}

/// The credential file must be private: mode 0600 or stricter, owned by the user or root.
@Suite struct AMICredentialFileTests {
    private func write(_ text: String, mode: Int) throws -> (path: String, directory: String) {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory + "/ami.conf"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]))
        return (path, directory)
    }

    @Test func aPrivateFileIsRead() throws {
        for mode in [0o600, 0o400] {
            let (path, directory) = try write("username = doctor\nsecret = file-secret-1\n", mode: mode)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let credentials = try AMICredentialLoader.load(file: path)
            #expect(credentials.username == "doctor" && credentials.secret.equals("file-secret-1") && credentials.source == path)
        }
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660])
    func aReadableFileIsRefusedWithoutShowingIt(mode: Int) throws {
        let (path, directory) = try write("username = doctor\nsecret = file-secret-2\n", mode: mode)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            _ = try AMICredentialLoader.load(file: path)
            Issue.record("mode \(String(mode, radix: 8)) accepted")
        } catch {
            #expect(error.message == "is mode 0\(String(mode, radix: 8)): group or others can read or change it; it must be "
                        + "0600 or stricter (chmod 600 \(path))")
            AMITestChecks.expectAbsent("file-secret-2", in: error.description, "the error")
        }
    }

    @Test func ownershipIsChecked() throws {
        let status = FileStatus(ownerID: 1000, mode: 0o600, isRegularFile: true, size: 10)
        #expect(throws: AMICredentialError(source: "f", message: "is owned by uid 1000, neither the user running dahdi-doctor "
            + "(uid 2000) nor root; whoever owns it could change the credentials (chown it to uid 2000 or root)")) {
            try AMICredentialLoader.check(status, path: "f", runningAs: 2000)
        }
        try AMICredentialLoader.check(status, path: "f", runningAs: 1000)
        try AMICredentialLoader.check(FileStatus(ownerID: 0, mode: 0o600, isRegularFile: true, size: 10), path: "f", runningAs: 1000)

        // A real file owned by someone else (possible when the tests run as root).
        guard geteuid() == 0 else { return }
        let (path, directory) = try write("username = doctor\nsecret = file-secret-3\n", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.setAttributes([.ownerAccountID: 65534], ofItemAtPath: path)
        #expect(throws: AMICredentialError.self) { try AMICredentialLoader.load(file: path) }
    }

    @Test func missingOrNotAFile() throws {
        #expect(throws: AMICredentialError(source: "/nonexistent/ami.conf", message: "does not exist")) {
            try AMICredentialLoader.load(file: "/nonexistent/ami.conf")
        }
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
        #expect(throws: AMICredentialError(source: directory, message: "is not a regular file")) {
            try AMICredentialLoader.load(file: directory)
        }
        let (path, holder) = try write("username = doctor\nsecret file-secret-4\n", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: holder) }
        do {
            _ = try AMICredentialLoader.load(file: path)
            Issue.record("a malformed file was accepted")
        } catch {
            #expect(error.description == "AMI credentials (\(path)): line 2 is not `username = ...` or `secret = ...`")
        }
    }
}
