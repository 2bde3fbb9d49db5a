import Foundation
import Testing
@testable import DoctorCore

/// Issue 14: what real Asterisk boxes showed. The kernel side is the lab's healthy box (a real observation of
/// Debian's DAHDI driver, two wired spans, channels 1-48), the configuration is the lab's chan_dahdi.conf, and
/// Asterisk's answers are the real bytes of Asterisk 22.10.1 (Fixtures/ami/chan_dahdi, ../shared/asterisk).
@Suite struct AsteriskTruthTests {
    static let scenarios = Fixtures.directory + "/../../../Tools/dahdi-lab/scenarios"

    /// The lab's chan_dahdi.conf (with dahdi-channels.conf) through the real parser, plus `extra` appended.
    static func chanDahdi(extra: String = "") throws -> ChanDahdiConfig {
        let directory = scenarios + "/healthy/etc/asterisk"
        let main = try String(contentsOfFile: directory + "/chan_dahdi.conf", encoding: .utf8) + extra
        let channels = try String(contentsOfFile: directory + "/dahdi-channels.conf", encoding: .utf8)
        return ChanDahdiConfParser.load("chan_dahdi.conf", source: TestConfigSources.memory(["chan_dahdi.conf": main, "dahdi-channels.conf": channels]))
    }

    /// The healthy lab box; `held` marks every channel in use (a running chan_dahdi holds them).
    static func box(held: Bool, chanDahdi: ChanDahdiConfig? = nil, asterisk: AsteriskObservation? = nil) throws -> Observation {
        var observation = try JSONOutput.decode(Observation.self, from: try Fixtures.read("observations/lab-healthy.json"))
        if held, var sysfs = observation.dahdi.sysfs {
            for index in sysfs.channels.indices { sysfs.channels[index].inUse = true }
            observation.dahdi.sysfs = sysfs
        }
        observation.config.chanDahdi = .present(path: "/etc/asterisk/chan_dahdi.conf", value: try chanDahdi ?? Self.chanDahdi())
        observation.asterisk = asterisk
        return observation
    }

    /// Asterisk's real "Invalid/unknown command" reply, as the client turns it into a failure.
    static func unknown(_ fixture: String, action: String) throws -> AMIFailure {
        let reply = try #require(try AMIFixtures.messages(fixture).first)
        return AMIErrorReplies.failure(for: reply, action: action)
    }

    /// A DAHDI-only Asterisk 22.10.1: res_pjsip not loaded, every PJSIPShow* an unknown command.
    static func dahdiOnly(chanDahdiLoaded: Bool, moduleCheck: Bool = true, version: String = "22.10.1") throws -> AsteriskObservation {
        var asterisk = AsteriskObservation(target: "127.0.0.1:5038", asteriskVersion: version, amiVersion: "11.0.0")
        let pjsip = try unknown("ami-unknown-action", action: "PJSIPShowEndpoints")
        func failure(_ action: String) -> AMIFailure {
            AMIFailure(kind: pjsip.kind, action: action, message: pjsip.message.replacingOccurrences(of: "NoSuchAction", with: action))
        }
        asterisk.endpoints = .failed(failure("PJSIPShowEndpoints"))
        asterisk.contacts = .failed(failure("PJSIPShowContacts"))
        asterisk.aors = .failed(failure("PJSIPShowAors"))
        asterisk.outboundRegistrations = .failed(failure("PJSIPShowRegistrationsOutbound"))
        if chanDahdiLoaded {
            asterisk.dahdiChannels = .ok([])
            asterisk.dahdiSpans = .ok([])
        } else {
            asterisk.dahdiChannels = .failed(try unknown("chan_dahdi/ami-DAHDIShowChannels.chan-dahdi-declined", action: "DAHDIShowChannels"))
            asterisk.dahdiSpans = .failed(try unknown("chan_dahdi/ami-DAHDIShowStatus.chan-dahdi-declined", action: "DAHDIShowStatus"))
        }
        if moduleCheck {
            asterisk.moduleChecks = [AsteriskModuleCheck(module: "chan_sip.so", loaded: .ok(false)),
                                     AsteriskModuleCheck(module: "res_pjsip.so", loaded: .ok(false)),
                                     AsteriskModuleCheck(module: "chan_dahdi.so", loaded: .ok(chanDahdiLoaded))]
        }
        return asterisk
    }

    func all(_ report: Report) -> [Finding] { report.findings.flatMap(\.flattened) }

    /// A running chan_dahdi: DAHDIShowChannels lists every channel of chan_dahdi.conf the kernel has.
    static func running(_ observation: Observation) -> Observation {
        var observation = observation
        let kernel = Set(observation.dahdi.sysfs?.channels.map(\.channel) ?? [])
        let listed = observation.config.chanDahdi?.value?.channels.map(\.channel).filter(kernel.contains) ?? []
        observation.asterisk?.dahdiChannels = .ok(listed.map { AsteriskDahdiChannel(channel: $0, alarm: "No Alarm") })
        return observation
    }

    // MARK: 1. DAHDI-only Asterisk

    @Test func aDahdiOnlyAsteriskIsNoFinding() throws {
        for moduleCheck in [true, false] {
            let gatewayOnly = LabAsterisk.box(.registered, gateways: [])
            var observation = gatewayOnly
            observation.asterisk = try Self.dahdiOnly(chanDahdiLoaded: true, moduleCheck: moduleCheck)
            let report = Diagnosis.run(observation, generator: "t")
            #expect(all(report).filter { $0.id.hasPrefix("asterisk-action") || $0.id.hasPrefix("pjsip") }.isEmpty,
                    "ModuleCheck \(moduleCheck): \(all(report).map(\.message))")
            #expect(!ReportText(colour: false).render(report).contains("upgrade"))
        }
    }

    @Test func pjsipNotLoadedMattersOnlyWhenConfigured() throws {
        var observation = LabAsterisk.box(.registered, gateways: [])
        observation.asterisk = try Self.dahdiOnly(chanDahdiLoaded: true)
        observation.config.pjsip = .present(path: "/etc/asterisk/pjsip.conf",
                                            value: PjsipSummary(PjsipConfParser.load("pjsip.conf", source: TestConfigSources.memory([
                                                "pjsip.conf": "[phone1]\ntype=endpoint\naors=phone1\n[phone1]\ntype=aor\nmax_contacts=1\n"]))))
        let warned = try #require(all(Diagnosis.run(observation, generator: "t")).first { $0.id == "pjsip-not-loaded" })
        #expect(warned.severity == .warning)
        #expect(warned.message == "res_pjsip is not loaded in Asterisk 22.10.1, but pjsip.conf defines 1 endpoint(s)")
        #expect(warned.evidence.contains { $0.value == "ModuleCheck res_pjsip.so: Module not loaded" })

        observation.config.gatewayEndpoints = ["gateway-fxo-1"]
        let critical = try #require(all(Diagnosis.run(observation, generator: "t")).first { $0.id == "pjsip-not-loaded" })
        #expect(critical.severity == .critical)
        #expect(all(Diagnosis.run(observation, generator: "t")).filter { $0.id == "asterisk-action-unsupported" }.isEmpty)
    }

    @Test func anOldAsteriskIsStillAnOldAsterisk() throws {
        var observation = LabAsterisk.box(.registered, gateways: [])
        observation.asterisk = try Self.dahdiOnly(chanDahdiLoaded: true, moduleCheck: false, version: "11.25.3")
        let unsupported = all(Diagnosis.run(observation, generator: "t")).filter { $0.id == "asterisk-action-unsupported" }
        #expect(unsupported.count == 4)
        #expect(unsupported.allSatisfy { $0.message.hasPrefix("Asterisk 11.25.3 is older than PJSIPShow") })
        #expect(!all(Diagnosis.run(observation, generator: "t")).contains { $0.id == "pjsip-not-loaded" })
    }

    // MARK: 2. chan_dahdi declining to load

    @Test func chanDahdiDecliningFoldsUnderTheMissingChannels() throws {
        let extra = "\nsignalling=fxs_ks\ncontext=from-pstn\nchannel => 49-52\n"
        let observation = try Self.box(held: false, chanDahdi: try Self.chanDahdi(extra: extra), asterisk: try Self.dahdiOnly(chanDahdiLoaded: false))
        let report = Diagnosis.run(observation, generator: "t")
        #expect(report.status == .critical)
        #expect(report.findings.map(\.id) == ["chan-dahdi-channel-missing"])
        let root = try #require(report.findings.first)
        #expect(root.subject == "channels 49-52")
        #expect(root.message.hasSuffix("chan_dahdi refuses to load with this file (ignore_failed_channels = no, chan_dahdi's default)"))
        #expect(Set(root.flattened.map(\.id)) == ["chan-dahdi-channel-missing", "chan-dahdi-not-loaded", "dahdi-channels-not-held"])
        let notLoaded = try #require(root.flattened.first { $0.id == "chan-dahdi-not-loaded" })
        #expect(notLoaded.remediation.contains("ignore_failed_channels = yes") && notLoaded.remediation.contains("'module load chan_dahdi.so'"))
        #expect(notLoaded.remediation.contains("chan_dahdi.conf:"))
        #expect(notLoaded.evidence.contains { $0.label == "chan_dahdi.so" && $0.value == "Module not loaded" })
        #expect(!AsteriskDahdiChecks.chanDahdiNotLoaded.explanation.contains("show NOTOPEN"))
        // With ignore_failed_channels = yes chan_dahdi loads: the missing channels stay, and nothing claims it declines.
        let ignoring = try Self.box(held: true, chanDahdi: try Self.chanDahdi(extra: "\nignore_failed_channels = yes" + extra),
                                    asterisk: try Self.dahdiOnly(chanDahdiLoaded: true))
        let tolerant = all(Diagnosis.run(Self.running(ignoring), generator: "t"))
        #expect(tolerant.map(\.id) == ["chan-dahdi-channel-missing"])
        #expect(tolerant.first.map { !$0.message.contains("refuses to load") } == true)
    }

    // MARK: 3. Asterisk stopped

    @Test func asteriskStoppedLeavesTheChannelsUnheld() throws {
        let report = Diagnosis.run(try Self.box(held: false), generator: "t")
        #expect(report.status == .critical)
        #expect(report.findings.map(\.id) == ["dahdi-channels-not-held"])
        let finding = try #require(report.findings.first)
        #expect(finding.message == "none of the 44 DAHDI channel(s) chan_dahdi.conf lists is open (1-22,25-46): Asterisk is not running, or chan_dahdi does not hold them")
        #expect(finding.evidence.first?.value == "0 of 44 (1-22,25-46)")

        // AMI refused as well: the same cause, folded.
        var refused = try Self.box(held: false)
        refused.asterisk = AsteriskObservation(target: "127.0.0.1:5038", sessionFailure: AMIFailure(kind: .connect, message: "Connection refused"))
        let both = Diagnosis.run(refused, generator: "t")
        #expect(both.findings.map(\.id) == ["dahdi-channels-not-held"])
        #expect(both.findings.first?.consequences.map(\.id) == ["ami-unreachable"])

        // Asterisk running (chan_dahdi holds every channel): OK, no finding.
        let running = Diagnosis.run(Self.running(try Self.box(held: true, asterisk: try Self.dahdiOnly(chanDahdiLoaded: true))), generator: "t")
        #expect(running.findings.isEmpty, "\(running.findings.map(\.message))")
        #expect(running.status == .ok)
    }

    @Test func aNotOpenSpanFoldsUnderTheUnheldChannels() throws {
        // A T1/E1 driver asked for NOTOPEN (span=...,yellow) raises it while no channel is open.
        var observation = try Self.box(held: false)
        observation.dahdi.spans[0].alarms = .notOpen
        let report = Diagnosis.run(observation, generator: "t")
        #expect(report.findings.map(\.id) == ["dahdi-channels-not-held"])
        #expect(report.findings.first?.consequences.map(\.id) == ["span-not-open"])
    }

    @Test func oneHeldChannelMeansChanDahdiRuns() throws {
        var observation = try Self.box(held: false)
        observation.dahdi.sysfs?.channels[0].inUse = true
        #expect(Diagnosis.run(observation, generator: "t").findings.isEmpty)
    }

    // MARK: 4. Files unreadable

    @Test func aRefusedReadIsUnknownWithTheGroupToJoin() throws {
        var observation = try Self.box(held: true)
        let denied = SystemError(code: 13, name: "EACCES", message: "Permission denied")
        observation.configAccess = [
            ConfigReadDenial(path: "/etc/asterisk/manager.conf", blockedAt: "/etc/asterisk", blockedIsDirectory: true,
                             owner: "asterisk", group: "asterisk", mode: "0750", error: denied, reader: "root (uid 0)"),
            ConfigReadDenial(path: "/etc/asterisk/chan_dahdi.conf", blockedAt: "/etc/asterisk", blockedIsDirectory: true,
                             owner: "asterisk", group: "asterisk", mode: "0750", error: denied, reader: "root (uid 0)"),
        ]
        let report = Diagnosis.run(observation, generator: "t")
        #expect(report.status == .unknown)
        let finding = try #require(report.findings.first { $0.id == "config-unreadable" })
        #expect(finding.subject == "directory /etc/asterisk")
        #expect(finding.message == "cannot read manager.conf, chan_dahdi.conf (directory /etc/asterisk is asterisk:asterisk 0750): the AMI/HTTP exposure audit, the chan_dahdi reconciliation and dahdi-channels-not-held did not run")
        #expect(finding.remediation.contains("SupplementaryGroups=asterisk") && finding.remediation.contains("usermod -aG asterisk"))
        #expect(!finding.remediation.contains("chmod"))
        #expect(ReportText(colour: false).render(report).hasPrefix("dahdi-doctor check: UNKNOWN"))

        // A file the group may not read: the fix says chmod g+r.
        observation.configAccess = [ConfigReadDenial(path: "/etc/asterisk/manager.conf", blockedAt: "/etc/asterisk/manager.conf",
                                                     blockedIsDirectory: false, owner: "asterisk", group: "asterisk", mode: "0600", error: denied)]
        let own = try #require(Diagnosis.run(observation, generator: "t").findings.first { $0.id == "config-unreadable" })
        #expect(own.remediation.contains("chmod g+r /etc/asterisk/manager.conf"))
    }

    // MARK: 5. Drift and reloads that do not move CoreReloadTime

    @Test func aModuleOwnReloadIsNotClaimedAsDrift() throws {
        var observation = Self.running(try Self.box(held: true, asterisk: try Self.dahdiOnly(chanDahdiLoaded: true)))
        // Real bytes: CoreStatus after boot (reload time = start time, 17:05:38 on 2026-12-02).
        let reply = try #require(try AMIFixtures.messages("chan_dahdi/ami-CoreStatus.held-asterisk").first)
        let status = AsteriskCoreStatus.decode(reply)
        observation.asterisk?.coreStatus = .ok(status)
        let reload = try #require(status.reloadEpoch(utcOffsetSeconds: 0))
        observation.observedAt = reload + 600
        var setup = AsteriskSetupObservation(utcOffsetSeconds: 0)
        setup.fileTimes = [ConfigFileTime(path: "/etc/asterisk/manager.conf", modified: reload + 300)]
        observation.asteriskSetup = setup
        let afterManagerReload = all(Diagnosis.run(observation, generator: "t"))
        #expect(!afterManagerReload.contains { $0.id == "config-changed-since-reload" })
        let info = try #require(afterManagerReload.first { $0.id == "config-changed-reload-unknown" })
        #expect(info.severity == .info)
        #expect(info.message.contains("'manager reload'"))
        #expect(info.message.hasPrefix("manager.conf changed at \(DriftChecks.utcText(reload + 300)), after the last reload on Asterisk's clock (\(DriftChecks.utcText(reload)))"), "\(info.message)")

        // http.conf has no reload of its own: still a warning.
        setup.fileTimes.append(ConfigFileTime(path: "/etc/asterisk/http.conf", modified: reload + 300))
        observation.asteriskSetup = setup
        let drift = all(Diagnosis.run(observation, generator: "t"))
        #expect(drift.first { $0.id == "config-changed-since-reload" }?.message == "1 Asterisk file(s) changed after the last reload: http.conf")
    }

    @Test func spanNotOpenSaysWhichSpansCanRaiseIt() {
        let text = SpanStateChecks.notOpen.explanation
        #expect(text.contains("Analog and dynamic spans never raise it"))
        #expect(!text.contains("Asterisk is not running or chan_dahdi is not loaded"))
    }
}
