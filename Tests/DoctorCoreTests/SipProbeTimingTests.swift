import Testing
@testable import DoctorCore

/// The retransmission timers and how a failed probe explains itself.
@Suite struct SipProbeTimingTests {
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
        var zero = SipRetransmitSchedule(t1: .zero, t2: .zero)
        #expect(zero.nextInterval() == .milliseconds(10), "a zero T1 must not flood the gateway")
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
