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

    /// A whole gateway: SIP answered by sipp, the web status served by the fake HT813 whose FXO port has no line.
    @Test func statusPageFindingsAndNoPasswordInAnyOutput() throws {
        let sip = try SippServer("options-200", transport: .udp)
        defer { sip.stop() }
        let password = "Gw-Check-Pw9"
        let web = try FakeGateway(profile: "grandstream-ht8xx", status: "ht813-fxo-not-connected.htm", password: password)
        defer { web.stop() }
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "username = admin\npassword = \(password)\n".write(toFile: dir + "/gw.conf", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir + "/gw.conf")
        try """
            [ami]
            enabled = false

            [[gateway]]
            name = "ht813"
            address = "127.0.0.1"
            sip_port = \(sip.port)
            profile = "grandstream-ht8xx"
            web_port = \(web.port)
            credentials = "\(dir)/gw.conf"
            """.write(toFile: dir + "/doctor.toml", atomically: true, encoding: .utf8)
        let json = try Binary.run(["check", "--json", "--etc-root", dir, "--config", dir + "/doctor.toml",
                                   "--save-observation", dir + "/observation.json"])
        let text = try Binary.run(["check", "--etc-root", dir, "--config", dir + "/doctor.toml"])
        let report = try JSONOutput.decode(Report.self, from: json.stdout)
        let observation = try String(contentsOfFile: dir + "/observation.json", encoding: .utf8)
        let decoded = try JSONOutput.decode(Observation.self, from: observation)
        #expect(decoded.gateways?.first?.status?.value?.ports.isEmpty == false, "the status page was read")
        #expect(!report.findings.contains { $0.id == "gateway-unreachable" || $0.id == "gateway-status-unavailable" })
        for output in [json.stdout, json.stderr, text.stdout, text.stderr, observation] {
            #expect(!output.contains(password), "the gateway password leaked")
        }
    }

    @Test func aReadableByOthersCredentialsFileIsRefusedNotUsed() throws {
        let web = try FakeGateway(profile: "grandstream-ht8xx", status: "ht802-registered.htm", password: "Gw-Open-Pw3")
        defer { web.stop() }
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "username = admin\npassword = Gw-Open-Pw3\n".write(toFile: dir + "/gw.conf", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir + "/gw.conf")
        try """
            [ami]
            enabled = false

            [[gateway]]
            name = "ht802"
            address = "127.0.0.1"
            sip_port = 9
            profile = "grandstream-ht8xx"
            web_port = \(web.port)
            credentials = "\(dir)/gw.conf"
            """.write(toFile: dir + "/doctor.toml", atomically: true, encoding: .utf8)
        let result = try Binary.run(["check", "--json", "--etc-root", dir, "--config", dir + "/doctor.toml"])
        let report = try JSONOutput.decode(Report.self, from: result.stdout)
        let status = report.findings.flatMap(\.flattened).first { $0.id == "gateway-status-unavailable" }
        #expect(status?.message.contains("chmod 600") == true, "\(report.findings.flatMap(\.flattened).map(\.message))")
        #expect(web.requests().isEmpty, "the gateway was contacted with credentials that failed the rules")
        #expect(!result.stdout.contains("Gw-Open-Pw3"))
    }
}

