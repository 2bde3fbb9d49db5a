import Foundation
import Testing
@testable import DoctorCore

/// The real binary on the box trees (Tests/DoctorCoreTests/Fixtures/boxes), copied to a temporary directory so modes,
/// owners and mtimes can be set: the readers (container signs, /dev/dahdi nodes, setup files, mtimes) and the checks
/// end to end, every output format searched for the trees' secrets.
@Suite(.serialized) struct ExposureCommandLineTests {
    static let boxes = AMIReplayServer.testsDirectory + "/DoctorCoreTests/Fixtures/boxes"
    static let lab = Fixtures.directory + "/lab-healthy"
    static let secrets = ["amp111", "Pbx2024x", "peekaboo", "Xq7-long-random-secret-99", "gw-sip-secret-123",
                          "trunk-sip-secret-789", "gw-pjsip-secret-456", AMIReplayServer.labSecret]

    static func copy(_ box: String) throws -> String {
        let dir = try Fixtures.temporaryDirectory()
        for entry in try FileManager.default.contentsOfDirectory(atPath: boxes + "/" + box) {
            try FileManager.default.copyItem(atPath: "\(boxes)/\(box)/\(entry)", toPath: "\(dir)/\(entry)")
        }
        try FileManager.default.createDirectory(atPath: dir + "/dev", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/root", withIntermediateDirectories: true)
        return dir
    }

    static func roots(_ dir: String, sysfs: String? = nil, procfs: String? = nil) -> [String] {
        ["--etc-root", dir + "/etc", "--fs-root", dir + "/root", "--sysfs-root", sysfs ?? dir + "/sys",
         "--procfs-root", procfs ?? dir + "/proc", "--devfs-root", dir + "/dev", "--config", dir + "/none.toml"]
    }

    static func expectNoSecret(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for (index, secret) in secrets.enumerated() where text.contains(secret) {
            Issue.record("secret #\(index) leaked into \(what)", sourceLocation: sourceLocation)
        }
    }

    /// check (text and JSON, saving the observation), the saved observation replayed, explain for every ID found,
    /// and metrics; returns the JSON report. Nothing may carry a secret.
    static func everyOutput(_ arguments: [String], dir: String) throws -> Report {
        let json = try Binary.run(["check", "--json", "--save-observation", dir + "/observation.json"] + arguments)
        let text = try Binary.run(["check", "--no-color"] + arguments)
        let saved = try String(contentsOfFile: dir + "/observation.json", encoding: .utf8)
        let replay = try Binary.run(["check", "--observation", dir + "/observation.json"])
        let metrics = try Binary.run(["metrics", "--stdout"] + arguments)
        let report = try JSONOutput.decode(Report.self, from: json.stdout)
        var outputs = [("check --json", json.stdout + json.stderr), ("check", text.stdout + text.stderr), ("the saved observation", saved),
                       ("check --observation", replay.stdout + replay.stderr), ("metrics", metrics.stdout + metrics.stderr)]
        for id in Set(report.findings.flatMap(\.flattened).map(\.id)) {
            let explain = try Binary.run(["explain", id])
            outputs.append(("explain \(id)", explain.stdout + explain.stderr))
        }
        for (what, output) in outputs { expectNoSecret(output, what) }
        #expect(replay.stdout == text.stdout, "the saved observation replays to the same report")
        return report
    }

    static func findings(_ report: Report, _ id: String) -> [Finding] { report.findings.flatMap(\.flattened).filter { $0.id == id } }

    @Test func freepbxSampleSecrets() throws {
        let dir = try Self.copy("freepbx-sample-secrets")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let report = try Self.everyOutput(Self.roots(dir, sysfs: Self.lab + "/sys", procfs: Self.lab + "/proc") + ["--no-ami"], dir: dir)
        #expect(Set(Self.findings(report, "ami-open-to-everyone").map(\.subject)) == ["AMI user dahdi-doctor", "AMI user remote"])
        #expect(Self.findings(report, "asterisk-secret-weak").count == 4)
        #expect(Self.findings(report, "asterisk-secret-weak").contains { $0.message == "AMI user admin has a well-known sample secret" })
        #expect(Self.findings(report, "ami-http-without-tls").count == 1 && Self.findings(report, "ari-plain-password-exposed").count == 1)
        #expect(Self.findings(report, "ami-user-excess-write").map(\.subject) == ["AMI user dahdi-doctor"])
    }

    @Test func chanSipLeftoverWithDriftAgainstTheReplayedAsterisk() throws {
        let dir = try Self.copy("chan-sip-leftover")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The captured CoreStatus says 2026-11-21 05:07:49; the copied files are newer.
        let server = try AMIReplayServer(extra: ["--reload-time", "captured"])
        let credentials = dir + "/ami.conf"
        try "username = \(AMIReplayServer.labUser)\nsecret = \(AMIReplayServer.labSecret)\n".write(toFile: credentials, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: credentials)
        let ami = ["--ami-port", "\(server.port)", "--ami-credentials", credentials]
        let report = try Self.everyOutput(Self.roots(dir, sysfs: Self.lab + "/sys", procfs: Self.lab + "/proc") + ami, dir: dir)
        let ignored = try #require(report.findings.first { $0.id == "chan-sip-peers-ignored" })
        #expect(ignored.evidence.contains { $0.label == "chan_sip.so" && $0.value == "not loaded" })
        #expect(ignored.consequences.map(\.id) == ["endpoint-in-sip-and-pjsip"])
        // pjsip.conf and sip.conf have reloads of their own ('pjsip reload', 'sip reload') that leave CoreReloadTime
        // alone: what is known is said as information, not as drift (issue 14).
        let drift = try #require(Self.findings(report, "config-changed-reload-unknown").first)
        #expect(drift.message.contains("pjsip.conf") && drift.message.contains("sip.conf"))
        #expect(drift.message.contains("'pjsip reload'") && drift.message.contains("'sip reload'"))
        #expect(Self.findings(report, "config-changed-since-reload").isEmpty)
        #expect(server.actions.contains("ModuleCheck") && server.actions.contains("CoreStatus"))

        // Reloaded when the server started (after the copy): nothing changed since.
        let fresh = try AMIReplayServer()
        let again = try Binary.run(["check", "--json"] + Self.roots(dir, sysfs: Self.lab + "/sys", procfs: Self.lab + "/proc")
                                   + ["--ami-port", "\(fresh.port)", "--ami-credentials", credentials])
        let fresher = try JSONOutput.decode(Report.self, from: again.stdout)
        #expect(Self.findings(fresher, "config-changed-since-reload").isEmpty && Self.findings(fresher, "config-changed-reload-unknown").isEmpty)
    }

    @Test func composeWithoutDahdiPassedThrough() throws {
        let dir = try Self.copy("compose-dahdi-missing")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: dir + "/root/.dockerenv", contents: Data())
        let report = try Self.everyOutput(Self.roots(dir) + ["--no-ami"], dir: dir)
        let root = try #require(report.findings.first { $0.id == "container-dahdi-not-passed-through" && $0.subject == "this container" })
        #expect(root.consequences.contains { $0.id == "control-device-missing" })
        #expect(root.evidence.contains { $0.label == "container sign (docker)" } && root.evidence.contains { $0.label == "container sign (overlay-root)" })
        #expect(Self.findings(report, "container-dahdi-not-passed-through").contains { $0.subject == "Asterisk's container (pid 4242)" })
        #expect(report.status == .critical)
    }

    @Test func composeWithDahdiPassedThroughAndTheNodesModes() throws {
        let dir = try Self.copy("compose-dahdi-passed")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let nodes = ["ctl", "channel", "pseudo", "timer"].map { "\(dir)/dev/dahdi/\($0)" }
        // Root-owned 0600 (no udev rule): Asterisk's runuser (uid 999, gid 995) cannot open them.
        for node in nodes { try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: node) }
        let denied = try Self.everyOutput(Self.roots(dir) + ["--no-ami"], dir: dir)
        let finding = try #require(Self.findings(denied, "dahdi-device-access-denied").first)
        #expect(finding.message.hasPrefix("Asterisk's runuser asterisk (uid 999) cannot open \(dir)/dev/dahdi/channel"))
        #expect(Self.findings(denied, "container-dahdi-not-passed-through").isEmpty, "the nodes are there")

        // The nodes given to group 995 (asterisk) 0660, as the udev rule does: quiet.
        guard getuid() == 0 else { return }
        for node in nodes {
            try FileManager.default.setAttributes([.posixPermissions: 0o660, .groupOwnerAccountID: 995], ofItemAtPath: node)
        }
        let fine = try Binary.run(["check", "--json"] + Self.roots(dir) + ["--no-ami"])
        #expect(Self.findings(try JSONOutput.decode(Report.self, from: fine.stdout), "dahdi-device-access-denied").isEmpty)
    }
}
