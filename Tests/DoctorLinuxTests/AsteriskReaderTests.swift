import Foundation
import Testing
@testable import DoctorCore
@testable import DoctorAgentServer
@testable import DoctorKernel
@testable import DoctorNetwork
@testable import DoctorSystem

/// `AsteriskReader` against a real TCP server replaying the lab's captured bytes, in every way a session can go.
@Suite struct AsteriskReaderTests {
    static let quick = AMITimeouts(connect: .seconds(2), request: .seconds(1), overall: .seconds(6))

    private func read(_ server: AMIReplayServer, credentials: AMICredentials = AMIReplayServer.credentials,
                      timeouts: AMITimeouts = AMITimeouts(), tls: AMITLSOptions? = nil,
                      dahdiShowStatus: AsteriskReader.DahdiShowStatusRequest = .whenSupported) -> (AsteriskObservation, Duration) {
        let reader = AsteriskReader(endpoint: server.endpoint(tls: tls), credentials: credentials, timeouts: timeouts,
                                    dahdiShowStatus: dahdiShowStatus)
        let start = ContinuousClock.now
        let observation = reader.read()
        return (observation, .now - start)
    }

    @Test func everyReadFromAHealthyAsterisk() throws {
        let server = try AMIReplayServer(extra: ["--reload-time", "captured"])
        let (observation, _) = read(server)
        #expect(observation.sessionFailure == nil)
        #expect(observation.asteriskVersion == "22.10.1" && observation.amiVersion == "11.0.0")
        #expect(observation.endpoints?.value?.count == 4 && observation.contacts?.value?.count == 1)
        #expect(observation.outboundRegistrations?.value?.first?.status == "Rejected")
        #expect(observation.dahdiChannels?.value?.count == 6 && observation.dahdiSpans?.value?.count == 3)
        let trunk = observation.aors?.value?.first { $0.name == "trunk-provider" }
        #expect(trunk?.staticContacts == ["sip:127.0.0.1:5070"])
        #expect(observation.coreStatus?.value?.reloadDate == "2026-11-21" && observation.coreStatus?.value?.reloadTime == "05:07:49")
        #expect(observation.moduleChecks == [AsteriskModuleCheck(module: "chan_sip.so", loaded: .ok(false)),
                                             AsteriskModuleCheck(module: "res_pjsip.so", loaded: .ok(true)),
                                             AsteriskModuleCheck(module: "chan_dahdi.so", loaded: .ok(true))])
        #expect(server.actions == ["Login", "CoreSettings", "CoreStatus", "ModuleCheck", "ModuleCheck", "ModuleCheck", "PJSIPShowEndpoints", "PJSIPShowContacts",
                                   "PJSIPShowAors", "PJSIPShowRegistrationsOutbound", "DAHDIShowChannels", "DAHDIShowStatus", "Logoff"])
        var golden = observation
        golden.target = "127.0.0.1:5038"   // the port is ephemeral
        try Fixtures.assertGolden(try JSONOutput.encode(golden) + "\n", "ami/observation-healthy.json")
        try AMITestChecks.expectNoSecret(observation)
    }

    @Test func moduleCheckLoadedAndReloadTimeOfTheServer() throws {
        let server = try AMIReplayServer("old-asterisk", extra: ["--loaded-module", "chan_sip"])
        let before = Date().timeIntervalSince1970
        let (observation, _) = read(server)
        #expect(observation.moduleLoaded("chan_sip.so") == true)
        // The server rewrites CoreReload* to its start, in local time: read back with this machine's offset, it is
        // within a few seconds of now.
        let offset = TimeZone.current.secondsFromGMT()
        let reload = try #require(observation.coreStatus?.value?.reloadEpoch(utcOffsetSeconds: offset))
        #expect(abs(reload - before) < 10)
    }

    @Test func nothingRegisteredIsEmptyNotAnError() throws {
        let server = try AMIReplayServer(state: ".no-gateway-registered")
        let (observation, _) = read(server)
        #expect(observation.contacts == .ok([]))
        #expect(observation.aors?.value?.first { $0.name == "gateway-fxo-1" }?.contacts == [])
    }

    @Test func wrongPasswordIsLoginRefused() throws {
        let server = try AMIReplayServer()
        let wrong = AMICredentials(username: "doctor", secret: "not-the-secret", source: "/etc/dahdi-doctor/ami.conf")
        let (observation, _) = read(server, credentials: wrong)
        let failure = try #require(observation.sessionFailure)
        #expect(failure.kind == .loginRefused && failure.action == "Login")
        #expect(failure.message == "Asterisk refused user doctor (Authentication failed); check the secret in "
                    + "/etc/dahdi-doctor/ami.conf against manager.conf")
        for (action, result) in AMITestChecks.results(observation) {
            #expect(result?.kind == .loginRefused && result?.action == action)
            #expect(result?.message.hasPrefix("not asked: no AMI session (Login failed): Asterisk refused user doctor") == true)
        }
        #expect(server.actions == ["Login"])
        AMITestChecks.expectAbsent("not-the-secret", in: try JSONOutput.encode(observation), "the observation")
    }

    @Test func closedInTheMiddleOfAList() throws {
        let server = try AMIReplayServer("close-mid-list")
        let (observation, _) = read(server, timeouts: Self.quick)
        #expect(observation.sessionFailure == nil && observation.asteriskVersion == "22.10.1")
        let endpoints = try #require(observation.endpoints?.failure)
        #expect(endpoints.kind == .closed)
        #expect(endpoints.message.hasPrefix("Asterisk (127.0.0.1:\(server.port)) closed the connection"))
        #expect(endpoints.message.hasSuffix("in the middle of the list (after 2 of its events)"))
        for (action, result) in AMITestChecks.results(observation).dropFirst() {
            #expect(result?.kind == .closed && result?.action == action)
            #expect(result?.message.hasPrefix("not asked: the AMI session ended during PJSIPShowEndpoints: ") == true)
        }
    }

    @Test func silentAfterTheBannerTimesOut() throws {
        let server = try AMIReplayServer("never-answer")
        let (observation, elapsed) = read(server, timeouts: Self.quick)
        let failure = try #require(observation.sessionFailure)
        #expect(failure.kind == .timeout && failure.action == "Login")
        #expect(failure.message == "no complete answer from 127.0.0.1:\(server.port) within 1 s")
        #expect(AMITestChecks.results(observation).allSatisfy { $0.1?.kind == .timeout })
        #expect(elapsed < .seconds(3))
    }

    @Test func garbageInsteadOfABanner() throws {
        let server = try AMIReplayServer("garbage-banner")
        let (observation, elapsed) = read(server, timeouts: Self.quick)
        let failure = try #require(observation.sessionFailure)
        #expect(failure.kind == .protocolError)
        #expect(failure.message.hasPrefix("not an AMI server"))
        #expect(AMITestChecks.results(observation).allSatisfy { $0.1?.kind == .protocolError })
        #expect(elapsed < .seconds(3))
    }

    @Test func garbageInTheMiddleOfTheSession() throws {
        let server = try AMIReplayServer("garbage-session")
        let (observation, _) = read(server, timeouts: Self.quick)
        let failure = try #require(observation.sessionFailure)
        #expect(failure.kind == .protocolError && failure.action == "CoreSettings")
        #expect(failure.message.hasPrefix("not AMI: line 1 of message 2 is not `Key: value`"))   // message 1 was the Login reply
        #expect(AMITestChecks.results(observation).allSatisfy {
            $0.1?.kind == .protocolError && $0.1?.message.hasPrefix("not asked: the AMI session ended during CoreSettings") == true
        })
        #expect(server.actions == ["Login", "CoreSettings"])
    }

    /// Answers come 3 s after each request; the client waits 1 s for each.
    @Test func slowAnswersTimeOutAndEndTheSession() throws {
        let server = try AMIReplayServer("slow", delay: 3)
        let (observation, elapsed) = read(server, timeouts: Self.quick)
        let failure = try #require(observation.sessionFailure)
        #expect(failure.kind == .timeout && failure.action == "CoreSettings")
        #expect(failure.message == "no complete answer from 127.0.0.1:\(server.port) within 1 s")
        #expect(AMITestChecks.results(observation).allSatisfy { $0.1?.kind == .timeout })
        #expect(elapsed < .seconds(3))
    }

    /// The overall deadline caps the per-request timeout.
    @Test func theOverallDeadlineBoundsEverything() throws {
        let server = try AMIReplayServer("slow", delay: 3)
        let timeouts = AMITimeouts(connect: .seconds(2), request: .seconds(10), overall: .milliseconds(1500))
        let (observation, elapsed) = read(server, timeouts: timeouts)
        let failure = try #require(observation.sessionFailure)
        #expect(failure.kind == .timeout && failure.message.hasSuffix("within the overall deadline"))
        #expect(elapsed < .milliseconds(2500))
    }

    @Test func olderAsteriskHasNoDahdiShowStatus() throws {
        let server = try AMIReplayServer("old-asterisk")
        let (observation, _) = read(server)
        #expect(observation.asteriskVersion == "20.7.0" && observation.amiVersion == "9.0.0")
        #expect(observation.dahdiSpans == .failed(AMIFailure(
            kind: .unsupported, action: "DAHDIShowStatus",
            message: "Asterisk 20.7.0 has no DAHDIShowStatus (needs 21.3.0, 20.8.0 or 18.23.0)")))
        #expect(!server.actions.contains("DAHDIShowStatus"))
        #expect(observation.dahdiChannels?.value?.count == 6)

        // Asked anyway, Asterisk's "Invalid/unknown command" says the same.
        let asked = try AMIReplayServer("old-asterisk")
        let (forced, _) = read(asked, dahdiShowStatus: .always)
        let failure = try #require(forced.dahdiSpans?.failure)
        #expect(failure.kind == .unsupported && asked.actions.contains("DAHDIShowStatus"))
        #expect(failure.message.hasPrefix("Asterisk 20.7.0 has no DAHDIShowStatus (needs 21.3.0, 20.8.0 or 18.23.0): Invalid/unknown command"))
    }

    @Test func chanDahdiNotLoaded() throws {
        let server = try AMIReplayServer("no-chan-dahdi")
        let (observation, _) = read(server)
        #expect(observation.dahdiChannels == .failed(AMIFailure(
            kind: .unsupported, action: "DAHDIShowChannels",
            message: "chan_dahdi is not loaded in Asterisk (Invalid/unknown command: DAHDIShowChannels. "
                + "Use Action: ListCommands to show available commands.)")))
        let spans = try #require(observation.dahdiSpans?.failure)
        #expect(spans.kind == .unsupported && spans.message.hasPrefix("chan_dahdi is not loaded in Asterisk"))
        #expect(observation.endpoints?.value?.count == 4)   // PJSIP unaffected
    }

    @Test func noDahdiDevice() throws {
        let server = try AMIReplayServer("no-dahdi-device")
        let (observation, _) = read(server)
        #expect(observation.dahdiSpans == .failed(AMIFailure(
            kind: .error, action: "DAHDIShowStatus",
            message: "chan_dahdi cannot open /dev/dahdi/ctl (Asterisk answered: No DAHDI detected)")))
        #expect(observation.dahdiChannels?.value?.count == 6)
    }

    /// One refused action does not stop the others.
    @Test func permissionDeniedForPjsipOnly() throws {
        let server = try AMIReplayServer("deny-pjsip")
        let (observation, _) = read(server)
        #expect(observation.sessionFailure == nil)
        #expect(observation.endpoints == .failed(AMIFailure(
            kind: .permission, action: "PJSIPShowEndpoints",
            message: "Permission denied: the AMI user's write= classes in manager.conf lack `system`")))
        #expect(observation.outboundRegistrations?.failure?.message.hasSuffix("lack `system` or `reporting`") == true)
        #expect(observation.dahdiChannels?.value?.count == 6 && observation.dahdiSpans?.value?.count == 3)
    }

    @Test func connectionRefused() throws {
        let port = try {
            let server = try AMIReplayServer()
            return server.port
        }()   // the server is gone: nothing listens there any more
        let reader = AsteriskReader(endpoint: AMIEndpoint(host: "127.0.0.1", port: port),
                                    credentials: AMIReplayServer.credentials, timeouts: Self.quick)
        let observation = reader.read()
        let failure = try #require(observation.sessionFailure)
        #expect(failure.kind == .connect)
        #expect(failure.message == "cannot connect to 127.0.0.1:\(port): Connection refused (ECONNREFUSED)")
    }

    @Test func ipv6AndHostNames() throws {
        let v6 = try AMIReplayServer(host: "::1")
        let (observation, _) = read(v6)
        #expect(observation.target == "[::1]:\(v6.port)" && observation.endpoints?.value?.count == 4)

        // "localhost" goes through getaddrinfo (::1 may come first and be refused; 127.0.0.1 answers).
        let v4 = try AMIReplayServer()
        let reader = AsteriskReader(endpoint: AMIEndpoint(host: "localhost", port: v4.port),
                                    credentials: AMIReplayServer.credentials, timeouts: Self.quick)
        #expect(reader.read().endpoints?.value?.count == 4)

        let unknown = AsteriskReader(endpoint: AMIEndpoint(host: "no-such-host.invalid", port: 5038),
                                     credentials: AMIReplayServer.credentials, timeouts: Self.quick).read()
        #expect(unknown.sessionFailure?.kind == .connect)
        #expect(unknown.sessionFailure?.message.hasPrefix("cannot resolve no-such-host.invalid") == true)
    }
}
