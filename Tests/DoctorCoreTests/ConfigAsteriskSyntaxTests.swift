import Testing
@testable import DoctorCore

/// The Asterisk configuration syntax shared by chan_dahdi.conf and pjsip.conf (main/config.c).
@Suite struct ConfigAsteriskSyntaxTests {
    static func read(_ text: String, files: [String: String] = [:]) -> AsteriskConfig {
        AsteriskConfigReader.read(text, file: "/etc/asterisk/test.conf", source: TestConfigSources.memory(files))
    }

    static func values(_ config: AsteriskConfig, _ category: Int = 0) -> [String] {
        config.categories[category].variables.map { "\($0.name)=\($0.value)" }
    }

    @Test func commentsEscapesAndBlocks() {
        let config = Self.read("""
            [a]
            one = 1 ; a comment
            two = 2\\;still two
            three = 3 ;--- an ordinary comment, not a block
            four = 4 ;-- a block --; five = 5
            ;-- a block
              over ;-- nested --; lines
            --; six = 6
            seven = 7;-- open --;;comment
            """)
        #expect(Self.values(config) == ["one=1", "two=2;still two", "three=3", "four=4  five = 5", "six=6", "seven=7"])
        #expect(config.issues.isEmpty, "\(config.issues)")
    }

    @Test func objectsAppendsAndEscapedKeys() {
        let config = Self.read("[a]\nchannel => 1-4\nallow = ulaw\nallow += ,alaw\nnew += x\n\\[odd] = 1\n\\ = 2\n")
        // Asterisk glues the text after += on as it is, blank included.
        #expect(Self.values(config) == ["channel=1-4", "allow=ulaw ,alaw", "new=x", "[odd]=1"])
        #expect(config.categories[0].variables[0].isObject)
        #expect(config.issues.map(\.message) == ["Invalid escape in line 7 of /etc/asterisk/test.conf (Asterisk refuses the whole file)"])
    }

    @Test func templatesInheritanceAndAppending() {
        let config = Self.read("""
            [t1](!)
            a = 1
            [t2](!,t1)
            b = 2
            [x](t2)
            c = 3
            [x](+)
            d = 4
            [t1](+)
            e = 5
            [y]()
            """)
        // A failed (+) still opens a category, so the lines under it do not land in the previous one.
        #expect(config.categories.map(\.name) == ["t1", "t2", "x", "t1", "y"])
        #expect(Self.values(config, 2) == ["a=1", "b=2", "c=3", "d=4"])
        #expect(config.categories[2].variables.map(\.inheritedFrom) == ["t1", "t2", nil, nil])
        // (+) only finds categories that are not templates, and () inherits from the very first category.
        #expect(config.issues.map(\.line) == [9])
        #expect(Self.values(config, 4) == ["a=1"])
    }

    @Test func aBlankAfterTheCommaIsPartOfTheTemplateName() {
        let config = Self.read("[a](!)\n[b](!)\n[c](a, b)\n")
        #expect(config.issues.map(\.message)
            == ["Inheritance requested, but category ' b' does not exist, line 3 of /etc/asterisk/test.conf "
                + "(Asterisk refuses the whole file)"])
        #expect(!config.loadsInAsterisk)
    }

    @Test func categoryNamesKeepTheirBlanksAndCaseDoesNotMatter() {
        let config = Self.read("[ channels ]\na=1\n[Tmpl](!)\nb=2\n[x](tmpl)\n")
        #expect(config.categories[0].name == " channels ")
        #expect(config.issues.count == 1 && config.issues[0].message.contains("blanks at its edges"))
        #expect(Self.values(config, 2) == ["b=2"])
    }

    @Test func includeForms() {
        let files = ["q.conf": "q=1\n", "a.conf": "a=1\n", "/opt/abs.conf": "abs=1\n", "g1.conf": "g=1\n"]
        let source = AsteriskConfigSource(configDirectory: "/etc/asterisk", read: { path in
            if path == "/opt/abs.conf" { return .success("abs=1\n") }
            return TestConfigSources.memory(files).read(path)
        })
        let config = AsteriskConfigReader.read("""
            [a]
            #include "q.conf"
            #INCLUDE <a.conf>
            #include /opt/abs.conf
            #include g*.conf
            #include q.conf
            #tryinclude nothing.conf
            """, file: "/etc/asterisk/test.conf", source: source)
        #expect(Self.values(config) == ["q=1", "a=1", "abs=1", "q=1"])
        #expect(config.files == ["/etc/asterisk/test.conf", "/etc/asterisk/q.conf", "/etc/asterisk/a.conf",
                                 "/opt/abs.conf", "/etc/asterisk/q.conf"])
        #expect(config.issues.map(\.line) == [5, 6])
        #expect(config.issues[0].message.contains("glob") && config.issues[1].message.hasPrefix("Same File included"))
        #expect(config.loadsInAsterisk)
    }

    @Test func anIncludedFileStartsInTheCurrentCategoryAndTheIncluderKeepsItsOwn() {
        let files = ["x.conf": "[b]\nb=1\n", "y.conf": "y=1\n"]
        let config = Self.read("[a]\n#include x.conf\n#include y.conf\na=1\n", files: files)
        #expect(Self.values(config, 0) == ["a=1"])
        #expect(Self.values(config, 1) == ["b=1", "y=1"])
    }

    @Test func linesAsteriskCannotRead() {
        let long = "x=" + String(repeating: "y", count: 9000)
        let config = Self.read("a=1\n[a]\n\(long)\nb=\u{0}2\n")
        #expect(config.issues.map(\.line) == [1, 3, 4])
        #expect(config.issues[1].message.hasPrefix("Line 3 too long, skipping. It begins with: x=yyy"))
        #expect(Self.values(config) == ["b="])
    }
}
