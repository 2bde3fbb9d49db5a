import CDahdi
import Testing
@testable import DoctorCore
@testable import DoctorAgentServer
@testable import DoctorKernel
@testable import DoctorNetwork
@testable import DoctorSystem

/// Builds the C structs from raw bytes laid out at the offsets documented for the DAHDI ABI (reference §1.4, §1.5),
/// so a wrong import, offset or sign conversion fails here rather than on a box.
@Suite struct CStructDecodingTests {
    struct Bytes {
        var data: [UInt8]
        init(size: Int) { data = [UInt8](repeating: 0, count: size) }
        mutating func int32(_ value: Int32, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { data.replaceSubrange(offset..<offset + 4, with: $0) }
        }
        mutating func uint32(_ value: UInt32, at offset: Int) { int32(Int32(bitPattern: value), at: offset) }
        mutating func string(_ value: String, at offset: Int) {
            data.replaceSubrange(offset..<offset + value.utf8.count, with: Array(value.utf8))
        }
        func load<T>(as type: T.Type, initial: T) -> T {
            #expect(MemoryLayout<T>.size == data.count)
            var value = initial
            withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: data) }
            return value
        }
    }

    @Test func layoutsMatchTheDocumentedABI() {
        #expect(MemoryLayout<dahdi_spaninfo>.size == 314)
        #expect(MemoryLayout<dahdi_params>.size == 136)
        #expect(MemoryLayout<dahdi_versioninfo>.size == 160)
        #expect(CDahdi_SPANSTAT == 0xC13A_DA0A && CDahdi_GET_PARAMS == 0xC088_DA05 && CDahdi_GETVERSION == 0x80A0_DA39)
        #expect(UInt32(CDahdi_SIG_FXSKS) == Signalling.fxsks.rawValue)
        #expect(UInt32(CDahdi_SIG_FXOKS) == Signalling.fxoks.rawValue)
        #expect(UInt32(CDahdi_SIG_HDLCNET) == Signalling.hdlcNet.rawValue)
        #expect(UInt32(CDahdi_SIG_DACS_RBS) == Signalling.dacsRBS.rawValue)
        #expect(UInt32(CDahdi_SIG_HARDHDLC) == Signalling.hardHDLC.rawValue)
        #expect(UInt32(CDahdi_SIG_MTP2) == Signalling.mtp2.rawValue)
    }

    @Test func decodesSpanInfo() {
        var b = Bytes(size: 314)
        b.int32(3, at: 0)
        b.string("TE4/0/3", at: 4)
        b.string("T4XXP (PCI) Card 0 Span 3", at: 24)
        b.int32(0x208, at: 64)                     // RED + LFA
        b.int32(17, at: 76)                        // bpv
        b.int32(4, at: 80)                         // crc4
        b.int32(2, at: 84)                         // ebit
        b.int32(9, at: 88)                         // fas
        b.uint32(0xFFFF_FFFF, at: 92)              // fecount: not supported by the driver
        b.uint32(5, at: 96)                        // cv
        b.uint32(0xFFFF_FFFF, at: 100)             // be: not supported
        b.uint32(6, at: 108)                       // errsec
        b.int32(11, at: 112)                       // irqmisses
        b.int32(1, at: 116)                        // syncsrc
        b.int32(30, at: 120)                       // numchans
        b.int32(31, at: 124)                       // totalchans
        b.int32(4, at: 128)                        // totalspans
        b.int32(0, at: 132)                        // lbo
        b.int32(0x100 | 0x200 | 0x400, at: 136)    // CCS/HDB3/CRC4
        b.string("0 db (CSU)/0-133 feet (DSX-1)", at: 140)
        b.string("PCI Bus 03 Slot 04", at: 180)
        b.string("Digium", at: 220)
        b.string("Wildcard TE420 (5th Gen)", at: 260)
        b.int32(0x7f0, at: 304)                    // linecompat
        b.string("E1", at: 308)
        let status = SpanStatus(b.load(as: dahdi_spaninfo.self, initial: dahdi_spaninfo()))
        #expect(status.number == 3 && status.name == "TE4/0/3" && status.description == "T4XXP (PCI) Card 0 Span 3")
        #expect(status.alarms == [.red, .lossOfFrameAlignment])
        #expect(status.counters == SpanCounters(bipolarViolations: 17, crc4Errors: 4, eBitErrors: 2, framingAlignmentErrors: 9,
                                                framingErrors: nil, codingViolations: 5, bitErrors: nil, prbs: 0,
                                                erroredSeconds: 6))
        #expect(status.irqMisses == 11 && status.syncSource == 1)
        #expect(status.configuredChannels == 30 && status.totalChannels == 31 && status.totalSpans == 4)
        #expect(status.lineConfig.framing == "CCS/CRC4" && status.lineConfig.coding == "HDB3")
        #expect(status.location == "PCI Bus 03 Slot 04" && status.manufacturer == "Digium")
        #expect(status.deviceType == "Wildcard TE420 (5th Gen)" && status.spanType == "E1" && status.isDigital)
    }

    @Test func decodesAFullSpanTypeFieldWithoutNUL() {
        var b = Bytes(size: 314)
        b.string("DYNAM\u{0}", at: 308)
        b.string(String(repeating: "x", count: 20), at: 4)   // name with no terminator runs into desc: stop at 20
        var info = b.load(as: dahdi_spaninfo.self, initial: dahdi_spaninfo())
        info.desc.0 = 0
        let status = SpanStatus(info)
        #expect(status.spanType == "DYNAM")
        #expect(status.name == String(repeating: "x", count: 20))
    }

    @Test func decodesParams() {
        var b = Bytes(size: 136)
        b.int32(25, at: 0)
        b.int32(2, at: 4)
        b.int32(1, at: 8)
        b.int32(0x1020, at: 12)                     // FXOKS
        b.uint32(0x5f0ff | 0x8000_0000, at: 16)     // sigcap with the BROKEN bit
        b.int32(1, at: 20)                          // rxisoffhook
        b.int32(-1, at: 24)                         // rxbits: no RBS
        b.int32(-1, at: 28)
        b.int32(0, at: 32)                          // txhooksig onhook
        b.int32(1, at: 36)                          // rxhooksig offhook
        b.int32(1, at: 40)                          // mulaw
        b.string("DYN/loc/1:1/1", at: 48)
        b.uint32(0x8, at: 132)                      // chan_alarms RED
        let params = ChannelParams(b.load(as: dahdi_params.self, initial: dahdi_params()))
        #expect(params.channel == 25 && params.span == 2 && params.position == 1)
        #expect(params.signalling == .fxoks && params.capabilities == 0x8005_f0ff)
        #expect(params.rxIsOffHook && params.rxHookSignal == 1 && params.txHookSignal == 0 && params.rxBits == -1)
        #expect(params.name == "DYN/loc/1:1/1" && params.alarms == [.red])
        let channel = InventoryBuilder.channel(fromIoctl: params, sysfs: nil, proc: nil)
        #expect(channel.broken && channel.offHook == true && channel.rxBits == nil && channel.alarms == ["RED"])
    }

    @Test func decodesVersion() {
        var b = Bytes(size: 160)
        b.string("2.11.1.0.20170917~dfsg-8.4", at: 0)
        b.string("MG2, OSLEC", at: 80)
        let version = DriverVersion(b.load(as: dahdi_versioninfo.self, initial: dahdi_versioninfo()))
        #expect(version.version == "2.11.1.0.20170917~dfsg-8.4")
        #expect(version.echoCancellers == ["MG2", "OSLEC"])
    }
}
