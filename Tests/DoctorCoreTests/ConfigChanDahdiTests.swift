import Testing
@testable import DoctorCore

@Suite struct ConfigChanDahdiTests {
    static func load(_ directory: String) -> ChanDahdiConfig {
        ChanDahdiConfParser.load(source: TestConfigSources.fixtures("chan_dahdi/\(directory)"))
    }

    @Test(arguments: ["freepbx-analog", "te420-pri", "sections-and-templates", "errors"])
    func golden(name: String) throws {
        try ConfigFixtures.assertGolden(Self.load(name), "config/chan_dahdi/\(name).json")
    }

    @Test func freePBXIncludesGiveEveryChannelItsOwnOptions() throws {
        let config = Self.load("freepbx-analog")
        #expect(config.issues.isEmpty, "\(config.issues)")
        #expect(config.loadsInAsterisk)
        #expect(config.files == ["/etc/asterisk/chan_dahdi.conf", "/etc/asterisk/chan_dahdi_additional.conf",
                                 "/etc/asterisk/dahdi-channels.conf"])
        #expect(config.channels.map(\.channel) == [1, 2, 3, 4])
        let reception = try #require(config.channel(1))
        #expect(reception.signalling == "fxo_ks" && reception.expectedSignalling == .fxoks)
        #expect(reception.context == "from-internal" && reception.group == "63")
        #expect(reception.file == "/etc/asterisk/chan_dahdi_additional.conf" && reception.line == 21)
        #expect(reception.options.first { $0.key == "callerid" }?.value == "Reception <201>")
        let line = try #require(config.channel(3))
        #expect(line.signalling == "fxs_ks" && line.expectedSignallingName == "FXSKS")
        #expect(line.context == "from-analog" && line.group == "0" && line.line == 18)
        #expect(line.options.first { $0.key == "callerid" }?.value == "asreceived")
        // Options set after a channel line do not reach back: channel 4 sees its own values.
        #expect(config.channel(4)?.options.first { $0.key == "callerid" }?.line == 25)
    }

    @Test func priSpansMapToClearChannels() {
        let config = Self.load("te420-pri")
        #expect(config.issues.isEmpty, "\(config.issues)")
        #expect(config.channels.count == 120)
        #expect(config.channels.allSatisfy { $0.expectedSignalling == .clear })
        #expect(config.channel(16) == nil && config.channel(1)?.group == "0,11" && config.channel(94)?.context == "from-internal")
        #expect(config.channel(124)?.signalling == "pri_net" && config.channel(124)?.chanDahdiSig == 0x80)
    }

    @Test func sectionsWithDahdichanStartFromTheEndOfChannels() throws {
        let config = Self.load("sections-and-templates")
        #expect(config.channels.map(\.channel) == [7, 1, 5, 3, 4])
        let seven = try #require(config.channel(7))
        #expect(seven.context == "default" && seven.options.contains { $0.key == "setvar" })
        let reception = try #require(config.channel(1))
        #expect(reception.section == "reception" && reception.context == "from-internal")
        #expect(!reception.options.contains { $0.key == "setvar" })
        #expect(reception.options.first { $0.key == "callerid" }?.value == "\"Reception\" <201>")
        let warehouse = try #require(config.channel(5))
        #expect(warehouse.options.first { $0.key == "immediate" }?.value == "yes")
        #expect(config.channel(3)?.expectedSignalling == .fxsks && config.channel(3)?.group == "1")
        #expect(config.channel(3)?.options.contains { $0.key == "busydetect" } == true)
        let messages = config.issues.map(\.message)
        #expect(messages.contains("Channel '9' ignored."))
        #expect(messages.contains("section [notes] has no dahdichan: chan_dahdi ignores it"))
        #expect(messages.contains { $0.hasPrefix("chan_dahdi reads only the first [channels] section") })
        #expect(!messages.contains { $0.contains("[general]") })
    }

    @Test func errorsUseAsterisksWords() {
        let config = Self.load("errors")
        #expect(!config.loadsInAsterisk)
        let lines = Set(config.issues.map { "\($0.file.split(separator: "/").last ?? ""):\($0.line): \($0.message)" })
        let expected = [
            "chan_dahdi.conf:2: Signalling must be specified before any channels are. (chan_dahdi does not load)",
            "chan_dahdi.conf:3: Unknown signalling method 'fxs_kewl' at line 3.",
            "chan_dahdi.conf:5: Unknown signalling method 'fxo_ks' at line 5.",
            "chan_dahdi.conf:6: Silliness: 4 < 1",
            "chan_dahdi.conf:7: chan_dahdi reads '10 - 12' as 10 and ignores '- 12'",
            "chan_dahdi.conf:8: empty entry in channel list '20,,21': chan_dahdi registers the previous channel number again",
            "chan_dahdi.conf:9: chan_dahdi reads '1x' as 1 and ignores 'x'",
            "chan_dahdi.conf:10: Syntax error parsing 'abc' at 'abc' (chan_dahdi does not load)",
            "chan_dahdi.conf:13: channel 3 is already configured at /etc/asterisk/chan_dahdi.conf:12; chan_dahdi reconfigures it with this definition",
            "chan_dahdi.conf:14: No variable name in line 14 of /etc/asterisk/chan_dahdi.conf",
            "chan_dahdi.conf:15: No '=' (equal sign) in line 15 of /etc/asterisk/chan_dahdi.conf",
            "chan_dahdi.conf:16: Unknown directive '#frobnicate' at line 16 of /etc/asterisk/chan_dahdi.conf",
            "chan_dahdi.conf:17: Directive '#include' needs an argument (filename) at line 17 of /etc/asterisk/chan_dahdi.conf",
            "chan_dahdi.conf:19: The file 'missing.conf' was listed as a #include but it does not exist. (Asterisk refuses the whole file)",
            "chan_dahdi.conf:25: parse error: no closing ']', line 25 of /etc/asterisk/chan_dahdi.conf (Asterisk refuses the whole file)",
            "chan_dahdi.conf:26: Inheritance requested, but category 'no-such-template' does not exist, line 26 of /etc/asterisk/chan_dahdi.conf (Asterisk refuses the whole file)",
            "chan_dahdi.conf:1: section [header] has no dahdichan: chan_dahdi ignores it",
            "stray.conf:1: '--;' closes no block comment: Asterisk then ignores the rest of this file until the next ';--'",
            "unterminated.conf:2: Unterminated comment detected beginning on line 2",
        ]
        for line in expected where !line.hasPrefix("chan_dahdi.conf:1: section") {
            #expect(lines.contains(line), "missing: \(line)")
        }
        #expect(config.issues.contains { $0.message.hasPrefix("include cycle: /etc/asterisk/loop-a.conf -> /etc/asterisk/loop-b.conf -> /etc/asterisk/loop-a.conf") })
        #expect(config.issues.contains { $0.message.hasPrefix("#exec is not followed") })
        #expect(config.issues.contains { $0.message == "section [header] has no dahdichan: chan_dahdi ignores it" })
        #expect(!config.issues.contains { $0.message.contains("also-missing") })
        // Created despite the errors: what the file declares, for the checks that compare it with the hardware.
        // A redefined channel moves to where it was last defined (1 at line 9, 3 at line 13).
        #expect(config.channels.map(\.channel) == [2, 4, 10, 20, 21, 1, 3, 40, 41, 60])
        #expect(!config.issues.contains { $0.file.hasSuffix("stray.conf") && $0.line == 2 })
        #expect(config.files.contains("/etc/asterisk/wildcard-2.conf"))
    }

    @Test func aDeepIncludeChainStopsAtAsterisksLimit() {
        var files = ["chan_dahdi.conf": "[channels]\nsignalling=fxo_ks\n#include level1.conf\n"]
        for level in 1...1000 { files["level\(level).conf"] = "channel => \(level)\n#include level\(level + 1).conf\n" }
        let config = ChanDahdiConfParser.load(source: TestConfigSources.memory(files))
        #expect(config.channels.count == 10)
        #expect(config.files.count == 11)
        #expect(config.issues.contains { $0.message == "Maximum Include level (10) exceeded" })
        #expect(config.loadsInAsterisk)
    }

    @Test func aSelfIncludeIsACycleNotARecursion() {
        let config = ChanDahdiConfParser.load(source: TestConfigSources.memory(
            ["chan_dahdi.conf": "[channels]\nsignalling=fxo_ks\nchannel => 1\n#include chan_dahdi.conf\n"]))
        #expect(config.channels.map(\.channel) == [1])
        #expect(config.issues.count == 1 && config.issues[0].message.hasPrefix("include cycle"))
    }

    @Test func relativeIncludesResolveAgainstTheConfigDirectoryNotTheIncluder() {
        let files = ["chan_dahdi.conf": "[channels]\nsignalling=fxo_ks\n#include sub/a.conf\n",
                     "sub/a.conf": "#include b.conf\n", "b.conf": "channel => 2\n", "sub/b.conf": "channel => 3\n"]
        let config = ChanDahdiConfParser.load(source: TestConfigSources.memory(files))
        #expect(config.channels.map(\.channel) == [2])
        #expect(config.files.last == "/etc/asterisk/b.conf")
    }

    @Test func anUnreadableTopFileIsOneIssue() {
        let config = ChanDahdiConfParser.load(source: TestConfigSources.memory([:]))
        #expect(!config.loadsInAsterisk && config.channels.isEmpty && config.issues.count == 1)
    }

    @Test func everySignallingMapsToTheKernelsSignalling() {
        let expected: [String: Signalling?] = [
            "fxs_ks": .fxsks, "fxs_ls": .fxsls, "fxs_gs": .fxsgs, "fxo_ks": .fxoks, "fxo_ls": .fxols, "fxo_gs": .fxogs,
            "pri_cpe": .clear, "pri_net": .clear, "bri_cpe": .clear, "bri_net_ptmp": .clear, "ss7": .clear,
            "em": .em, "em_w": .em, "featd": .em, "e911": .em, "em_e1": .emE1, "mfcr2": .cas, "sf": .sf,
            "sf_w": .sf, "sf_featb": .sf, "sf_featd": .em, "auto": nil,
        ]
        for (value, signalling) in expected {
            let config = ChanDahdiConfParser.parse("[channels]\nsignalling=\(value.uppercased())\nchannel=>1\n",
                                                   file: "/etc/asterisk/chan_dahdi.conf",
                                                   source: TestConfigSources.memory([:]))
            #expect(config.channel(1)?.expectedSignalling == signalling, "\(value)")
            #expect(config.channel(1)?.signalling == value)
        }
    }

    static let sample = try! Fixtures.read("config/chan_dahdi/freepbx-analog/dahdi-channels.conf")
        .replacing("; Span", with: "[channels]\n; Span")

    @Test(arguments: BrokenInput.cases(sample: ConfigChanDahdiTests.sample))
    func survivesBrokenInput(_ input: BrokenInput.Case) {
        let config = ChanDahdiConfParser.parse(input.text, file: "/etc/asterisk/chan_dahdi.conf",
                                               source: TestConfigSources.memory([:]))
        if input.name == "CRLF" || input.name == "UTF-8 BOM" {
            #expect(config == ChanDahdiConfParser.parse(Self.sample, file: "/etc/asterisk/chan_dahdi.conf",
                                                        source: TestConfigSources.memory([:])))
        }
        if input.name == "random bytes" || input.name == "one huge line" { #expect(!config.issues.isEmpty) }
    }

    @Test func survivesAHugeFile() {
        let config = ChanDahdiConfParser.parse(BrokenInput.huge(sample: Self.sample), file: "/etc/asterisk/c.conf",
                                               source: TestConfigSources.memory([:]))
        #expect(config.channels.map(\.channel) == [3, 4])
    }
}
