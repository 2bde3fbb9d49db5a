import Testing
@testable import DoctorCore

@Suite struct ProcDahdiParserTests {
    @Test(arguments: ["t1-red", "analog", "e1-yellow", "odd-lines"])
    func goldenParse(name: String) throws {
        let text = try Fixtures.read("proc/\(name).txt")
        let parsed = ProcDahdiParser.parse(text, file: "/proc/dahdi/x")
        struct Golden: Encodable { var span: ProcSpan?; var issues: [ParseIssue] }
        try Fixtures.assertGolden(try JSONOutput.encode(Golden(span: parsed.span, issues: parsed.issues)) + "\n",
                                  "proc/\(name).json")
    }

    @Test func t1CountersAndFlags() throws {
        let span = try #require(ProcDahdiParser.parse(try Fixtures.read("proc/t1-red.txt"), file: "f").span)
        #expect(span.number == 1 && span.name == "TE4/0/1" && span.description == "T4XXP (PCI) Card 0 Span 1")
        #expect(span.isSyncMaster && span.isClockSource)
        #expect(span.alarms == [.red])
        #expect(span.lineConfig == [.esf, .b8zs])
        #expect(span.bipolarViolations == 17 && span.crc4Errors == 3 && span.irqMisses == 2 && span.timingSlips == 41)
        #expect(span.channels.map(\.channel) == [1, 2, 3, 24])
        #expect(span.channels[1].isBundleMaster && !span.channels[2].isBundleMaster)
        #expect(span.channels[3].signalling == .hdlcFCS && span.channels[3].inUse)
    }

    @Test func analogEchoCancellersAndOddSignalling() throws {
        let span = try #require(ProcDahdiParser.parse(try Fixtures.read("proc/analog.txt"), file: "f").span)
        let byNumber = Dictionary(uniqueKeysWithValues: span.channels.map { ($0.channel, $0) })
        #expect(byNumber[25]?.echoCanceller == "MG2" && byNumber[25]?.echoCancellerActive == true)
        #expect(byNumber[26]?.echoCanceller == "OSLEC" && byNumber[26]?.echoCancellerActive == false)
        #expect(byNumber[26]?.alarms == [.red])
        #expect(byNumber[27]?.isReserved == true && byNumber[27]?.signalling == nil)
        #expect(byNumber[28]?.signalling == nil && byNumber[28]?.name == "WCTDM/0/3")
        #expect(byNumber[29]?.signalling == .sf && byNumber[29]?.noPcm == true)
        #expect(span.timingSlips == 0)
    }

    @Test func garbageIsAnIssueNotACrash() throws {
        let parsed = ProcDahdiParser.parse(try Fixtures.read("proc/garbage.txt"), file: "/proc/dahdi/9")
        #expect(parsed.span == nil)
        #expect(parsed.issues.count == 1 && parsed.issues[0].line == 1 && parsed.issues[0].file == "/proc/dahdi/9")
    }

    @Test func survivesHostileInput() {
        let inputs = ["", "\n\n", "Span : \"", "Span 1: \"\"", "Span 99999999999999999999: x \"y\"",
                      String(repeating: "\t  1 x FXSKS (EC: ", count: 1000), "Span 1: a \"b\" \n\t\u{0}\u{1}\n\t 5"]
        for input in inputs { _ = ProcDahdiParser.parse(input, file: "f") }
    }
}

/// A /proc/dahdi line or word no rule recognises is a finding that quotes it, not a silent pass.
@Suite struct ProcUnparsedCheckTests {
    @Test func aChannelLineWithAnUnknownWordIsAnIssueAndTheChannelIsKept() throws {
        let text = "Span 2: DYN/loc/1:1 \"Dynamic\" \n\n\t  25 DYN/loc/1:1/1 FXOKS (In use) (Frobbed) \n\t  26 DYN/loc/1:1/2 Unconfigured \n"
        let parsed = ProcDahdiParser.parse(text, file: "/proc/dahdi/2")
        let span = try #require(parsed.span)
        #expect(span.channels.map(\.channel) == [25, 26] && span.channels[0].inUse && span.channels[0].signalling == .fxoks)
        #expect(span.channels[1].signalling == nil)
        #expect(parsed.issues.count == 1 && parsed.issues[0].line == 3)
        #expect(parsed.issues[0].message.hasSuffix(": (Frobbed)"))
        // The span's channels are then not among those whose sysfs files scan skips.
        #expect(ProcSpan.channelsDescribed([span], issues: parsed.issues).isEmpty)
    }

    @Test func aHeaderWordNoRuleKnowsIsAnIssue() throws {
        let known = ProcDahdiParser.parse("Span 1: WPE1/0 \"wanpipe1 card 0\" (MASTER) CCS/HDB3/CRC4 RED ClockSource \n", file: "f")
        #expect(known.issues.isEmpty && known.span?.lineConfig == [.ccs, .hdb3, .crc4] && known.span?.alarms == [.red])
        let old = ProcDahdiParser.parse("Span 1: TE2/0/1 \"T2XXP\" B8ZS/ \n", file: "f")   // DAHDI 2.6, no coding
        #expect(old.issues.isEmpty && old.span?.lineConfig == [.b8zs])
        let odd = ProcDahdiParser.parse("Span 1: TE4/0/1 \"T4XXP\" ESF/B8ZS/LOSSY PURPLE \n", file: "f")
        #expect(odd.span?.number == 1)
        #expect(odd.issues.map(\.line) == [1] && odd.issues[0].message.hasSuffix(": ESF/B8ZS/LOSSY PURPLE"))
    }

    @Test func theCheckQuotesTheLine() throws {
        var observation = try JSONOutput.decode(Observation.self, from: try Fixtures.read("observations/lab-healthy.json"))
        let clean = Diagnosis.run(observation, generator: "t")
        #expect(!clean.findings.contains { $0.id == "proc-dahdi-unparsed" })
        let issue = ParseIssue(file: "/proc/dahdi/2", line: 3, text: "\t  25 DYN/loc/1:1/1 FXOKS (Frobbed) ",
                               message: "unrecognised word(s) in a channel line: (Frobbed)")
        observation.dahdi.parseIssues = [issue, issue]
        let report = Diagnosis.run(observation, generator: "t")
        let finding = try #require(report.findings.first { $0.id == "proc-dahdi-unparsed" })
        #expect(finding.severity == .unknown && finding.subject == "/proc/dahdi/2")
        #expect(finding.message.contains("2 line(s)") && finding.message.contains("25 DYN/loc/1:1/1 FXOKS (Frobbed)"))
        #expect(finding.evidence.count == 2 && finding.evidence[0].source == "/proc/dahdi/2:3")
    }
}

/// Channel lines printed the way `dahdi_seq_show` prints them (dahdi-base.c, DAHDI 2.6-3.4), from generated
/// channels: the parser reads back exactly what was printed, and nothing is left over.
@Suite struct ProcChannelLineRoundTripTests {
    @Test func everyGeneratedLineReadsBack() throws {
        var random = SeededRandom(seed: 0x9C0C)
        let names = ["WCTDM/0/0", "DYN/loc/1:1/10", "TE4/0/1/24", "XPP_FXS/0/0/7", "WPE1/0/16", "B410/0/1/3"]
        let alarms: [(SpanAlarms, String)] = [(.blue, "BLUE"), (.yellow, "YELLOW"), (.red, "RED"), (.loopback, "LOOP"),
                                              (.recovering, "RECOVERING"), (.notOpen, "NOTOPEN")]
        let factories = ["MG2", "OSLEC", "VPMOCT032", "HWEC", "KB1"]
        for n in 0..<3000 {
            func pick(_ count: Int) -> Int { Int(random.next() % UInt64(count)) }
            var expected = ProcChannel(channel: 1 + pick(1023), name: names[pick(names.count)])
            var line = "\t" + String(repeating: " ", count: max(0, 4 - String(expected.channel).count)) + "\(expected.channel) \(expected.name) "
            switch pick(4) {
            case 0: break                                               // sig 0 with capabilities: nothing
            case 1: expected.isReserved = true; line += "Reserved "     // no capabilities
            default:
                let (signalling, text) = Signalling.kernelNames[pick(Signalling.kernelNames.count)]
                expected.signalling = signalling
                line += text + " "
                if pick(5) == 0 { expected.isBundleMaster = true; line += "Master " }
            }
            if pick(3) == 0 { expected.inUse = true; line += "(In use) " }
            if pick(6) == 0 { expected.noPcm = true; line += "(no pcm) " }
            for (alarm, word) in alarms where pick(5) == 0 { expected.alarms.insert(alarm); line += word + " " }
            if pick(2) == 0 {
                expected.echoCanceller = factories[pick(factories.count)]
                expected.echoCancellerActive = pick(2) == 0
                line += "(EC: \(expected.echoCanceller!) - \(expected.echoCancellerActive! ? "ACTIVE" : "INACTIVE")) "
            }
            let parsed = ProcDahdiParser.parse("Span 1: X \"x\" \n\n" + line + "\n", file: "f")
            #expect(parsed.issues.isEmpty, "line \(n): \(line)")
            #expect(parsed.span?.channels == [expected], "line \(n): \(line)")
        }
    }
}
