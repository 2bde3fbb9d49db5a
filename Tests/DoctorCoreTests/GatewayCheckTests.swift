import Testing
@testable import DoctorCore

@Suite struct GatewayCheckTests {
    func box(_ state: LabAsterisk.State, gateways: [GatewayObservation]) -> Observation {
        var observed = LabAsterisk.box(state, gateways: [])
        observed.gateways = gateways
        return observed
    }

    func gateway(_ outcome: SipProbeResult.Outcome, code: Int? = nil, status: GatewayStatusResult? = nil) -> GatewayObservation {
        GatewayObservation(name: "office-fxo", address: "127.0.0.1", profile: "grandstream-gxw410x", endpoint: "gateway-fxo-1",
                           options: SipProbeResult(target: "127.0.0.1:5062", transport: .udp, outcome: outcome, statusCode: code,
                                                   reason: code.map { $0 == 200 ? "OK" : "Service Unavailable" },
                                                   rttMilliseconds: outcome == .answered ? 0.4 : nil, transmissions: outcome == .timeout ? 7 : 1),
                           status: status)
    }

    func all(_ report: Report) -> [Finding] { report.findings.flatMap(\.flattened) }

    @Test func deadGatewayExplainsAsteriskLosingIt() throws {
        let report = Diagnosis.run(box(.gatewayUnreachable, gateways: [gateway(.timeout)]), generator: "t")
        let root = try #require(report.findings.first { $0.id == "gateway-unreachable" })
        #expect(root.message == "gateway office-fxo (127.0.0.1) does not answer SIP OPTIONS: no answer after 7 transmission(s)")
        #expect(root.consequences.map(\.id) == ["pjsip-contact-unreachable"])
    }

    @Test func reachableToUsButNotToAsterisk() {
        let report = Diagnosis.run(box(.gatewayUnreachable, gateways: [gateway(.answered, code: 200)]), generator: "t")
        #expect(all(report).contains { $0.id == "gateway-reachability-disagreement" })
        #expect(!all(report).contains { $0.id == "gateway-unreachable" })
    }

    @Test func serverErrorsAreWarningsAndFourHundredsAreFine() {
        #expect(all(Diagnosis.run(box(.registered, gateways: [gateway(.answered, code: 503)]), generator: "t")).contains { $0.id == "gateway-options-error" })
        #expect(!all(Diagnosis.run(box(.registered, gateways: [gateway(.answered, code: 404)]), generator: "t")).contains { $0.id == "gateway-options-error" })
    }

    @Test func portStates() {
        let ports = [
            GatewayPortStatus(port: 1, kind: .fxo, registration: .registered, registrationText: "Registered", lineConnected: true, hook: .offHook, hookText: "In Use"),
            GatewayPortStatus(port: 2, kind: .fxo, registration: .notRegistered, registrationText: "Not Registered", lineConnected: false,
                              lineText: "Not Connected", hook: .onHook, lastDisconnectReason: "Busy tone"),
            GatewayPortStatus(port: 3, kind: .fxo, registration: .unknown, registrationText: "Trying", hook: .unknown),
        ]
        let report = Diagnosis.run(box(.registered, gateways: [gateway(.answered, code: 200, status: .ok(GatewayStatus(ports: ports)))]), generator: "t")
        let ids = Set(all(report).filter { $0.id.hasPrefix("gateway-") }.map { "\($0.id) \($0.subject)" })
        #expect(ids == ["gateway-stuck-line gateway office-fxo port 1", "gateway-port-not-registered gateway office-fxo port 2",
                        "gateway-fxo-line-disconnected gateway office-fxo port 2", "gateway-port-state-unknown gateway office-fxo port 3"])
        let unknown = try? #require(all(report).first { $0.id == "gateway-port-state-unknown" })
        #expect(unknown?.message == "gateway office-fxo port 3 registration reads 'Trying', which dahdi-doctor does not know")
        #expect(unknown?.severity == .unknown)
    }

    @Test func registeredOnTheGatewayButNoContactInAsterisk() {
        let ports = [GatewayPortStatus(port: 1, kind: .fxo, registration: .registered, registrationText: "Registered", hook: .onHook)]
        let report = Diagnosis.run(box(.noGatewayRegistered, gateways: [gateway(.answered, code: 200, status: .ok(GatewayStatus(ports: ports)))]),
                                   generator: "t")
        #expect(all(report).contains { $0.id == "gateway-registered-no-contact" && $0.subject == "gateway office-fxo port 1" })
    }

    @Test func unreadableStatusFoldsUnderADeadGateway() throws {
        let failure = GatewayStatusResult.failed(GatewayStatusFailure(kind: .timeout, message: "no answer in 5 s", path: "/index_net.htm"))
        let report = Diagnosis.run(box(.gatewayUnreachable, gateways: [gateway(.timeout, status: failure)]), generator: "t")
        let root = try #require(report.findings.first { $0.id == "gateway-unreachable" })
        #expect(Set(root.consequences.map(\.id)) == ["pjsip-contact-unreachable", "gateway-status-unavailable"])
        let unsupported = GatewayStatusResult.failed(GatewayStatusFailure(kind: .unsupported, message: "profile none has no status page"))
        #expect(!all(Diagnosis.run(box(.registered, gateways: [gateway(.answered, code: 200, status: unsupported)]), generator: "t"))
            .contains { $0.id == "gateway-status-unavailable" })
    }

    /// A page that answered but did not parse is its own root even while OPTIONS fails, and names the profile to use.
    @Test func unparseablePageIsItsOwnRootAndNamesTheProfile() throws {
        let failure = GatewayStatusResult.failed(GatewayStatusFailure(
            kind: .unparseable, message: "expected the Port Status table; got a page of 200 bytes without it",
            path: "/cgi-bin/index", suggestedProfile: "grandstream-ht8xx-api"))
        let report = Diagnosis.run(box(.gatewayUnreachable, gateways: [gateway(.timeout, status: failure)]), generator: "t")
        let root = try #require(report.findings.first { $0.id == "gateway-status-unavailable" })
        #expect(root.message.contains("set profile = \"grandstream-ht8xx-api\""), "\(root.message)")
        let unreachable = try #require(report.findings.first { $0.id == "gateway-unreachable" })
        #expect(!unreachable.consequences.contains { $0.id == "gateway-status-unavailable" })
    }

    /// A port the page says is not registered is a root finding and the report is not OK, whether or not OPTIONS answers.
    @Test func notRegisteredIsNeverOK() throws {
        let ports = [GatewayPortStatus(port: 1, kind: .fxs, registration: .notRegistered, registrationText: "Offline", hook: .onHook)]
        for outcome in [SipProbeResult.Outcome.answered, .timeout] {
            let report = Diagnosis.run(box(.registered, gateways: [gateway(outcome, code: outcome == .answered ? 200 : nil,
                                                                           status: .ok(GatewayStatus(ports: ports)))]), generator: "t")
            #expect(report.findings.contains { $0.id == "gateway-port-not-registered" }, "\(outcome)")
            #expect(report.status != .ok && report.status.exitCode != 0)
        }
    }

    @Test func unknownWordIsUnknownNeverOK() {
        let ports = [GatewayPortStatus(port: 1, kind: .fxs, registration: .unknown, registrationText: "Xyz", hook: .onHook, hookText: "On")]
        let report = Diagnosis.run(box(.registered, gateways: [gateway(.answered, code: 200, status: .ok(GatewayStatus(ports: ports)))]),
                                   generator: "t")
        #expect(report.findings.contains { $0.id == "gateway-port-state-unknown" && $0.message.contains("'Xyz'") })
        #expect(report.status != .ok)
    }

    @Test func lockoutAndInsecureTLSAreReported() throws {
        let locked = GatewayStatusResult.failed(GatewayStatusFailure(kind: .locked, message: "locked", path: "/cgi-bin/dologin",
                                                                     retryAfterSeconds: 300))
        var observed = gateway(.answered, code: 200, status: locked)
        observed.webSecurity = .insecure
        let report = Diagnosis.run(box(.registered, gateways: [observed]), generator: "t")
        let lock = try #require(all(report).first { $0.id == "gateway-web-login-locked" })
        #expect(lock.message.contains("300 s remain"))
        #expect(!all(report).contains { $0.id == "gateway-status-unavailable" })
        #expect(all(report).contains { $0.id == "gateway-web-tls-unverified" })
    }
}
