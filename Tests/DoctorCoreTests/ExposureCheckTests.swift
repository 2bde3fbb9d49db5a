import Testing
@testable import DoctorCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The box trees under Fixtures/boxes, read through the Asterisk syntax layer from disk.
enum Boxes {
    static let directory = Fixtures.directory + "/boxes"

    /// Paths read as /etc/asterisk/..., so goldens do not depend on where the repository is checked out.
    static func onDisk(_ box: String, _ path: String) -> String { "\(directory)/\(box)" + path }

    static func source(_ box: String) -> AsteriskConfigSource {
        AsteriskConfigSource(configDirectory: "/etc/asterisk", read: { path in
            if let text = try? String(contentsOfFile: onDisk(box, path), encoding: .utf8) { return .success(text) }
            return .failure(SystemError(code: 2, name: "ENOENT", message: "No such file or directory"))
        })
    }

    /// Every secret written in the box trees, except those equal to their user name (the name is printed, as it must
    /// be). A failing search names the secret by index only.
    static let secrets = ["amp111", "Pbx2024x", "peekaboo", "Xq7-long-random-secret-99", "gw-sip-secret-123",
                          "trunk-sip-secret-789", "gw-pjsip-secret-456"]

    static func expectNoSecret(in text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for (index, secret) in secrets.enumerated() where text.contains(secret) {
            Issue.record("box secret #\(index) leaked into \(what)", sourceLocation: sourceLocation)
        }
    }

    /// A lab observation (real kernel readings) carrying a box's Asterisk files and an Asterisk 22 over AMI.
    static func observation(_ box: String, asterisk: AsteriskObservation? = nil, container: ContainerObservation? = nil,
                            fileTimes: [ConfigFileTime] = [], utcOffset: Int = 0) throws -> Observation {
        var observation = try JSONOutput.decode(Observation.self, from: try Fixtures.read("observations/lab-healthy.json"))
        let source = source(box)
        func part<Value>(_ name: String, _ parse: (String, AsteriskConfigSource) -> Value) -> ConfigPart<Value> {
            let path = source.path(for: name)
            guard FileManager.default.fileExists(atPath: onDisk(box, path)) else { return .absent(path: path, reason: "No such file or directory (ENOENT)") }
            return .present(path: path, value: parse(name, source))
        }
        observation.asteriskSetup = AsteriskSetupObservation(
            manager: part("manager.conf") { AsteriskSetupParsers.manager($0, source: $1) },
            http: part("http.conf") { AsteriskSetupParsers.http($0, source: $1) },
            ari: part("ari.conf") { AsteriskSetupParsers.ari($0, source: $1) },
            sip: part("sip.conf") { AsteriskSetupParsers.sip($0, source: $1) },
            asteriskConf: part("asterisk.conf") { AsteriskSetupParsers.asteriskConf($0, source: $1) },
            fileTimes: fileTimes, utcOffsetSeconds: utcOffset)
        let pjsip = part("pjsip.conf") { PjsipSummary(PjsipConfParser.load($0, source: $1)) }
        if pjsip.value != nil { observation.config.pjsip = pjsip }
        observation.asterisk = asterisk
        observation.container = container
        return observation
    }

    static func asterisk22(chanSip: Bool = false, reload: (String, String) = ("2026-11-21", "05:07:49")) -> AsteriskObservation {
        var asterisk = AsteriskObservation(target: "127.0.0.1:5038", asteriskVersion: "22.10.1", amiVersion: "11.0.0")
        asterisk.moduleChecks = [AsteriskModuleCheck(module: "chan_sip.so", loaded: .ok(chanSip))]
        asterisk.coreStatus = .ok(AsteriskCoreStatus(startupDate: reload.0, startupTime: reload.1, reloadDate: reload.0, reloadTime: reload.1))
        return asterisk
    }

    static func findings(_ report: Report, _ id: String) -> [Finding] {
        report.findings.flatMap(\.flattened).filter { $0.id == id }
    }
}

@Suite struct SecretAndAccessTests {
    @Test(arguments: [("", "admin", SecretStrength.empty), ("amp111", "admin", .wellKnownSample), ("AMP111", "x", .wellKnownSample),
                      ("monitor", "monitor", .equalsUser), ("Pbx2024x", "remote", .short),
                      ("Xq7-long-random-secret-99", "dahdi-doctor", .ok), ("  ", "a", .empty)])
    func classifies(_ secret: String, _ user: String, _ expected: SecretStrength) {
        #expect(SecretStrength.classify(secret, user: user) == expected)
    }

    @Test func theSampleListIsDataAndCaseBlind() {
        #expect(WellKnownSecrets.list.contains("amp111") && WellKnownSecrets.contains("Amp111"))
        #expect(!WellKnownSecrets.contains("Xq7-long-random-secret-99"))
    }

    @Test func permitDenyInOrderLastMatchWins() {
        func list(_ rules: [(Bool, String)]) -> AccessList {
            AccessList(rules: rules.map { AccessList.Rule(permit: $0.0, network: $0.1, file: "f", line: 1) })
        }
        #expect(list([]).admitsEveryone == true)
        #expect(list([(false, "0.0.0.0/0.0.0.0"), (true, "127.0.0.1/255.255.255.255")]).admitsEveryone == false)
        #expect(list([(false, "0.0.0.0/0.0.0.0"), (true, "127.0.0.1/255.255.255.255")]).admits("127.0.0.1") == true)
        #expect(list([(false, "0.0.0.0/0.0.0.0"), (true, "0.0.0.0/0.0.0.0")]).admitsEveryone == true)
        #expect(list([(false, "0.0.0.0/0"), (true, "10.0.0.0/8")]).admits("10.1.2.3") == true)
        #expect(list([(false, "0.0.0.0/0"), (true, "10.0.0.0/8")]).admitsEveryone == false)
        #expect(list([(false, "!10.0.0.0/8")]).admitsEveryone == false, "! negates: deny everything outside 10/8")
        #expect(list([(false, "!10.0.0.0/8")]).admits("10.9.9.9") == true)
        #expect(list([(false, "garbage")]).admitsEveryone == nil)
        #expect(AccessList(namedAcls: ["office"]).admitsEveryone == nil)
    }

    @Test(arguments: [("0.0.0.0", BindScope.everyInterface), ("127.0.0.1", .loopback), ("::", .everyInterface), ("[::1]:8088", .loopback),
                      ("192.168.1.10", .address), ("localhost", .loopback), ("0.0.0.0:8088", .everyInterface)])
    func bindScopes(_ text: String, _ scope: BindScope) { #expect(BindScope.of(text) == scope) }

    @Test func reloadTimeReadWithAnOffset() {
        #expect(AsteriskCoreStatus.epoch(date: "1970-01-01", time: "00:00:00", utcOffsetSeconds: 0) == 0)
        #expect(AsteriskCoreStatus.epoch(date: "2026-11-21", time: "05:07:49", utcOffsetSeconds: 0) == 1_795_237_669)
        #expect(AsteriskCoreStatus.epoch(date: "2026-11-21", time: "06:07:49", utcOffsetSeconds: 3600) == 1_795_237_669)
        #expect(AsteriskCoreStatus.epoch(date: "2026-13-01", time: "00:00:00", utcOffsetSeconds: 0) == nil)
        #expect(DriftChecks.utcText(1_795_237_669) == "2026-11-21 05:07:49 UTC")
        #expect(DriftChecks.offsetText(-16200) == "-04:30")
    }
}

@Suite struct ExposureCheckTests {
    @Test func freepbxSampleSecretsBox() throws {
        let observation = try Boxes.observation("freepbx-sample-secrets")
        let manager = try #require(observation.asteriskSetup?.manager?.value)
        #expect(manager.users.map(\.name) == ["admin", "dahdi-doctor", "remote"], "manager_custom.conf is followed through #include")
        #expect(manager.users.map(\.secret) == [.wellKnownSample, .equalsUser, .short])
        try ConfigFixtures.assertGolden(observation.asteriskSetup, "boxes/freepbx-sample-secrets/setup.json")

        let report = Diagnosis.run(observation, generator: "test")
        #expect(Set(Boxes.findings(report, "ami-open-to-everyone").map(\.subject)) == ["AMI user dahdi-doctor", "AMI user remote"],
                "admin is limited to 127.0.0.0/24")
        let weak = Boxes.findings(report, "asterisk-secret-weak")
        #expect(Set(weak.map(\.message)) == ["AMI user admin has a well-known sample secret",
                                             "AMI user dahdi-doctor has a secret equal to the user name",
                                             "AMI user remote has a short secret (fewer than 12 characters)",
                                             "ARI user freepbxuser has a well-known sample secret"])
        #expect(weak.first { $0.subject == "AMI user remote" }?.severity == .critical, "reachable from anywhere")
        #expect(weak.first { $0.subject == "AMI user admin" }?.severity == .warning)
        #expect(Boxes.findings(report, "ami-user-excess-write").map(\.message) == ["the monitoring AMI user dahdi-doctor can also write originate,command"])
        #expect(Boxes.findings(report, "ami-http-without-tls").count == 1)
        #expect(Boxes.findings(report, "ari-plain-password-exposed").map(\.subject) == ["ARI user freepbxuser"])
        #expect(Boxes.findings(report, "ari-open-to-everyone").map(\.subject) == ["ARI user freepbxuser"])
    }

    @Test func theRecommendedSetupIsQuiet() throws {
        var observation = try Boxes.observation("compose-dahdi-passed")
        observation.asteriskSetup?.monitoringUser = "dahdi-doctor"
        let report = Diagnosis.run(observation, generator: "test")
        let ids = Set(report.findings.flatMap(\.flattened).map(\.id))
        #expect(ids.isDisjoint(with: ExposureChecks.definitions.map(\.id)))
    }

    @Test func aClassFreeMonitoringUserIsNamedByTheCredentials() throws {
        var observation = try Boxes.observation("freepbx-sample-secrets")
        observation.asteriskSetup?.monitoringUser = "remote"
        let report = Diagnosis.run(observation, generator: "test")
        #expect(Boxes.findings(report, "ami-user-excess-write").map(\.subject) == ["AMI user remote"])
    }
}

@Suite struct LegacyAndDriftCheckTests {
    @Test func chanSipLeftoverOnAsterisk22() throws {
        let observation = try Boxes.observation("chan-sip-leftover", asterisk: Boxes.asterisk22())
        let sip = try #require(observation.asteriskSetup?.sip?.value)
        #expect(sip.peers.map(\.name) == ["gxw4104", "provider"], "the template is no peer")
        #expect(sip.peers.map(\.type) == ["friend", "peer"])
        let report = Diagnosis.run(observation, generator: "test")
        let ignored = try #require(report.findings.first { $0.id == "chan-sip-peers-ignored" })
        #expect(ignored.message == "2 sip.conf peer(s) do nothing: chan_sip is not loaded (gxw4104, provider)")
        #expect(ignored.consequences.map(\.id) == ["endpoint-in-sip-and-pjsip"], "the duplicate is folded under the dead sip.conf")
        #expect(ignored.evidence.contains { $0.source.hasSuffix("sip.conf:14") && $0.value == "gxw4104 (host dynamic)" })
    }

    @Test func chanSipStillLoadedOnAnOldAsterisk() throws {
        var asterisk = Boxes.asterisk22(chanSip: true)
        asterisk.asteriskVersion = "18.20.0"
        let report = Diagnosis.run(try Boxes.observation("chan-sip-leftover", asterisk: asterisk), generator: "test")
        #expect(Boxes.findings(report, "chan-sip-peers-ignored").isEmpty)
        let duplicate = Boxes.findings(report, "endpoint-in-sip-and-pjsip")
        #expect(duplicate.map(\.subject) == ["endpoint gxw4104"])
        #expect(report.findings.contains { $0.id == "endpoint-in-sip-and-pjsip" }, "a root of its own when chan_sip runs")
    }

    @Test func withoutAMINothingIsClaimedAboutChanSip() throws {
        let report = Diagnosis.run(try Boxes.observation("chan-sip-leftover"), generator: "test")
        #expect(Boxes.findings(report, "chan-sip-peers-ignored").isEmpty)
    }

    @Test func filesChangedAfterTheReload() throws {
        let reload = 1_795_237_669.0   // 2026-11-21 05:07:49 UTC
        let times = [ConfigFileTime(path: "/etc/asterisk/http.conf", modified: reload + 3600),
                     ConfigFileTime(path: "/etc/asterisk/sip.conf", modified: reload - 10),
                     ConfigFileTime(path: "/etc/asterisk/manager.conf", modified: reload + 0.5)]
        var observation = try Boxes.observation("chan-sip-leftover", asterisk: Boxes.asterisk22(), fileTimes: times)
        observation.observedAt = reload + 7200
        let drift = Boxes.findings(Diagnosis.run(observation, generator: "test"), "config-changed-since-reload")
        #expect(drift.count == 1)
        #expect(drift.first?.message == "1 Asterisk file(s) changed after the last reload: http.conf")
        #expect(drift.first?.evidence.first?.value == "2026-11-21 05:07:49 read as UTC+00:00 = 2026-11-21 05:07:49 UTC")

        // The same wall-clock text read at UTC+02:00 is two hours earlier: the change is still after it.
        observation.asteriskSetup?.utcOffsetSeconds = 7200
        // http.conf has no reload of its own (a warning); sip.conf and manager.conf do ('sip reload', 'manager reload'),
        // which leave CoreReloadTime alone: said as information, not as drift.
        #expect(Boxes.findings(Diagnosis.run(observation, generator: "test"), "config-changed-since-reload").first?.evidence.count == 2)
        #expect(Boxes.findings(Diagnosis.run(observation, generator: "test"), "config-changed-reload-unknown").first?.evidence.count == 3,
                "at 03:07:49 UTC all three files are newer")

        // Read at UTC-05:00 the reload would lie in the future: the zones differ, nothing is claimed.
        observation.asteriskSetup?.utcOffsetSeconds = -5 * 3600
        #expect(Boxes.findings(Diagnosis.run(observation, generator: "test"), "config-changed-since-reload").isEmpty)
    }
}

@Suite struct ContainerCheckTests {
    static let markers = [ContainerObservation.Marker(kind: "docker", detail: "/.dockerenv exists", source: "/.dockerenv")]

    static func nodes(mode: UInt32, uid: UInt32 = 0, gid: UInt32 = 995) -> [ContainerObservation.DeviceNode] {
        ["ctl", "channel", "pseudo", "timer"].map {
            ContainerObservation.DeviceNode(path: "/dev/dahdi/\($0)", uid: uid, gid: gid, mode: mode, isCharacterDevice: true)
        }
    }

    @Test func devicesNotPassedThroughExplainControlDeviceMissing() throws {
        var observation = try Boxes.observation("compose-dahdi-missing",
                                                container: ContainerObservation(markers: Self.markers, hostModuleLoaded: true))
        observation.dahdi.control = .missing(path: "/dev/dahdi/ctl")
        let report = Diagnosis.run(observation, generator: "test")
        let root = try #require(report.findings.first { $0.id == "container-dahdi-not-passed-through" })
        #expect(root.subject == "this container")
        #expect(root.consequences.contains { $0.id == "control-device-missing" })
        #expect(root.evidence.contains { $0.label == "container sign (docker)" })
    }

    @Test func aDeviceCgroupRefusalIsTheSameFault() throws {
        var observation = try Boxes.observation("compose-dahdi-missing",
                                                container: ContainerObservation(markers: Self.markers, hostModuleLoaded: true))
        observation.dahdi.control = .permissionDenied(path: "/dev/dahdi/ctl", error: SystemError(code: 1, name: "EPERM", message: "Operation not permitted"))
        let root = try #require(Diagnosis.run(observation, generator: "test").findings.first)
        #expect(root.id == "container-dahdi-not-passed-through" && root.consequences.map(\.id) == ["control-device-denied"])
    }

    @Test func onAPlainHostNothingIsBlamedOnContainers() throws {
        var observation = try Boxes.observation("compose-dahdi-missing", container: ContainerObservation(hostModuleLoaded: true))
        observation.dahdi.control = .missing(path: "/dev/dahdi/ctl")
        let report = Diagnosis.run(observation, generator: "test")
        #expect(Boxes.findings(report, "container-dahdi-not-passed-through").isEmpty)
        #expect(report.findings.contains { $0.id == "control-device-missing" })
    }

    @Test func asteriskInItsOwnContainerWithoutTheNodes() throws {
        let process = ContainerObservation.AsteriskProcess(pid: 4242, uid: 999, gid: 995, groups: [20, 995],
                                                           markers: [.init(kind: "docker", detail: "12:devices:/docker/3f4e", source: "/proc/4242/cgroup")],
                                                           seesControlDevice: false)
        let observation = try Boxes.observation("compose-dahdi-missing",
                                                container: ContainerObservation(hostModuleLoaded: true, deviceNodes: Self.nodes(mode: 0o660),
                                                                                asteriskProcess: process))
        let found = Boxes.findings(Diagnosis.run(observation, generator: "test"), "container-dahdi-not-passed-through")
        #expect(found.map(\.subject) == ["Asterisk's container (pid 4242)"])
    }

    @Test(arguments: [(UInt32(0o660), UInt32(995), false), (0o600, 995, true), (0o660, 0, true), (0o666, 0, false)])
    func asteriskUserAgainstTheNodes(_ mode: UInt32, _ group: UInt32, _ denied: Bool) throws {
        let run = ContainerObservation.RunUser(user: "asterisk", uid: 999, gids: [995, 20], source: "asterisk.conf")
        let observation = try Boxes.observation("compose-dahdi-passed",
                                                container: ContainerObservation(markers: Self.markers, hostModuleLoaded: true,
                                                                                deviceNodes: Self.nodes(mode: mode, gid: group), runUser: run))
        let found = Boxes.findings(Diagnosis.run(observation, generator: "test"), "dahdi-device-access-denied")
        #expect(found.isEmpty != denied)
        if denied { #expect(found.first?.message.hasPrefix("Asterisk's runuser asterisk (uid 999) cannot open /dev/dahdi/ctl") == true) }
    }

    @Test func containerSignsFromProcFiles() {
        #expect(ContainerSigns.fromCgroup("12:devices:/docker/abc\n0::/\n", source: "c").first?.kind == "docker")
        #expect(ContainerSigns.fromCgroup("0::/\n", source: "c").isEmpty)
        #expect(ContainerSigns.fromCgroup("0::/kubepods.slice/kubepods-pod1.slice\n", source: "c").first?.kind == "kubernetes")
        #expect(ContainerSigns.fromEnviron("PATH=/bin\0container=podman\0", source: "e").first?.detail == "container=podman")
        #expect(ContainerSigns.fromMountinfo("27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n", source: "m").isEmpty)
        let status = "Name:\tasterisk\nUid:\t999\t999\t999\t999\nGid:\t995\t995\t995\t995\nGroups:\t20 995 \n"
        #expect(ContainerSigns.credentials(status: status)?.groups == [20, 995])
        let resolved = ContainerSigns.resolve(user: "asterisk", group: "asterisk", passwd: "asterisk:x:999:995::/:/bin/false\n",
                                              groupFile: "dialout:x:20:asterisk\nasterisk:x:995:\n")
        #expect(resolved.uid == 999 && resolved.gids == [995, 20])
    }
}

/// Every output format over every box: no secret written in the trees may appear.
@Suite struct ExposureLeakTests {
    @Test(arguments: ["compose-dahdi-passed", "compose-dahdi-missing", "freepbx-sample-secrets", "chan-sip-leftover"])
    func noOutputCarriesASecret(_ box: String) throws {
        let observation = try Boxes.observation(box, asterisk: Boxes.asterisk22(),
                                                container: ContainerObservation(markers: ContainerCheckTests.markers, hostModuleLoaded: true))
        let report = Diagnosis.run(observation, generator: "test")
        Boxes.expectNoSecret(in: try JSONOutput.encode(observation), "the observation of \(box)")
        Boxes.expectNoSecret(in: try JSONOutput.encode(report), "the JSON report of \(box)")
        Boxes.expectNoSecret(in: ReportText(colour: false).render(report), "the text report of \(box)")
        Boxes.expectNoSecret(in: NagiosOutput.render(report), "the Nagios line of \(box)")
        Boxes.expectNoSecret(in: PrometheusText.render(observation: observation, report: report, runDurationSeconds: 1), "the metrics of \(box)")
        Boxes.expectNoSecret(in: "\(observation)", "the observation's description")
        let explain = CheckCatalogue.definitions.map { "\($0.title) \($0.explanation) \($0.remediation)" }.joined()
        Boxes.expectNoSecret(in: explain, "the catalogue")
        // The saved observation loads again.
        let reloaded = try JSONOutput.decode(Observation.self, from: try JSONOutput.encode(observation))
        #expect(reloaded.asteriskSetup?.manager?.value?.users.count == observation.asteriskSetup?.manager?.value?.users.count)
    }

    @Test func issuesKeepTheKeyAndDropTheSecret() {
        let summary = AsteriskSetupParsers.manager(text: "secret = amp111\n[u]\nsecret = amp111\n", file: "/m.conf",
                                                   source: Boxes.source("freepbx-sample-secrets"))
        #expect(summary.issues.first?.text == "secret = <redacted>")
        Boxes.expectNoSecret(in: try! JSONOutput.encode(summary), "issues")
    }
}
