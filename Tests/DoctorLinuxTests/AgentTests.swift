import DoctorCore
import DoctorAgentServer
import DoctorKernel
import DoctorNetwork
import DoctorSystem
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real `dahdi-doctor agent` against fixture roots, queried over its socket with curl, raw sockets and
/// `dahdi-doctor status`: every endpoint, the allow list, concurrent, slow and malformed clients, socket takeover
/// rules and SIGTERM.
@Suite struct AgentTests {
    static let lab = Fixtures.directory + "/lab-healthy"
    static let curl = "/usr/bin/curl"
    static let asNobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

    @Test func everyEndpointAndStatus() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.curl), "curl is needed (Tools/setup installs it)")
        let agent = try AgentProcess(roots: .lab)
        defer { agent.stop() }

        let health = try Curl.get(agent.socket, "/v1/health")
        #expect(health.code == 503, "the lab tree without /dev/dahdi/ctl is CRITICAL")
        let summary = try JSONOutput.decode(HealthSummary.self, from: health.body)
        #expect(summary.schemaVersion == 1 && summary.status == .critical && summary.counts.critical == 1)
        #expect(summary.generatedAt > 1_600_000_000 && summary.lastRunDuration > 0)

        let report = try Curl.get(agent.socket, "/v1/report")
        #expect(report.code == 200)
        let decoded = try JSONOutput.decode(Report.self, from: report.body)
        #expect(decoded.findings.map(\.id) == ["control-device-missing"] && decoded.spans == 2)

        let events = try Curl.get(agent.socket, "/v1/events")
        #expect(events.code == 200)
        let history = try JSONOutput.decode(EventHistory.self, from: events.body)
        #expect(history.events.first?.kind == .raised && history.events.first?.id == "control-device-missing")
        #expect(history.historyCap == 1000)

        let metrics = try Curl.get(agent.socket, "/metrics")
        #expect(metrics.code == 200 && metrics.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(metrics.body.contains("dahdi_doctor_findings{severity=\"critical\"} 1\n"))
        #expect(try Curl.get(agent.socket, "/nope").code == 404)
        #expect(try Curl.get(agent.socket, "/v1/health", extra: ["-X", "POST"]).code == 405)

        let text = try Binary.run(["status", "--socket", agent.socket, "--no-color"])
        #expect(text.status == 2 && text.stdout.contains("CRITICAL  control-device-missing"))
        let json = try Binary.run(["status", "--socket", agent.socket, "--json"])
        let jsonReport = try JSONOutput.decode(Report.self, from: json.stdout)
        #expect(json.status == 2 && jsonReport.findings.count == 1)
        let nagios = try Binary.run(["status", "--socket", agent.socket, "--format", "nagios"])
        #expect(nagios.status == 2 && nagios.stdout.hasPrefix("DAHDI CRITICAL - "))
    }

    @Test func healthyBoxIsTwoHundredAndTextfileWritten() throws {
        let textfiles = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: textfiles) }
        let agent = try AgentProcess(roots: .empty, extra: ["--textfile-directory", textfiles])
        defer { agent.stop() }
        let health = try Curl.get(agent.socket, "/v1/health")
        #expect(health.code == 200 && health.body.contains("\"status\" : \"OK\""))
        #expect(FileManager.default.fileExists(atPath: textfiles + "/" + PrometheusTextfile.fileName))
        let status = try Binary.run(["status", "--socket", agent.socket])
        #expect(status.status == 0, "\(status.stderr)")

        // Latency of /v1/health over the socket, one connection per request as curl would.
        let start = Date()
        for _ in 0..<200 { _ = try RawClient.exchange(agent.socket, Array("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n".utf8)) }
        let perRequest = Date().timeIntervalSince(start) / 200
        print("agent /v1/health latency: \(String(format: "%.3f", perRequest * 1000)) ms per request (200 sequential)")
        #expect(perRequest < 0.05)
    }

    @Test func socketGroupIsApplied() throws {
        guard getuid() == 0 else { return }   // chown to another group needs root
        let agent = try AgentProcess(roots: .lab, extra: ["--socket-group", "65534"])
        defer { agent.stop() }
        let attributes = try FileManager.default.attributesOfItem(atPath: agent.socket)
        #expect(attributes[.groupOwnerAccountID] as? Int == 65534)
        #expect(attributes[.posixPermissions] as? Int == 0o660)
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let unknown = try Binary.run(AgentProcess.arguments(roots: .lab, socket: dir + "/s.sock") + ["--socket-group", "no-such-group-x"])
        #expect(unknown.status == 69 && unknown.stderr == "dahdi-doctor: agent: no such group: no-such-group-x\n")
    }

    @Test func statusWithoutAgentIsUnknownInOneLine() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try Binary.run(["status", "--socket", dir + "/doctor.sock"])
        #expect(result.status == 3)
        #expect(result.stderr.hasPrefix("dahdi-doctor: the agent is not running: \(dir)/doctor.sock: "))
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stdout.isEmpty)
    }

    @Test func allowListIsEnforcedWithPeerCredentials() throws {
        guard getuid() == 0 else { return }   // setpriv needs root to become another user
        let agent = try AgentProcess(roots: .lab)
        defer { agent.stop() }
        let mode = try FileManager.default.attributesOfItem(atPath: agent.socket)[.posixPermissions] as? Int
        #expect(mode == 0o660)
        // Open the file so that only SO_PEERCRED stands between nobody and the agent.
        chmod(agent.socket, 0o666)
        let refused = try Curl.get(agent.socket, "/v1/report", prefix: Self.asNobody)
        #expect(refused.code == 403 && refused.body.contains("uid 65534 gid 65534 is not allowed"))
        let status = try Binary.run(["status", "--socket", agent.socket], prefix: Self.asNobody)
        #expect(status.status == 3 && status.stderr.contains("answered 403"))
        #expect(try Curl.get(agent.socket, "/v1/report").code == 200, "root is always allowed")

        let byUID = try AgentProcess(roots: .lab, extra: ["--allow-uid", "65534"])
        defer { byUID.stop() }
        chmod(byUID.socket, 0o666)
        #expect(try Curl.get(byUID.socket, "/v1/report", prefix: Self.asNobody).code == 200)

        let byGID = try AgentProcess(roots: .lab, extra: ["--allow-gid", "65534"])
        defer { byGID.stop() }
        chmod(byGID.socket, 0o666)
        let otherUser = ["/usr/bin/setpriv", "--reuid=65533", "--regid=65534", "--clear-groups"]
        #expect(try Curl.get(byGID.socket, "/v1/report", prefix: otherUser).code == 200)
        let otherGroup = ["/usr/bin/setpriv", "--reuid=65533", "--regid=65533", "--clear-groups"]
        #expect(try Curl.get(byGID.socket, "/v1/report", prefix: otherGroup).code == 403)
        // A supplementary group is enough (SO_PEERGROUPS), and the socket's group is allowed without --allow-gid.
        let supplementary = ["/usr/bin/setpriv", "--reuid=65533", "--regid=65533", "--groups=65534"]
        #expect(try Curl.get(byGID.socket, "/v1/report", prefix: supplementary).code == 200)
        let bySocketGroup = try AgentProcess(roots: .lab, extra: ["--socket-group", "65534"])
        defer { bySocketGroup.stop() }
        #expect(try Curl.get(bySocketGroup.socket, "/v1/report", prefix: supplementary).code == 200)
        // Outside the group: the socket's mode (0660) already keeps it out (no HTTP answer at all).
        #expect(try Curl.get(bySocketGroup.socket, "/v1/report", prefix: otherGroup).code != 200)
    }

    @Test func fiftyConcurrentClientsAreAllAnswered() throws {
        let agent = try AgentProcess(roots: .lab)
        defer { agent.stop() }
        let start = Date()
        let processes = try (0..<50).map { _ in try Curl.start(agent.socket, "/v1/health") }
        var codes: [String] = []
        for (process, output) in processes {
            process.waitUntilExit()
            codes.append(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
        let elapsed = Date().timeIntervalSince(start)
        print("agent: 50 parallel curls answered in \(String(format: "%.3f", elapsed)) s")
        #expect(codes.filter { $0 == "503" }.count == 50, "\(codes)")
    }

    /// 128 silent clients hold every connection slot (until their 2 s read deadline); the next client waits briefly
    /// for a slot, then gets a 503 it can read to the end: no reset, even though the agent never read its request.
    @Test func beyondTheConnectionCapTheAnswerIsAReadable503() throws {
        let agent = try AgentProcess(roots: .lab)
        defer { agent.stop() }
        let holders = try (0..<128).map { _ in try RawClient.connect(agent.socket) }
        defer { holders.forEach { close($0) } }
        usleep(300_000)   // the accept loop takes them all (the backlog is served in order)
        let fd = try RawClient.connect(agent.socket)
        defer { close(fd) }
        let start = Date()
        let request = Array("GET /v1/health HTTP/1.1\r\nHost: agent\r\n\r\n".utf8)
        #expect(request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == request.count)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var endedWith: Int32 = -2
        while endedWith == -2 {
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 1500) > 0 else { break }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { received += chunk[..<count] } else { endedWith = count == 0 ? 0 : errno }
        }
        let elapsed = Date().timeIntervalSince(start)
        let text = String(decoding: received, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 503") && text.contains("too many connections"), "\(text)")
        #expect(endedWith == 0, "end of stream, not errno \(endedWith)")
        #expect(elapsed >= 0.04 && elapsed < 1.5, "waited \(elapsed) s for a slot, then refused")
    }

    /// A fault appearing and going away while the agent runs shows in /v1/events as raised then cleared.
    @Test func transitionsFollowTheBox() throws {
        let agent = try AgentProcess(roots: .lab)
        defer { agent.stop() }
        try FileManager.default.createDirectory(atPath: agent.directory + "/dahdi", withIntermediateDirectories: true)
        try "wctdm24xxp\n".write(toFile: agent.directory + "/dahdi/modules", atomically: true, encoding: .utf8)
        let raised = try Self.waitForEvent(agent.socket) { $0.kind == .raised && $0.id == "module-not-loaded" }
        try FileManager.default.removeItem(atPath: agent.directory + "/dahdi/modules")
        let cleared = try Self.waitForEvent(agent.socket) { $0.kind == .cleared && $0.id == "module-not-loaded" }
        #expect(raised.key == cleared.key && raised.at < cleared.at)
    }

    static func waitForEvent(_ socket: String, _ match: (Transition) -> Bool) throws -> Transition {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let history = try JSONOutput.decode(EventHistory.self, from: try Curl.get(socket, "/v1/events").body)
            if let event = history.events.first(where: match) { return event }
            usleep(100_000)
        }
        throw AgentTestError.timeout
    }

    /// Many rounds of clients, well-formed and not: the agent's resident memory stays flat (every buffer is capped
    /// and freed with its connection).
    @Test func memoryStaysBoundedUnderLoad() throws {
        let agent = try AgentProcess(roots: .lab)
        defer { agent.stop() }
        func residentKiB() throws -> Int {
            let status = try String(contentsOfFile: "/proc/\(agent.process.processIdentifier)/status", encoding: .utf8)
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }!
            return Int(line.split(separator: " ").dropFirst().first!)!
        }
        let big = Array(("GET /metrics HTTP/1.1\r\nX: " + String(repeating: "a", count: 7000) + "\r\n\r\n").utf8)
        func round() throws {
            for _ in 0..<100 {
                _ = try RawClient.exchange(agent.socket, big)
                _ = try RawClient.exchange(agent.socket, Array("garbage\u{1}".utf8))
            }
        }
        try round()   // warm up: allocator arenas, thread stacks
        let before = try residentKiB()
        for _ in 0..<5 { try round() }
        let after = try residentKiB()
        print("agent: resident memory \(before) KiB -> \(after) KiB after 1000 more requests")
        #expect(after - before < 4096)
    }

    @Test func aSlowClientDoesNotDelayOthersAndGets408() throws {
        let agent = try AgentProcess(roots: .lab)
        defer { agent.stop() }
        let slow = try RawClient.connect(agent.socket)   // connects and sends nothing
        defer { close(slow) }
        let start = Date()
        #expect(try Curl.get(agent.socket, "/v1/health").code == 503)
        #expect(Date().timeIntervalSince(start) < 1, "a silent client holds only its own connection")
        let answer = try RawClient.readAll(slow, timeout: 5)
        #expect(answer.hasPrefix("HTTP/1.1 408 "), "\(answer)")
    }

    @Test func malformedRequestsGet4xxAndTheAgentKeepsAnswering() throws {
        let agent = try AgentProcess(roots: .lab)
        defer { agent.stop() }
        let cases: [(String, [UInt8])] = [
            ("400", Array("\u{16}\u{03}\u{01}\u{00}\u{a5}garbage".utf8)),
            ("400", Array("hello\r\n\r\n".utf8)),
            ("400", Array("GET / HTTP/2.0\r\n\r\n".utf8)),
            ("431", Array(("GET /v1/health HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 16 * 1024) + "\r\n\r\n").utf8)),
            ("405", Array("POST /v1/health HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello".utf8)),
            ("400", Array("GET /v1/health HTTP/1.1\r\nHost".utf8)),   // then half-closed: ended early
        ]
        for (expected, bytes) in cases {
            let answer = try RawClient.exchange(agent.socket, bytes)
            #expect(answer.hasPrefix("HTTP/1.1 \(expected) "), "\(expected): \(answer.prefix(80))")
        }
        // curl with a 16 KiB header too
        #expect(try Curl.get(agent.socket, "/v1/health", extra: ["-H", "X-Big: " + String(repeating: "b", count: 16 * 1024)]).code == 431)
        #expect(try Curl.get(agent.socket, "/v1/health").code == 503, "still answering")
    }

    @Test func staleSocketIsReplacedButNeverALiveOneOrAFile() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/doctor.sock"
        try RawClient.leaveStaleSocket(path)
        let agent = try AgentProcess(roots: .lab, socket: path)
        #expect(try Curl.get(path, "/v1/health").code == 503, "the dead agent's socket was replaced")

        let second = try Binary.run(AgentProcess.arguments(roots: .lab, socket: path))
        #expect(second.status == 69)
        #expect(second.stderr == "dahdi-doctor: agent: \(path): another agent is already listening on this socket\n")
        #expect(try Curl.get(path, "/v1/health").code == 503, "the live agent keeps its socket")
        agent.stop()

        try "not a socket".write(toFile: path, atomically: false, encoding: .utf8)
        let onFile = try Binary.run(AgentProcess.arguments(roots: .lab, socket: path))
        #expect(onFile.status == 69 && onFile.stderr.contains("exists and is not a socket"))
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func sigtermExitsZeroPromptlyAndRemovesTheSocket() throws {
        for signal in [SIGTERM, SIGINT] {
            let agent = try AgentProcess(roots: .lab, extra: ["--interval", "30"])
            let start = Date()
            kill(agent.process.processIdentifier, signal)
            agent.process.waitUntilExit()
            let elapsed = Date().timeIntervalSince(start)
            print("agent: signal \(signal) -> exit in \(String(format: "%.3f", elapsed)) s")
            #expect(agent.process.terminationReason == .exit && agent.process.terminationStatus == 0)
            #expect(elapsed < 2)
            #expect(!FileManager.default.fileExists(atPath: agent.socket))
            agent.stop()
        }
    }
}

/// A running `dahdi-doctor agent` in a scratch directory; `stop()` sends SIGTERM and removes the directory.
final class AgentProcess: @unchecked Sendable {
    enum Roots { case lab, empty }

    let process = Process()
    let socket: String
    let directory: String
    private let ownsDirectory: Bool

    static func arguments(roots: Roots, socket: String, scratch: String = "/nonexistent", sources: Bool = false) -> [String] {
        let tree = roots == .lab ? AgentTests.lab : scratch
        // sources: AMI and the gateways as the caller's extra arguments and settings say; else neither is asked.
        return ["agent"] + (sources ? [] : ["--no-ami", "--no-gateways"]) + ["--etc-root", scratch, "--config", scratch + "/none.toml",
                "--sysfs-root", roots == .lab ? tree + "/sys" : tree, "--procfs-root", roots == .lab ? tree + "/proc" : tree,
                "--devfs-root", scratch, "--fs-root", scratch, "--interval", "0.5", "--socket", socket]
    }

    /// `prepare` runs on the scratch directory before the agent starts (settings, credentials) and returns more
    /// arguments.
    init(roots: Roots, socket: String? = nil, extra: [String] = [], sources: Bool = false,
         prepare: (String) throws -> [String] = { _ in [] }) throws {
        directory = try Fixtures.temporaryDirectory()
        ownsDirectory = socket == nil
        self.socket = socket ?? directory + "/doctor.sock"
        let prepared = try prepare(directory)
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = Self.arguments(roots: roots, socket: self.socket, scratch: directory, sources: sources) + extra + prepared
        process.standardOutput = FileHandle.nullDevice
        FileManager.default.createFile(atPath: directory + "/agent.stderr", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: directory + "/agent.stderr")
        try process.run()
        // Ready when the socket answers.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if (try? RawClient.exchange(self.socket, Array("GET /v1/health HTTP/1.1\r\n\r\n".utf8)))?.hasPrefix("HTTP/1.1") == true { return }
            usleep(20_000)
        }
        stop()
        throw AgentTestError.notReady
    }

    /// What the agent logged so far (its journal lines).
    var log: String { (try? String(contentsOfFile: directory + "/agent.stderr", encoding: .utf8)) ?? "" }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

enum AgentTestError: Error { case notReady, connect(Int32), timeout }

/// curl --unix-socket, as an operator would run it.
enum Curl {
    struct Answer { var code: Int; var contentType: String; var body: String }

    static func get(_ socket: String, _ path: String, extra: [String] = [], prefix: [String] = []) throws -> Answer {
        let bodyFile = NSTemporaryDirectory() + "curl-body-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: bodyFile) }
        let process = Process()
        let command = prefix + [AgentTests.curl, "-s", "--max-time", "10", "--unix-socket", socket, "-o", "-",
                                "-w", "\n%{http_code} %{content_type}"] + extra + ["http://localhost" + path]
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let split = text.range(of: "\n", options: .backwards)!
        let trailer = text[split.upperBound...]
        let code = Int(trailer.prefix { $0 != " " }) ?? -1
        let contentType = String(trailer.drop { $0 != " " }.dropFirst())
        return Answer(code: code, contentType: contentType, body: String(text[..<split.lowerBound]))
    }

    /// Starts curl printing only the status code, for parallel runs.
    static func start(_ socket: String, _ path: String) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: AgentTests.curl)
        process.arguments = ["-s", "--max-time", "10", "--unix-socket", socket, "-o", "/dev/null", "-w", "%{http_code}", "http://localhost" + path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        return (process, out)
    }
}

/// A client with full control of the bytes, for what curl will not send.
enum RawClient {
    static func address(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    static func connect(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = address(path)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if result != 0 { let code = errno; close(fd); throw AgentTestError.connect(code) }
        return fd
    }

    /// Sends, half-closes, reads the whole answer.
    static func exchange(_ path: String, _ bytes: [UInt8], timeout: Double = 5) throws -> String {
        let fd = try connect(path)
        defer { close(fd) }
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        shutdown(fd, Int32(SHUT_WR))
        return try readAll(fd, timeout: timeout)
    }

    static func readAll(_ fd: Int32, timeout: Double) throws -> String {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let left = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            guard left > 0, poll(&entry, 1, left) > 0 else { throw AgentTestError.timeout }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received.append(contentsOf: chunk[..<count])
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// A socket file with nobody behind it, as a killed agent leaves.
    static func leaveStaleSocket(_ path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = address(path)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(fd)
        if result != 0 { throw AgentTestError.connect(errno) }
    }
}
