import Testing
@testable import DoctorCore

/// The table's IDs are read on bytes (`tableID`); `parseID` stays the reader of IDs from outside (manifests).
@Suite struct KnownHardwareTableTests {
    @Test func tableIDEqualsParseIDOnGeneratedIDs() throws {
        var state: UInt64 = 0x5EED
        func next() -> UInt16 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt16(truncatingIfNeeded: state >> 33)
        }
        for _ in 0..<3000 {
            let numbers = (next(), next(), next(), next())
            for text in [hex4(numbers.0) + ":" + hex4(numbers.1),
                         hex4(numbers.0) + ":" + hex4(numbers.1) + "/" + hex4(numbers.2),
                         hex4(numbers.0) + ":" + hex4(numbers.1) + "/" + hex4(numbers.2) + ":" + hex4(numbers.3)] {
                let parsed = try #require(KnownHardware.parseID(text))
                let fast = KnownHardware.tableID(text)
                #expect(fast.0 == parsed.0 && fast.1 == parsed.1 && fast.2 == parsed.2 && fast.3 == parsed.3, "\(text)")
            }
        }
        #expect(KnownHardware.tableID("00ff:abcd/0001:fffe") == (0x00ff, 0xabcd, 0x0001, 0xfffe))
    }

    @Test func everyEntryReadsBackThroughParseID() throws {
        #expect(KnownHardware.table.count == 129)
        for entry in KnownHardware.table {
            let parsed = try #require(KnownHardware.parseID(entry.id))
            #expect(parsed.0 == entry.vendor && parsed.1 == entry.device && parsed.2 == entry.subVendor
                    && parsed.3 == entry.subDevice, "\(entry.id)")
        }
        #expect(KnownHardware.lookupPCI(vendor: 0xd161, device: 0x0410, subVendor: 0xd161, subDevice: 0x0004)?.model
                == "Wildcard TE410P (2nd Gen)")
        #expect(KnownHardware.lookupPCI(vendor: 0xd161, device: 0x0410, subVendor: 0x0004, subDevice: 0x1234)?.model
                == "Wildcard TE410P (4th Gen)")
    }
}
