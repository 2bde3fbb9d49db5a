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
                        "gateway-fxo-line-disconnected gateway office-fxo port 2"])
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
}
