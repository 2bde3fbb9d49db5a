import Testing
@testable import DoctorCore


#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite struct SettingsTests {
    /// The default AMI credentials file moves with --etc-root (setup ami writes it there); a configured one does not.
    @Test func credentialsFileFollowsTheEtcRoot() {
        #expect(AMISettings().credentialsFile(etcRoot: "/etc") == "/etc/dahdi-doctor/ami.conf")
        #expect(AMISettings().credentialsFile(etcRoot: "/srv/box/etc/") == "/srv/box/etc/dahdi-doctor/ami.conf")
        #expect(AMISettings().credentialsFile(etcRoot: "/") == "/dahdi-doctor/ami.conf")
        #expect(AMISettings(credentialsFile: "/root/ami.conf").credentialsFile(etcRoot: "/srv/box/etc") == "/root/ami.conf")
    }

    @Test func theShippedExampleParses() throws {
        let file = #filePath
        let root = String(file[..<file.firstRange(of: "/Tests/")!.lowerBound])
        let text = try String(contentsOfFile: root + "/Config/dahdi-doctor.toml", encoding: .utf8)
        let settings = try SettingsParser.parse(text, file: "dahdi-doctor.toml").get()
        #expect(settings.ami == AMISettings())
        #expect(settings.gateways.map(\.name) == ["office-fxo", "lobby-ata"])
        #expect(settings.gateways[0].ports.map(\.kind) == [.fxo, .fxo])
        #expect(settings.gateways[0].endpoint == "gateway-fxo-1" && settings.gateways[0].profile == "grandstream-gxw410x")
        #expect(settings.gateways[1].sipPort == 5060 && settings.gateways[1].transport == .udp && settings.gateways[1].ports[0].carries == "lobby phone")
    }

    @Test func gatewayWebTLSAndInterval() throws {
        let pin = String(repeating: "AB:", count: 31) + "CD"
        let text = """
            [[gateway]]
            name = "ata"
            address = "192.0.2.5"
            web_scheme = "https"
            web_tls_fingerprint = "\(pin)"
            status_interval = 600
            [[gateway]]
            name = "old"
            address = "192.0.2.6"
            web_scheme = "https"
            web_tls_insecure = true
            [[gateway]]
            name = "plain"
            address = "192.0.2.7"
            """
        let gateways = try SettingsParser.parse(text, file: "f").get().gateways
        #expect(gateways[0].webPort == 443 && gateways[0].statusInterval == 600)
        #expect(gateways[0].webTLS?.fingerprintSHA256 == Array(repeating: 0xAB, count: 31) + [0xCD])
        #expect(gateways[0].webTLS?.security == .pinned && gateways[1].webTLS?.security == .insecure)
        #expect(gateways[2].webTLS == nil && gateways[2].webPort == 80 && gateways[2].statusInterval == nil)
        #expect(GatewayWebTLS.parseFingerprint("sha256 Fingerprint=" + pin) != nil)
        #expect(GatewayWebTLS.parseFingerprint(String(repeating: "g", count: 64)) == nil)
    }

    @Test func emptyMeansDefaults() throws {
        #expect(try SettingsParser.parse("", file: "f").get() == DoctorSettings())
        // TLS changes the default port to 5039.
        #expect(try SettingsParser.parse("[ami]\ntls = true\n", file: "f").get().ami.port == 5039)
    }

    @Test(arguments: [
        ("[ami]\nhots = \"x\"\n", "f: line 2, ami.hots: unknown key"),
        ("[ami]\nport = 70000\n", "f: line 2, ami.port: must be between 1 and 65535, not 70000"),
        ("[ami]\nport = \"5038\"\n", "f: line 2, ami.port: must be an integer"),
        ("[[gateway]]\nname = \"a\"\n", "f: line 1, gateway[1].address: is required"),
        ("[[gateway]]\nname = \"a\"\naddress = \"h\"\nprofile = \"snom\"\n",
         "f: line 4, gateway[1].profile: unknown profile 'snom'; known: cisco-spa112, grandstream-gxw410x, grandstream-ht8xx, grandstream-ht8xx-api, none, sipura"),
        ("[[gateway]]\nname = \"a\"\naddress = \"h\"\n[[gateway]]\nname = \"a\"\naddress = \"i\"\n", "f: line 5, gateway[2].name: gateway 'a' is listed twice"),
        ("[[gateway]]\nname = \"a\"\naddress = \"h\"\n[[gateway.port]]\nnumber = 1\nkind = \"FXQ\"\n", "f: line 6, gateway[1].port[1].kind: must be FXO or FXS, not 'FXQ'"),
        ("[[gateway]]\nname = \"a\"\naddress = \"h\"\ntransport = \"sctp\"\n", "f: line 4, gateway[1].transport: must be udp or tcp, not 'sctp'"),
        ("[[gateway]]\nname = \"a\"\naddress = \"h\"\nweb_scheme = \"ftp\"\n", "f: line 4, gateway[1].web_scheme: must be http or https, not 'ftp'"),
        ("[[gateway]]\nname = \"a\"\naddress = \"h\"\nweb_tls_insecure = true\n",
         "f: line 1, gateway[1].web_scheme: web_tls_fingerprint, web_tls_insecure and web_ca_file need web_scheme = \"https\""),
        ("[[gateway]]\nname = \"a\"\naddress = \"h\"\nweb_scheme = \"https\"\nweb_tls_fingerprint = \"AB:CD\"\n",
         "f: line 5, gateway[1].web_tls_fingerprint: must be a SHA-256 fingerprint (64 hex digits, colons allowed)"),
        ("[[gateway]]\nname = \"a\"\naddress = \"h\"\nstatus_interval = 5\n",
         "f: line 4, gateway[1].status_interval: must be between 10.0 and 86400.0"),
    ])
    func errorsNameTheirLocation(text: String, expected: String) {
        guard case .failure(let error) = SettingsParser.parse(text, file: "f") else {
            Issue.record("accepted: \(text)")
            return
        }
        #expect(error.description == expected)
    }

    @Test func syntaxErrorsHaveALine() {
        guard case .failure(let error) = SettingsParser.parse("[ami]\nhost = \n", file: "f") else {
            Issue.record("accepted a broken file")
            return
        }
        #expect(error.location.hasPrefix("line 2"))
    }

    @Test func hostileInputIsAnErrorNotACrash() {
        let inputs = ["\u{0}\u{1}\u{2}", String(repeating: "[", count: 10_000), "a = " + String(repeating: "[", count: 5000),
                      String(repeating: "[[gateway]]\n", count: 2000), "\u{FEFF}[ami]\n"]
        for input in inputs {
            // Each is refused with a line, except the BOM-prefixed valid file.
            let result = SettingsParser.parse(input, file: "f")
            if case .failure(let error) = result { #expect(error.location.hasPrefix("line ")) }
        }
        #expect((try? SettingsParser.parse("\u{FEFF}[ami]\n", file: "f").get()) == DoctorSettings())
        #expect((try? SettingsParser.parse("[[[\n", file: "f").get()) == nil)   // the input that aborts toml++
    }
}

@Suite struct TOMLSubsetTests {
    @Test func valuesAndStructure() throws {
        let table = try TOMLSubset.parse("""
            top = "a # not a comment" # a comment
            lit = 'C:\\path'
            esc = "tab\\tquote\\"\\u00e9"
            n = 1_000
            f = 2.5
            b = false
            list = [1, "two", [3]]
            [[g]]
            name = "x"
              [[g.p]]
              number = 1
              [[g.p]]
              number = 2
            [[g]]
            name = "y"
            """)
        #expect(table["top"] == .string("a # not a comment"))
        #expect(table["lit"] == .string("C:\\path"))
        #expect(table["esc"] == .string("tab\tquote\"é"))
        #expect(table["n"] == .integer(1000) && table["f"] == .float(2.5) && table["b"] == .boolean(false))
        #expect(table["list"] == .array([.integer(1), .string("two"), .array([.integer(3)])]))
        guard case .tables(let gateways)? = table["g"], case .tables(let ports)? = gateways.first?["p"] else {
            Issue.record("array of tables not built")
            return
        }
        #expect(gateways.count == 2 && ports.count == 2 && gateways[1]["name"] == .string("y"))
    }

    @Test(arguments: [
        ("a = {x = 1}", 1, "inline tables are not supported here; use a [table]"),
        ("a = \"open", 1, "unterminated string"),
        ("\n\na = b", 3, "invalid value 'b' (strings need quotes)"),
        ("[a]\n[a]", 2, "table [a] is defined twice"),
        ("a = 1\na = 2", 2, "key 'a' is defined twice"),
        ("[[g.p]]", 1, "[[g.p]] needs a [[g]] before it"),
        ("a = [1, 2", 1, "expected , or ] in the array (arrays must fit on one line)"),
        ("x.y = 1", 1, "invalid key 'x.y' (use letters, digits, _ and -)"),
    ])
    func refusedWithTheLine(text: String, line: Int, message: String) {
        do {
            _ = try TOMLSubset.parse(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.line == line && error.message == message)
        }
    }
}
