import Foundation
import Testing
@testable import DoctorCore

/// Issue 14 end to end: the real binary against the AMI replay server answering with the real bytes of a DAHDI-only
/// Asterisk 22.10.1 and of one whose chan_dahdi declined to load, and against a configuration tree it may not read.
@Suite(.serialized) struct AsteriskTruthCommandLineTests {
    func run(_ server: AMIReplayServer, etc: String) throws -> (Binary.Result, Report, Observation) {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "username = \(AMIReplayServer.labUser)\nsecret = \(AMIReplayServer.labSecret)\n".write(toFile: dir + "/ami.conf", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir + "/ami.conf")
        let result = try Binary.run(["check", "--json", "--etc-root", etc, "--config", dir + "/none.toml", "--ami-port", "\(server.port)",
                                     "--ami-credentials", dir + "/ami.conf", "--save-observation", dir + "/observation.json"])
        let report = try JSONOutput.decode(Report.self, from: result.stdout)
        let observation = try JSONOutput.decode(Observation.self, from: try String(contentsOfFile: dir + "/observation.json", encoding: .utf8))
        #expect(!result.stdout.contains(AMIReplayServer.labSecret))
        return (result, report, observation)
    }

    @Test func aDahdiOnlyAsteriskIsNotAnOldOne() throws {
        let server = try AMIReplayServer("dahdi-only")
        let etc = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: etc) }
        let (_, report, observation) = try run(server, etc: etc)
        #expect(observation.asterisk?.moduleLoaded("res_pjsip.so") == false && observation.asterisk?.moduleLoaded("chan_dahdi.so") == true)
        #expect(observation.asterisk?.endpoints?.failure?.kind == .unsupported)
        #expect(observation.asterisk?.dahdiChannels?.value?.count == 16)
        let ids = report.findings.flatMap(\.flattened).map(\.id)
        #expect(!ids.contains("asterisk-action-unsupported") && !ids.contains("pjsip-not-loaded"), "\(ids)")

        // The same Asterisk where pjsip.conf defines endpoints: PJSIP should be there.
        try FileManager.default.createDirectory(atPath: etc + "/asterisk", withIntermediateDirectories: true)
        try "[gw1]\ntype=endpoint\naors=gw1\n".write(toFile: etc + "/asterisk/pjsip.conf", atomically: true, encoding: .utf8)
        let (result, configured, _) = try run(server, etc: etc)
        let finding = try #require(configured.findings.flatMap(\.flattened).first { $0.id == "pjsip-not-loaded" })
        #expect(finding.severity == .warning && finding.evidence.contains { $0.value == "ModuleCheck res_pjsip.so: Module not loaded" })
        #expect(result.status == 1)
    }

    @Test func theDeclinedChanDahdiRepliesReadAsNotLoaded() throws {
        let server = try AMIReplayServer("chan-dahdi-declined")
        let etc = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: etc) }
        let (_, report, observation) = try run(server, etc: etc)
        #expect(observation.asterisk?.moduleLoaded("chan_dahdi.so") == false)
        #expect(observation.asterisk?.dahdiChannels?.failure?.message.hasPrefix("chan_dahdi is not loaded in Asterisk (Invalid/unknown command: DAHDIShowChannels.") == true)
        // No kernel here: chan_dahdi's absence cannot be weighed against configured channels; nothing claims an old Asterisk.
        #expect(!report.findings.flatMap(\.flattened).contains { $0.id == "asterisk-action-unsupported" })
    }

    /// A root process without capabilities (the shipped agent unit) on /etc/asterisk asterisk:asterisk 0750 with
    /// 0640 files: UNKNOWN naming the directory, never OK. Readable, the same tree gives the real findings.
    @Test func anUnreadableTreeIsUnknownNeverOK() throws {
        guard getuid() == 0 else { return }   // chown needs root; as another user the tree is ours to read
        let dir = try ExposureCommandLineTests.copy("freepbx-sample-secrets")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let asterisk = dir + "/etc/asterisk"
        for name in try FileManager.default.contentsOfDirectory(atPath: asterisk) {
            try FileManager.default.setAttributes([.posixPermissions: 0o640, .ownerAccountID: 65534, .groupOwnerAccountID: 65534],
                                                  ofItemAtPath: asterisk + "/" + name)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o750, .ownerAccountID: 65534, .groupOwnerAccountID: 65534], ofItemAtPath: asterisk)
        // No DAHDI in these roots: the Asterisk files are all there is to look at.
        let arguments = ["check", "--json", "--no-ami"] + ExposureCommandLineTests.roots(dir)
        let noCapabilities = ["/usr/bin/setpriv", "--bounding-set=-all", "--inh-caps=-all"]
        let denied = try Binary.run(arguments, prefix: noCapabilities)
        #expect(denied.status == 3, "\(denied.stderr)")
        let report = try JSONOutput.decode(Report.self, from: denied.stdout)
        #expect(report.status == .unknown)
        let finding = try #require(report.findings.first { $0.id == "config-unreadable" })
        #expect(finding.subject == "directory \(asterisk)")
        let owner = try #require(finding.evidence.first { $0.label == "owner:group mode" })
        #expect(owner.value.hasSuffix(" 0750") && owner.value != "?:? 0750", "\(owner.value)")
        #expect(finding.message.contains("manager.conf") && finding.message.contains("exposure audit"))
        #expect(finding.remediation.contains("SupplementaryGroups="))
        #expect(!report.findings.flatMap(\.flattened).contains { $0.id == "asterisk-secret-weak" })
        ExposureCommandLineTests.expectNoSecret(denied.stdout, "the refused run")

        let readable = try Binary.run(arguments)
        let real = try JSONOutput.decode(Report.self, from: readable.stdout)
        #expect(!real.findings.contains { $0.id == "config-unreadable" })
        #expect(real.findings.flatMap(\.flattened).filter { $0.id == "asterisk-secret-weak" }.count == 4)
    }
}
