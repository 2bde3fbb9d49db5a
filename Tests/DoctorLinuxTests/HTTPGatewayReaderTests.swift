import Foundation
import Testing
@testable import DoctorCore
@testable import DoctorAgentServer
@testable import DoctorKernel
@testable import DoctorNetwork
@testable import DoctorSystem

/// The status reader and its HTTP client against a fake gateway serving the fixture pages: logins, sessions,
/// Basic and Digest, expiry, redirects, slow and broken answers. Each test starts its own server.
@Suite struct HTTPGatewayReaderTests {
    static func credentials(_ password: String, user: String? = nil) -> GatewayStatusReader.Credentials {
        .value(GatewayCredentials(username: user, password: password))
    }

    static func failure(_ result: GatewayStatusResult, sourceLocation: SourceLocation = #_sourceLocation)
        throws -> GatewayStatusFailure {
        try #require(result.failure, "expected a failure, got \(result)", sourceLocation: sourceLocation)
    }

    // MARK: Grandstream GXW410x (form login, cookie, login page as the answer to everything wrong)

    @Test func gxw410xLogsInThenReadsTheLines() throws {
        let server = try FakeGateway(profile: "grandstream-gxw410x", status: "line-busy.htm", password: "Gxw-Fixture-Pw1")
        let result = server.reader().read(profile: "grandstream-gxw410x", credentials: Self.credentials("Gxw-Fixture-Pw1"))
        let status = try #require(result.value, "\(result)")
        #expect(status.ports.map(\.hook) == [.onHook, .offHook, .onHook, .onHook])
        let requests = server.requests()
        #expect(requests.map { $0["method"]! + " " + $0["path"]! } == ["POST /dologin.htm", "GET /index_net.htm"])
        #expect(requests[1]["cookie"]?.hasPrefix("SESSIONID=") == true)
    }

    @Test func gxw410xWrongPasswordIsAnAuthenticationFailure() throws {
        let server = try FakeGateway(profile: "grandstream-gxw410x", status: "connected-idle.htm", password: "Gxw-Fixture-Pw1")
        let failure = try Self.failure(server.reader().read(profile: "grandstream-gxw410x",
                                                            credentials: Self.credentials("Wrong-Fixture-Pw9")))
        #expect(failure.kind == .authentication && failure.path == "/dologin.htm")
        #expect(server.requests().count == 1)   // no status request after a refused login
    }

    @Test func gxw410xExpiredSessionServesTheLoginPage() throws {
        let server = try FakeGateway(profile: "grandstream-gxw410x", status: "connected-idle.htm", password: "Gxw-Fixture-Pw1",
                                     behaviour: "expire")
        let failure = try Self.failure(server.reader().read(profile: "grandstream-gxw410x",
                                                            credentials: Self.credentials("Gxw-Fixture-Pw1")))
        #expect(failure.kind == .authentication && failure.path == "/index_net.htm")
    }

    @Test func redirectToTheLoginPageIsAnAuthenticationFailure() throws {
        let server = try FakeGateway(profile: "grandstream-gxw410x", status: "connected-idle.htm", password: "Gxw-Fixture-Pw1",
                                     behaviour: "redirect-login")
        let failure = try Self.failure(server.reader().read(profile: "grandstream-gxw410x",
                                                            credentials: Self.credentials("Gxw-Fixture-Pw1")))
        #expect(failure.kind == .authentication)
        #expect(failure.message.contains("redirected to the login page /login.htm"), "\(failure)")
        #expect(failure.path == "/index_net.htm")
    }

    @Test func formLoginWithoutCredentialsDoesNotTry() throws {
        let failure = try Self.failure(GatewayStatusReader(host: "127.0.0.1", port: 9).read(profile: "grandstream-gxw410x",
                                                                                            credentials: .none))
        #expect(failure.kind == .authentication && failure.message.contains("no credentials"))
    }

    // MARK: Grandstream HT80x classic and HT802V2 API

    @Test func htClassicReadsTheTokenThenLogsIn() throws {
        let server = try FakeGateway(profile: "grandstream-ht8xx", status: "ht802-registered.htm", password: "Ht-Fixture-Pw1")
        let result = server.reader().read(profile: "grandstream-ht8xx", credentials: Self.credentials("Ht-Fixture-Pw1"))
        #expect(try #require(result.value, "\(result)").ports.map(\.registration) == [.registered, .notRegistered])
        #expect(server.requests().map { $0["path"]! } == ["/cgi-bin/login", "/cgi-bin/dologin", "/cgi-bin/index"])
        #expect(server.requests()[2]["cookie"]?.hasPrefix("session_id=") == true)
    }

    @Test func htClassicRefusalsAndExpiry() throws {
        let server = try FakeGateway(profile: "grandstream-ht8xx", status: "ht802-registered.htm", password: "Ht-Fixture-Pw1")
        let wrong = try Self.failure(server.reader().read(profile: "grandstream-ht8xx",
                                                          credentials: Self.credentials("Wrong-Fixture-Pw9")))
        #expect(wrong.kind == .authentication && wrong.message.contains("did not recognise the password"))
        let expiring = try FakeGateway(profile: "grandstream-ht8xx", status: "ht802-registered.htm", password: "Ht-Fixture-Pw1",
                                       behaviour: "expire")
        let expired = try Self.failure(expiring.reader().read(profile: "grandstream-ht8xx",
                                                              credentials: Self.credentials("Ht-Fixture-Pw1")))
        #expect(expired.kind == .authentication && expired.message.contains("inactivity"))
    }

    @Test func htAPIKeepsTheTokenAndTheCookie() throws {
        let server = try FakeGateway(profile: "grandstream-ht8xx-api", status: "ht802v2-off-hook.json",
                                     password: "HtApi-Fixture-Pw1")
        let result = server.reader().read(profile: "grandstream-ht8xx-api", credentials: Self.credentials("HtApi-Fixture-Pw1"))
        #expect(try #require(result.value, "\(result)").ports.map(\.hook) == [.offHook, .onHook])
        let wrong = try Self.failure(server.reader().read(profile: "grandstream-ht8xx-api",
                                                          credentials: Self.credentials("Wrong-Fixture-Pw9")))
        #expect(wrong.kind == .authentication && wrong.message.contains("refused the login"))
        let expiring = try FakeGateway(profile: "grandstream-ht8xx-api", status: "ht802v2-off-hook.json",
                                       password: "HtApi-Fixture-Pw1", behaviour: "expire")
        let expired = try Self.failure(expiring.reader().read(profile: "grandstream-ht8xx-api",
                                                              credentials: Self.credentials("HtApi-Fixture-Pw1")))
        #expect(expired.kind == .authentication && expired.message.contains("invalid session"))
    }

    // MARK: Cisco SPA112 (credentials in the path; 401 when wrong)

    @Test func spa112RightAndWrongCredentials() throws {
        let server = try FakeGateway(profile: "cisco-spa112", status: "spa112-off-hook.xml", password: "Spa-Fixture-Pw1")
        let result = server.reader().read(profile: "cisco-spa112", credentials: Self.credentials("Spa-Fixture-Pw1"))
        #expect(try #require(result.value, "\(result)").ports.map(\.hook) == [.offHook, .onHook])
        let wrong = try Self.failure(server.reader().read(profile: "cisco-spa112", credentials: Self.credentials("Wrong-Fixture-Pw9")))
        #expect(wrong.kind == .authentication && wrong.message.hasPrefix("HTTP 401"))
        #expect(wrong.path == "/admin/status.xml&xuser=<redacted>&xpassword=<redacted>")
        let none = try Self.failure(server.reader().read(profile: "cisco-spa112", credentials: .none))
        #expect(none.kind == .authentication && none.message.contains("none were given"))
    }

    // MARK: Sipura (open, Basic, Digest; the router's voice tab)

    @Test(arguments: ["none", "basic", "digest"])
    func sipuraRightPassword(auth: String) throws {
        let server = try FakeGateway(profile: "sipura", status: "spa3102-pstn-disconnected.htm", password: "Sipura-Fixture-Pw1",
                                     auth: auth)
        let result = server.reader().read(profile: "sipura", credentials: Self.credentials("Sipura-Fixture-Pw1"))
        let ports = try #require(result.value, "\(result)").ports
        #expect(ports.last?.lineConnected == false && ports.last?.kind == .fxo)
        let schemes = server.requests().map { $0["auth"]! }
        #expect(schemes == (auth == "none" ? [""] : ["", auth == "basic" ? "Basic" : "Digest"]))
    }

    @Test(arguments: ["basic", "digest"])
    func sipuraWrongPasswordOrNone(auth: String) throws {
        let server = try FakeGateway(profile: "sipura", status: "pap2t-online.htm", password: "Sipura-Fixture-Pw1", auth: auth)
        let wrong = try Self.failure(server.reader().read(profile: "sipura", credentials: Self.credentials("Wrong-Fixture-Pw9")))
        #expect(wrong.kind == .authentication && wrong.message.contains("refused the credentials"), "\(wrong)")
        #expect(server.requests().count == 2)   // one challenge answered, then no retry loop
        let none = try Self.failure(server.reader().read(profile: "sipura", credentials: .none))
        #expect(none.kind == .authentication && none.message.contains("none were given"))
    }

    @Test func digestCountsNonceUsesAcrossPages() throws {
        let server = try FakeGateway(profile: "sipura", status: "spa2102-router-root.htm", voice: "spa2102-voice.htm",
                                     password: "Sipura-Fixture-Pw1", auth: "digest")
        let result = server.reader().read(profile: "sipura", credentials: Self.credentials("Sipura-Fixture-Pw1"))
        #expect(try #require(result.value, "\(result)").model == "SPA2102")
        let requests = server.requests()
        #expect(requests.map { $0["path"]! } == ["/", "/", "/voice/"])
        #expect(requests.map { $0["nc"]! } == ["", "00000001", "00000002"])
    }

    // MARK: Broken answers

    @Test func slowAnswerTimesOut() throws {
        let server = try FakeGateway(profile: "sipura", status: "pap2t-online.htm", password: "Sipura-Fixture-Pw1",
                                     behaviour: "slow", delay: 5)
        let started = Date()
        let failure = try Self.failure(server.reader(timeout: 0.5).read(profile: "sipura", credentials: .none))
        #expect(failure.kind == .timeout && failure.message.contains("waiting for the answer"), "\(failure)")
        #expect(Date().timeIntervalSince(started) < 3)
    }

    @Test(arguments: [("chunked", true), ("http10", true), ("huge", false), ("close-early", false), ("not-http", false)])
    func bodyFramings(behaviour: String, parses: Bool) throws {
        let server = try FakeGateway(profile: "sipura", status: "pap2t-online.htm", password: "Sipura-Fixture-Pw1",
                                     behaviour: behaviour)
        let result = server.reader().read(profile: "sipura", credentials: .none)
        if parses {
            #expect(result.value?.ports.count == 2, "\(result)")
        } else {
            #expect(try Self.failure(result).kind == .unparseable)
        }
    }

    @Test func malformedPageIsUnparseable() throws {
        // A Sipura gateway answering with another vendor's page: served fine, read as nothing it knows.
        let server = try FakeGateway(profile: "sipura", status: "../cisco-spa112/spa112-registered.xml",
                                     password: "Sipura-Fixture-Pw1")
        let failure = try Self.failure(server.reader().read(profile: "sipura", credentials: .none))
        #expect(failure.kind == .unparseable && failure.message.hasPrefix("expected `Line N Status`") && failure.path == "/")
    }

    @Test(arguments: [("redirect-https", "web_scheme = \"https\""), ("redirect-loop", "more than 5 redirects"), ("not-found", "HTTP 404")])
    func httpFailures(behaviour: String, words: String) throws {
        let server = try FakeGateway(profile: "sipura", status: "pap2t-online.htm", password: "Sipura-Fixture-Pw1",
                                     behaviour: behaviour)
        let failure = try Self.failure(server.reader().read(profile: "sipura", credentials: .none))
        #expect(failure.kind == .http && failure.message.contains(words), "\(failure)")
    }

    @Test func closedWithoutAnswerAndNobodyListening() throws {
        let server = try FakeGateway(profile: "sipura", status: "pap2t-online.htm", password: "Sipura-Fixture-Pw1",
                                     behaviour: "silent-close")
        #expect(try Self.failure(server.reader().read(profile: "sipura", credentials: .none)).kind == .unreachable)
        let port = server.port
        server.stop()
        let refused = try Self.failure(GatewayStatusReader(host: "127.0.0.1", port: port).read(profile: "sipura",
                                                                                              credentials: .none))
        #expect(refused.kind == .unreachable && refused.message.contains("ECONNREFUSED"), "\(refused)")
    }

    @Test func profilesWithoutAPageAndUnknownProfiles() throws {
        let reader = GatewayStatusReader(host: "127.0.0.1", port: 9)
        #expect(try Self.failure(reader.read(profile: "none", credentials: .none)).kind == .unsupported)
        let unknown = try Self.failure(reader.read(profile: "patton", credentials: .none))
        #expect(unknown.kind == .unsupported && unknown.message.contains("grandstream-gxw410x"))
    }

    @Test func credentialsFromAFile() throws {
        let server = try FakeGateway(profile: "cisco-spa112", status: "spa112-registered.xml", password: "Spa-Fixture-Pw1")
        let path = NSTemporaryDirectory() + "gateway-credentials-\(UUID().uuidString)"
        try "# SPA112 web login\nusername = admin\npassword = Spa-Fixture-Pw1\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(server.reader().read(profile: "cisco-spa112", credentials: .file(path: path)).value != nil)
        let missing = try Self.failure(server.reader().read(profile: "cisco-spa112", credentials: .file(path: path + ".missing")))
        #expect(missing.kind == .authentication && missing.message.contains("ENOENT"))
    }

    // MARK: No password anywhere

    @Test func noFixturePasswordInAnyResultOrError() throws {
        let passwords = ["Gxw-Fixture-Pw1", "Ht-Fixture-Pw1", "HtApi-Fixture-Pw1", "Spa-Fixture-Pw1", "Sipura-Fixture-Pw1",
                         "Wrong-Fixture-Pw9"]
        let scenarios: [(String, String, String, String)] = [
            ("grandstream-gxw410x", "connected-idle.htm", "Gxw-Fixture-Pw1", "none"),
            ("grandstream-ht8xx", "ht802-registered.htm", "Ht-Fixture-Pw1", "none"),
            ("grandstream-ht8xx-api", "ht802v2-port-status.json", "HtApi-Fixture-Pw1", "none"),
            ("cisco-spa112", "spa112-registered.xml", "Spa-Fixture-Pw1", "none"),
            ("sipura", "pap2t-online.htm", "Sipura-Fixture-Pw1", "digest"),
            ("sipura", "pap2t-online.htm", "Sipura-Fixture-Pw1", "basic"),
        ]
        var outputs: [String] = []
        for (profile, status, password, auth) in scenarios {
            for behaviour in ["normal", "redirect-https", "not-found", "close-early"] {
                let server = try FakeGateway(profile: profile, status: status, password: password, auth: auth,
                                             behaviour: behaviour)
                for given in [password, "Wrong-Fixture-Pw9"] {
                    let result = server.reader().read(profile: profile, credentials: Self.credentials(given))
                    outputs += ["\(result)", String(reflecting: result), try JSONOutput.encode(result)]
                }
            }
        }
        var client = HTTPClient(host: "127.0.0.1", port: 9, timeoutSeconds: 1)
        let request = CiscoSPA112Adapter().statusRequest(credentials: GatewayCredentials(username: nil, password: "Spa-Fixture-Pw1"),
                                                         sessionToken: nil, after: [])!
        do { _ = try client.send(request) } catch { outputs.append("\(error)") }
        outputs.append(HTTPClientError.redirectedElsewhere(
            location: GatewayPathRedaction.redact("https://h/admin/status.xml&xuser=admin&xpassword=Spa-Fixture-Pw1")).description)
        for output in outputs {
            for password in passwords { #expect(!output.contains(password), "\(output)") }
        }
    }
}
