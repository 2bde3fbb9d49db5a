import Foundation
import Testing
@testable import DoctorCore

/// The libudev discovery path (used for the real /sys) against umockdev testbeds: the real binary, with
/// libudev answering from a `.umockdev` device tree (Debian package umockdev, installed by Tools/setup).
@Suite(.serialized) struct UdevDiscoveryTests {
    static let umockdevRun = "/usr/bin/umockdev-run"

    func scan(_ tree: String) throws -> (Binary.Result, Inventory) {
        try #require(FileManager.default.isExecutableFile(atPath: Self.umockdevRun),
                     "umockdev-run is missing: run Tools/setup (Debian package umockdev)")
        let empty = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: empty) }
        // Default --sysfs-root (/sys) selects libudev; /dev and /proc point at an empty tree.
        let result = try Binary.run(["scan", "--json", "--devfs-root", empty, "--procfs-root", empty],
                                    prefix: [Self.umockdevRun, "-d", Fixtures.directory + "/umockdev/" + tree, "--"])
        return (result, try JSONOutput.decode(Inventory.self, from: result.stdout))
    }

    /// te420-one-red: a Digium TE420 with two of its four E1 spans assigned, span 2 in RED, and an analog TDM410P
    /// whose span is not assigned. Attribute names and formats as Debian's DAHDI 2.11.1 kernel writes them.
    @Test func discoversDevicesSpansAndChannelsThroughLibudev() throws {
        let (result, inventory) = try scan("te420-one-red.umockdev")
        #expect(result.status == 69)   // no /dev/dahdi/ctl in the testbed
        #expect(inventory.status.code == .controlDeviceMissing)
        #expect(inventory.driver.loaded == true)   // inferred from the DAHDI objects sysfs shows
        #expect(inventory.devices.map(\.name) == ["pci:0000:00:09.0", "pci:0000:00:0a.0"])
        let te420 = inventory.devices[0]
        #expect(te420.hardwareId == "1TE420F-012345" && te420.spanCount == 4)
        #expect(te420.spans.map(\.assignedSpan) == [1, 2, nil, nil])
        #expect(te420.spans.map(\.type) == ["E1", "E1", "E1", "E1"])
        #expect(inventory.devices[1].spans == [DeviceSpan(localSpan: 1, type: "ANALOG_MIXED", assignedSpan: nil)])
        #expect(inventory.spans.map(\.alarmSummary) == ["OK", "RED"])
        #expect(inventory.spans.map(\.device) == ["pci:0000:00:09.0", "pci:0000:00:09.0"])
        #expect(inventory.spans[0].isSyncMaster == true && inventory.spans[0].framing == "CCS/CRC4")
        #expect(inventory.spans[0].coding == "HDB3")
        #expect(inventory.spans[0].channels.map(\.signalling) == ["Clear"])
        #expect(inventory.spans[1].channels.first?.number == 47 && inventory.spans[1].channels.first?.alarms == ["RED"])
    }
}
