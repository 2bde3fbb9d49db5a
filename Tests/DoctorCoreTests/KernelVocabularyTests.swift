import Testing
@testable import DoctorCore

@Suite struct AlarmTextTests {
    // Cases follow dahdi_scan.c's rules (reference §2.3): order BLU, YEL, RED(+LFA), LB, REC, NOP; UUU if none.
    @Test(arguments: [
        (0x0 as UInt32, 24, false, "OK"),
        (0x0, 0, false, "UNCONFIGURED"),
        (0x0, 24, true, "LMFA/OK"),
        (0x8, 24, false, "RED"),
        (0x4, 24, false, "YEL"),
        (0x18, 24, false, "BLU/RED"),
        (0x208, 24, false, "RED/LFA"),
        (0x200, 24, false, "UUU"),       // LFA without RED is not printed
        (0x100, 24, false, "UUU"),       // LOS alone
        (0x20, 0, false, "NOP"),         // an alarm wins over UNCONFIGURED
        (0x2, 24, false, "LB"),
        (0x1, 24, false, "REC"),
        (0x3f, 24, false, "BLU/YEL/RED/LB/REC/NOP"),
    ])
    func dahdiScanText(bits: UInt32, configured: Int, lmfa: Bool, expected: String) {
        #expect(DahdiScanAlarmText.text(alarms: SpanAlarms(rawValue: bits), configuredChannels: configured,
                                        multiframeErrorsRising: lmfa) == expected)
    }

    @Test func kernelNamesRoundTrip() {
        let alarms = SpanAlarms(kernelWords: "YELLOW RED \n")
        #expect(alarms == [.yellow, .red])
        #expect(alarms.names == ["YELLOW", "RED"])
        #expect(SpanAlarms(kernelWords: "\n").isEmpty)
        #expect(SpanAlarms(rawValue: 0x80008).names == ["RED", "UNKNOWN(0x80000)"])
    }
}

@Suite struct SignallingTests {
    @Test func namesMatchTheKernel() {
        #expect(Signalling.fxsks.rawValue == 0x2004)
        #expect(Signalling.fxoks.rawValue == 0x1020)
        #expect(Signalling.hdlcFCS.rawValue == 0x380)
        #expect(Signalling.mtp2.rawValue == 0x100380)
        #expect(Signalling.dacsRBS.rawValue == 0x50000)
        #expect(Signalling.fxsks.kernelName == "FXSKS")
        #expect(Signalling.none.kernelName == "Unconfigured")
        #expect(Signalling(rawValue: 0x4000000).kernelName == "Unknown(0x4000000)")
        #expect(Signalling(kernelName: "Hardware-assisted HDLC") == .hardHDLC)
        #expect(Signalling(kernelName: "bogus") == nil)
    }

    @Test func capabilitiesOfADynamicChannel() {
        // sigcap 0x5f0ff, seen on dahdi_dynamic_loc channels in the lab.
        // The kernel's own listing of that mask, from the lab's sysfs `sigcap`.
        #expect(Signalling.capabilityNames(0x5f0ff).joined(separator: " ")
                == "FXSLS FXSGS FXSKS FXOLS FXOGS FXOKS E&M Clear SF (ToneOnly) CAS DACS+RBS")
        #expect(PortType(sigcap: 0x5f0ff) == .any)
    }

    @Test func clearCapableChannelsAcceptHDLCAndDACSLikeTheKernel() {
        let accepted = Signalling.acceptedCapabilities(0x5f0ff)   // dynamic loc channels: Clear but no HDLC bits
        #expect(accepted & Signalling.hdlcFCS.rawValue == Signalling.hdlcFCS.rawValue)
        #expect(accepted & Signalling.dacs.rawValue == Signalling.dacs.rawValue)
        #expect(accepted & Signalling.mtp2.rawValue != Signalling.mtp2.rawValue)        // MTP2 needs its own bit
        #expect(Signalling.acceptedCapabilities(0x1038) == 0x1038)                      // no Clear: unchanged
    }

    @Test(arguments: [
        (0x0 as UInt32, PortType.none),
        (0x80000000, .none),                           // broken, no capabilities
        (UInt32(0x1038 | 0x4000 | 0x40 | 0x80), .fxs), // wctdm24xxp FXS module: FXO signalling
        (UInt32(0x2005 | 0x4000 | 0x80), .fxo),        // FXO module: FXS signalling
        (0x780, .digital),
    ])
    func portTypeFollowsDahdiScan(sigcap: UInt32, expected: PortType) {
        #expect(PortType(sigcap: sigcap) == expected)
    }
}

@Suite struct LineConfigTests {
    @Test(arguments: [
        ("ESF/B8ZS", "ESF", "B8ZS"),
        ("D4/AMI", "D4", "AMI"),
        ("CCS/HDB3/CRC4", "CCS/CRC4", "HDB3"),
        ("HDB3", "CAS", "HDB3"),
        ("", "CAS", nil),
    ] as [(String, String, String?)])
    func framingAndCodingLikeDahdiScan(sysfs: String, framing: String, coding: String?) {
        let config = LineConfig(kernelNames: sysfs[...])
        #expect(config.framing == framing)
        #expect(config.coding == coding)
    }

    @Test func namesInBitOrder() {
        #expect(LineConfig(rawValue: 0x20 | 0x80).names == ["ESF", "B8ZS"])
        #expect(LineConfig(kernelNames: "D4 ESF AMI B8ZS CCS HDB3 CRC4").rawValue == 0x7f0)
        #expect(LineBuildOut.name(0) == "0 db (CSU)/0-133 feet (DSX-1)")
        #expect(LineBuildOut.name(9) == "Unknown")
    }

    @Test func hookNames() {
        #expect(HookSignal.rxName(-1) == nil)
        #expect(HookSignal.rxName(1) == "offhook")
        #expect(HookSignal.txName(3) == "kewl")
        #expect(HookSignal.rxName(9) == "unknown(9)")
    }
}

@Suite struct SysfsValueTests {
    @Test func parsesAttributes() {
        #expect(SysfsValue.hexAlarms("0x108\n") == [.red, .lossOfSignal])
        #expect(SysfsValue.hexAlarms("0x0\n") == [])
        #expect(SysfsValue.hexAlarms("garbage") == nil)
        #expect(SysfsValue.hexAlarms(nil) == nil)
        #expect(SysfsValue.int("24\n") == 24)
        #expect(SysfsValue.int("\n") == nil)
        #expect(SysfsValue.bool("1\n") == true)
        #expect(SysfsValue.spanTypes("1:E1\n2:T1\nbad\n3:\n") == [
            LocalSpanType(localSpan: 1, type: "E1"), LocalSpanType(localSpan: 2, type: "T1"),
        ])  // "bad" and "3:" carry no type: skipped
        #expect(SysfsValue.echoCancellerActive("ACTIVE\n") == true)
        #expect(SysfsValue.echoCancellerActive("\n") == nil)
    }
}
