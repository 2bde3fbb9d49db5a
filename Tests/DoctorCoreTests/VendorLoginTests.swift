import Testing
@testable import DoctorCore

/// The login half of each plan: the requests built (field names, never values in any printout) and how the
/// answers are read.
@Suite struct VendorLoginTests {
    static let credentials = GatewayCredentials(username: nil, password: "Ht-Fixture-Pw1")

    static func form(_ request: GatewayHTTPRequest?) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: request?.encodedBody() ?? [], as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    @Test func gxw410xPostsP2LoginAndGnkey() throws {
        let adapter = GrandstreamGXW410xAdapter()
        let request = try #require(adapter.loginRequest(credentials: Self.credentials, loginPage: nil))
        #expect(request.method == .post && request.wireTarget == "/dologin.htm")
        #expect(request.formFieldNames == ["P2", "Login", "gnkey"])
        #expect(Self.form(request) == ["P2": "Ht-Fixture-Pw1", "Login": "Login", "gnkey": "0b82"])
        let loginPage = GatewayPage(path: "/dologin.htm", body: try Fixtures.read("gateways/grandstream-gxw410x/login-page.htm"))
        #expect(adapter.loginOutcome(loginPage) != .loggedIn(sessionToken: nil))
        let welcome = GatewayPage(path: "/dologin.htm", body: try Fixtures.read("gateways/grandstream-gxw410x/logged-in.htm"))
        #expect(adapter.loginOutcome(welcome) == .loggedIn(sessionToken: nil))
    }

    @Test func htClassicSendsTheFieldsItsFirmwareHas() throws {
        let adapter = GrandstreamHTClassicAdapter()
        let login = GatewayPage(path: "/cgi-bin/login", body: try Fixtures.read("gateways/grandstream-ht8xx/login.htm"))
        let modern = try #require(adapter.loginRequest(credentials: Self.credentials, loginPage: login))
        #expect(modern.formFieldNames == ["session_token", "username", "P2", "Login", "gnkey"])
        #expect(Self.form(modern)["session_token"] == "3f2a9c1e7b" && Self.form(modern)["username"] == "admin")
        // Firmware 1.0.0.24 (or a login page that could not be read): P2, Login and gnkey only.
        let old = try #require(adapter.loginRequest(credentials: Self.credentials, loginPage: nil))
        #expect(old.formFieldNames == ["P2", "Login", "gnkey"])
        for (file, words) in [("loginerr.htm", "did not recognise the password"), ("loginlocked.htm", "locked"),
                              ("login.htm", "login page")] {
            let page = GatewayPage(path: "/cgi-bin/dologin", body: try Fixtures.read("gateways/grandstream-ht8xx/\(file)"))
            guard case .failed(let failure) = adapter.loginOutcome(page) else {
                Issue.record("\(file) read as logged in"); continue
            }
            #expect(failure.kind == (file == "loginlocked.htm" ? .locked : .authentication) && failure.message.contains(words),
                    "\(failure)")
            if file == "loginlocked.htm" { #expect(failure.retryAfterSeconds == 600) }
        }
        let status = GatewayPage(path: "/cgi-bin/dologin", body: try Fixtures.read("gateways/grandstream-ht8xx/ht802-registered.htm"))
        #expect(adapter.loginOutcome(status) == .loggedIn(sessionToken: nil))
    }

    @Test func htAPILogsInWithBase64AndKeepsTheToken() throws {
        let adapter = GrandstreamHTAPIAdapter()
        let request = try #require(adapter.loginRequest(credentials: Self.credentials, loginPage: nil))
        #expect(request.formFieldNames == ["username", "P2"])
        #expect(Self.form(request)["P2"] == "SHQtRml4dHVyZS1QdzE%3D")   // base64("Ht-Fixture-Pw1"), then form-encoded
        let success = GatewayPage(path: "/cgi-bin/dologin",
                                  body: try Fixtures.read("gateways/grandstream-ht8xx-api/login/success.json"))
        #expect(adapter.loginOutcome(success) == .loggedIn(sessionToken: "7b1f473189441037bd9cd3d9db234b31"))
        for file in ["wrong-password.json", "locked.json"] {
            let page = GatewayPage(path: "/cgi-bin/dologin",
                                   body: try Fixtures.read("gateways/grandstream-ht8xx-api/login/\(file)"))
            guard case .failed(let failure) = adapter.loginOutcome(page) else { Issue.record("\(file) read as logged in"); continue }
            #expect(failure.kind == (file == "locked.json" ? .locked : .authentication), "\(failure)")
        }
        // The classic UI answering instead: its login page, so the classic profile.
        let classic = GatewayPage(path: "/cgi-bin/dologin", body: try Fixtures.read("gateways/grandstream-ht8xx/login.htm"))
        guard case .failed(let failure) = adapter.loginOutcome(classic) else { Issue.record("classic page"); return }
        #expect(failure.suggestedProfile == "grandstream-ht8xx", "\(failure)")
        let status = try #require(adapter.statusRequest(credentials: Self.credentials, sessionToken: "tok", after: []))
        #expect(Self.form(status)["session_token"] == "tok" && Self.form(status)["request"]?.hasPrefix("P89%3AP68%3A") == true)
    }

    @Test func spa112PutsCredentialsInThePathAndNeverRecordsThem() throws {
        let adapter = CiscoSPA112Adapter()
        let credentials = GatewayCredentials(username: nil, password: "Spa-Fixture-Pw1 &x")
        let request = try #require(adapter.statusRequest(credentials: credentials, sessionToken: nil, after: []))
        #expect(request.wireTarget == "/admin/status.xml&xuser=admin&xpassword=Spa-Fixture-Pw1%20%26x")
        #expect(request.recordedPath == "/admin/status.xml&xuser=<redacted>&xpassword=<redacted>")
        #expect(request.description == "GET /admin/status.xml&xuser=<redacted>&xpassword=<redacted>")
        let page = GatewayPage(path: request.wireTarget, body: "")
        #expect(page.path == request.recordedPath)
        #expect(adapter.parse(page).failure?.path == request.recordedPath)
    }

    @Test func redactionCoversQueryFormsAndTokens() {
        #expect(GatewayPathRedaction.redact("/cgi-bin/x?session_token=abc&request=P1") == "/cgi-bin/x?session_token=<redacted>&request=P1")
        #expect(GatewayPathRedaction.redact("/apply.cgi;session_id=0123") == "/apply.cgi;session_id=<redacted>")
        #expect(GatewayPathRedaction.redact("/a?PASSWORD=x#frag") == "/a?PASSWORD=<redacted>#frag")
        #expect(GatewayPathRedaction.redact("/plain/path") == "/plain/path")
    }

    @Test func credentialsNeverPrint() {
        let credentials = GatewayCredentials(username: "admin", password: "Ht-Fixture-Pw1")
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in ["\(credentials)", String(describing: credentials), String(reflecting: credentials), dumped] {
            #expect(!text.contains("Ht-Fixture-Pw1"), "\(text)")
        }
        let request = GrandstreamGXW410xAdapter().loginRequest(credentials: credentials, loginPage: nil)!
        var dumpedRequest = ""
        dump(request, to: &dumpedRequest)
        #expect(!"\(request)".contains("Ht-Fixture-Pw1"))
        #expect(!dumpedRequest.contains("Ht-Fixture-Pw1"))
    }

    @Test func credentialsFile() throws {
        let parsed = try GatewayCredentials.parse(file: "\u{FEFF}# gateway web login\nusername = admin\r\npassword = a=b # c\n").get()
        #expect(parsed.username == "admin" && parsed.password == "a=b # c")
        #expect(try GatewayCredentials.parse(file: "password=x").get().username == nil)
        for bad in ["", "username=admin", "password x", "secret=x"] {
            guard case .failure(let error) = GatewayCredentials.parse(file: bad) else { Issue.record("\(bad)"); continue }
            #expect(!error.message.contains("x ") && !error.message.contains("=x"))
        }
    }
}
