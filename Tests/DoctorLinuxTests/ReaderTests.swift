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

    @Test func missingRootsAreAbsencesNotErrors() {
        let snapshot = SysfsDirectoryReader(root: "/nonexistent/sys").read()
        #expect(!snapshot.moduleLoaded && snapshot.devices.isEmpty && snapshot.spans.isEmpty)
        let proc = ProcDahdiReader(root: "/nonexistent/proc").read()
        #expect(!proc.available && proc.spans.isEmpty)
    }
}
