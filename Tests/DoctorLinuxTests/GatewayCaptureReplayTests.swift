import Foundation
import Testing
@testable import DoctorCore
@testable import DoctorNetwork

/// Every real device page in Fixtures/gateways/captures/ (copied from ../shared/reference/gateway-captures/),
/// served byte for byte by the fake gateway web server and read through the real HTTP client and status reader;
/// then variants with one word swapped: each failure word, an unknown word, a lock-out. Each asserts the ports read,
/// the findings raised and the exit status of the report they make on a healthy box.
@Suite(.serialized) struct GatewayCaptureReplayTests {
    static let captures = FakeGateway.fixtures + "/captures"
    static let password = "Capture-Fixture-Pw1"

    /// The page of a capture: the bytes after its leading `# ` comment lines, up to the next comment line (the
    /// HT802V2 capture documents other answers below its page).
    static func page(_ name: String) throws -> [UInt8] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: captures + "/" + name)))
        var start = 0
        while bytes[start...].starts(with: Array("# ".utf8)) {
            start = (bytes[start...].firstIndex(of: 0x0A) ?? bytes.count - 1) + 1
        }
        var end = bytes.count
        var index = start
        while index < bytes.count {
            if bytes[index] == 0x0A, bytes[(index + 1)...].starts(with: Array("# ".utf8)) { end = index + 1; break }
            index += 1
        }
        return Array(bytes[start..<end])
    }

    /// `page` with the first occurrence of `old` replaced by `new` (bytes; the rest untouched).
    static func swap(_ page: [UInt8], _ old: String, _ new: String) throws -> [UInt8] {
        let needle = Array(old.utf8)
        let at = try #require((0...(page.count - needle.count)).first { page[$0..<($0 + needle.count)].elementsEqual(needle) },
                              "\(old) not in the page")
        return Array(page[..<at]) + Array(new.utf8) + Array(page[(at + needle.count)...])
    }

    static func write(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "capture-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Serves `bytes` as the status page of `profile` and reads it.
    static func replay(_ bytes: [UInt8], profile: String, readAs: String? = nil, behaviour: String = "normal",
                       extra: [String] = []) throws -> (GatewayStatusResult, FakeGateway) {
        let path = try write(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let server = try FakeGateway(profile: profile, status: path, password: password, behaviour: behaviour, extra: extra)
        let result = server.reader().read(profile: readAs ?? profile,
                                          credentials: .value(GatewayCredentials(username: nil, password: password)))
        // The password appears in no result, however the read went.
        #expect(!String(reflecting: result).contains(password) && !"\(result)".contains(password))
        return (result, server)
    }

    /// The report a healthy lab box makes with this one gateway (SIP OPTIONS answered 200).
    static func report(_ result: GatewayStatusResult, profile: String) throws -> Report {
        let data = try Data(contentsOf: URL(fileURLWithPath: FakeGateway.testsDirectory
                                                + "/DoctorCoreTests/Fixtures/observations/lab-healthy.json"))
        var observation = try JSONOutput.decode(Observation.self, from: String(decoding: data, as: UTF8.self))
        observation.gateways = [GatewayObservation(
            name: "ata", address: "127.0.0.1", profile: profile,
            options: SipProbeResult(target: "127.0.0.1:5060", transport: .udp, outcome: .answered, statusCode: 200, reason: "OK"),
            status: result)]
        return Diagnosis.run(observation, generator: "test")
    }

    static func gatewayIDs(_ report: Report) -> [String] {
        report.findings.flatMap(\.flattened).filter { $0.id.hasPrefix("gateway-") }.map { "\($0.id) \($0.subject)" }.sorted()
    }

    // MARK: The captures as they are

    @Test func pap2tOnline() throws {
        let (result, _) = try Self.replay(try Self.page("pap2-1.txt"), profile: "sipura")
        let status = try #require(result.value, "\(result)")
        #expect(status.ports.map(\.port) == [1, 2])
        #expect(status.ports.map(\.registration) == [.registered, .registered])
        #expect(status.ports.map(\.hook) == [.onHook, .onHook])
        let report = try Self.report(result, profile: "sipura")
        #expect(Self.gatewayIDs(report).isEmpty && report.status == .ok && report.status.exitCode == 0)
    }

    @Test func spa112Registered() throws {
        let (result, server) = try Self.replay(try Self.page("spa112-1.txt"), profile: "cisco-spa112")
        let status = try #require(result.value, "\(result)")
        #expect(status.ports.map(\.registration) == [.registered, .registered] && status.ports.map(\.hook) == [.onHook, .onHook])
        #expect(status.model == "SPA112" && status.firmware == "1.4.1(002)")
        #expect(try Self.report(result, profile: "cisco-spa112").status == .ok)
        #expect(server.requests().count == 1)
    }

    @Test func ht802v2PortStatus() throws {
        let (result, server) = try Self.replay(try Self.page("grandstream-ht-1.txt"), profile: "grandstream-ht8xx-api")
        let status = try #require(result.value, "\(result)")
        #expect(status.ports.map(\.registration) == [.registered, .notRegistered])
        #expect(status.ports.map(\.hook) == [.onHook, .onHook] && status.ports.map(\.sipUser) == ["15551234567", nil])
        #expect(server.requests().map { $0["path"]! } == ["/cgi-bin/dologin", "/cgi-bin/api.values.get"])
        // Port 2 says Not Registered: a root finding, and the report is critical.
        let report = try Self.report(result, profile: "grandstream-ht8xx-api")
        #expect(Self.gatewayIDs(report) == ["gateway-port-not-registered gateway ata port 2"])
        #expect(report.status == .critical && report.status.exitCode == 2)
    }

    @Test func ht802v2UnderTheClassicProfileNamesTheProfileToUse() throws {
        let (result, _) = try Self.replay(try Self.page("grandstream-ht-1.txt"), profile: "grandstream-ht8xx")
        let failure = try #require(result.failure, "\(result)")
        #expect(failure.kind == .unparseable && failure.suggestedProfile == "grandstream-ht8xx-api", "\(failure)")
        let report = try Self.report(result, profile: "grandstream-ht8xx")
        let finding = try #require(report.findings.first { $0.id == "gateway-status-unavailable" })
        #expect(finding.message.contains("set profile = \"grandstream-ht8xx-api\""), "\(finding.message)")
        #expect(report.status != .ok)
    }

    @Test func ht802ClassicTemplateUnfilledIsNeverOK() throws {
        // The firmware's own template, its `<% 4901 %>` placeholders unfilled: whatever is read, not OK.
        let (result, _) = try Self.replay(try Self.page("grandstream-ht-2.txt"), profile: "grandstream-ht8xx")
        let report = try Self.report(result, profile: "grandstream-ht8xx")
        #expect(report.status != .ok, "\(result)")
    }

    @Test func ht802ClassicTemplateFilled() throws {
        var page = try Self.page("grandstream-ht-2.txt")
        for (key, value) in [("4901", "On Hook"), ("4921", "Registered"), ("4902", "In Use"), ("4922", "Registered"),
                             ("35", "15551234567"), ("735", "15551234568")] {
            page = try Self.fill(page, key, value)
        }
        let (result, _) = try Self.replay(page, profile: "grandstream-ht8xx")
        let status = try #require(result.value, "\(result)")
        #expect(status.ports.map(\.hook) == [.onHook, .offHook])   // `In Use`: off hook in a call
        #expect(status.ports.map(\.registration) == [.registered, .registered])
    }

    /// `<% 4901     %>` -> value.
    static func fill(_ page: [UInt8], _ key: String, _ value: String) throws -> [UInt8] {
        let text = String(decoding: page, as: UTF8.self)
        guard let open = text.range(of: "<% \(key) "), let close = text[open.upperBound...].range(of: "%>") else {
            Issue.record("no placeholder \(key)"); return page
        }
        return Array((text[..<open.lowerBound] + value + text[close.upperBound...]).utf8)
    }

    @Test func routerOnlyPagesAreNotRead() throws {
        for capture in ["spa2102-1.txt", "spa8000-1.txt"] {
            let (result, _) = try Self.replay(try Self.page(capture), profile: "sipura")
            let failure = try #require(result.failure, "\(capture): \(result)")
            #expect(failure.kind != .unsupported, "\(capture)")
            let report = try Self.report(result, profile: "sipura")
            #expect(Self.gatewayIDs(report) == ["gateway-status-unavailable gateway ata"], "\(capture)")
            #expect(report.status != .ok)
        }
    }

    @Test func spa962PhoneIsNotAGatewayPage() throws {
        let (result, _) = try Self.replay(try Self.page("spa962-phone-1.txt"), profile: "sipura")
        #expect(result.failure?.kind == .unparseable, "\(result)")
    }

    @Test func pageSizesAreTheBytesReceived() throws {
        // The SPA2102/SPA8000 captures carry a Latin-1 0xA9 (the copyright sign), which decodes to U+FFFD (three
        // bytes in UTF-8). The PAP2T page with such a byte, cut short, must report the bytes that came.
        #expect(try Self.page("spa2102-1.txt").contains(0xA9))
        let bytes = try Self.page("pap2-1.txt")
        let cut = Array(bytes.prefix(2000)) + [0xA9, 0xA9, 0xA9] + Array(bytes[2000..<4000])
        let (result, _) = try Self.replay(cut, profile: "sipura")
        let failure = try #require(result.failure, "\(result)")
        #expect(failure.message.contains("\(cut.count) bytes"), "\(failure.message)")
    }

    // MARK: Variants: every failure word, an unknown word

    @Test(arguments: ["Not Registered", "Offline", "Failed", "Can't connect to login server"])
    func sipuraFailureWords(word: String) throws {
        let page = try Self.swap(try Self.page("pap2-1.txt"), "<font color=\"darkblue\">Online", "<font color=\"darkblue\">\(word)")
        let (result, _) = try Self.replay(page, profile: "sipura")
        let status = try #require(result.value, "\(result)")
        #expect(status.ports.map(\.registration) == [.notRegistered, .registered])
        #expect(status.ports[0].registrationText == word)
        let report = try Self.report(result, profile: "sipura")
        #expect(Self.gatewayIDs(report) == ["gateway-port-not-registered gateway ata port 1"])
        #expect(report.status == .critical && report.status.exitCode == 2)
    }

    @Test(arguments: ["Not Registered", "Offline", "Failed", "Can't connect to login server"])
    func spa112FailureWords(word: String) throws {
        let page = try Self.swap(try Self.page("spa112-1.txt"), "<Registration_State>Registered", "<Registration_State>\(word)")
        let (result, _) = try Self.replay(page, profile: "cisco-spa112")
        let status = try #require(result.value, "\(result)")
        #expect(status.ports.map(\.registration) == [.notRegistered, .registered])
        #expect(Self.gatewayIDs(try Self.report(result, profile: "cisco-spa112")) == ["gateway-port-not-registered gateway ata port 1"])
    }

    @Test func unknownWordsAreQuotedAndNeverOK() throws {
        let cases: [(String, [UInt8], String)] = [
            ("sipura", try Self.swap(try Self.page("pap2-1.txt"), "darkblue\">Online", "darkblue\">Registering"), "registration reads 'Registering'"),
            ("sipura", try Self.swap(try Self.page("pap2-1.txt"), "Hook State:<td><font color=\"darkblue\">On", "Hook State:<td><font color=\"darkblue\">Dangling"),
             "hook reads 'Dangling'"),
            ("cisco-spa112", try Self.swap(try Self.page("spa112-1.txt"), "<Registration_State>Registered", "<Registration_State>Xyz"),
             "registration reads 'Xyz'"),
            ("grandstream-ht8xx-api", try Self.swap(try Self.page("grandstream-ht-1.txt"), "\"P4901\": \"On Hook\"", "\"P4901\": \"Colgado\""),
             "hook reads 'Colgado'"),
        ]
        for (profile, page, words) in cases {
            let (result, _) = try Self.replay(page, profile: profile)
            let report = try Self.report(result, profile: profile)
            let finding = try #require(report.findings.flatMap(\.flattened).first { $0.id == "gateway-port-state-unknown" },
                                       "\(profile) \(words): \(result)")
            #expect(finding.message == "gateway ata port 1 \(words), which dahdi-doctor does not know")
            #expect(finding.severity == .unknown && report.status != .ok && report.status.exitCode != 0)
        }
    }

    @Test(arguments: [("In Use", GatewayPortStatus.Hook.offHook), ("Ringing", .ringing), ("Off Hook", .offHook)])
    func grandstreamHookWords(word: String, hook: GatewayPortStatus.Hook) throws {
        let page = try Self.swap(try Self.page("grandstream-ht-1.txt"), "\"P4901\": \"On Hook\"", "\"P4901\": \"\(word)\"")
        let (result, _) = try Self.replay(page, profile: "grandstream-ht8xx-api")
        #expect(try #require(result.value, "\(result)").ports[0].hook == hook)
    }

    // MARK: Lock-out

    @Test func lockoutStopsLoginsAndIsReported() throws {
        for (profile, lockedPage, remain) in [("grandstream-ht8xx-api", "login/locked-remain.json", 240),
                                              ("grandstream-ht8xx", "loginlocked.htm", 600)] {
            let bytes = profile == "grandstream-ht8xx" ? try Self.fill(try Self.page("grandstream-ht-2.txt"), "4901", "On Hook")
                : try Self.page("grandstream-ht-1.txt")
            let path = try Self.write(bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let server = try FakeGateway(profile: profile, status: path, password: Self.password, behaviour: "locked",
                                         extra: ["--locked-page", lockedPage])
            let reader = server.reader()
            var session = GatewayWebSession()
            let credentials = GatewayStatusReader.Credentials.value(GatewayCredentials(username: nil, password: Self.password))
            let first = reader.read(profile: profile, credentials: credentials, session: &session)
            let failure = try #require(first.failure, "\(first)")
            #expect(failure.kind == .locked && failure.retryAfterSeconds == remain, "\(failure)")
            let loginsBefore = server.requests().filter { $0["path"] == "/cgi-bin/dologin" }.count
            #expect(loginsBefore == 1)
            // The next reads send nothing at all while the lock lasts.
            for _ in 0..<3 {
                let again = reader.read(profile: profile, credentials: credentials, session: &session)
                #expect(again.failure?.kind == .locked)
            }
            #expect(server.requests().filter { $0["path"] == "/cgi-bin/dologin" }.count == 1)
            let report = try Self.report(first, profile: profile)
            #expect(Self.gatewayIDs(report) == ["gateway-web-login-locked gateway ata"])
            #expect(report.status == .warning && report.status.exitCode == 1)
        }
    }

    // MARK: Gentle polling

    @Test func theAgentReusesTheSessionAndPollsOnTheStatusInterval() throws {
        let path = try Self.write(try Self.page("grandstream-ht-1.txt"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let server = try FakeGateway(profile: "grandstream-ht8xx-api", status: path, password: Self.password)
        let directory = NSTemporaryDirectory() + "gw-poll-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let credentials = directory + "/credentials"
        try "password = \(Self.password)\n".write(toFile: credentials, atomically: true, encoding: .utf8)
        chmod(credentials, 0o600)
        let clock = ManualClock()
        let poller = GatewayWebPoller(clock: { clock.now })
        let gateway = GatewaySettings(name: "ata", address: "127.0.0.1", sipPort: 9, profile: "grandstream-ht8xx-api",
                                      webPort: server.port, credentialsFile: credentials, statusInterval: 300)
        let observer = GatewayObserver(gateways: [gateway], userAgent: "test", deadline: .milliseconds(300), poller: poller)
        let paths = { server.requests().map { $0["path"]! } }
        #expect(observer.observe()[0].status?.value?.ports.count == 2)
        #expect(paths() == ["/cgi-bin/dologin", "/cgi-bin/api.values.get"])
        clock.now += 30
        #expect(observer.observe()[0].status?.value != nil)   // the kept reading: no request
        #expect(paths().count == 2)
        clock.now += 300
        #expect(observer.observe()[0].status?.value != nil)   // due: read through the same session, no new login
        #expect(paths() == ["/cgi-bin/dologin", "/cgi-bin/api.values.get", "/cgi-bin/api.values.get"])
        // A contact change reads at once, but not twice within the minimum gap.
        #expect(observer.observe(readStatusNow: true)[0].status?.value != nil)
        #expect(paths().count == 3)
        clock.now += GatewayWebPoller.minimumGapSeconds
        #expect(observer.observe(readStatusNow: true)[0].status?.value != nil)
        #expect(paths().count == 4)
        #expect(paths().filter { $0 == "/cgi-bin/dologin" }.count == 1 && poller.logins("ata") == 1)
    }
}

final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Double = 1000
    var now: Double {
        get { lock.lock(); defer { lock.unlock() }; return value }
        set { lock.lock(); value = newValue; lock.unlock() }
    }
}
