import Testing
@testable import DoctorCore

/// assigned-spans.conf, span-types.conf and /etc/dahdi/modules: the small files the dahdi shell scripts read.
@Suite struct ConfigDahdiTablesTests {
    @Test(arguments: ["dumpconfig", "hand-written", "errors"])
    func assignedSpansGolden(name: String) throws {
        let parsed = AssignedSpansParser.parse(try Fixtures.read("config/assigned-spans/\(name).conf"),
                                               file: "assigned-spans.conf")
        try ConfigFixtures.assertGolden(parsed, "config/assigned-spans/\(name).json")
    }

    @Test func assignedSpansReadsEverySpecOfALine() throws {
        let parsed = AssignedSpansParser.parse(try Fixtures.read("config/assigned-spans/hand-written.conf"), file: "f")
        #expect(parsed.issues.isEmpty, "\(parsed.issues)")
        #expect(parsed.assignments.map(\.span) == [1, 2, 3, 4, 5, 0])
        #expect(parsed.assignments.map(\.device.kind) == [.hardwareId, .hardwareId, .location, .location, .devpath,
                                                          .hardwareId])
        #expect(parsed.assignments[4].device.isPattern && !parsed.assignments[0].device.isPattern)
        #expect(parsed.assignments[3].baseChannel == 100 && parsed.assignments[3].localSpan == 2)
    }

    @Test func assignedSpansErrors() throws {
        let parsed = AssignedSpansParser.parse(try Fixtures.read("config/assigned-spans/errors.conf"), file: "f")
        let lines = ConfigFixtures.lines(parsed.issues)
        #expect(lines.contains { $0.hasPrefix("line 2: '2:1' is not <local_spanno>:<spanno>:<basechan>") })
        #expect(lines.contains { $0.hasPrefix("line 3: '3:8:1x' is not") })
        #expect(lines.contains("line 4: Must set span number AND base chan number ('4:5:0')"))
        #expect(lines.contains("line 5: no match for local span number 0 (local spans count from 1)"))
        #expect(lines.contains("line 6: span 1 is already assigned at line 1"))
        #expect(lines.contains("line 7: local span 1 of 'usb:X' is already assigned at line 1"))
        #expect(lines.contains("line 8: no <local_spanno>:<spanno>:<basechan> after 'usb:Z'"))
        #expect(lines.contains("line 9: span number 200 is above 127, the highest DAHDI span"))
        #expect(lines.contains { $0.hasPrefix("line 9: base channel 2000 is above 1023") })
        #expect(lines.contains { $0.hasPrefix("line 10: 'pci:0000:03:04.0,port1' contains ','") })
        #expect(lines.contains { $0.hasPrefix("line 11: '1:99999999999:1' is not") })
    }

    @Test(arguments: ["dumpconfig", "overrides", "errors"])
    func spanTypesGolden(name: String) throws {
        let parsed = SpanTypesParser.parse(try Fixtures.read("config/span-types/\(name).conf"), file: "span-types.conf")
        try ConfigFixtures.assertGolden(parsed, "config/span-types/\(name).json")
    }

    @Test func spanTypesKeepsOrderBecauseTheLastMatchWins() throws {
        let parsed = SpanTypesParser.parse(try Fixtures.read("config/span-types/overrides.conf"), file: "f")
        #expect(parsed.issues.isEmpty, "\(parsed.issues)")
        #expect(parsed.entries.map(\.localSpans) == ["*", "[34]", "[12]", "2"])
        #expect(parsed.entries.map(\.type) == [.t1, .e1, .j1, .e1])
        #expect(parsed.entries[0].device.isPattern && parsed.entries[3].device.kind == .devpath)
    }

    @Test func spanTypesErrors() throws {
        let parsed = SpanTypesParser.parse(try Fixtures.read("config/span-types/errors.conf"), file: "f")
        let lines = ConfigFixtures.lines(parsed.issues)
        #expect(lines.contains("line 1: dahdi_span_types uses only the first <span>:<type> of a line; '2:T1' is ignored"))
        #expect(lines.contains("line 2: span type must be E1, T1 or J1, not 'E3'"))
        #expect(lines.contains("line 3: '1' has no ':' between the local span and the type"))
        #expect(lines.contains("line 4: no <local_spanno>:<E1|T1|J1> after 'usb:X'"))
        #expect(lines.contains { $0.hasPrefix("line 5: local span 'one' is not a span number") })
        #expect(lines.contains { $0.hasPrefix("line 6: local span '' is not a span number") })
        #expect(lines.contains("line 7: dahdi_span_types uses only the first <span>:<type> of a line; ':extra' is ignored"))
        #expect(lines.contains { $0.hasPrefix("line 8: 'usb;X' contains ';'") })
        #expect(parsed.entries.map(\.line) == [1, 7, 8])
    }

    @Test(arguments: ["genconf", "hand-edited"])
    func modulesGolden(name: String) throws {
        let parsed = DahdiModulesParser.parse(try Fixtures.read("config/modules/\(name).conf"), file: "modules")
        try ConfigFixtures.assertGolden(parsed, "config/modules/\(name).json")
    }

    @Test func modulesAreEveryWordAndParametersAreIssues() throws {
        let parsed = DahdiModulesParser.parse(try Fixtures.read("config/modules/hand-edited.conf"), file: "f")
        #expect(parsed.modules.map(\.name) == ["wct4xxp", "wctdm24xxp", "wcb4xxp", "wcte13xp", "xpp_usb",
                                               "dahdi_echocan_oslec"])
        #expect(ConfigFixtures.lines(parsed.issues) == [
            "line 3: 'vpmsupport=0' is a module parameter, but every word here is loaded as a module: put "
                + "'options <module> vpmsupport=0' in /etc/modprobe.d/ instead",
            "line 5: 'opvxa1200.ko' is not a kernel module name",
        ])
    }

    @Test func crlfBreaksTheModulesFileButNotTheSpanTables() {
        let modules = DahdiModulesParser.parse("wct4xxp\r\n# comment\r\nwctdm24xxp # TDM\r\n", file: "f")
        #expect(modules.modules.count == 2)
        #expect(modules.issues.map(\.line) == [1])
        #expect(AssignedSpansParser.parse("usb:X 1:1:1\r\n", file: "f").issues.isEmpty)
        #expect(SpanTypesParser.parse("* *:E1\r\n", file: "f").issues.isEmpty)
    }

    @Test func byteOrderMarksAreIssues() {
        #expect(DahdiModulesParser.parse("\u{FEFF}wct4xxp\n", file: "f").issues.count == 1)
        #expect(DahdiModulesParser.parse("\u{FEFF}wct4xxp\n", file: "f").modules.map(\.name) == ["wct4xxp"])
        #expect(AssignedSpansParser.parse("\u{FEFF}usb:X 1:1:1\n", file: "f").issues.count == 1)
        #expect(SpanTypesParser.parse("\u{FEFF}* *:E1\n", file: "f").issues.count == 1)
    }

    @Test(.enabled(if: ConfigFixtures.systemFile("/usr/share/doc/dahdi/examples/assigned-spans.conf.sample") != nil))
    func debiansAssignedSpansSampleIsAllComments() throws {
        let text = try #require(ConfigFixtures.systemFile("/usr/share/doc/dahdi/examples/assigned-spans.conf.sample"))
        let parsed = AssignedSpansParser.parse(text, file: "f")
        #expect(parsed.assignments.isEmpty && parsed.issues.isEmpty)
    }

    @Test(.enabled(if: ConfigFixtures.systemFile("/usr/share/doc/dahdi/examples/span-types.conf.sample") != nil))
    func debiansSpanTypesSampleIsAllComments() throws {
        let text = try #require(ConfigFixtures.systemFile("/usr/share/doc/dahdi/examples/span-types.conf.sample"))
        let parsed = SpanTypesParser.parse(text, file: "f")
        #expect(parsed.entries.isEmpty && parsed.issues.isEmpty)
    }

    static let assignedSample = "usb:INT03165   1:1:1 2:2:51\n@usb-0000:00:1d.7-3 1:3:100\n/sys/*/usb1 1:4:150\n"
    static let spanTypesSample = "*   *:E1\nusb:X1234567 [34]:T1\n"
    static let modulesSample = "# drivers\nwct4xxp\nwctdm24xxp\n"

    @Test(arguments: BrokenInput.cases(sample: ConfigDahdiTablesTests.assignedSample))
    func assignedSpansSurvivesBrokenInput(_ input: BrokenInput.Case) {
        let parsed = AssignedSpansParser.parse(input.text, file: "f")
        if input.name == "random bytes" { #expect(!parsed.issues.isEmpty) }
        if input.name == "CRLF" { #expect(parsed == AssignedSpansParser.parse(Self.assignedSample, file: "f")) }
    }

    @Test(arguments: BrokenInput.cases(sample: ConfigDahdiTablesTests.spanTypesSample))
    func spanTypesSurvivesBrokenInput(_ input: BrokenInput.Case) {
        let parsed = SpanTypesParser.parse(input.text, file: "f")
        if input.name == "random bytes" { #expect(!parsed.issues.isEmpty) }
        if input.name == "CRLF" { #expect(parsed == SpanTypesParser.parse(Self.spanTypesSample, file: "f")) }
    }

    @Test(arguments: BrokenInput.cases(sample: ConfigDahdiTablesTests.modulesSample))
    func modulesSurvivesBrokenInput(_ input: BrokenInput.Case) {
        let parsed = DahdiModulesParser.parse(input.text, file: "f")
        if input.name == "random bytes" { #expect(!parsed.issues.isEmpty) }
    }

    @Test func theTablesSurviveHugeFiles() {
        #expect(AssignedSpansParser.parse(BrokenInput.huge(sample: Self.assignedSample), file: "f").assignments.count > 100_000)
        #expect(SpanTypesParser.parse(BrokenInput.huge(sample: Self.spanTypesSample), file: "f").entries.count > 100_000)
        #expect(DahdiModulesParser.parse(BrokenInput.huge(sample: Self.modulesSample), file: "f").modules.count > 100_000)
    }
}
