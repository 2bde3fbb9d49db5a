import Testing
@testable import DoctorCore

/// A control device answering from tables; `vanishAfterSpan` simulates the driver being unloaded mid-scan.
final class FakeDahdiControl: DahdiControl, @unchecked Sendable {
    let path = "/fake/dahdi/ctl"
    var spans: [Int: SpanStatus]
    var channels: [Int: ChannelParams]
    var vanishAfterSpan: Int?
    var spanCalls: [Int] = []
    var secondRead: [Int: SpanStatus] = [:]

    init(spans: [SpanStatus], channels: [ChannelParams]) {
        self.spans = Dictionary(uniqueKeysWithValues: spans.map { ($0.number, $0) })
        self.channels = Dictionary(uniqueKeysWithValues: channels.map { ($0.channel, $0) })
    }

    static let einval = SystemError(code: 22, name: "EINVAL", message: "Invalid argument")
    static let enodev = SystemError(code: 19, name: "ENODEV", message: "No such device")

    func version() throws(SystemError) -> DriverVersion { DriverVersion(version: "2.11.1", echoCancellerList: "MG2, OSLEC") }

    func spanStatus(_ span: Int) throws(SystemError) -> SpanStatus {
        let repeated = spanCalls.contains(span)
        spanCalls.append(span)
        if let limit = vanishAfterSpan, span > limit { throw Self.enodev }
        if repeated, let second = secondRead[span] { return second }
        guard let status = spans[span] else { throw Self.einval }
        return status
    }

    func channelParams(_ channel: Int) throws(SystemError) -> ChannelParams {
        guard let params = channels[channel] else { throw Self.einval }
        return params
    }
}

func sampleSpan(_ number: Int, total: Int32 = 2, configured: Int32 = 2, totalSpans: Int32 = 2,
                alarms: SpanAlarms = [], lineConfig: LineConfig = [.esf, .b8zs], fe: UInt32 = 0) -> SpanStatus {
    SpanStatus(number: number, name: "TE2/0/\(number)", description: "T2XXP (PCI) Card 0 Span \(number)",
               alarms: alarms, counters: SpanCounters(framingErrors: fe), configuredChannels: configured,
               totalChannels: total, totalSpans: totalSpans, lineConfig: lineConfig,
               lboName: "0 db (CSU)/0-133 feet (DSX-1)", location: "PCI Bus 03 Slot 04", manufacturer: "Digium",
               deviceType: "Wildcard TE205P", lineCompat: [.d4, .esf, .ami, .b8zs], spanType: "T1")
}

func sampleChannel(_ number: Int, span: Int, position: Int, signalling: Signalling = .clear) -> ChannelParams {
    ChannelParams(channel: number, span: span, position: position, signalling: signalling, capabilities: 0x780,
                  name: "TE2/0/\(span)/\(position)")
}

@Suite struct CollectorTests {
    let proc: (spans: [ProcSpan], available: Bool, issues: [ParseIssue]) = ([], true, [])

    @Test func walksSpansAndChannelsAndStopsAtTotalSpans() {
        let fake = FakeDahdiControl(spans: [sampleSpan(1), sampleSpan(2)],
                                    channels: [1, 2, 3, 4].map { sampleChannel($0, span: ($0 + 1) / 2, position: 2 - $0 % 2) })
        let readings = DahdiCollector().collect(control: .success(fake), sysfs: nil, proc: proc, pause: {})
        #expect(readings.spans.map(\.number) == [1, 2])
        #expect(readings.channels.map(\.channel) == [1, 2, 3, 4])
        #expect(fake.spanCalls == [1, 2])          // stopped once totalspans were seen, not 127 calls
        #expect(readings.failures.isEmpty)
        #expect(readings.version?.echoCancellers == ["MG2", "OSLEC"])
    }

    @Test func sysfsBaseChannelWinsOverRunningSum() {
        // Span 1 assigned at base 10 (assign_span can leave gaps): the running sum would look at 1-2.
        let fake = FakeDahdiControl(spans: [sampleSpan(1, totalSpans: 1)],
                                    channels: [sampleChannel(10, span: 1, position: 1), sampleChannel(11, span: 1, position: 2)])
        let sysfs = SysfsSnapshot(moduleLoaded: true, spans: [SysfsSpan(number: 1, baseChannel: 10, channels: 2)])
        let readings = DahdiCollector().collect(control: .success(fake), sysfs: sysfs, proc: proc, pause: {})
        #expect(readings.channels.map(\.channel) == [10, 11])
    }

    @Test func driverVanishingMidScanIsRecordedNotFatal() {
        let fake = FakeDahdiControl(spans: [sampleSpan(1, totalSpans: 3), sampleSpan(2, totalSpans: 3), sampleSpan(3, totalSpans: 3)],
                                    channels: [])
        fake.vanishAfterSpan = 1
        let readings = DahdiCollector().collect(control: .success(fake), sysfs: nil, proc: proc, pause: {})
        #expect(readings.spans.map(\.number) == [1])
        #expect(readings.failures.count >= 1)
        #expect(readings.failures.first?.what == "DAHDI_SPANSTAT span 2")
        #expect(fake.spanCalls.count == 2)         // gave up at the first ENODEV
    }

    @Test func lmfaNeedsARisingFramingCountOnACRC4Span() {
        let e1: LineConfig = [.ccs, .hdb3, .crc4]
        let fake = FakeDahdiControl(spans: [sampleSpan(1, lineConfig: e1, fe: 5), sampleSpan(2, lineConfig: e1, fe: 5)], channels: [])
        fake.secondRead = [1: sampleSpan(1, lineConfig: e1, fe: 9), 2: sampleSpan(2, lineConfig: e1, fe: 5)]
        var paused = 0
        let readings = DahdiCollector().collect(control: .success(fake), sysfs: nil, proc: proc, pause: { paused += 1 })
        #expect(paused == 1)
        #expect(readings.multiframeErrorsRising == [1])
        let inventory = InventoryBuilder.build(readings, generator: "test")
        #expect(inventory.spans.map(\.alarmSummary) == ["LMFA/OK", "OK"])
    }

    @Test func noPauseWithoutSuspects() {
        let fake = FakeDahdiControl(spans: [sampleSpan(1, totalSpans: 1, fe: 5)], channels: [])  // ESF: no CRC4
        var paused = 0
        _ = DahdiCollector().collect(control: .success(fake), sysfs: nil, proc: proc, pause: { paused += 1 })
        #expect(paused == 0)
    }

    /// The echo canceller list from DAHDI_GETVERSION: split on commas, ASCII whitespace and NULs trimmed, empty
    /// entries dropped; what is not ASCII is kept as it is.
    @Test(arguments: [
        ("MG2, OSLEC", ["MG2", "OSLEC"]),
        ("", []),
        (",", []),
        (" MG2 ,, OSLEC\t,\n", ["MG2", "OSLEC"]),
        ("MG2\0\0", ["MG2"]),
        ("HWEC", ["HWEC"]),
        ("  ", []),
        ("ÉCHO, kb1", ["ÉCHO", "kb1"]),
    ])
    func echoCancellerListIsSplitOnCommas(list: String, expected: [String]) {
        #expect(DriverVersion(version: "3.1.0", echoCancellerList: list).echoCancellers == expected)
    }
}
