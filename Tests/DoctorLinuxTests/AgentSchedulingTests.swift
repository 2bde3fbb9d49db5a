import DoctorCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The agent's sources on their own schedules, against the real binary: Asterisk's events (replayed from a real
/// capture) trigger an AMI re-read long before the resync interval; a gateway that does not answer in time is
/// reported overdue while the kernel source keeps reading; an AMI peer that goes away is reported and the agent
/// keeps serving.
@Suite struct AgentSchedulingTests {
    static func health(_ socket: String) throws -> HealthSummary {
        try JSONOutput.decode(HealthSummary.self, from: try Curl.get(socket, "/v1/health").body)
    }

    static func waitFor<T>(_ seconds: Double = 15, _ probe: () throws -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let value = try probe() { return value }
            usleep(100_000)
        }
        throw AgentTestError.timeout
    }

    static func writeCredentials(_ directory: String) throws -> [String] {
        let path = directory + "/ami.conf"
        try "username = \(AMIReplayServer.labUser)\nsecret = \(AMIReplayServer.labSecret)\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        return ["--ami-credentials", path]
    }

    @Test func amiEventsTriggerAnImmediateResync() throws {
        let server = try AMIReplayServer("events")
        let agent = try AgentProcess(roots: .empty, extra: ["--no-gateways", "--ami-port", "\(server.port)", "--ami-resync", "3600"],
                                     sources: true, prepare: Self.writeCredentials)
        defer { agent.stop() }
        // The first read, then one triggered by the replayed ContactStatus/PeerStatus/Registry events: with a
        // resync interval of an hour, only an event can have caused the second.
        let ami = try Self.waitFor {
            try Self.health(agent.socket).sources.first { $0.name == "ami" && $0.runs >= 2 }
        }
        #expect(ami.lastTrigger?.hasPrefix("ami event ") == true, "\(ami)")
        #expect(ami.intervalSeconds == 3600)
        let listed = server.actions.filter { $0 == "PJSIPShowEndpoints" }.count
        #expect(listed >= 2, "\(server.actions)")
        // The kernel source runs on its own 0.5 s interval all along.
        let kernel = try Self.health(agent.socket).sources.first { $0.name == "kernel" }
        #expect((kernel?.runs ?? 0) >= 2 && kernel?.lastTrigger == "interval")
        let report = try JSONOutput.decode(Report.self, from: try Curl.get(agent.socket, "/v1/report").body)
        #expect(report.sources.contains { $0.name == "ami" && $0.available })
        #expect(!agent.log.contains(AMIReplayServer.labSecret))
    }

    /// A gateway whose SIP port never answers keeps its probe busy for the prober's 4 s deadline; with a 0.5 s
    /// source deadline the report says so (UNKNOWN, `source-overdue`) while the kernel source keeps reading.
    @Test func aSlowGatewayIsOverdueAndDoesNotStallTheKernelSource() throws {
        // A UDP port that swallows OPTIONS: bound, never read.
        let silent = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(silent) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(silent, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(silent, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))

        let agent = try AgentProcess(roots: .empty, extra: ["--no-ami", "--gateway-deadline", "0.5", "--gateway-interval", "60"],
                                     sources: true) { directory in
            try """
                [[gateway]]
                name = "silent-fxo"
                address = "127.0.0.1"
                sip_port = \(port)
                profile = "none"
                """.write(toFile: directory + "/doctor.toml", atomically: true, encoding: .utf8)
            return ["--config", directory + "/doctor.toml"]
        }
        defer { agent.stop() }
        // The first report waits for every source to answer or pass its deadline: the gateway is overdue in it.
        let report = try JSONOutput.decode(Report.self, from: try Curl.get(agent.socket, "/v1/report").body)
        let overdue = report.findings.flatMap(\.flattened).first { $0.id == "source-overdue" }
        #expect(overdue?.subject == "source gateways" && overdue?.severity == .unknown, "\(report.findings.map(\.id))")
        #expect(overdue?.message.contains("0.5 s deadline") == true && overdue?.message.contains("has not answered yet") == true)
        #expect(report.status == .unknown)
        let before = try #require(try Self.health(agent.socket).sources.first { $0.name == "kernel" }?.runs)
        usleep(1_500_000)
        let during = try Self.health(agent.socket)
        let kernelRuns = during.sources.first { $0.name == "kernel" }?.runs ?? 0
        #expect(kernelRuns >= before + 2, "the kernel source kept its 0.5 s interval while the gateway hung")
        #expect(during.sources.first { $0.name == "gateways" }?.runningSince != nil)
        // After the prober's own 4 s deadline the gateway answers (unreachable), and the overdue finding clears.
        let cleared = try Self.waitFor(10) { () -> Report? in
            let now = try JSONOutput.decode(Report.self, from: try Curl.get(agent.socket, "/v1/report").body)
            return now.findings.flatMap(\.flattened).contains { $0.id == "source-overdue" } ? nil : now
        }
        #expect(cleared.findings.flatMap(\.flattened).contains { $0.id == "gateway-unreachable" },
                "\(cleared.findings.map(\.id))")
        let events = try JSONOutput.decode(EventHistory.self, from: try Curl.get(agent.socket, "/v1/events").body)
        #expect(events.events.contains { $0.kind == .cleared && $0.id == "source-overdue" })
    }

    /// Asterisk goes away while the agent runs: the event session notices, the AMI source re-reads at once and the
    /// report says AMI is unreachable; the agent keeps serving.
    @Test func anAMIPeerThatGoesAwayIsReported() throws {
        var server: AMIReplayServer? = try AMIReplayServer("events")
        let port = server!.port
        let agent = try AgentProcess(roots: .empty, extra: ["--no-gateways", "--ami-port", "\(port)", "--ami-resync", "3600"],
                                     sources: true, prepare: Self.writeCredentials)
        defer { agent.stop() }
        let first = try JSONOutput.decode(Report.self, from: try Curl.get(agent.socket, "/v1/report").body)
        #expect(first.sources.contains { $0.name == "ami" && $0.available })
        server = nil   // stops the replay server: its connections close
        let after = try Self.waitFor(15) { () -> Report? in
            let now = try JSONOutput.decode(Report.self, from: try Curl.get(agent.socket, "/v1/report").body)
            return now.sources.contains { $0.name == "ami" && !$0.available } ? now : nil
        }
        #expect(after.status != .ok)
        #expect(agent.log.contains("AMI event session lost"), "\(agent.log)")
        #expect(try Curl.get(agent.socket, "/v1/health").code == 503)
    }
}
