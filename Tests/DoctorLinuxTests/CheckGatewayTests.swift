import Foundation
import Testing
@testable import DoctorCore

/// `dahdi-doctor check` with a gateway list: one gateway is a real sipp UAS answering OPTIONS, one is silent.
@Suite(.serialized) struct CheckGatewayTests {
    @Test func probesTheGatewayListAndReportsTheDeadOne() throws {
        let alive = try SippServer("options-200", transport: .udp)
        defer { alive.stop() }
        let silent = try SippServer("options-silent", transport: .udp)
        defer { silent.stop() }
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let settings = """
            [ami]
            enabled = false

            [[gateway]]
            name = "alive"
            address = "127.0.0.1"
            sip_port = \(alive.port)

            [[gateway]]
            name = "silent"
            address = "127.0.0.1"
            sip_port = \(silent.port)
            """
        try settings.write(toFile: dir + "/doctor.toml", atomically: true, encoding: .utf8)
        let result = try Binary.run(["check", "--json", "--etc-root", dir, "--config", dir + "/doctor.toml",
                                     "--save-observation", dir + "/observation.json"])
        #expect(result.status == 2)
        let report = try JSONOutput.decode(Report.self, from: result.stdout)
        let gatewayFindings = report.findings.filter { $0.id.hasPrefix("gateway-") }
        #expect(gatewayFindings.map(\.id) == ["gateway-unreachable"])
        #expect(gatewayFindings.first?.subject == "gateway silent")
        let observation = try JSONOutput.decode(Observation.self, from: try String(contentsOfFile: dir + "/observation.json", encoding: .utf8))
        let byName = Dictionary(uniqueKeysWithValues: (observation.gateways ?? []).map { ($0.name, $0) })
        #expect(byName["alive"]?.options?.outcome == .answered && byName["alive"]?.options?.statusCode == 200)
        #expect(byName["silent"]?.options?.outcome == .timeout && (byName["silent"]?.options?.transmissions ?? 0) > 1)
    }
}
