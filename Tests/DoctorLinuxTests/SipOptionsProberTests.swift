import DoctorCore
import DoctorAgentServer
import DoctorKernel
import DoctorNetwork
import DoctorSystem
import Foundation
import Testing

/// The prober against sipp as a real UAS on loopback, over UDP and TCP: answering, answering slowly, 404/405,
/// never answering, nothing listening, a stalled TCP handshake, and many targets at once. Timing bounds are
/// deliberately loose (loopback answers in about a millisecond; the bounds allow hundreds).
@Suite struct SipOptionsProberTests {
    static let transports: [SipProbeResult.Transport] = [.udp, .tcp]

    /// Probes one target and measures the wall time of the whole call.
    static func probe(_ target: SipProbeTarget, settings: SipProbeSettings = SipProbeSettings(userAgent: "dahdi-doctor/test"))
        -> (result: SipProbeResult, seconds: Double)
    {
        let clock = ContinuousClock()
        let start = clock.now
        let results = SipOptionsProber(settings: settings).probe([target])
        let seconds = (clock.now - start).sipMilliseconds / 1000
        measure("\(target.transport) \(target.target): \(results[0]) in \(seconds) s")
        return (results[0], seconds)
    }

    /// SIP_MEASURE=1 swift test prints what was measured (RTTs, retransmissions, timeout accuracy).
    static func measure(_ line: String) {
        if ProcessInfo.processInfo.environment["SIP_MEASURE"] == "1" { print("SIP measure: \(line)") }
    }

    @Test(arguments: transports)
    func answered200NamesTheServer(transport: SipProbeResult.Transport) throws {
        let sipp = try SippServer("options-200", transport: transport)
        defer { sipp.stop() }
        let (result, _) = Self.probe(sipp.target)
        #expect(result.outcome == .answered)
        #expect(result.statusCode == 200 && result.reason == "OK")
        #expect(result.server == "sipp-uas/3.6 (dahdi-doctor test gateway)")
        #expect(result.transmissions == 1)
        #expect(result.transport == transport && result.target == sipp.target.target)
        let rtt = try #require(result.rttMilliseconds)
        #expect(rtt > 0 && rtt < 500, "loopback RTT \(rtt) ms")
        #expect(result.error == nil)
    }

    @Test(arguments: transports)
    func slowAnswerIsRetransmittedOverUDPAndStillAnswered(transport: SipProbeResult.Transport) throws {
        let sipp = try SippServer("options-slow", transport: transport)
        defer { sipp.stop() }
        let (result, seconds) = Self.probe(sipp.target)
        #expect(result.outcome == .answered && result.statusCode == 200)
        #expect(result.server == "sipp-uas/3.6 (slow)")
        // sipp answers 1.7 s after the first copy arrives; UDP copies go at 0, 0.5 and 1.5 s (T1 doubling).
        #expect(result.transmissions == (transport == .udp ? 3 : 1))
        let rtt = try #require(result.rttMilliseconds)
        #expect(rtt >= 1650 && rtt < 3000, "RTT \(rtt) ms from the first transmission")
        #expect(seconds < 4, "answered before the deadline")
    }

    @Test(arguments: transports)
    func provisionalAnswerKeepsTheProbeWaitingForTheFinalOne(transport: SipProbeResult.Transport) throws {
        let sipp = try SippServer("options-trying", transport: transport)
        defer { sipp.stop() }
        let (result, _) = Self.probe(sipp.target)
        #expect(result.outcome == .answered && result.statusCode == 200 && result.server == "sipp-uas/3.6 (trying)")
        // UDP: the copy due at 0.5 s, then T2 (4 s) after it, past the answer at 1.2 s.
        #expect(result.transmissions == (transport == .udp ? 2 : 1))
        let rtt = try #require(result.rttMilliseconds)
        #expect(rtt >= 1150 && rtt < 2500, "RTT to the final answer, not the 100: \(rtt) ms")
    }

    @Test(arguments: transports)
    func errorCodesStillMeanReachable(transport: SipProbeResult.Transport) throws {
        let notFound = try SippServer("options-404", transport: transport)
        defer { notFound.stop() }
        let notAllowed = try SippServer("options-405", transport: transport)
        defer { notAllowed.stop() }
        let results = SipOptionsProber(settings: SipProbeSettings(userAgent: "dahdi-doctor/test"))
            .probe([notFound.target, notAllowed.target])
        #expect(results.map(\.outcome) == [.answered, .answered])
        #expect(results[0].statusCode == 404 && results[0].reason == "Not Found")
        #expect(results[0].server == "sipp-uas/3.6 (404)", "taken from User-Agent when there is no Server")
        #expect(results[1].statusCode == 405 && results[1].reason == "Method Not Allowed")
        #expect(results[1].server == "sipp-uas/3.6 (405)")
        #expect(results.allSatisfy { $0.transmissions == 1 && $0.error == nil })
    }

    @Test(arguments: transports)
    func silentGatewayTimesOutAtTheDeadline(transport: SipProbeResult.Transport) throws {
        let sipp = try SippServer("options-silent", transport: transport)
        defer { sipp.stop() }
        let (result, seconds) = Self.probe(sipp.target)
        #expect(result.outcome == .timeout)
        #expect(result.statusCode == nil && result.rttMilliseconds == nil)
        // Copies at 0, 0.5, 1.5 and 3.5 s; the next would be at 7.5 s, after the 4 s deadline. TCP sends once.
        #expect(result.transmissions == (transport == .udp ? 4 : 1))
        #expect(seconds >= 4 && seconds < 4.5, "timed out after \(seconds) s for a 4 s deadline")
        #expect(result.error == "no final response within 4.0 s")
    }

    @Test func nothingListeningOnUDPIsAnICMPError() throws {
        let port = try FreePort.loopback()
        let (result, seconds) = Self.probe(SipProbeTarget("127.0.0.1:\(port)", transport: .udp))
        #expect(result.outcome == .error)
        #expect(result.error?.contains("ICMP port unreachable from 127.0.0.1:\(port)") == true, "\(result)")
        #expect(result.transmissions == 1)
        #expect(seconds < 1, "ICMP comes back at once, no need to wait for the deadline")
    }

    @Test func nothingListeningOnTCPIsRefused() throws {
        let port = try FreePort.loopback()
        let (result, seconds) = Self.probe(SipProbeTarget("127.0.0.1:\(port)", transport: .tcp))
        #expect(result.outcome == .error)
        #expect(result.error == "TCP connection to 127.0.0.1:\(port) refused: nothing listens on that port")
        #expect(result.transmissions == 0)
        #expect(seconds < 1)
    }

    @Test func stalledTCPHandshakeHitsTheConnectTimeout() throws {
        let listener = try StalledTCPListener()
        let settings = SipProbeSettings(deadline: .seconds(3), connectTimeout: .seconds(1), userAgent: "dahdi-doctor/test")
        let (result, seconds) = Self.probe(SipProbeTarget("127.0.0.1:\(listener.port)", transport: .tcp), settings: settings)
        #expect(result.outcome == .timeout)
        #expect(result.error == "TCP connect to 127.0.0.1:\(listener.port) did not complete within 1.0 s")
        #expect(result.transmissions == 0)
        #expect(seconds >= 1 && seconds < 1.5, "gave up after \(seconds) s")
    }

    @Test func namesAreResolvedWithGetaddrinfo() throws {
        let sipp = try SippServer("options-200", transport: .udp)
        defer { sipp.stop() }
        // localhost may come back as ::1 first, where nothing listens: the prober moves on to 127.0.0.1.
        let (result, _) = Self.probe(SipProbeTarget("localhost:\(sipp.port)", transport: .udp))
        #expect(result.outcome == .answered && result.statusCode == 200, "\(result)")
        #expect(result.target == "localhost:\(sipp.port)")
    }

    @Test func unusableTargetsAreErrorsWithoutSending() {
        let results = SipOptionsProber(settings: SipProbeSettings(deadline: .seconds(2)))
            .probe([SipProbeTarget("gw1:99999"), SipProbeTarget(""), SipProbeTarget("no-such-gateway.invalid", transport: .tcp)])
        #expect(results.map(\.outcome) == [.error, .error, .error])
        #expect(results[0].error == "invalid port in SIP target 'gw1:99999' (1 to 65535)")
        #expect(results[1].error == "empty SIP target (expected host[:port])")
        #expect(results[2].error?.hasPrefix("cannot resolve no-such-gateway.invalid") == true
                || results[2].error == "name resolution of no-such-gateway.invalid did not finish before the deadline",
                "\(results[2])")
        #expect(results.allSatisfy { $0.transmissions == 0 })
    }

    /// One dead gateway among live ones: every live result is ready as soon as its answer arrives, long before the
    /// dead one's deadline, and the whole run lasts about one deadline, not the sum of them.
    @Test func manyTargetsAtOnceAreNotHeldUpByADeadOne() throws {
        let servers = try [
            SippServer("options-200", transport: .udp), SippServer("options-200", transport: .tcp),
            SippServer("options-404", transport: .udp), SippServer("options-405", transport: .tcp),
            SippServer("options-slow", transport: .udp), SippServer("options-silent", transport: .udp),
            SippServer("options-silent", transport: .tcp),
        ]
        defer { servers.forEach { $0.stop() } }
        let refusedPort = try FreePort.loopback()
        let targets = servers.map(\.target) + [SipProbeTarget("127.0.0.1:\(refusedPort)", transport: .udp)]
        let clock = ContinuousClock()
        let start = clock.now
        var arrivals = [Double](repeating: .nan, count: targets.count)
        let results = SipOptionsProber(settings: SipProbeSettings(userAgent: "dahdi-doctor/test")).probe(targets) { index, _ in
            arrivals[index] = (clock.now - start).sipMilliseconds / 1000
        }
        let total = (clock.now - start).sipMilliseconds / 1000
        for (index, result) in results.enumerated() {
            Self.measure("together: \(result.transport) \(servers.indices.contains(index) ? servers[index].scenario : "refused") "
                         + "\(result.outcome) \(result.statusCode.map(String.init) ?? "-") rtt=\(result.rttMilliseconds ?? -1) ms "
                         + "tx=\(result.transmissions) ready at \(arrivals[index]) s")
        }
        Self.measure("together: whole run \(total) s")
        #expect(results.map(\.outcome) == [.answered, .answered, .answered, .answered, .answered, .timeout, .timeout, .error])
        #expect(results.map(\.statusCode) == [200, 200, 404, 405, 200, nil, nil, nil])
        // The prompt ones: answered and reported within a second, not after the dead ones' 4 s.
        for index in [0, 1, 2, 3, 7] {
            #expect(arrivals[index] < 1, "\(targets[index]) ready at \(arrivals[index]) s")
            if let rtt = results[index].rttMilliseconds { #expect(rtt < 500) }
        }
        #expect(arrivals[4] > 1.6 && arrivals[4] < 3, "the slow one at its own pace: \(arrivals[4]) s")
        #expect(results[5].transmissions == 4 && results[6].transmissions == 1)
        #expect(arrivals[5] >= 4 && arrivals[6] >= 4)
        #expect(total >= 4 && total < 4.5, "one deadline for the whole run: \(total) s")
    }
}
