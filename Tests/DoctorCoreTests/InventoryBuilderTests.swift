import Testing
@testable import DoctorCore

@Suite struct InventoryStatusTests {
    let eacces = SystemError(code: 13, name: "EACCES", message: "Permission denied")

    func build(_ control: ControlDeviceAccess, sysfs: SysfsSnapshot?, spans: [SpanStatus] = []) -> Inventory {
        InventoryBuilder.build(DahdiReadings(control: control, spans: spans, sysfs: sysfs), generator: "test")
    }

    @Test func driverNotLoaded() {
        let inventory = build(.missing(path: "/dev/dahdi/ctl"), sysfs: SysfsSnapshot(moduleLoaded: false))
        #expect(inventory.status.code == .driverNotLoaded)
        #expect(inventory.status.message.contains("not loaded"))
        #expect(!inventory.status.message.contains("\n"))
        #expect(inventory.driver.loaded == false)
    }

    @Test func moduleLoadedButNoControlDevice() {
        let inventory = build(.missing(path: "/dev/dahdi/ctl"), sysfs: SysfsSnapshot(moduleLoaded: true))
        #expect(inventory.status.code == .controlDeviceMissing)
        #expect(inventory.status.message.contains("/dev/dahdi/ctl"))
    }

    @Test func permissionDenied() {
        let inventory = build(.permissionDenied(path: "/dev/dahdi/ctl", error: eacces), sysfs: SysfsSnapshot(moduleLoaded: true))
        #expect(inventory.status.code == .permissionDenied)
        #expect(inventory.status.message.contains("Permission denied"))
        #expect(inventory.sources.first { $0.name == "ioctl" }?.available == false)
    }

    @Test func devicesButNoSpansAssigned() {
        let sysfs = SysfsSnapshot(moduleLoaded: true, autoAssignSpans: false, devices: [
            SysfsDevice(name: "dynamic:loc:0", spanCount: 2, spanTypes: [LocalSpanType(localSpan: 1, type: "DYNAMIC"),
                                                                         LocalSpanType(localSpan: 2, type: "DYNAMIC")]),
        ])
        let inventory = build(.opened(path: "/dev/dahdi/ctl"), sysfs: sysfs)
        #expect(inventory.status.code == .spansNotAssigned)
        #expect(inventory.status.message.contains("2 span(s)"))
        #expect(inventory.devices.first?.spans == [DeviceSpan(localSpan: 1, type: "DYNAMIC", assignedSpan: nil),
                                                   DeviceSpan(localSpan: 2, type: "DYNAMIC", assignedSpan: nil)])
        #expect(inventory.driver.autoAssignSpans == false)
    }

    @Test func loadedWithNoDevice() {
        let inventory = build(.opened(path: "/dev/dahdi/ctl"), sysfs: SysfsSnapshot(moduleLoaded: true))
        #expect(inventory.status.code == .noDevices)
    }

    @Test func okWithAlarmCount() {
        let inventory = build(.opened(path: "/dev/dahdi/ctl"), sysfs: SysfsSnapshot(moduleLoaded: true),
                              spans: [sampleSpan(1, alarms: .red), sampleSpan(2)])
        #expect(inventory.status.code == .ok)
        #expect(inventory.status.message == "2 span(s), 4 channel(s), 1 span(s) in alarm")
    }
}

@Suite struct InventoryMergeTests {
    /// A T1 span read through every source: sysfs supplies full strings, /proc the slips, ioctls the rest.
    func readings() -> DahdiReadings {
        let longName = "TE4/0/1 with a name longer than nineteen"
        var channel = sampleChannel(1, span: 1, position: 1, signalling: .fxsks)
        channel.capabilities = 0x2005 | 0x4000 | 0x80
        channel.rxIsOffHook = true
        channel.rxHookSignal = 1
        channel.txHookSignal = 0
        var broken = sampleChannel(2, span: 1, position: 2, signalling: .none)
        broken.capabilities = Signalling.brokenBit
        let sysfs = SysfsSnapshot(
            moduleLoaded: true, moduleVersion: "2.11.1", autoAssignSpans: true,
            devices: [SysfsDevice(name: "pci:0000:03:04.0", manufacturer: "Digium", type: "Wildcard TE205P",
                                  spanCount: 2, hardwareId: "", location: "PCI Bus 03 Slot 04",
                                  spanTypes: [LocalSpanType(localSpan: 1, type: "T1"), LocalSpanType(localSpan: 2, type: "T1")],
                                  assignedSpans: [1])],
            spans: [SysfsSpan(number: 1, device: "pci:0000:03:04.0", name: longName, description: "full description",
                              spanType: "T1", localSpan: 1, isSyncMaster: true, baseChannel: 1, channels: 2)],
            channels: [SysfsChannel(channel: 1, name: "TE4/0/1/1", echoCancellerFactory: "MG2", echoCancellerActive: true,
                                    inUse: true)])
        let proc = ProcSpan(number: 1, name: "TE4/0/1", description: "x", timingSlips: 7)
        var status = sampleSpan(1, total: 2, configured: 1, totalSpans: 1, alarms: [.red, .lossOfFrameAlignment])
        status.counters.bipolarViolations = 12
        status.counters.framingErrors = nil
        return DahdiReadings(control: .opened(path: "/dev/dahdi/ctl"), version: DriverVersion(version: "2.11.1", echoCancellers: ["MG2"]),
                             spans: [status], channels: [channel, broken], sysfs: sysfs, proc: [proc], procAvailable: true)
    }

    @Test func mergesSourcesWithTheRightPrecedence() throws {
        let inventory = InventoryBuilder.build(readings(), generator: "test")
        let span = try #require(inventory.spans.first)
        #expect(span.name == "TE4/0/1 with a name longer than nineteen")
        #expect(span.alarmSummary == "RED/LFA")
        #expect(span.alarms == ["RED", "LFA"])
        #expect(span.timingSlips == 7)
        #expect(span.counters?.bipolarViolations == 12 && span.counters?.framingErrors == nil)
        #expect(span.scanType == "digital-T1" && span.framing == "ESF" && span.coding == "B8ZS")
        #expect(span.configuredChannels == 1 && span.totalChannels == 2 && span.baseChannel == 1)
        #expect(span.isSyncMaster == true && span.device == "pci:0000:03:04.0")
        let channel = span.channels[0]
        #expect(channel.offHook == true && channel.rxHook == "offhook" && channel.txHook == "onhook")
        #expect(channel.portType == .fxo && channel.signalling == "FXSKS" && channel.inUse == true)
        #expect(channel.echoCanceller == EchoCancellerState(name: "MG2", active: true))
        #expect(span.channels[1].broken && !span.channels[1].configured)
        #expect(inventory.devices[0].spans.map(\.assignedSpan) == [1, nil])
    }

    @Test func goldenJSONAndText() throws {
        let inventory = InventoryBuilder.build(readings(), generator: "dahdi-doctor test")
        try Fixtures.assertGolden(try JSONOutput.encode(inventory) + "\n", "inventory/t1-red.json")
        try Fixtures.assertGolden(ScanText.render(inventory), "inventory/t1-red.txt")
        // The JSON reads back into the same value: it is a stable, replayable document.
        let decoded = try JSONOutput.decode(Inventory.self, from: try JSONOutput.encode(inventory))
        #expect(decoded == inventory)
    }

    @Test func withoutControlDeviceSpansComeFromSysfs() throws {
        var readings = readings()
        readings.control = .missing(path: "/dev/dahdi/ctl")
        readings.spans = []
        readings.channels = []
        readings.sysfs?.spans[0].alarms = [.yellow]
        readings.sysfs?.spans[0].lineConfig = [.esf, .b8zs]
        readings.sysfs?.spans[0].isDigital = true
        readings.sysfs?.channels[0].signalling = .fxsks
        readings.sysfs?.channels.append(SysfsChannel(channel: 2, signalling: Signalling.none))
        let inventory = InventoryBuilder.build(readings, generator: "test")
        let span = try #require(inventory.spans.first)
        #expect(inventory.status.code == .controlDeviceMissing)
        #expect(span.alarmSummary == "YEL" && span.counters == nil && span.framing == "ESF")
        #expect(span.channels.map(\.number) == [1, 2] && span.configuredChannels == 1)
    }
}

/// `scan` leaves a channel's sysfs `in_use`, `ec_factory` and `ec_state` unread when its /proc/dahdi line said them
/// (`ProcSpan.channelsDescribed`): the inventory, and so every check and output built on it, must not change.
@Suite struct InventoryFromProcLinesTests {
    @Test(arguments: ["lab-healthy", "lab-red-yellow", "lab-inverted-signalling", "lab-demo"])
    func sameInventoryWhenProcLinesStandInForSysfsFiles(_ name: String) throws {
        let observation = try JSONOutput.decode(Observation.self, from: try Fixtures.read("observations/\(name).json"))
        let readings = observation.dahdi
        let described = ProcSpan.channelsDescribed(readings.proc, issues: readings.parseIssues)
        var lean = readings
        let full = try #require(readings.sysfs)
        #expect(!described.isEmpty && full.channels.contains { described.contains($0.channel) })
        lean.sysfs?.channels = full.channels.map { described.contains($0.channel) ? SysfsChannel(channel: $0.channel) : $0 }
        #expect(lean != readings)
        #expect(InventoryBuilder.build(lean, generator: "test") == InventoryBuilder.build(readings, generator: "test"))
    }
}
