import Testing
@testable import DoctorCore

/// The Prometheus renderer on the lab's real observations and on a gateway box: golden `.prom` files under
/// Fixtures/metrics/ (also linted by the real `promtool check metrics` in DoctorLinuxTests), the format's rules
/// (HELP/TYPE once, no timestamps, escaping) and the series cap.
@Suite struct PrometheusTextTests {
    static let labScenarios = ["healthy", "red-yellow", "driver-not-loaded", "unassigned", "missing-channels", "demo"]

    static func render(_ observation: Observation, limit: Int = PrometheusText.defaultFindingSeriesLimit) -> String {
        let report = Diagnosis.run(observation, generator: "dahdi-doctor 0.1.0")
        return PrometheusText.render(observation: observation, report: report, runDurationSeconds: 0.25, findingSeriesLimit: limit)
    }

    /// Asterisk with a registered gateway, a rejected trunk registration, and two gateways: one answering with two
    /// ports (one without a PSTN line), one silent.
    static func gatewayBox() -> Observation {
        var observed = LabAsterisk.box(.registered)
        observed.observedAt = 1_700_000_000.5
        let ports = [
            GatewayPortStatus(port: 1, kind: .fxo, registration: .registered, registrationText: "Registered", lineConnected: true, hook: .onHook),
            GatewayPortStatus(port: 2, kind: .fxo, registration: .notRegistered, registrationText: "Not Registered", lineConnected: false, hook: .onHook),
        ]
        observed.gateways = [
            GatewayObservation(name: "office-fxo", address: "127.0.0.1", profile: "grandstream-gxw410x", endpoint: "gateway-fxo-1",
                               options: SipProbeResult(target: "127.0.0.1:5062", transport: .udp, outcome: .answered, statusCode: 200,
                                                       reason: "OK", rttMilliseconds: 0.4),
                               status: .ok(GatewayStatus(ports: ports))),
            GatewayObservation(name: "branch-fxo", address: "127.0.0.2", profile: "none", endpoint: "gateway-fxo-2",
                               options: SipProbeResult(target: "127.0.0.2:5060", transport: .udp, outcome: .timeout, transmissions: 7),
                               status: .failed(GatewayStatusFailure(kind: .unsupported, message: "profile none"))),
        ]
        return observed
    }

    static func lab(_ name: String) throws -> Observation {
        try JSONOutput.decode(Observation.self, from: try Fixtures.read("observations/lab-\(name).json"))
    }

    @Test(arguments: labScenarios)
    func labObservationsMatchTheGolden(name: String) throws {
        let text = Self.render(try Self.lab(name))
        try Fixtures.assertGolden(text, "metrics/lab-\(name).prom")
        try Self.assertWellFormed(text)
    }

    @Test func gatewayBoxMatchesTheGolden() throws {
        let text = Self.render(Self.gatewayBox())
        try Fixtures.assertGolden(text, "metrics/gateway-box.prom")
        try Self.assertWellFormed(text)
        #expect(text.contains("dahdi_doctor_gateway_sip_options_up{gateway=\"branch-fxo\"} 0\n"))
        #expect(text.contains("dahdi_doctor_gateway_sip_options_rtt_seconds{gateway=\"office-fxo\"} 0.0004\n"))
        #expect(text.contains("dahdi_doctor_gateway_port_line_connected{gateway=\"office-fxo\",port=\"2\"} 0\n"))
        #expect(text.contains("dahdi_doctor_pjsip_registration_up{registration=\"trunk-provider\"} 0\n"))
        #expect(text.contains("dahdi_doctor_up{source=\"ami\"} 1\n"))
        #expect(text.contains("dahdi_doctor_up{source=\"gateways\"} 1\n"))
    }

    /// The gateway box saved as an observation, so `metrics --observation` can serve it to a real Prometheus
    /// (Tests/DoctorLinuxTests/FleetViewTests.swift); it renders to the same golden as the value.
    @Test func gatewayBoxObservationFileMatches() throws {
        try Fixtures.assertGolden(try JSONOutput.encode(Self.gatewayBox()) + "\n", "observations/gateway-box.json")
        let saved = try JSONOutput.decode(Observation.self, from: try Fixtures.read("observations/gateway-box.json"))
        try Fixtures.assertGolden(Self.render(saved), "metrics/gateway-box.prom")
    }

    /// A finding about a span carries its number as `span`, the label `dahdi_span_alarm` has, so alerts on both
    /// group together; other subjects have none.
    @Test func spanFindingsCarryTheSpanLabel() throws {
        let text = Self.render(try Self.lab("demo"))
        let findings = text.split(separator: "\n").filter { $0.hasPrefix("dahdi_doctor_finding{") }
        #expect(findings.count == 6)
        #expect(findings.contains("dahdi_doctor_finding{id=\"span-red-alarm\",subject=\"span 1 (DYN/loc/1:0)\",severity=\"critical\",span=\"1\"} 1"))
        #expect(findings.contains("dahdi_doctor_finding{id=\"span-yellow-alarm\",subject=\"span 2 (DYN/loc/1:1:0)\",severity=\"critical\",span=\"2\"} 1"))
        #expect(findings.filter { $0.contains("span=") }.count == 2, "channels, modules and files have no span")
        #expect(PrometheusText.span(ofSubject: "span 12") == 12)
        #expect(PrometheusText.span(ofSubject: "span 3 (TE4/0/3)") == 3)
        for subject in ["spans 1-2", "span x", "span 1x", "span ", "channel 5", "span 99999999999999999999", "gateway span 1"] {
            #expect(PrometheusText.span(ofSubject: subject) == nil, "\(subject)")
        }
    }

    @Test func redSpanIsOneAlarmSeriesPerKnownAlarm() throws {
        let text = Self.render(try Self.lab("red-yellow"))
        let alarms = text.split(separator: "\n").filter { $0.hasPrefix("dahdi_span_alarm{") }
        let spans = Set(alarms.compactMap { $0.split(separator: ",").first })
        #expect(alarms.count == spans.count * PrometheusText.spanAlarmLabels.count)
        #expect(alarms.contains { $0.contains("alarm=\"red\"") && $0.hasSuffix(" 1") })
        #expect(text.contains("dahdi_doctor_finding{id=\"span-red-alarm\""))
    }

    @Test func absentSourcesProduceNoSeries() throws {
        let text = Self.render(try Self.lab("driver-not-loaded"))
        #expect(text.contains("dahdi_doctor_up{source=\"ioctl\"} 0\n"))
        #expect(!text.contains("dahdi_span_"))
        #expect(!text.contains("dahdi_channel_"))
        #expect(!text.contains("source=\"ami\""), "AMI not asked: no up series")
        #expect(!text.contains("pjsip"))
    }

    @Test func labelValuesAreEscaped() throws {
        var observed = Self.gatewayBox()
        observed.gateways?[0].name = "back\\slash \"quoted\"\nnext line"
        let text = Self.render(observed)
        #expect(text.contains("dahdi_doctor_gateway_sip_options_up{gateway=\"back\\\\slash \\\"quoted\\\"\\nnext line\"} 1\n"))
        #expect(PrometheusExposition.escapeLabelValue("a\\b\"c\nd") == "a\\\\b\\\"c\\nd")
        #expect(PrometheusExposition.escapeHelp("a\\b\"c\nd") == "a\\\\b\"c\\nd")
        try Self.assertWellFormed(text)
    }

    @Test func contactURIsLoseTheirPassword() {
        #expect(PrometheusText.withoutPassword("sip:alice:s3cret@10.0.0.1:5060") == "sip:alice@10.0.0.1:5060")
        #expect(PrometheusText.withoutPassword("sip:alice@10.0.0.1:5060") == "sip:alice@10.0.0.1:5060")
        #expect(PrometheusText.withoutPassword("sip:10.0.0.1:5060") == "sip:10.0.0.1:5060")
        var observed = Self.gatewayBox()
        observed.asterisk?.contacts = .ok([AsteriskContact(uri: "sip:gw:Pw-Leak-9@127.0.0.1:5062", aor: "gateway-fxo-1",
                                                           endpoint: "gateway-fxo-1", status: "Reachable", roundtripUsec: 1500)])
        let text = Self.render(observed)
        #expect(!text.contains("Pw-Leak-9"))
        #expect(text.contains("dahdi_doctor_pjsip_contact_rtt_seconds{endpoint=\"gateway-fxo-1\",aor=\"gateway-fxo-1\",uri=\"sip:gw@127.0.0.1:5062\"} 0.0015\n"))
    }

    @Test func findingSeriesAreCappedAndTheOverflowCounted() throws {
        let definition = CheckDefinition(id: "test-finding", family: "test", severity: .warning, title: "t", explanation: "e", remediation: "r")
        let findings = (1...250).map { Finding(definition, subject: "subject \($0)", message: "m", evidence: []) }
        let report = Report(generator: "dahdi-doctor 0.1.0", observedAt: 1, findings: findings, sources: [], spans: 0, channels: 0)
        let observed = Observation(generator: "t", observedAt: 1, dahdi: DahdiReadings(control: .missing(path: "/dev/dahdi/ctl")))
        let text = PrometheusText.render(observation: observed, report: report, runDurationSeconds: 1, findingSeriesLimit: 200)
        let lines = text.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("dahdi_doctor_finding{") }.count == 200)
        #expect(lines.contains("dahdi_doctor_finding_series_dropped 50"))
        #expect(lines.contains("dahdi_doctor_findings{severity=\"warning\"} 250"))
        try Self.assertWellFormed(text)
    }

    @Test func values() {
        #expect(PrometheusExposition.formatValue(3) == "3")
        #expect(PrometheusExposition.formatValue(0.25) == "0.25")
        #expect(PrometheusExposition.formatValue(1_700_000_000.5) == "1700000000.5")
        #expect(PrometheusExposition.formatValue(.nan) == "NaN")
        #expect(PrometheusExposition.formatValue(-.infinity) == "-Inf")
    }

    /// Every family has one HELP then one TYPE before its samples, every sample belongs to the family just
    /// declared, names carry the prefix, and no sample has a timestamp (name{labels} value, nothing after).
    static func assertWellFormed(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(text.hasSuffix("\n"), sourceLocation: sourceLocation)
        var declared = Set<String>()
        var current: String?
        var seriesSeen = Set<Substring>()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if line.hasPrefix("# HELP ") {
                let name = String(line.dropFirst(7).prefix { $0 != " " })
                #expect(declared.insert(name).inserted, "HELP twice for \(name)", sourceLocation: sourceLocation)
                #expect(name.hasPrefix("dahdi_"), sourceLocation: sourceLocation)
                current = name
            } else if line.hasPrefix("# TYPE ") {
                #expect(line == "# TYPE \(current ?? "?") gauge" || line == "# TYPE \(current ?? "?") counter", sourceLocation: sourceLocation)
                if line.hasSuffix(" counter") { #expect(current?.hasSuffix("_total") == true, sourceLocation: sourceLocation) }
            } else {
                let name = line.prefix { $0 != "{" && $0 != " " }
                #expect(String(name) == current, "sample \(line) outside its family", sourceLocation: sourceLocation)
                let rest = line.dropFirst(name.count)
                let afterLabels: Substring
                if rest.hasPrefix("{") {
                    let close = try #require(rest.lastIndex(of: "}"), sourceLocation: sourceLocation)
                    afterLabels = rest[rest.index(after: close)...]
                    #expect(seriesSeen.insert(line[..<rest.index(after: close)]).inserted, "duplicate series \(line)", sourceLocation: sourceLocation)
                } else {
                    afterLabels = rest
                }
                let fields = afterLabels.split(separator: " ")
                #expect(fields.count == 1 && afterLabels.hasPrefix(" "), "timestamp or garbage in \(line)", sourceLocation: sourceLocation)
            }
        }
    }
}
