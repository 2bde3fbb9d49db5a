import Testing
@testable import DoctorCore

/// The agent's two kernel tiers, on the lab's healthy observation (real readings of the real driver): the fast
/// tier's ioctls merged into the last full read, what counts as a structural change, and the comparison that
/// decides whether the diagnosis runs again.
@Suite struct KernelTiersTests {
    func healthy() throws -> Observation {
        try JSONOutput.decode(Observation.self, from: try Fixtures.read("observations/lab-healthy.json"))
    }

    @Test func aSpanGoingRedInTheFastTierReachesTheReport() throws {
        let full = try healthy()
        var fast = full.dahdi
        fast.sysfs = nil
        fast.proc = []
        fast.spans[0].alarms = .red
        #expect(KernelTiers.structuralChange(from: full.dahdi, to: fast) == nil, "an alarm is a value, not structure")
        let merged = KernelTiers.merge(full: full, fast: fast, observedAt: full.observedAt + 5)
        #expect(merged.observedAt == full.observedAt + 5)
        #expect(merged.dahdi.spans[0].alarms == .red)
        #expect(merged.dahdi.sysfs == full.dahdi.sysfs && merged.dahdi.proc == full.dahdi.proc, "sysfs and /proc kept from the full read")
        #expect(merged.config == full.config && merged.hardware == full.hardware)
        let before = Diagnosis.run(full, generator: "t").findings.flatMap(\.flattened).map(\.id)
        let after = Diagnosis.run(merged, generator: "t").findings.flatMap(\.flattened).map(\.id)
        #expect(!before.contains("span-red-alarm"))
        #expect(after.contains("span-red-alarm"), "\(after)")
    }

    @Test func structuralChangesAskForAFullRead() throws {
        let full = try healthy().dahdi
        var fewer = full
        fewer.spans.removeLast()
        #expect(KernelTiers.structuralChange(from: full, to: fewer)?.hasPrefix("span count 2 -> 1") == true)
        var renamed = full
        renamed.spans[1].name = "LOC/9/9"
        #expect(KernelTiers.structuralChange(from: full, to: renamed)?.contains("renamed") == true)
        var lessChannels = full
        lessChannels.channels.removeLast()
        #expect(KernelTiers.structuralChange(from: full, to: lessChannels)?.hasPrefix("channel count") == true)
        var resignalled = full
        resignalled.channels[3].signalling = Signalling(rawValue: 0)
        #expect(KernelTiers.structuralChange(from: full, to: resignalled) == "channel \(full.channels[3].channel) reconfigured")
        var gone = full
        gone.control = .missing(path: "/dev/dahdi/ctl")
        #expect(KernelTiers.structuralChange(from: full, to: gone) == "control device: missing")
        var hooked = full
        hooked.channels[0].rxIsOffHook.toggle()
        hooked.spans[0].counters.framingErrors = 12
        #expect(KernelTiers.structuralChange(from: full, to: hooked) == nil)
    }

    @Test func onlyTimestampsDifferingIsNoChange() throws {
        let first = try healthy()
        var later = first
        later.observedAt += 60
        later.previousSample = CounterSample(intervalSeconds: 55, spans: first.dahdi.spans, proc: first.dahdi.proc)
        var earlier = first
        earlier.previousSample = CounterSample(intervalSeconds: 5, spans: first.dahdi.spans, proc: first.dahdi.proc)
        #expect(later != earlier)
        #expect(later.withoutTimestamps == earlier.withoutTimestamps)
        var alarmed = later
        alarmed.dahdi.spans[1].alarms = .yellow
        #expect(alarmed.withoutTimestamps != earlier.withoutTimestamps)
        var rose = later
        rose.previousSample?.spans[0].counters.framingErrors = 3
        #expect(rose.withoutTimestamps != earlier.withoutTimestamps, "a counter baseline that moved is an input")
    }
}

@Suite struct MetricsRefreshTests {
    @Test func onlyTheTimestampLineChanges() throws {
        let observation = try JSONOutput.decode(Observation.self, from: try Fixtures.read("observations/lab-healthy.json"))
        let report = Diagnosis.run(observation, generator: "dahdi-doctor 1.0")
        let text = PrometheusText.render(observation: observation, report: report, runDurationSeconds: 0.5)
        var later = observation
        later.observedAt += 60
        let expected = PrometheusText.render(observation: later, report: report, runDurationSeconds: 0.5)
        #expect(PrometheusText.withLastRunTimestamp(text, later.observedAt) == expected)
        #expect(PrometheusText.withLastRunTimestamp("x 1\n", 5) == "x 1\n")
    }
}
