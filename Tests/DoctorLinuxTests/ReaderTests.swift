import Testing
@testable import DoctorCore
@testable import DoctorAgentServer
@testable import DoctorKernel
@testable import DoctorNetwork
@testable import DoctorSystem

/// The readers on a tree recorded from Debian's real DAHDI driver in the lab (Tools/dahdi-lab/record-tree.sh):
/// two dahdi_dynamic_loc spans, FXS/FXO kewlstart, bchan and dchan channels.
@Suite struct ReaderTests {
    let root = Fixtures.directory + "/lab-healthy"

    @Test func sysfsTreeFromTheRealDriver() throws {
        let snapshot = SysfsDirectoryReader(root: root + "/sys").read()
        #expect(snapshot.moduleLoaded && snapshot.autoAssignSpans == true)
        #expect(snapshot.devices.map(\.name) == ["dynamic:loc:0", "dynamic:loc:1"])
        let device = try #require(snapshot.devices.first)
        #expect(device.spanTypes == [LocalSpanType(localSpan: 1, type: "DYNAMIC")])   // from `dahdi_spantype`
        #expect(device.hardwareId == "DYN/loc/1:0" && device.assignedSpans == [1] && device.spanCount == 1)
        #expect(device.registrationTime?.hasPrefix("00000000") == true)
        #expect(snapshot.spans.map(\.number) == [1, 2])
        let span = snapshot.spans[1]
        #expect(span.name == "DYN/loc/1:1" && span.description == "Dynamic 'loc' span at '1:1'")
        #expect(span.baseChannel == 25 && span.channels == 24 && span.alarms == [] && span.device == "dynamic:loc:1")
        #expect(span.isDigital == true && span.lineConfig == [] && span.lineCompat?.rawValue == 0x7f0)
        #expect(snapshot.channels.count == 48)
        let channel1 = try #require(snapshot.channels.first)
        #expect(channel1.signalling == .fxsks && channel1.echoCancellerFactory == "MG2" && channel1.echoCancellerActive == false)
        #expect(channel1.inUse == false && channel1.alarms == [])
        // sysfs `sigcap` read back into a mask gives exactly what DAHDI_GET_PARAMS reported for the channel in the
        // same lab boot (Tests/DoctorCoreTests/Fixtures/observations/lab-healthy.json: 389375).
        #expect(channel1.capabilities == 389375)
        #expect(snapshot.channels.allSatisfy { $0.capabilities == 389375 })
        #expect(snapshot.channels.first { $0.channel == 23 }?.signalling == .hdlcFCS)
        #expect(snapshot.channels.first { $0.channel == 24 }?.signalling == Signalling.none)
        try Fixtures.assertGolden(try JSONOutput.encode(snapshot) + "\n", "lab-healthy.sysfs.json")
    }

    @Test func procTreeFromTheRealDriver() throws {
        let proc = ProcDahdiReader(root: root + "/proc").read()
        #expect(proc.available && proc.issues.isEmpty)
        #expect(proc.spans.map(\.number) == [1, 2])
        let span = proc.spans[0]
        #expect(span.name == "DYN/loc/1:0" && span.channels.count == 24 && span.timingSlips == 0)
        #expect(span.channels[0].echoCanceller == "MG2" && span.channels[0].signalling == .fxsks)
        #expect(span.channels[23].signalling == nil)
    }

    /// The real driver's /proc/dahdi lines say what sysfs `in_use`, `ec_factory` and `ec_state` say, channel by
    /// channel: the reason `scan` opens none of those files for a channel its /proc line described.
    @Test func procLinesSayWhatTheSkippedSysfsFilesSay() throws {
        let full = SysfsDirectoryReader(root: root + "/sys").read()
        let proc = ProcDahdiReader(root: root + "/proc").read()
        let procChannels = Dictionary(uniqueKeysWithValues: proc.spans.flatMap(\.channels).map { ($0.channel, $0) })
        #expect(full.channels.count == 48 && procChannels.count == 48)
        for channel in full.channels {
            let line = try #require(procChannels[channel.channel])
            #expect(line.inUse == channel.inUse)
            #expect((line.echoCanceller ?? "") == channel.echoCancellerFactory)
            #expect(line.echoCancellerActive == channel.echoCancellerActive)
        }
    }

    @Test func channelsDescribedByProcAreListedNotRead() throws {
        let proc = ProcDahdiReader(root: root + "/proc").read()
        let described = ProcSpan.channelsDescribed(proc.spans, issues: proc.issues)
        #expect(described == Set(1...48))
        // A parse issue in span 2's file: its channels are read from sysfs again.
        let issue = ParseIssue(file: root + "/proc/dahdi/2", line: 3, text: "  25 DYN/loc/1:1/1 FXOKS (Odd)", message: "unknown word")
        #expect(ProcSpan.channelsDescribed(proc.spans, issues: [issue]) == Set(1...24))

        let reader = SysfsDirectoryReader(root: root + "/sys")
        let full = reader.read().channels
        let known = full.map { channel in
            ChannelParams(channel: channel.channel, span: channel.channel <= 24 ? 1 : 2, position: channel.position ?? 0,
                          signalling: channel.signalling ?? .none, capabilities: channel.capabilities ?? 0, name: channel.name ?? "")
        }
        let channels = reader.readChannels(known: known, describedByProc: Set(1...24))
        #expect(channels.map(\.channel) == Array(1...48))
        // Described: only the number; not described: the files GET_PARAMS does not carry.
        #expect(channels[0] == SysfsChannel(channel: 1))
        #expect(channels[0].inUse == nil && full[0].inUse == false)
        #expect(channels[24].inUse == full[24].inUse && channels[24].inUse != nil)
        #expect(channels[24].echoCancellerFactory == full[24].echoCancellerFactory && channels[24].echoCancellerFactory != nil)
        #expect(channels[24].name == nil && channels[24].capabilities == nil && full[24].name != nil)
    }

    @Test func missingRootsAreAbsencesNotErrors() {
        let snapshot = SysfsDirectoryReader(root: "/nonexistent/sys").read()
        #expect(!snapshot.moduleLoaded && snapshot.devices.isEmpty && snapshot.spans.isEmpty)
        let proc = ProcDahdiReader(root: "/nonexistent/proc").read()
        #expect(!proc.available && proc.spans.isEmpty)
    }
}
