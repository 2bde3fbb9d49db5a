import Testing
@testable import DoctorCore

@Suite struct ConfigSystemConfTests {
    static let realistic = ["te420-e1-pri", "t1-pri-and-channel-bank", "tdm410p-analog", "dynamic-loc",
                            "bundles-and-oddities"]

    @Test(arguments: realistic + ["errors"])
    func golden(name: String) throws {
        let parsed = SystemConfParser.parse(try Fixtures.read("config/system/\(name).conf"), file: "system.conf")
        try ConfigFixtures.assertGolden(parsed, "config/system/\(name).json")
    }

    @Test(arguments: ["te420-e1-pri", "t1-pri-and-channel-bank", "tdm410p-analog", "dynamic-loc"])
    func generatedConfigurationsHaveNoIssues(name: String) throws {
        let parsed = SystemConfParser.parse(try Fixtures.read("config/system/\(name).conf"), file: "system.conf")
        #expect(parsed.issues.isEmpty, "\(parsed.issues)")
    }

    /// errors.dahdi_cfg.txt is what Debian's dahdi_cfg -t printed for errors.conf: every one of its messages must
    /// come out of the parser on the same line, word for word.
    @Test func reproducesEveryDahdiCfgMessage() throws {
        let parsed = SystemConfParser.parse(try Fixtures.read("config/system/errors.conf"), file: "system.conf")
        let ours = Set(ConfigFixtures.lines(parsed.issues))
        let oracle = try Fixtures.read("config/system/errors.dahdi_cfg.txt").split(separator: "\n")
        let errors = oracle.filter { $0.hasPrefix("line ") }.map(String.init)
        #expect(errors.count == 33)
        for error in errors { #expect(ours.contains(error), "missing: \(error)") }
        // dahdi_cfg also warns about nethdlc's interface name, which is not an error; the parser leaves that out.
        let warnings = Set(oracle.filter { $0.hasPrefix("WARNING:") && !$0.contains("Network HDLC") }.map(String.init))
        #expect(warnings.count == 1)
        for warning in warnings { #expect(parsed.issues.contains { $0.message == warning }, "missing: \(warning)") }
    }

    @Test func theDuplicateChannelMessageNamesTheFirstClaim() {
        let parsed = SystemConfParser.parse("fxsks=1-2\n\n\n\n\n\n\nfxoks=3\nfxsks=2-4\n", file: "f")
        #expect(ConfigFixtures.lines(parsed.issues) == [
            "line 9: Channel 2 already configured as 'FXS Kewlstart' at line 1",
            "line 9: Channel 3 already configured as 'FXO Kewlstart' at line 8",
        ])
        #expect(parsed.channels.map(\.channel) == [1, 2, 3, 4])
        #expect(parsed.channel(4)?.line == 9)
    }

    @Test func bundlesHaveAMasterAndSlaves() throws {
        let parsed = SystemConfParser.parse(try Fixtures.read("config/system/bundles-and-oddities.conf"), file: "f")
        #expect(parsed.channel(1)?.signalling == .clear && parsed.channel(1)?.master == 1)
        #expect(parsed.channel(2)?.signalling == .slave && parsed.channel(2)?.master == 1)
        #expect(parsed.channel(3)?.signalling == .slave && parsed.channel(3)?.dahdiCfgName == "Clear channel")
        #expect(parsed.channel(5)?.signalling == .slave && parsed.channel(5)?.master == 4)
        #expect(parsed.channel(8)?.signalling == .hdlcNet && parsed.channel(8)?.networkInterface == "hdlc0")
        #expect(parsed.channel(9)?.networkInterface == nil && parsed.channel(10)?.master == 8)
        #expect(parsed.channel(13)?.signalling == .clear && parsed.channel(13)?.master == 13)
        #expect(parsed.channel(14)?.signalling == Signalling.none)
        #expect(parsed.channel(25)?.idleBits == "1101" && parsed.channel(28)?.idleBits == "0001")
        #expect(parsed.channel(30)?.dacsPeer == 40 && parsed.channel(40)?.dacsPeer == 30)
        #expect(parsed.channel(50)?.signalling == .dacsRBS)
        #expect(parsed.spans[0].lineConfig == [.esf, .b8zs, .term, .ntte])
        #expect(parsed.spans[1].lineConfig == [.d4, .ami] && parsed.spans[1].lbo == 3)
        #expect(parsed.spans[2].lineConfig == [.hdb3, .crc4, .notOpen])
        #expect(parsed.echoCancellers.last?.channels == [15, 16, 17, 18, 19, 20, 25, 26, 27, 28, 29])
        #expect(parsed.radio.map(\.keyword) == ["ctcss", "rxgain", "channels"])
        #expect(parsed.issues.isEmpty, "\(parsed.issues)")
    }

    @Test func keywordsAreCaseInsensitiveAndBlanksAroundEqualsAreIgnored() {
        let parsed = SystemConfParser.parse("  FxOkS \t=\t 1-2 # phones\nSPAN = 1, 0, 0, ESF, B8ZS\n", file: "f")
        #expect(parsed.channels.map(\.keyword) == ["fxoks", "fxoks"])
        #expect(parsed.spans.first?.framing == .esf && parsed.spans.first?.coding == .b8zs)
        #expect(parsed.issues.isEmpty, "\(parsed.issues)")
    }

    /// dahdi_cfg drops blanks after a comma but keeps those before it (checked with Debian's dahdi_cfg).
    @Test func aBlankBeforeACommaIsPartOfTheWord() {
        let parsed = SystemConfParser.parse("SPAN = 1 , 0 , 0 , ESF , B8ZS\n", file: "f")
        #expect(ConfigFixtures.lines(parsed.issues)
            == ["line 1: Framing(T1)/Signalling(E1) must be one of 'd4', 'esf', 'cas' or 'ccs', not 'ESF '"])
    }

    @Test func flagsWhatDahdiCfgAcceptsButReadsDifferently() {
        let parsed = SystemConfParser.parse("""
            fxols=80–83
            span=200,0,0,esf,b8zs
            span=1,0,0,esf,b8zs
            span=1,1,0,esf,b8zs
            loadzone=us,de
            loadzone=sp
            defaultzone=de
            echocanceller=mg2 ,1
            channel=5
            \(String(repeating: "#", count: 300))
            """, file: "f")
        let messages = parsed.issues.map(\.message)
        #expect(messages.contains("dahdi_cfg reads '80–83' as 80 and ignores '–83'"))
        #expect(messages.contains { $0.hasPrefix("span number '200' is not between 1 and 127") })
        #expect(messages.contains { $0.hasPrefix("span 1 is already declared at line 3") })
        #expect(messages.contains { $0.hasPrefix("loadzone takes one zone per line") })
        #expect(messages.contains("Unable to register tone zone 'sp'"))
        #expect(messages.contains("defaultzone 'de' is not loaded by any loadzone line"))
        #expect(messages.contains { $0.hasPrefix("echo canceller name 'mg2 ' contains blanks") })
        #expect(messages.contains { $0.hasPrefix("'channel=' in system.conf only applies pciradio settings") })
        #expect(messages.contains("line too long for dahdi_cfg (255 bytes)"))
        #expect(parsed.channel(80) != nil && parsed.channel(81) == nil)
    }

    @Test func defaultZoneWithoutLoadZoneIsOverriddenByUS() {
        let parsed = SystemConfParser.parse("defaultzone=de\n", file: "f")
        #expect(parsed.issues.map(\.line) == [1])
        #expect(parsed.issues.first?.message.contains("loads only 'us'") == true)
    }

    @Test func aByteOrderMarkIsReportedAndSkipped() {
        let plain = SystemConfParser.parse("fxoks=1\n", file: "f")
        let marked = SystemConfParser.parse("\u{FEFF}fxoks=1\n", file: "f")
        #expect(marked.channels == plain.channels)
        #expect(marked.issues.count == 1 && marked.issues[0].message.contains("byte order mark"))
    }

    @Test func crlfReadsLikeLF() throws {
        let text = try Fixtures.read("config/system/bundles-and-oddities.conf")
        #expect(SystemConfParser.parse(text.replacing("\n", with: "\r\n"), file: "f")
            == SystemConfParser.parse(text, file: "f"))
    }

    @Test(.enabled(if: ConfigFixtures.systemFile("/usr/share/doc/dahdi/examples/system.conf.sample") != nil))
    func debiansSampleParsesClean() throws {
        let text = try #require(ConfigFixtures.systemFile("/usr/share/doc/dahdi/examples/system.conf.sample"))
        let parsed = SystemConfParser.parse(text, file: "system.conf.sample")
        #expect(parsed.issues.isEmpty, "\(parsed.issues)")
        #expect(parsed.loadZones.map(\.zone) == ["us"] && parsed.defaultZone?.zone == "us")
    }

    @Test func theLabConfigurationParsesClean() throws {
        let path = Fixtures.directory + "/../../../Tools/dahdi-lab/scenarios/healthy/system.conf"
        let parsed = SystemConfParser.parse(try String(contentsOfFile: path, encoding: .utf8), file: path)
        #expect(parsed.issues.isEmpty, "\(parsed.issues)")
        #expect(parsed.channels.count == 46 && parsed.dynamicSpans.count == 2)
    }

    @Test(arguments: BrokenInput.cases(sample: ConfigSystemConfTests.sample))
    func survivesBrokenInput(_ input: BrokenInput.Case) {
        let parsed = SystemConfParser.parse(input.text, file: "system.conf")
        for issue in parsed.issues { #expect(issue.line >= 1 && issue.file == "system.conf") }
        if input.name == "random bytes" || input.name == "one huge line" { #expect(!parsed.issues.isEmpty) }
    }

    @Test func survivesAHugeFile() {
        let parsed = SystemConfParser.parse(BrokenInput.huge(sample: Self.sample), file: "system.conf")
        #expect(parsed.channels.count == 4 && !parsed.issues.isEmpty)
    }

    @Test func absurdNumbersAreIssuesWithDahdiCfgsReading() {
        let parsed = SystemConfParser.parse("span=99999999999999999999,0,0,esf,b8zs\nfxoks=99999999999999999999\n",
                                            file: "f")
        #expect(ConfigFixtures.lines(parsed.issues).contains("line 2: Channel must be between 1 and 1023 (not '-1')"))
        #expect(parsed.issues.contains { $0.line == 1 && $0.message.contains("not between 1 and 127") })
    }

    static let sample = """
        # Span 1: WCTDM/0 "Wildcard TDM410P" (MASTER)
        fxoks=1
        echocanceller=oslec,1
        fxoks=2
        fxsks=3-4
        span=1,1,0,esf,b8zs
        loadzone = us
        defaultzone=us

        """
}
