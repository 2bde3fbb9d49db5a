import Testing
@testable import DoctorCore

/// An analog box: span 1 with four ports. Channels 1-2 are FXS ports (phones; FXO signalling capabilities),
/// 3 is an FXO port (a PSTN line; FXS signalling), 4 is an empty slot.
enum AnalogBox {
    static let fxsPort: UInt32 = Signalling.fxols.rawValue | Signalling.fxoks.rawValue | Signalling.fxogs.rawValue | Signalling.sf.rawValue | Signalling.em.rawValue | Signalling.clear.rawValue
    static let fxoPort: UInt32 = Signalling.fxsls.rawValue | Signalling.fxsks.rawValue | Signalling.sf.rawValue | Signalling.clear.rawValue

    static func span(configured: Int32 = 3) -> SpanStatus {
        SpanStatus(number: 1, name: "WCTDM/0", description: "Wildcard TDM410P", alarms: [], configuredChannels: configured,
                   totalChannels: 4, totalSpans: 1, manufacturer: "Digium", deviceType: "Wildcard TDM410P", spanType: "ANALO")
    }

    static func channels(kernel: [Signalling] = [.fxoks, .fxoks, .fxsks, .none]) -> [ChannelParams] {
        let caps = [fxsPort, fxsPort, fxoPort, 0]
        return (1...4).map { n in
            ChannelParams(channel: n, span: 1, position: n, signalling: kernel[n - 1], capabilities: caps[n - 1], name: "WCTDM/0/\(n - 1)")
        }
    }

    static func observe(systemConf: String?, kernel: [Signalling] = [.fxoks, .fxoks, .fxsks, .none], configured: Int32 = 3,
                        channels: [ChannelParams]? = nil, sysfs: SysfsSnapshot? = nil, fxotune: ConfigPart<FileFacts>? = nil,
                        assigned: String? = nil, echoCancellers: [String] = ["MG2"]) -> Observation {
        let readings = DahdiReadings(
            control: .opened(path: "/dev/dahdi/ctl"), version: DriverVersion(version: "2.11.1", echoCancellers: echoCancellers),
            spans: [span(configured: configured)], channels: channels ?? self.channels(kernel: kernel),
            sysfs: sysfs ?? SysfsSnapshot(moduleLoaded: true, autoAssignSpans: true,
                                          devices: [SysfsDevice(name: "pci:0000:00:0a.0", spanCount: 1, hardwareId: "",
                                                                location: "PCI Bus 00 Slot 11", assignedSpans: [1])],
                                          spans: [SysfsSpan(number: 1, device: "pci:0000:00:0a.0", spanType: "ANALOG_MIXED", localSpan: 1,
                                                            baseChannel: 1, channels: 4)]),
            procAvailable: true)
        var config = ConfigObservation()
        config.systemConf = systemConf.map { .present(path: "/etc/dahdi/system.conf", value: SystemConfParser.parse($0, file: "/etc/dahdi/system.conf")) }
            ?? .absent(path: "/etc/dahdi/system.conf", reason: "No such file or directory (ENOENT)")
        config.fxotune = fxotune ?? .present(path: "/etc/fxotune.conf", value: FileFacts(size: 120))
        config.assignedSpans = assigned.map { .present(path: "/etc/dahdi/assigned-spans.conf", value: AssignedSpansParser.parse($0, file: "/etc/dahdi/assigned-spans.conf")) }
        return Observation(generator: "test", observedAt: 0, dahdi: readings, config: config)
    }
}

@Suite struct ConfigCheckTests {
    let good = "fxoks=1-2\nfxsks=3\n"

    @Test func matchingConfigurationHasNoFindings() {
        #expect(Diagnosis.run(AnalogBox.observe(systemConf: good), generator: "t").findings.isEmpty)
    }

    @Test func channelsTheKernelLacksAreOneFindingPerRun() throws {
        let report = Diagnosis.run(AnalogBox.observe(systemConf: good + "fxoks=49-60\nfxsks=62\n"), generator: "t")
        #expect(ids(report) == ["channel-missing-in-kernel", "channel-missing-in-kernel"])
        let first = try #require(report.findings.first)
        #expect(first.subject == "channels 49-60")
        #expect(first.message == "system.conf configures channels 49-60 but the kernel has no such channel (the kernel has channels 1-4)")
        #expect(first.evidence[0].source == "/etc/dahdi/system.conf:3")
    }

    @Test func missingChannelsFoldUnderUnassignedSpans() {
        var sysfs = AnalogBox.observe(systemConf: good).dahdi.sysfs!
        sysfs.devices.append(SysfsDevice(name: "pci:0000:03:04.0", spanCount: 1, hardwareId: "", location: "PCI Bus 03 Slot 04",
                                         spanTypes: [LocalSpanType(localSpan: 1, type: "E1")]))
        let report = Diagnosis.run(AnalogBox.observe(systemConf: good + "bchan=5-19\n", sysfs: sysfs), generator: "t")
        #expect(ids(report) == ["spans-not-assigned"])
        #expect(report.findings[0].consequences.map(\.id) == ["channel-missing-in-kernel"])
    }

    @Test func driftIsTheKernelRunningSomethingElse() throws {
        // The file on disk says fxoks on 3, the kernel still runs the fxsks it was given.
        let report = Diagnosis.run(AnalogBox.observe(systemConf: "fxoks=1-2\nfxoks=3\n", kernel: [.fxoks, .fxoks, .fxsks, .none]),
                                   generator: "t")
        // fxoks on an FXO port is also inverted: the stronger finding wins, the drift is not repeated.
        #expect(ids(report) == ["signalling-inverted"])
        let drift = Diagnosis.run(AnalogBox.observe(systemConf: "fxoks=1\nfxols=2\nfxsks=3\n"), generator: "t")
        #expect(ids(drift) == ["channel-config-drift"])
        #expect(drift.findings[0].message == "channel 2 (WCTDM/0/1) runs FXOKS but system.conf says fxols (FXOLS)")
    }

    @Test func invertedSignallingNamesTheFix() throws {
        let report = Diagnosis.run(AnalogBox.observe(systemConf: "fxsks=1\nfxoks=2\nfxsks=3\n", kernel: [.none, .fxoks, .fxsks, .none],
                                                     configured: 2), generator: "t")
        let finding = try #require(report.findings.first)
        #expect(finding.id == "signalling-inverted" && finding.severity == .critical)
        #expect(finding.message == "channel 1 (WCTDM/0/0) is an FXS port but system.conf gives it fxsks: use fxoks")
    }

    @Test func unsupportedAndEmptySlot() {
        let report = Diagnosis.run(AnalogBox.observe(systemConf: "fxoks=1-2\ne&me1=3\nfxoks=4\n"), generator: "t")
        #expect(Set(ids(report)) == ["signalling-unsupported", "port-empty-slot"])
    }

    @Test func echoCancellerDeclaredButNotLoaded() throws {
        let report = Diagnosis.run(AnalogBox.observe(systemConf: good + "echocanceller=oslec,1-3\n"), generator: "t")
        let finding = try #require(report.findings.first)
        #expect(finding.id == "echo-canceller-not-attached")
        #expect(finding.message.contains("channels 1-3") && finding.message.contains("dahdi_echocan_oslec not loaded"))
    }

    @Test func fxotuneOnlyMattersWithFXOPorts() {
        let absent = ConfigPart<FileFacts>.absent(path: "/etc/fxotune.conf", reason: "ENOENT")
        let report = Diagnosis.run(AnalogBox.observe(systemConf: good, fxotune: absent), generator: "t")
        #expect(ids(report) == ["fxotune-never-run"])
        #expect(report.findings[0].message == "1 FXO port(s) (channels 3) but /etc/fxotune.conf does not exist")
        let noFXO = Diagnosis.run(AnalogBox.observe(systemConf: "fxoks=1-2\n", kernel: [.fxoks, .fxoks, .none, .none], configured: 2, fxotune: absent),
                                  generator: "t")
        #expect(!ids(noFXO).contains("fxotune-never-run"))
    }

    @Test func aSyntaxErrorExplainsUnconfiguredSpans() throws {
        // dahdi_cfg applies nothing when system.conf has an error, so the span stays unconfigured.
        let report = Diagnosis.run(AnalogBox.observe(systemConf: "fxoks=1-2\nfxsks=3\nfrobnicate=1\n", kernel: [.none, .none, .none, .none],
                                                     configured: 0), generator: "t")
        let root = try #require(report.findings.first { $0.id == "config-parse-error" })
        #expect(root.message == "/etc/dahdi/system.conf:3: Unknown keyword 'frobnicate'")
        #expect(root.consequences.map(\.id) == ["span-unconfigured"])
        // channels 1-2 share a line (one finding), channel 3 has its own
        #expect(root.consequences[0].consequences.map(\.subject) == ["channels 1-2", "channel 3 (WCTDM/0/2)"])
    }

    @Test func staleAssignedSpansLines() {
        let conf = "@PCI_Bus_00_Slot_11 1:1:1\n1TE420F-999999 1:2:5\n/sys/devices/pci0000:00/x 1:3:40\n"
        let report = Diagnosis.run(AnalogBox.observe(systemConf: good, assigned: conf), generator: "t")
        #expect(ids(report) == ["assigned-spans-stale"])
        #expect(report.findings[0].subject == "/etc/dahdi/assigned-spans.conf:2")
    }

    @Test func gatewayOnlyBoxIsNotAFault() {
        var observed = AnalogBox.observe(systemConf: nil)
        observed.dahdi = DahdiReadings(control: .missing(path: "/dev/dahdi/ctl"), sysfs: SysfsSnapshot(moduleLoaded: false))
        let report = Diagnosis.run(observed, generator: "t")
        #expect(ids(report) == ["dahdi-not-in-use"] && report.status == .ok)
        observed.config.systemConf = .present(path: "/etc/dahdi/system.conf", value: SystemConfParser.parse("fxoks=1\n", file: "s"))
        #expect(ids(Diagnosis.run(observed, generator: "t")) == ["driver-not-loaded"])
    }
}

@Suite struct DeviceKeyMatchingTests {
    func key(_ text: String) -> DahdiDeviceKey {
        AssignedSpansParser.parse("\(text) 1:1:1\n", file: "f").assignments[0].device
    }

    @Test func matchesLikeTheDahdiScripts() {
        #expect(key("@PCI_Bus_03_Slot_04").matches(hardwareId: "", location: "PCI Bus 03 Slot 04"))
        #expect(key("@PCI_Bus_0?_Slot_*").matches(hardwareId: nil, location: "PCI Bus 03 Slot 04"))
        #expect(key("1TE420F-012345").matches(hardwareId: "1TE420F-012345", location: "x"))
        #expect(!key("1TE420F-012345").matches(hardwareId: "1TE420F-999", location: "x"))
        #expect(key("usb:X1037749").matches(hardwareId: "usb:X1037749", location: nil))
        #expect(key("DYN/loc/1:[0-1]").matches(hardwareId: "DYN/loc/1:0", location: nil))
        #expect(!key("DYN/loc/1:[!0]").matches(hardwareId: "DYN/loc/1:0", location: nil))
        #expect(!key("anything").matches(hardwareId: nil, location: nil))
    }

    @Test func hostilePatternsStayFast() {
        let pattern = String(repeating: "*a", count: 200) + "b"
        #expect(!ShellPattern.matches(Array(pattern.utf8)[...], Array(String(repeating: "a", count: 5000).utf8)[...]))
        #expect(!ShellPattern.matches(Array("[abc".utf8)[...], Array("a".utf8)[...]))
        #expect(ShellPattern.matches(Array("[abc".utf8)[...], Array("[abc".utf8)[...]))
    }
}

@Suite struct ChanDahdiCheckTests {
    static let noIncludes = AsteriskConfigSource(configDirectory: "/etc/asterisk", read: { _ in
        .failure(SystemError(code: 2, name: "ENOENT", message: "No such file or directory"))
    })

    func observe(chanDahdi: String, systemConf: String = "fxoks=1-2\nfxsks=3\n", kernel: [Signalling] = [.fxoks, .fxoks, .fxsks, .none],
                 control: ControlDeviceAccess? = nil) -> Observation {
        var observed = AnalogBox.observe(systemConf: systemConf, kernel: kernel)
        observed.config.chanDahdi = .present(path: "/etc/asterisk/chan_dahdi.conf",
                                             value: ChanDahdiConfParser.parse(chanDahdi, file: "/etc/asterisk/chan_dahdi.conf", source: Self.noIncludes))
        if let control { observed.dahdi.control = control }
        return observed
    }

    @Test func agreeingConfigurationIsQuiet() {
        let conf = "[channels]\nsignalling=fxo_ks\nchannel => 1-2\nsignalling=fxs_ks\nchannel => 3\n"
        #expect(Diagnosis.run(observe(chanDahdi: conf), generator: "t").findings.isEmpty)
    }

    @Test func mismatchAgainstWhatTheKernelRuns() throws {
        let conf = "[channels]\nsignalling=fxs_ks\nchannel => 1-2\nchannel => 3\n"
        let report = Diagnosis.run(observe(chanDahdi: conf), generator: "t")
        let finding = try #require(report.findings.first)
        #expect(ids(report) == ["chan-dahdi-signalling-mismatch"])
        #expect(finding.subject == "channels 1-2")
        #expect(finding.message == "channels 1-2: chan_dahdi.conf asks for fxs_ks (FXSKS) but the lines are FXOKS")
        #expect(finding.evidence[0].source == "/etc/asterisk/chan_dahdi.conf:2")
    }

    @Test func autoSignallingIsNeverAMismatch() {
        let conf = "[channels]\nsignalling=auto\nchannel => 1-3\n"
        #expect(Diagnosis.run(observe(chanDahdi: conf), generator: "t").findings.isEmpty)
    }

    @Test func withoutTheKernelItComparesWithSystemConf() {
        let conf = "[channels]\nsignalling=fxs_ks\nchannel => 1\n"
        let report = Diagnosis.run(observe(chanDahdi: conf, control: .permissionDenied(path: "/dev/dahdi/ctl",
            error: SystemError(code: 13, name: "EACCES", message: "Permission denied"))), generator: "t")
        #expect(Set(ids(report)) == ["control-device-denied", "chan-dahdi-signalling-mismatch"])
        #expect(report.findings.first { $0.id == "chan-dahdi-signalling-mismatch" }?.evidence.last?.source == "system.conf line 1")
    }

    @Test func missingChannelsFoldUnderSystemConfsWhenBothLackThem() throws {
        let conf = "[channels]\nsignalling=fxo_ks\nchannel => 1-2\nchannel => 5-6\nchannel => 9\n"
        let report = Diagnosis.run(observe(chanDahdi: conf, systemConf: "fxoks=1-2\nfxsks=3\nfxoks=5-6\n"), generator: "t")
        #expect(Set(ids(report)) == ["channel-missing-in-kernel", "chan-dahdi-channel-missing"])
        let root = try #require(report.findings.first { $0.id == "channel-missing-in-kernel" })
        #expect(root.subject == "channels 5-6" && root.consequences.map(\.subject) == ["channels 5-6"])
        #expect(report.findings.contains { $0.id == "chan-dahdi-channel-missing" && $0.subject == "channel 9" })
    }
}
