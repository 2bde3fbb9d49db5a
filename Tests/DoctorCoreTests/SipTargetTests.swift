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
}
