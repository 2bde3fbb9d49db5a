import Testing
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
@testable import DoctorCore

/// Observations built from the sample T1 box in CollectorTests: two spans, two channels each, sysfs present.
func observation(spans: [SpanStatus], channels: [ChannelParams] = [], control: ControlDeviceAccess = .opened(path: "/dev/dahdi/ctl"),
                 sysfs: SysfsSnapshot? = nil, second: CounterSample? = nil, proc: [ProcSpan] = [],
                 lmfa: Set<Int> = [], config: ConfigObservation = ConfigObservation()) -> Observation {
    let defaultSysfs = SysfsSnapshot(
        moduleLoaded: true, autoAssignSpans: true,
        devices: [SysfsDevice(name: "pci:0000:03:04.0", spanCount: spans.count,
                              spanTypes: spans.map { LocalSpanType(localSpan: $0.number, type: "T1") },
                              assignedSpans: spans.map(\.number))],
        spans: spans.map { SysfsSpan(number: $0.number, device: "pci:0000:03:04.0", spanType: "T1", localSpan: $0.number,
                                     isSyncMaster: $0.number == 1, baseChannel: ($0.number - 1) * 2 + 1, channels: Int($0.totalChannels)) })
    let readings = DahdiReadings(control: control, version: DriverVersion(version: "2.11.1", echoCancellers: ["MG2"]),
                                 spans: spans, multiframeErrorsRising: lmfa, channels: channels, sysfs: sysfs ?? defaultSysfs,
                                 proc: proc, procAvailable: true)
    return Observation(generator: "test", observedAt: 1_700_000_000, dahdi: readings, secondSample: second, config: config)
}

func ids(_ report: Report) -> [String] { report.findings.map(\.id) }

@Suite struct CheckTests {
    let twoSpans = [sampleSpan(1), sampleSpan(2)]
    let fourChannels = [1, 2, 3, 4].map { sampleChannel($0, span: ($0 + 1) / 2, position: 2 - $0 % 2) }

    @Test func healthyBoxHasNoFindings() {
        let report = Diagnosis.run(observation(spans: twoSpans, channels: fourChannels), generator: "test")
        #expect(report.findings.isEmpty)
        #expect(report.status == .ok && report.status.exitCode == 0)
        #expect(report.summary == "2 span(s), 4 channel(s), no problem found")
    }

    @Test func redSpanExplainsItsChannelAlarms() throws {
        var channels = fourChannels
        channels[2].alarms = [.red]
        channels[3].alarms = [.red]
        let report = Diagnosis.run(observation(spans: [sampleSpan(1), sampleSpan(2, alarms: [.red, .lossOfFrameAlignment])], channels: channels),
                                   generator: "test")
        #expect(ids(report) == ["span-red-alarm"])
        let root = try #require(report.findings.first)
        #expect(root.subject == "span 2 (TE2/0/2)")
        #expect(root.consequences.map(\.id) == ["channel-alarm", "channel-alarm"])
        #expect(root.evidence.first?.value == "RED/LFA (bits 0x208)")
        // Counts are root problems; the two channel alarms are folded, not counted as warnings.
        #expect(report.status == .critical && report.counts.critical == 1 && report.counts.warning == 0 && report.counts.folded == 2)
    }

    @Test func alarmsAreNamedByTheMostSevereBit() {
        let cases: [(SpanAlarms, String)] = [([.blue, .red], "span-red-alarm"), ([.yellow], "span-yellow-alarm"),
                                             ([.blue], "span-blue-alarm"), ([.loopback], "span-loopback"),
                                             ([.notOpen], "span-not-open"), ([.recovering], "span-recovering"),
                                             ([.lossOfSignal], "span-red-alarm")]
        for (alarms, id) in cases {
            let report = Diagnosis.run(observation(spans: [sampleSpan(1, totalSpans: 1, alarms: alarms)]), generator: "t")
            #expect(ids(report) == [id], "\(alarms)")
        }
    }

    @Test func briRedIsOnlyAWarning() {
        var span = sampleSpan(1, totalSpans: 1, alarms: [.red])
        span.spanType = "TE"
        var sysfs = observation(spans: [span]).dahdi.sysfs!
        sysfs.spans[0].spanType = "BRI_TE"
        let report = Diagnosis.run(observation(spans: [span], sysfs: sysfs), generator: "t")
        #expect(report.findings.first?.severity == .warning && report.status == .warning)
    }

    @Test func unconfiguredSpanAndCRC4Mismatch() {
        let e1: LineConfig = [.ccs, .hdb3, .crc4]
        let report = Diagnosis.run(observation(spans: [sampleSpan(1, configured: 0), sampleSpan(2, lineConfig: e1, fe: 3)], lmfa: [2]),
                                   generator: "t")
        // fe=3 on a single sample is also reported, as information only.
        #expect(Set(ids(report)) == ["span-unconfigured", "span-crc4-mismatch", "span-counters-nonzero"])
        #expect(report.status == .warning && report.status.exitCode == 1)
    }

    @Test func driverStates() {
        let denied = Diagnosis.run(observation(spans: [], control: .permissionDenied(path: "/dev/dahdi/ctl",
            error: SystemError(code: 13, name: "EACCES", message: "Permission denied"))), generator: "t")
        #expect(ids(denied) == ["control-device-denied"] && denied.status == .unknown && denied.status.exitCode == 3)

        let missing = Diagnosis.run(observation(spans: [], control: .missing(path: "/dev/dahdi/ctl"),
                                                sysfs: SysfsSnapshot(moduleLoaded: false)), generator: "t")
        #expect(ids(missing) == ["driver-not-loaded"] && missing.status.exitCode == 2)

        let nodev = Diagnosis.run(observation(spans: [], sysfs: SysfsSnapshot(moduleLoaded: true)), generator: "t")
        #expect(ids(nodev) == ["no-dahdi-devices"])

        let noNode = Diagnosis.run(observation(spans: [], control: .missing(path: "/dev/dahdi/ctl"),
                                               sysfs: SysfsSnapshot(moduleLoaded: true)), generator: "t")
        #expect(ids(noNode) == ["control-device-missing"] && noNode.status == .critical)

        // /dev/dahdi/ctl opened but every request fails ENOTTY: not a DAHDI device; the state is unknown.
        var notDahdi = observation(spans: [], sysfs: SysfsSnapshot(moduleLoaded: true))
        notDahdi.dahdi.failures = [ReadFailure(source: "ioctl", what: "DAHDI_SPANSTAT span 1",
                                               error: SystemError(code: 25, name: "ENOTTY", message: "Inappropriate ioctl for device"))]
        let enotty = Diagnosis.run(notDahdi, generator: "t")
        #expect(ids(enotty) == ["control-device-error"] && enotty.status == .unknown)
        #expect(enotty.findings[0].message == "/dev/dahdi/ctl answers ENOTTY to DAHDI_SPANSTAT span 1")
    }

    @Test func unassignedSpansAndUnloadedModulesFoldUnderTheDriver() {
        let sysfs = SysfsSnapshot(moduleLoaded: true, autoAssignSpans: false, devices: [
            SysfsDevice(name: "pci:0000:03:04.0", spanCount: 4, spanTypes: [LocalSpanType(localSpan: 1, type: "E1")]),
        ])
        let report = Diagnosis.run(observation(spans: [], sysfs: sysfs), generator: "t")
        #expect(ids(report) == ["spans-not-assigned"])
        #expect(report.findings[0].message == "4 of 4 span(s) on 1 device(s) are not assigned (auto_assign_spans=0)")
        #expect(report.findings[0].evidence.contains { $0.label == "auto_assign_spans" && $0.value == "0" })

        let unloaded = Diagnosis.run(observation(spans: [], control: .missing(path: "/dev/dahdi/ctl"), sysfs: SysfsSnapshot(moduleLoaded: false),
                                                 config: ConfigObservation(modules: [ModuleState(name: "wct4xxp", loaded: false, line: 3)])),
                                     generator: "t")
        #expect(ids(unloaded) == ["driver-not-loaded"])
        #expect(unloaded.findings[0].consequences.map(\.id) == ["module-not-loaded"])
    }

    @Test func countersNeedASecondSampleToBeAFault() {
        var first = sampleSpan(1, totalSpans: 1)
        first.counters.bipolarViolations = 10
        first.irqMisses = 5
        var after = first
        after.counters.bipolarViolations = 25
        after.counters.framingErrors = nil   // driver does not keep it: never a rise
        after.irqMisses = 7
        let procBefore = ProcSpan(number: 1, name: "TE2/0/1", description: "", timingSlips: 3)
        var procAfter = procBefore
        procAfter.timingSlips = 9
        let rising = Diagnosis.run(observation(spans: [first],
                                               second: CounterSample(intervalSeconds: 10, spans: [after], proc: [procAfter]),
                                               proc: [procBefore]),
                                   generator: "t")
        #expect(Set(ids(rising)) == ["span-errors-rising", "timing-slips-rising", "irq-misses-rising"])
        #expect(rising.findings.first { $0.id == "span-errors-rising" }?.message == "span 1 (TE2/0/1): bipolar violations +15 in 10 s")

        let single = Diagnosis.run(observation(spans: [first], proc: [procBefore]), generator: "t")
        #expect(ids(single) == ["span-counters-nonzero"] && single.status == .ok)

        var reset = after
        reset.counters.bipolarViolations = 0   // counters reset between samples: not a rise
        reset.irqMisses = 5
        let wasReset = Diagnosis.run(observation(spans: [first], second: CounterSample(intervalSeconds: 10, spans: [reset], proc: [])),
                                     generator: "t")
        #expect(wasReset.findings.isEmpty)
    }

    @Test func timing() {
        var noMaster = observation(spans: twoSpans).dahdi.sysfs!
        noMaster.spans = noMaster.spans.map { var s = $0; s.isSyncMaster = false; return s }
        let free = Diagnosis.run(observation(spans: twoSpans, sysfs: noMaster), generator: "t")
        #expect(ids(free) == ["no-timing-source"])

        var both = noMaster
        both.spans = both.spans.map { var s = $0; s.isSyncMaster = true; return s }
        #expect(ids(Diagnosis.run(observation(spans: twoSpans, sysfs: both), generator: "t")) == ["multiple-sync-masters"])

        var dynamic = noMaster
        dynamic.spans = dynamic.spans.map { var s = $0; s.spanType = "DYNAMIC"; return s }
        #expect(Diagnosis.run(observation(spans: twoSpans, sysfs: dynamic), generator: "t").findings.isEmpty)
    }

    @Test func brokenPortsAndFXOWithoutBattery() {
        var channels = fourChannels
        channels[0].capabilities = Signalling.brokenBit
        channels[1].signalling = .fxsks
        channels[1].capabilities = Signalling.fxsls.rawValue | Signalling.fxsks.rawValue | Signalling.clear.rawValue
        channels[1].alarms = [.red]
        let report = Diagnosis.run(observation(spans: twoSpans, channels: channels), generator: "t")
        #expect(Set(ids(report)) == ["port-broken", "fxo-no-battery"])
        #expect(report.findings.allSatisfy { $0.severity == .critical })
    }
}

@Suite struct CorrelationTests {
    let definition = CheckDefinition(id: "x", family: "f", severity: .warning, title: "", explanation: "", remediation: "")

    func finding(_ key: String, cause: String? = nil, severity: Severity = .warning) -> Finding {
        Finding(definition, subject: key, message: key, evidence: [], key: key, causeKey: cause, severity: severity)
    }

    @Test func chainsFoldAndMissingCausesStayAtTheTop() {
        let roots = Correlator.correlate([finding("c", cause: "b"), finding("b", cause: "a"), finding("a", severity: .critical),
                                          finding("orphan", cause: "nowhere")], order: [:])
        #expect(roots.map(\.key) == ["a", "orphan"])
        #expect(roots[0].consequences.map(\.key) == ["b"] && roots[0].consequences[0].consequences.map(\.key) == ["c"])
        #expect(roots[0].flattened.map(\.key) == ["a", "b", "c"])
    }

    @Test func cyclesAreBroken() {
        let roots = Correlator.correlate([finding("a", cause: "b"), finding("b", cause: "a")], order: [:])
        #expect(roots.flatMap(\.flattened).count == 2)
        #expect(roots.count == 1)
    }

    @Test func numericSubjectOrder() {
        #expect("span 2".localizedNumericLess(than: "span 10"))
        #expect(!"span 10".localizedNumericLess(than: "span 2"))
        #expect("channel 9".localizedNumericLess(than: "span 1"))
    }
}

@Suite struct ReportOutputTests {
    func redReport() -> Report {
        var channels = [1, 2, 3, 4].map { sampleChannel($0, span: ($0 + 1) / 2, position: 2 - $0 % 2) }
        channels[2].alarms = [.red]
        return Diagnosis.run(observation(spans: [sampleSpan(1), sampleSpan(2, alarms: [.red])], channels: channels),
                             generator: "dahdi-doctor test")
    }

    @Test func goldenTextJSONAndNagios() throws {
        let report = redReport()
        try Fixtures.assertGolden(ReportText(colour: false).render(report), "reports/span-red.txt")
        try Fixtures.assertGolden(try JSONOutput.encode(report) + "\n", "reports/span-red.json")
        #expect(NagiosOutput.render(report) ==
                "DAHDI CRITICAL - span 2 (TE2/0/2) is in RED alarm | critical=1 warning=0 unknown=0 folded=1 spans=2 channels=4 spans_in_alarm=1\n")
    }

    @Test func colourOnlyWhenAsked() {
        #expect(ReportText(colour: true).render(redReport()).contains("\u{1B}[1;31mCRITICAL"))
        #expect(!ReportText(colour: false).render(redReport()).contains("\u{1B}"))
    }

    @Test func nagiosSummaryNeverContainsThePerfdataSeparator() {
        var report = redReport()
        report.summary = "a|b"
        #expect(NagiosOutput.render(report).hasPrefix("DAHDI CRITICAL - a/b | "))
    }

    @Test func observationRoundTrips() throws {
        let observed = observation(spans: [sampleSpan(1)], channels: [sampleChannel(1, span: 1, position: 1)],
                                   second: CounterSample(intervalSeconds: 2.5, spans: [sampleSpan(1)], proc: []),
                                   config: ConfigObservation(fxotune: .absent(path: "/etc/fxotune.conf", reason: "ENOENT"),
                                                             modules: [ModuleState(name: "wct4xxp", loaded: true, line: 1)]))
        let text = try JSONOutput.encode(observed)
        #expect(try JSONOutput.decode(Observation.self, from: text) == observed)
        #expect(text.contains("\"schema_version\" : 1"))
    }

    @Test func everyDefinitionIsExplainedAndUnique() {
        let all = CheckCatalogue.definitions
        #expect(Set(all.map(\.id)).count == all.count)
        for definition in all {
            #expect(!definition.explanation.isEmpty && !definition.remediation.isEmpty && !definition.title.isEmpty, "\(definition.id)")
            #expect(definition.id == definition.id.lowercased() && !definition.id.contains(" "))
            // A multi-line literal that lost its line continuations shows as runs of spaces in `explain`.
            #expect(!definition.explanation.contains("   ") && !definition.remediation.contains("   "), "\(definition.id)")
        }
    }
}

@Suite struct ReadmeCatalogueTests {
    /// The catalogue table in docs/checks.md is generated (Tools/update-catalogue); this fails when it is stale.
    @Test func readmeListsEveryCheck() throws {
        let file = #filePath
        let root = String(file[..<file.firstRange(of: "/Tests/")!.lowerBound])
        let readme = try String(contentsOfFile: root + "/docs/checks.md", encoding: .utf8)
        #expect(readme.contains(CheckCatalogue.markdownTable()), "docs/checks.md catalogue is stale: run Tools/update-catalogue")
    }
}
