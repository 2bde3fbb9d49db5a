import Testing
@testable import DoctorCore

@Suite struct SipTargetTests {
    @Test(arguments: [
        ("192.0.2.20", "192.0.2.20", 5060, nil, "sip:192.0.2.20"),
        ("192.0.2.20:5080", "192.0.2.20", 5080, 5080, "sip:192.0.2.20:5080"),
        (" gw1.example.net:5060 ", "gw1.example.net", 5060, 5060, "sip:gw1.example.net:5060"),
        ("ht802-lobby", "ht802-lobby", 5060, nil, "sip:ht802-lobby"),
        ("[2001:db8::20]:5062", "2001:db8::20", 5062, 5062, "sip:[2001:db8::20]:5062"),
        ("[::1]", "::1", 5060, nil, "sip:[::1]"),
        ("2001:db8::20", "2001:db8::20", 5060, nil, "sip:[2001:db8::20]"),
        ("fe80::1%eth0", "fe80::1%eth0", 5060, nil, "sip:[fe80::1%eth0]"),
    ] as [(String, String, Int, Int?, String)])
    func parses(text: String, host: String, port: Int, explicit: Int?, uri: String) throws {
        let target = try SipTarget(parsing: text)
        #expect(target.host == host && target.port == port && target.explicitPort == explicit)
        #expect(target.uri == uri)
    }

    @Test(arguments: [
        ("", SipTargetError.empty), ("  ", .empty),
        ("gw1:", .invalidPort("gw1:")), ("gw1:0", .invalidPort("gw1:0")), ("gw1:65536", .invalidPort("gw1:65536")),
        ("gw1:50a0", .invalidPort("gw1:50a0")), ("gw1:-5", .invalidPort("gw1:-5")),
        ("gw1:000005060", .invalidPort("gw1:000005060")),
        ("[::1", .invalidHost("[::1")), ("[::1]x", .invalidHost("[::1]x")), ("[gw1]:5060", .invalidHost("[gw1]:5060")),
        (":5060", .invalidHost(":5060")), ("gw 1", .invalidHost("gw 1")), ("gw1;transport=tcp", .invalidHost("gw1;transport=tcp")),
        ("sip:gw1", .invalidPort("sip:gw1")), ("gw1\r\nVia: x", .invalidHost("gw1\r\nVia: x")),
    ] as [(String, SipTargetError)])
    func refuses(text: String, error: SipTargetError) {
        #expect(throws: error) { try SipTarget(parsing: text) }
    }

    @Test func errorsSayWhatIsExpected() {
        #expect(SipTargetError.invalidPort("gw1:0").description == "invalid port in SIP target 'gw1:0' (1 to 65535)")
        #expect(SipTargetError.empty.description == "empty SIP target (expected host[:port])")
    }

    /// RFC 3261 17.1.2.2: T1, 2*T1, 4*T1... capped at T2; after a provisional answer, every T2.
    @Test func retransmitScheduleDoublesToT2() {
        var schedule = SipRetransmitSchedule(t1: .milliseconds(500), t2: .seconds(4))
        let intervals = (0..<6).map { _ in schedule.nextInterval() }
        #expect(intervals == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4)])
        var proceeding = SipRetransmitSchedule(t1: .milliseconds(500), t2: .seconds(4))
        _ = proceeding.nextInterval()
        proceeding.provisionalReceived()
        #expect([proceeding.nextInterval(), proceeding.nextInterval()] == [.seconds(4), .seconds(4)])
        var odd = SipRetransmitSchedule(t1: .seconds(5), t2: .seconds(4))
        #expect(odd.nextInterval() == .seconds(4), "T1 above T2 is capped too")
    }

    @Test func failureDescriptions() {
        #expect(SipProbeFailure.noFinalResponse(after: .seconds(4), provisional: nil, ignored: 0, firstIgnored: nil).description
                == "no final response within 4.0 s")
        #expect(SipProbeFailure.noFinalResponse(after: .milliseconds(2500), provisional: "100 Trying", ignored: 2,
                                                firstIgnored: "not a SIP message").description
                == "no final response within 2.5 s (last provisional: 100 Trying); ignored 2 message(s) that did not answer this request, first: not a SIP message")
        #expect(SipProbeFailure.connectTimedOut(address: "192.0.2.1:5060", after: .milliseconds(750)).description
                == "TCP connect to 192.0.2.1:5060 did not complete within 750 ms")
        #expect(SipProbeFailure.system(operation: "connect to", address: "[2001:db8::1]:5060",
                                       error: SystemError(code: 101, name: "ENETUNREACH", message: "Network is unreachable")).description
                == "connect to [2001:db8::1]:5060: Network is unreachable (ENETUNREACH)")
    }
}
