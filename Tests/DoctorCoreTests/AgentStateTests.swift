import DoctorCore
import Testing

/// The agent's pure core: transitions diffed from two reports, the bounded history, the health summary, routes.
@Suite struct AgentStateTests {
    static let red = CheckCatalogue.definition(id: "span-red-alarm")!
    static let channel = CheckCatalogue.definition(id: "channel-alarm")!

    static func finding(_ definition: CheckDefinition, _ subject: String, consequences: [Finding] = []) -> Finding {
        var finding = Finding(definition, subject: subject, message: "\(subject) is bad", evidence: [])
        finding.consequences = consequences
        return finding
    }

    static func report(_ findings: [Finding], at: Double) -> Report {
        Report(generator: "test", observedAt: at, findings: findings, sources: [], spans: 2, channels: 4)
    }

    @Test func firstRunRaisesEverythingIncludingFoldedConsequences() {
        let span = Self.finding(Self.red, "span 2", consequences: [Self.finding(Self.channel, "channel 3")])
        let changes = AgentState.transitions(from: nil, to: Self.report([span], at: 100))
        #expect(changes.map(\.kind) == [.raised, .raised])
        #expect(changes.map(\.key) == ["channel-alarm:channel 3", "span-red-alarm:span 2"])
        #expect(changes.allSatisfy { $0.at == 100 })
    }

    @Test func diffRaisesAndClearsByKeyOnly() {
        let old = Self.report([Self.finding(Self.red, "span 1"), Self.finding(Self.red, "span 2")], at: 1)
        var changedMessage = Self.finding(Self.red, "span 2")
        changedMessage.message = "reworded"
        let new = Self.report([changedMessage, Self.finding(Self.red, "span 3")], at: 2)
        let changes = AgentState.transitions(from: old, to: new)
        #expect(changes.map(\.kind) == [.cleared, .raised])
        #expect(changes.map(\.subject) == ["span 1", "span 3"])
        #expect(changes.map(\.at) == [2, 2])
        #expect(AgentState.transitions(from: new, to: new).isEmpty, "an unchanged box makes no transition")
    }

    @Test func historyIsCappedOldestDropped() {
        var state = AgentState(historyCap: 3)
        for run in 0..<4 {
            // Each run replaces one finding by another: one cleared and one raised per run after the first.
            state.record(Self.report([Self.finding(Self.red, "span \(run)")], at: Double(run)), metrics: nil, runDuration: 0.5)
        }
        #expect(state.transitions.count == 3)
        #expect(state.droppedTransitions == 4)
        #expect(state.transitions.map(\.subject) == ["span 2", "span 2", "span 3"])
        #expect(state.transitions.map(\.kind) == [.raised, .cleared, .raised])
        #expect(EventHistory(state).dropped == 4)
    }

    @Test func healthSummaryFollowsTheReport() throws {
        var state = AgentState()
        #expect(HealthSummary(state, generator: "g").status == .unknown)
        #expect(HealthSummary(state, generator: "g").httpStatus == 503)
        state.record(Self.report([], at: 42), metrics: "m 1\n", runDuration: 0.25)
        let health = HealthSummary(state, generator: "g")
        #expect(health.status == .ok && health.httpStatus == 200)
        #expect(health.generatedAt == 42 && health.lastRunDuration == 0.25)
        let json = try JSONOutput.encode(health)
        for key in ["\"schema_version\" : 1", "\"status\" : \"OK\"", "\"counts\"", "\"summary\"", "\"generated_at\" : 42",
                    "\"last_run_duration\" : 0.25"] {
            #expect(json.contains(key), "\(key) in \(json)")
        }
        state.record(Self.report([Self.finding(Self.red, "span 1")], at: 43), metrics: nil, runDuration: 0)
        #expect(HealthSummary(state, generator: "g").httpStatus == 503)
    }

    @Test func routes() throws {
        var state = AgentState()
        func get(_ target: String, _ method: String = "GET") -> AgentHTTPResponse {
            AgentRoutes.respond(to: AgentHTTPRequest(method: method, target: target, version: "HTTP/1.1", headers: []),
                                state: state, generator: "g")
        }
        #expect(get("/v1/report").status == 503, "no run yet")
        state.record(Self.report([], at: 1), metrics: "m 1\n", runDuration: 0)
        #expect(get("/v1/health").status == 200)
        #expect(get("/v1/health?verbose=1").status == 200)
        #expect(get("/v1/report").status == 200)
        #expect(get("/v1/events").status == 200)
        #expect(get("/metrics").contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(get("/metrics").body == "m 1\n")
        #expect(get("/nope").status == 404)
        #expect(get("/v1/health", "POST").status == 405)
        #expect(get("/v1/health", "POST").extraHeaders == ["Allow: GET"])
        let wire = String(decoding: get("/v1/health").serialized, as: UTF8.self)
        #expect(wire.hasPrefix("HTTP/1.1 200 OK\r\n") && wire.contains("\r\nConnection: close\r\n"))
    }

    @Test func peerPolicy() {
        let policy = PeerAccessPolicy(allowedUIDs: [1000], allowedGIDs: [50], ownUID: 500)
        #expect(policy.allows(uid: 0, gid: 0))
        #expect(policy.allows(uid: 500, gid: 1))
        #expect(policy.allows(uid: 1000, gid: 1))
        #expect(policy.allows(uid: 2000, gid: 50))
        #expect(!policy.allows(uid: 65534, gid: 65534))
        #expect(policy.allows(uid: 2000, gid: 2000, groups: [20, 50]), "a supplementary group counts")
        #expect(!policy.allows(uid: 2000, gid: 2000, groups: [20, 51]))
    }
}

/// The request-head parser: complete, incomplete, and every way a client can be refused.
@Suite struct AgentHTTPRequestParserTests {
    func parse(_ text: String, limit: Int = 8192) throws(AgentHTTPRequestError) -> AgentHTTPRequest? {
        try AgentHTTPRequestParser.parse(Array(text.utf8), headLimit: limit)
    }

    func error(_ text: String, limit: Int = 8192) -> AgentHTTPRequestError? {
        do { _ = try parse(text, limit: limit); return nil } catch { return error }
    }

    @Test func completeRequest() throws {
        let request = try #require(try parse("GET /v1/health?x=1 HTTP/1.1\r\nHost: localhost\r\nUser-Agent:  curl/8 \r\n\r\n"))
        #expect(request.method == "GET" && request.path == "/v1/health" && request.target == "/v1/health?x=1")
        #expect(request.headers.map(\.name) == ["host", "user-agent"])
        #expect(request.headers.map(\.value) == ["localhost", "curl/8"])
        #expect(try parse("GET / HTTP/1.0\r\n\r\n")?.version == "HTTP/1.0")
    }

    @Test func incompleteNeedsMore() throws {
        for partial in ["", "G", "GET", "GET /v1/health HT", "GET / HTTP/1.1\r", "GET / HTTP/1.1\r\nHost: x\r\n"] {
            #expect(try parse(partial) == nil, "\(partial.debugDescription)")
        }
    }

    @Test func refusals() {
        #expect(error("\u{16}\u{03}\u{01}garbage") == .malformed("the method is not a token"), "TLS hello: refused at once")
        #expect(error("hello world\r\n\r\n") == .malformed("the request line is not METHOD TARGET VERSION"))
        #expect(error("GET http://x/ HTTP/1.1\r\n\r\n") == .malformed("the target is not an absolute path"))
        #expect(error("GET / FTP/1.1\r\n\r\n") == .malformed("no HTTP version"))
        #expect(error("GET / HTTP/2.0\r\n\r\n") == .unsupportedVersion("HTTP/2.0"))
        #expect(error("GET / HTTP/1.1\r\nno colon\r\n\r\n") == .malformed("a header line is not name: value"))
        #expect(error("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n") == .malformed("a header line is not name: value"))
        // Bare LF never completes a head: such a client waits for more and is answered 408 at the read deadline.
        #expect((try? parse("GET / HTTP/1.1\nHost: x\n\n")) == .some(nil))
        #expect(error("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 200) + "\r\n\r\n", limit: 100) == .headTooLarge(limit: 100))
        #expect(error("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 200), limit: 100) == .headTooLarge(limit: 100))
        #expect(error(String(repeating: "A", count: 200), limit: 100) == .headTooLarge(limit: 100))
        #expect(AgentHTTPRequestError.headTooLarge(limit: 1).statusCode == 431)
        #expect(AgentHTTPRequestError.malformed("x").statusCode == 400)
    }
}

/// The journal of one run: roots one line each up to 5 per finding ID and kind, then one counting line.
@Suite struct AgentJournalTests {
    func transition(_ kind: Transition.Kind, id: String, n: Int, severity: Severity = .warning) -> Transition {
        Transition(kind: kind, finding: Finding(CheckDefinition(id: id, family: "t", severity: severity, title: "t",
                                                                explanation: "e", remediation: "r"),
                                                subject: "channel \(n)", message: "channel \(n) is in alarm: RED", evidence: [],
                                                key: "\(id):\(n)"), at: 0)
    }

    @Test func manyRootsOfOneIDAreCountedNotListed() {
        let raised = (1...300).map { transition(.raised, id: "channel-alarm", n: $0) }
        let span = transition(.raised, id: "span-red-alarm", n: 1000, severity: .critical)
        let folded = transition(.raised, id: "channel-alarm", n: 5000)
        let lines = AgentJournal.lines(raised + [span, folded], roots: Set((raised + [span]).map(\.key)))
        #expect(lines.count == 5 + 1 + 1 + 1)
        #expect(lines[0] == "dahdi-doctor: agent: raised warning channel-alarm: channel 1 is in alarm: RED")
        #expect(lines[5] == "dahdi-doctor: agent: raised critical span-red-alarm: channel 1000 is in alarm: RED")
        #expect(lines[6] == "dahdi-doctor: agent: raised warning channel-alarm: 295 more like these (300 in all, in /v1/events)")
        #expect(lines[7] == "dahdi-doctor: agent: (+1 transition(s) of folded consequences, in /v1/events)")
    }

    @Test func fewRootsAreEachALine() {
        let changes = [transition(.raised, id: "a", n: 1), transition(.cleared, id: "a", n: 2), transition(.raised, id: "a", n: 3)]
        #expect(AgentJournal.lines(changes, roots: Set(changes.map(\.key))).count == 3)
    }
}
