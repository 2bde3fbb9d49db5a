import Foundation
import Testing
@testable import DoctorCore

/// `dahdi-doctor check` end to end against the AMI replay server (captured Asterisk 22.10.1 bytes): the Asterisk
/// checks fire on the real answers, the exit code follows, and the secret appears in no output format.
@Suite(.serialized) struct CheckAMITests {
    func check(_ server: AMIReplayServer, _ extra: [String], mode: Int32 = 0o600) throws -> (Binary.Result, Binary.Result, String) {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let credentials = dir + "/ami.conf"
        try "username = \(AMIReplayServer.labUser)\nsecret = \(AMIReplayServer.labSecret)\n".write(toFile: credentials, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: credentials)
        let common = ["check", "--etc-root", dir, "--config", dir + "/none.toml", "--ami-port", "\(server.port)",
                      "--ami-credentials", credentials, "--save-observation", dir + "/observation.json"] + extra
        let json = try Binary.run(common + ["--json"])
        let text = try Binary.run(common)
        let observation = (try? String(contentsOfFile: dir + "/observation.json", encoding: .utf8)) ?? ""
        return (json, text, observation)
    }

    @Test func gatewayUnreachableState() throws {
        let server = try AMIReplayServer(state: ".gateway-unreachable")
        let (json, text, observation) = try check(server, ["--gateway-endpoint", "gateway-fxo-1", "--gateway-endpoint", "gateway-fxo-2"])
        #expect(json.status == 2)
        let report = try JSONOutput.decode(Report.self, from: json.stdout)
        #expect(Set(report.findings.map(\.id)).isSuperset(of: ["pjsip-contact-unreachable", "pjsip-gateway-no-contact", "pjsip-registration-failed"]))
        #expect(report.sources.contains { $0.name == "ami" && $0.available })
        for output in [json.stdout, json.stderr, text.stdout, text.stderr, observation] {
            #expect(!output.contains(AMIReplayServer.labSecret), "the AMI secret leaked")
            for secret in ["fxo1-lab-secret", "fxo2-lab-secret", "agent1000-lab-secret", "trunk-lab-secret"] {
                #expect(!output.contains(secret), "a PJSIP password leaked")
            }
        }
    }

    @Test func chanDahdiNotLoadedAndOldAsterisk() throws {
        let server = try AMIReplayServer("old-asterisk")
        let (json, _, _) = try check(server, [])
        let report = try JSONOutput.decode(Report.self, from: json.stdout)
        #expect(report.findings.flatMap(\.flattened).contains { $0.id == "asterisk-action-unsupported" && $0.subject == "AMI DAHDIShowStatus" })
    }

    @Test func wrongPermissionsOnTheCredentialsFileAreUnknown() throws {
        let server = try AMIReplayServer()
        let (json, text, _) = try check(server, [], mode: 0o644)
        #expect(json.status == 3 && text.status == 3)
        #expect(text.stdout.contains("ami-credentials-unusable") && text.stdout.contains("chmod 600"))
        #expect(!text.stdout.contains(AMIReplayServer.labSecret))
    }

    @Test func aDeadAsteriskIsUnknownNotOK() throws {
        // A port nothing listens on: take one from a server, stop it, then connect there.
        var port = 0
        do { let server = try AMIReplayServer(); port = server.port }
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "username = u\nsecret = s\n".write(toFile: dir + "/ami.conf", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir + "/ami.conf")
        let result = try Binary.run(["check", "--etc-root", dir, "--config", dir + "/none.toml", "--ami-port", "\(port)",
                                     "--ami-credentials", dir + "/ami.conf", "--format", "nagios"])
        #expect(result.status == 3)
        #expect(result.stdout.hasPrefix("DAHDI UNKNOWN - AMI at 127.0.0.1:\(port):"))
    }
}
