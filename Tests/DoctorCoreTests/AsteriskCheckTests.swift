import Testing
@testable import DoctorCore

/// The lab Asterisk of ../shared/asterisk (22.10.1) in its three captured states, as AsteriskObservations: the
/// values are those of the real EndpointList / ContactList / AorList / OutboundRegistrationDetail events.
enum LabAsterisk {
    enum State { case registered, noGatewayRegistered, gatewayUnreachable }

    static func observation(_ state: State) -> AsteriskObservation {
        let gatewayContacts = state == .noGatewayRegistered ? [] : ["gateway-fxo-1/sip:gateway-fxo-1@127.0.0.1:5062"]
        let endpoints = [
            AsteriskEndpoint(name: "agent1000", transport: "transport-udp", aors: ["agent1000"], auths: ["agent1000"], deviceState: "Unavailable", activeChannels: 0),
            AsteriskEndpoint(name: "gateway-fxo-1", transport: "transport-udp", aors: ["gateway-fxo-1"], auths: ["gateway-fxo-1"], contacts: gatewayContacts,
                             deviceState: state == .registered ? "Not in use" : "Unavailable", activeChannels: 0),
            AsteriskEndpoint(name: "gateway-fxo-2", transport: "transport-udp", aors: ["gateway-fxo-2"], auths: ["gateway-fxo-2"], deviceState: "Unavailable", activeChannels: 0),
            AsteriskEndpoint(name: "trunk-provider", transport: "transport-udp", aors: ["trunk-provider"], outboundAuths: ["trunk-provider-auth"],
                             contacts: ["trunk-provider/sip:127.0.0.1:5070"], deviceState: "Unavailable", activeChannels: 0),
        ]
        let contacts: [AsteriskContact] = state == .noGatewayRegistered ? [] : [
            AsteriskContact(uri: "sip:gateway-fxo-1@127.0.0.1:5062", aor: "gateway-fxo-1", endpoint: "gateway-fxo-1",
                            status: state == .registered ? "Reachable" : "Unreachable", roundtripUsec: state == .registered ? 460 : nil,
                            userAgent: "lab-fxo-gateway/1.0 (SIPp)", qualifyFrequency: 5),
        ]
        let aors = [
            AsteriskAor(name: "agent1000", maxContacts: 1, qualifyFrequency: 30, qualifyTimeout: 3),
            AsteriskAor(name: "gateway-fxo-1", maxContacts: 1, qualifyFrequency: 5, qualifyTimeout: 3),
            AsteriskAor(name: "gateway-fxo-2", maxContacts: 1, qualifyFrequency: 5, qualifyTimeout: 3),
            AsteriskAor(name: "trunk-provider", maxContacts: 0, qualifyFrequency: 30, qualifyTimeout: 3, staticContacts: ["sip:127.0.0.1:5070"]),
        ]
        let registrations = [AsteriskOutboundRegistration(name: "trunk-provider", serverUri: "sip:127.0.0.1:5070", clientUri: "sip:labtrunk@127.0.0.1:5070",
                                                          endpoint: "trunk-provider", status: "Rejected", nextReg: 0)]
        return AsteriskObservation(target: "127.0.0.1:5038", asteriskVersion: "22.10.1", amiVersion: "11.0.0",
                                   endpoints: .ok(endpoints), contacts: .ok(contacts), aors: .ok(aors),
                                   outboundRegistrations: .ok(registrations),
                                   dahdiChannels: .failed(AMIFailure(kind: .unsupported, action: "DAHDIShowChannels",
                                                                     message: "Invalid/unknown command: DAHDIShowChannels (chan_dahdi is not loaded)")),
                                   dahdiSpans: .failed(AMIFailure(kind: .unsupported, action: "DAHDIShowStatus", message: "chan_dahdi is not loaded")))
    }

    /// A box with no DAHDI (gateways only), this Asterisk, and gateway-fxo-1/2 declared as gateways.
    static func box(_ state: State, gateways: [String] = ["gateway-fxo-1", "gateway-fxo-2"]) -> Observation {
        var config = ConfigObservation()
        config.gatewayEndpoints = gateways
        config.systemConf = .absent(path: "/etc/dahdi/system.conf", reason: "ENOENT")
        return Observation(generator: "t", observedAt: 0,
                           dahdi: DahdiReadings(control: .missing(path: "/dev/dahdi/ctl"), sysfs: SysfsSnapshot(moduleLoaded: false)),
                           config: config, asterisk: observation(state))
    }
}

@Suite struct AsteriskCheckTests {
    func findings(_ report: Report, _ id: String) -> [Finding] { report.findings.flatMap(\.flattened).filter { $0.id == id } }

    @Test func registeredLab() {
        let report = Diagnosis.run(LabAsterisk.box(.registered), generator: "t")
        // The trunk's registration to a dead provider is the only fault; agent1000 without a contact is information.
        #expect(Set(ids(report)) == ["dahdi-not-in-use", "pjsip-registration-failed", "pjsip-endpoints-no-contact", "pjsip-gateway-no-contact"])
        #expect(findings(report, "pjsip-gateway-no-contact").map(\.subject) == ["gateway gateway-fxo-2"])
        #expect(findings(report, "pjsip-endpoints-no-contact").first?.message == "1 registering endpoint(s) without a contact: agent1000")
        #expect(findings(report, "pjsip-registration-failed").first?.message == "outbound registration trunk-provider to sip:127.0.0.1:5070 is Rejected")
    }

    @Test func noGatewayRegistered() {
        let report = Diagnosis.run(LabAsterisk.box(.noGatewayRegistered), generator: "t")
        #expect(findings(report, "pjsip-gateway-no-contact").map(\.subject) == ["gateway gateway-fxo-1", "gateway gateway-fxo-2"])
        #expect(report.status == .critical)
    }

    @Test func gatewayUnreachable() throws {
        let report = Diagnosis.run(LabAsterisk.box(.gatewayUnreachable), generator: "t")
        let unreachable = try #require(findings(report, "pjsip-contact-unreachable").first)
        #expect(unreachable.severity == .critical)
        #expect(unreachable.message == "gateway gateway-fxo-1 contact sip:gateway-fxo-1@127.0.0.1:5062 is Unreachable")
        #expect(unreachable.evidence.contains { $0.label == "round trip" && $0.value == "N/A" })
        #expect(findings(report, "pjsip-gateway-no-contact").map(\.subject) == ["gateway gateway-fxo-2"])
    }

    @Test func phonesAreNotGateways() {
        let report = Diagnosis.run(LabAsterisk.box(.noGatewayRegistered, gateways: []), generator: "t")
        #expect(findings(report, "pjsip-gateway-no-contact").isEmpty)
        #expect(findings(report, "pjsip-endpoints-no-contact").first?.subject == "3 endpoint(s)")
    }

    @Test func qualifyDisabledOnAGatewayOrTrunk() {
        var observed = LabAsterisk.box(.registered)
        var asterisk = observed.asterisk!
        var aors = asterisk.aors!.value!
        aors[1].qualifyFrequency = 0      // gateway-fxo-1
        aors[3].qualifyFrequency = 0      // trunk-provider (static contact)
        aors[0].qualifyFrequency = 0      // agent1000: a phone, not reported
        asterisk.aors = .ok(aors)
        observed.asterisk = asterisk
        let subjects = findings(Diagnosis.run(observed, generator: "t"), "pjsip-qualify-disabled").map(\.subject)
        #expect(Set(subjects) == ["aor gateway-fxo-1", "aor trunk-provider"])
    }

    @Test func endpointInConfigButNotLoaded() throws {
        var observed = LabAsterisk.box(.registered)
        observed.config.pjsip = .present(path: "/etc/asterisk/pjsip.conf", value: PjsipSummary(endpoints: [
            .init(name: "gateway-fxo-1", aors: ["gateway-fxo-1"], context: "from-pstn-gateway", file: "/etc/asterisk/pjsip.conf", line: 40),
            .init(name: "gateway-fxo-3", aors: ["gateway-fxo-3"], context: "from-pstn-gateway", file: "/etc/asterisk/pjsip.conf", line: 62),
        ]))
        let finding = try #require(findings(Diagnosis.run(observed, generator: "t"), "pjsip-endpoint-not-loaded").first)
        #expect(finding.subject == "endpoint gateway-fxo-3" && finding.evidence[0].source == "/etc/asterisk/pjsip.conf:62")
    }

    @Test func sessionFailuresAreUnknownNotFine() {
        var observed = LabAsterisk.box(.registered)
        observed.asterisk = AsteriskObservation(target: "127.0.0.1:5038",
                                                sessionFailure: AMIFailure(kind: .loginRefused, message: "Authentication failed"))
        let refused = Diagnosis.run(observed, generator: "t")
        #expect(ids(refused).contains("ami-login-refused") && refused.status == .unknown)
        observed.asterisk?.sessionFailure = AMIFailure(kind: .connect, message: "Connection refused")
        #expect(ids(Diagnosis.run(observed, generator: "t")).contains("ami-unreachable"))
    }

    @Test func permissionAndVersion() {
        var observed = LabAsterisk.box(.registered)
        observed.asterisk?.contacts = .failed(AMIFailure(kind: .permission, action: "PJSIPShowContacts", message: "Permission denied"))
        observed.asterisk?.dahdiChannels = .ok([])   // chan_dahdi loaded; only the version lacks DAHDIShowStatus
        observed.asterisk?.dahdiSpans = .failed(AMIFailure(kind: .unsupported, action: "DAHDIShowStatus",
                                                           message: "Asterisk 18.20.0 has no DAHDIShowStatus (needs 21.3.0, 20.8.0 or 18.23.0)"))
        let report = Diagnosis.run(observed, generator: "t")
        #expect(findings(report, "ami-permission-missing").first?.message == "the AMI user may not run PJSIPShowContacts")
        #expect(findings(report, "asterisk-action-unsupported").map(\.subject) == ["AMI DAHDIShowStatus"])
    }
}

@Suite struct AsteriskDahdiCheckTests {
    /// The analog box of ConfigCheckTests with an Asterisk whose chan_dahdi reports `channels`.
    func box(_ channels: AMIResult<[AsteriskDahdiChannel]>, spanAlarms: SpanAlarms = []) -> Observation {
        var observed = AnalogBox.observe(systemConf: "fxoks=1-2\nfxsks=3\n")
        observed.dahdi.spans[0].alarms = spanAlarms
        observed.asterisk = AsteriskObservation(target: "127.0.0.1:5038", asteriskVersion: "20.8.0", endpoints: .ok([]), contacts: .ok([]),
                                                aors: .ok([]), outboundRegistrations: .ok([]), dahdiChannels: channels)
        return observed
    }

    let all = [1, 2, 3].map { AsteriskDahdiChannel(channel: $0, signalling: $0 < 3 ? "FXO Kewlstart" : "FXS Kewlstart", alarm: "No Alarm") }

    @Test func agreementIsQuiet() {
        #expect(Diagnosis.run(box(.ok(all)), generator: "t").findings.isEmpty)
    }

    @Test func chanDahdiNotLoadedExplainsNotOpenSpans() throws {
        let report = Diagnosis.run(box(.failed(AMIFailure(kind: .unsupported, action: "DAHDIShowChannels", message: "Invalid/unknown command")),
                                       spanAlarms: .notOpen), generator: "t")
        let root = try #require(report.findings.first)
        #expect(root.id == "chan-dahdi-not-loaded")
        #expect(root.consequences.map(\.id) == ["span-not-open"])
    }

    @Test func channelsMissingFromAsteriskAndGoneFromTheKernel() {
        var channels = Array(all.prefix(1))
        channels.append(AsteriskDahdiChannel(channel: 9, signalling: "FXO Kewlstart", alarm: "No Alarm"))
        let report = Diagnosis.run(box(.ok(channels)), generator: "t")
        #expect(Set(ids(report)) == ["dahdi-channel-not-in-asterisk", "asterisk-dahdi-channel-gone"])
        #expect(report.findings.first { $0.id == "dahdi-channel-not-in-asterisk" }?.subject == "channels 2-3")
    }

    @Test func spanAlarmDisagreementFromDAHDIShowStatus() {
        var observed = box(.ok(all))
        observed.asterisk?.dahdiSpans = .ok([AsteriskDahdiSpan(span: 1, description: "Wildcard TDM410P", alarms: "RED")])
        let report = Diagnosis.run(observed, generator: "t")
        #expect(report.findings.map(\.message) == ["span 1 (WCTDM/0): Asterisk says RED, the kernel says OK"])
        observed.asterisk?.dahdiSpans = .ok([AsteriskDahdiSpan(span: 1, alarms: "OK")])
        #expect(Diagnosis.run(observed, generator: "t").findings.isEmpty)
    }

    @Test func alarmDisagreement() {
        var channels = all
        channels[2].alarm = "Red Alarm"   // Asterisk still thinks the FXO line is dead; the kernel says it is fine
        let report = Diagnosis.run(box(.ok(channels)), generator: "t")
        #expect(ids(report) == ["alarm-disagreement"])
        #expect(report.findings[0].message == "channel 3 (WCTDM/0/2): Asterisk says Red Alarm, the kernel says none")
    }
}

@Suite struct EndpointDetailTests {
    @Test func aMissingGatewayEndpointAndAStaticContactsStatus() {
        var observed = LabAsterisk.box(.registered, gateways: ["gateway-fxo-9", "trunk-provider"])
        observed.asterisk?.endpointDetails = [
            AsteriskEndpointLookup(name: "gateway-fxo-9", detail: .failed(AMIFailure(kind: .error, action: "PJSIPShowEndpoint",
                                                                                     message: "Unable to retrieve endpoint gateway-fxo-9"))),
            // trunk-provider's static contact: PJSIPShowContacts never lists it, PJSIPShowEndpoint does.
            AsteriskEndpointLookup(name: "trunk-provider", detail: .ok(AsteriskEndpointDetail(
                name: "trunk-provider", deviceState: "Unavailable", aors: ["trunk-provider"],
                contacts: [AsteriskContactStatus(aor: "trunk-provider", uri: "sip:127.0.0.1:5070", status: "Unreachable")]))),
        ]
        let report = Diagnosis.run(observed, generator: "t")
        let all = report.findings.flatMap(\.flattened)
        #expect(all.contains { $0.id == "pjsip-gateway-endpoint-missing" && $0.subject == "endpoint gateway-fxo-9" })
        #expect(all.contains { $0.id == "pjsip-contact-unreachable" && $0.message == "gateway trunk-provider contact sip:127.0.0.1:5070 is Unreachable" })
    }

    @Test func theRealTranscriptsDecode() throws {
        for (file, expected) in [("ami-PJSIPShowEndpoint-gateway-fxo-1", "Reachable"), ("ami-PJSIPShowEndpoint-trunk-provider", nil)] {
            let messages = try AMIFixtures.messages(file)
            let items = try messages.compactMap { message throws(AMIFailure) in try AsteriskEndpointDetailItem.decode(message) }
            let detail = AsteriskEndpointDetailItem.assemble(items, name: "x")
            #expect(!detail.contacts.isEmpty, "\(file)")
            if let expected { #expect(detail.contacts.first?.status == expected) }
            #expect(!String(describing: detail).contains("lab-secret"))
        }
    }
}
