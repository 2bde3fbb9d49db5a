import Testing
@testable import DoctorCore

@Suite struct ConfigPjsipTests {
    static func load(_ directory: String) -> PjsipConfig {
        PjsipConfParser.load(source: TestConfigSources.fixtures("pjsip/\(directory)"))
    }

    /// Every credential written in the fixtures (including ones on lines Asterisk cannot read).
    static let secrets = [
        "Lobby-Pa55;word", "Lobby-Pa55", "TlsKeyPhrase-42", "Xr7-Reception-201", "GwTrunkPass99",
        "8c3f1e0d2b6a4f5e9d7c1b0a2e4f6d8c", "Typo-Template-Pass", "Missing-Equals-Pass", "Comment-Leak-Pass",
        "OAuth-Secret-Value", "Refresh-Token-Value", "Escaped-Key-Pass",
    ]

    @Test(arguments: ["freepbx", "errors"])
    func golden(name: String) throws {
        try ConfigFixtures.assertGolden(Self.load(name), "config/pjsip/\(name).json")
    }

    @Test func templatesAndInheritanceResolveIntoObjects() throws {
        let config = Self.load("freepbx")
        #expect(config.issues.isEmpty, "\(config.issues)")
        #expect(config.loadsInAsterisk && config.refusedTypes.isEmpty)
        #expect(config.templates.map(\.name) == ["endpoint-basic", "auth-userpass", "aor-single-reg", "gateway-port"])
        #expect(!config.objects.contains { $0.name == "gateway-port" })
        let port = try #require(config.object("ht802-port1", type: "endpoint"))
        #expect(port.templates == ["gateway-port"])
        // endpoint-basic's lines come through gateway-port, then the port's own, then the (+) addition.
        #expect(port.value("context")?.text == "from-internal")
        #expect(port.value("allow")?.text == "ulaw,alaw")
        #expect(port.value("rtp_timeout")?.text == "120")
        #expect(port.values("rtp_timeout").map(\.text) == ["60", "120"])
        #expect(port.properties.first?.inheritedFrom == "endpoint-basic")
        #expect(port.properties.first { $0.key == "dtmf_mode" }?.inheritedFrom == "gateway-port")
        let auth = try #require(config.object("ht802-port1", type: "auth"))
        guard case .secret(let password) = try #require(auth.value("password")) else {
            Issue.record("password is not secret"); return
        }
        #expect(password.equals("Lobby-Pa55;word") && password.count == 15 && !password.isEmpty)
        #expect(config.object("ht802-port1", type: "aor")?.value("max_contacts")?.text == "1")
    }

    @Test func objectsOfEveryTypeWithRepeatedKeys() throws {
        let config = Self.load("freepbx")
        #expect(config.objects(ofType: "endpoint").map(\.name) == ["ht802-port1", "201", "fxo-gateway", "provider"])
        #expect(config.objects(ofType: "transport").count == 2 && config.objects(ofType: "global").count == 1)
        let aor = try #require(config.object("fxo-gateway", type: "aor"))
        #expect(aor.values("contact").map(\.text) == ["sip:192.168.1.50:5062", "sip:192.168.1.51:5062"])
        let identify = try #require(config.object("fxo-gateway", type: "identify"))
        #expect(identify.values("match").count == 2 && identify.file == "/etc/asterisk/pjsip.identify.conf")
        #expect(config.object("0.0.0.0-udp", type: "transport")?.values("local_net").count == 2)
        #expect(config.object("0.0.0.0-tls", type: "transport")?.value("password")?.isSecret == true)
        #expect(config.object("provider", type: "auth")?.value("md5_cred")?.isSecret == true)
        #expect(config.object("provider", type: "registration")?.value("server_uri")?.text == "sip:sip.example.net")
        #expect(config.files.count == 11 && !config.files.contains { $0.contains("identify_custom_post") })
    }

    @Test func errorsAreAsteriskRefusals() {
        let config = Self.load("errors")
        #expect(config.refusedTypes == ["endpoint", "global"])
        let messages = config.issues.map { "\($0.line): \($0.message)" }
        #expect(messages.contains { $0.hasPrefix("3: Config file 'pjsip.conf' could not be loaded; configuration contains more than one object of type 'global'") })
        #expect(messages.contains { $0.hasPrefix("7: Config file 'pjsip.conf' could not be loaded; configuration contains a duplicate object: '6001' of type 'endpoint'") })
        #expect(messages.contains("9: unknown type 'endpont': no res_pjsip object reads this section"))
        #expect(messages.contains("11: section [6003] has no type=: no res_pjsip object reads it"))
        #expect(messages.contains { $0.hasPrefix("13: type is given again as 'endpoint' at line 15") })
        #expect(config.object("6004", type: "aor") != nil)
        #expect(messages.contains { $0.hasPrefix("16: type=contact objects live in the astdb") })
        #expect(messages.contains { $0.hasPrefix("19: Inheritance requested, but category 'no-such-template' does not exist") })
        #expect(!config.loadsInAsterisk)
        #expect(config.issues.first { $0.line == 24 }?.text == "<redacted>")
        #expect(config.issues.first { $0.line == 25 }?.text == "<redacted>")
        #expect(config.object("6007", type: "auth")?.value("refresh_token")?.isSecret == true)
        #expect(config.object("6007", type: "auth")?.value("password")?.isSecret == true)
    }

    /// No credential may show in any golden, issue, description, debug description or dump.
    @Test func noSecretIsEverPrintable() throws {
        var outputs: [String] = []
        for name in ["freepbx", "errors"] {
            let config = Self.load(name)
            outputs.append(try Fixtures.read("config/pjsip/\(name).json"))
            outputs.append(try JSONOutput.encode(config))
            outputs.append(String(describing: config))
            outputs.append(String(reflecting: config))
            var dumped = ""
            dump(config, to: &dumped)
            outputs.append(dumped)
            outputs += config.issues.map { "\($0.text) \($0.message) \($0)" }
            for object in config.objects {
                outputs += object.properties.map { "\($0.value) \(String(reflecting: $0.value)) \($0)" }
            }
        }
        for secret in Self.secrets {
            for output in outputs { #expect(!output.contains(secret), "\(secret) leaked") }
        }
        #expect(outputs.contains { $0.contains(SecretValue.redacted) })
    }

    @Test func secretsCannotBeDecoded() throws {
        let json = try JSONOutput.encode(SecretValue("x"))
        #expect(json == "\"<redacted>\"")
        #expect(throws: DecodingError.self) { try JSONOutput.decode(SecretValue.self, from: json) }
        #expect(SecretValue("a") == SecretValue("a") && SecretValue("a") != SecretValue("b"))
        #expect(SecretValue("a").hashValue == SecretValue("a").hashValue)
    }

    @Test func aLongSecretLineStaysRedactedInTheTooLongMessage() {
        let line = "password=" + String(repeating: "VeryLongSecret", count: 700)
        let config = PjsipConfParser.parse("[a]\ntype=auth\n\(line)\n", file: "/etc/asterisk/pjsip.conf",
                                           source: TestConfigSources.memory([:]))
        #expect(config.issues.count == 1)
        #expect(!config.issues.contains { "\($0)".contains("VeryLongSecret") })
    }

    static let sample = try! Fixtures.read("config/pjsip/freepbx/pjsip_custom.conf")

    @Test(arguments: BrokenInput.cases(sample: ConfigPjsipTests.sample))
    func survivesBrokenInput(_ input: BrokenInput.Case) {
        let config = PjsipConfParser.parse(input.text, file: "/etc/asterisk/pjsip.conf",
                                           source: TestConfigSources.memory([:]))
        if input.name == "CRLF" || input.name == "UTF-8 BOM" {
            #expect(config == PjsipConfParser.parse(Self.sample, file: "/etc/asterisk/pjsip.conf",
                                                    source: TestConfigSources.memory([:])))
        }
        if input.name == "random bytes" || input.name == "one huge line" { #expect(!config.issues.isEmpty) }
    }

    @Test func survivesAHugeFileAndDeepIncludes() {
        let huge = PjsipConfParser.parse(BrokenInput.huge(sample: Self.sample), file: "/etc/asterisk/pjsip.conf",
                                         source: TestConfigSources.memory([:]))
        #expect(huge.refusedTypes == ["aor", "auth", "endpoint"])
        var files = ["pjsip.conf": "#include a1.conf\n"]
        for level in 1...1000 { files["a\(level).conf"] = "[o\(level)]\ntype=aor\n#include a\(level + 1).conf\n" }
        files["a7.conf"] = "#include pjsip.conf\n"
        let deep = PjsipConfParser.load(source: TestConfigSources.memory(files))
        #expect(deep.objects.count == 6)
        #expect(deep.issues.contains { $0.message.hasPrefix("include cycle: /etc/asterisk/pjsip.conf -> ") })
    }
}
