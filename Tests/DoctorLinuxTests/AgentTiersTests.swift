import DoctorAgentServer
import DoctorCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The agent's two tiers against the real binary: the configuration files are not read on the fast cycle, yet an
/// edit of system.conf or chan_dahdi.conf reaches the report without a restart, through inotify, or through the
/// periodic full read when inotify is not there to tell; SIGHUP reloads dahdi-doctor.toml, and a bad one keeps the
/// previous settings with one journal line.
@Suite struct AgentTiersTests {
    static func report(_ agent: AgentProcess) throws -> Report {
        try JSONOutput.decode(Report.self, from: try Curl.get(agent.socket, "/v1/report").body)
    }

    static func subjects(_ report: Report) -> [String] { report.findings.flatMap(\.flattened).map(\.subject) }

    /// Valid files to start from: a system.conf and a chan_dahdi.conf with no finding of their own.
    static func writeConfig(_ directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory + "/dahdi", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/asterisk", withIntermediateDirectories: true)
        try "loadzone=us\ndefaultzone=us\n".write(toFile: directory + "/dahdi/system.conf", atomically: true, encoding: .utf8)
        try "[channels]\nlanguage=en\n".write(toFile: directory + "/asterisk/chan_dahdi.conf", atomically: true, encoding: .utf8)
        return []
    }

    /// Appends `line` the way an editor saving in place does (open, write, close: IN_CLOSE_WRITE).
    static func append(_ line: String, to path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data((line + "\n").utf8))
        try handle.close()
    }

    @Test func editedSystemConfAndChanDahdiConfReachTheReportThroughInotify() throws {
        // An hour between full reads: only the inotify event can make the agent read the files again.
        let agent = try AgentProcess(roots: .lab, extra: ["--full-read-interval", "3600"], prepare: Self.writeConfig)
        defer { agent.stop() }
        let first = try Self.report(agent)
        #expect(!first.findings.flatMap(\.flattened).contains { $0.id == "config-parse-error" }, "\(Self.subjects(first))")

        try Self.append("frobnicate=1", to: agent.directory + "/dahdi/system.conf")
        let system = try AgentSchedulingTests.waitFor(10) { () -> Report? in
            let now = try Self.report(agent)
            return Self.subjects(now).contains(agent.directory + "/dahdi/system.conf:3") ? now : nil
        }
        #expect(system.findings.flatMap(\.flattened).contains { $0.id == "config-parse-error" && $0.message.contains("frobnicate") })

        try Self.append("this line has no equals", to: agent.directory + "/asterisk/chan_dahdi.conf")
        _ = try AgentSchedulingTests.waitFor(10) { () -> Report? in
            let now = try Self.report(agent)
            return Self.subjects(now).contains(agent.directory + "/asterisk/chan_dahdi.conf:3") ? now : nil
        }
        let kernel = try #require(try AgentSchedulingTests.health(agent.socket).sources.first { $0.name == "kernel" })
        #expect(kernel.runs >= 3)
        #expect(!agent.log.contains("rescanning"), "configuration edits are not journalled: \(agent.log)")
    }

    /// Without inotify (--no-watch) and with the full read an hour away, the fast cycle never reads the files: the
    /// edit stays unseen. This is what makes the two tests around it meaningful.
    @Test func theFastCycleDoesNotReadTheConfiguration() throws {
        let agent = try AgentProcess(roots: .lab, extra: ["--full-read-interval", "3600", "--no-watch"], prepare: Self.writeConfig)
        defer { agent.stop() }
        try Self.append("frobnicate=1", to: agent.directory + "/dahdi/system.conf")
        let before = try #require(try AgentSchedulingTests.health(agent.socket).sources.first { $0.name == "kernel" }?.runs)
        usleep(2_500_000)
        let kernel = try #require(try AgentSchedulingTests.health(agent.socket).sources.first { $0.name == "kernel" })
        #expect(kernel.runs >= before + 3, "the fast cycle kept its 0.5 s interval")
        #expect(!Self.subjects(try Self.report(agent)).contains(agent.directory + "/dahdi/system.conf:3"))
    }

    /// An edit inotify does not report (here: no watch at all) is caught by the periodic full read.
    @Test func theFullReadCatchesAnEditInotifyMissed() throws {
        let agent = try AgentProcess(roots: .lab, extra: ["--full-read-interval", "2", "--no-watch"], prepare: Self.writeConfig)
        defer { agent.stop() }
        try Self.append("frobnicate=1", to: agent.directory + "/dahdi/system.conf")
        let started = Date()
        _ = try AgentSchedulingTests.waitFor(15) { () -> Report? in
            let now = try Self.report(agent)
            return Self.subjects(now).contains(agent.directory + "/dahdi/system.conf:3") ? now : nil
        }
        #expect(Date().timeIntervalSince(started) < 10)
    }

    /// SIGHUP: a good file replaces the gateway list (the report names the new gateway); a bad one keeps it, with
    /// exactly one journal line naming the file, the line and the error, and the agent keeps serving.
    @Test func sighupReloadsTheSettingsAndABadFileKeepsThem() throws {
        // A UDP port nobody listens on: each probe fails at once (ICMP port unreachable) or after its deadline.
        let toml = { (name: String) in
            """
            [[gateway]]
            name = "\(name)"
            address = "127.0.0.1"
            sip_port = 9
            profile = "none"
            """
        }
        let agent = try AgentProcess(roots: .empty, extra: ["--no-ami", "--gateway-interval", "3600"], sources: true) { directory in
            try toml("fxo-before").write(toFile: directory + "/doctor.toml", atomically: true, encoding: .utf8)
            return ["--config", directory + "/doctor.toml"]
        }
        defer { agent.stop() }
        let path = agent.directory + "/doctor.toml"
        let first = try AgentSchedulingTests.waitFor(15) { () -> Report? in
            let now = try Self.report(agent)
            return Self.subjects(now).contains { $0.contains("fxo-before") } ? now : nil
        }
        #expect(!Self.subjects(first).contains { $0.contains("fxo-after") })

        try toml("fxo-after").write(toFile: path, atomically: true, encoding: .utf8)
        kill(agent.process.processIdentifier, SIGHUP)
        _ = try AgentSchedulingTests.waitFor(15) { () -> Report? in
            let now = try Self.report(agent)
            return Self.subjects(now).contains { $0.contains("fxo-after") } && !Self.subjects(now).contains { $0.contains("fxo-before") } ? now : nil
        }
        #expect(agent.log.contains("dahdi-doctor: agent: SIGHUP: settings reloaded from \(path)\n"), "\(agent.log)")

        let logBefore = agent.log
        try "[[gateway]]\nname = \"broken\nprofile = \"none\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        kill(agent.process.processIdentifier, SIGHUP)
        let added = try AgentSchedulingTests.waitFor(10) { () -> String? in
            let log = agent.log
            return log.count > logBefore.count && log.hasSuffix("\n") ? String(log.dropFirst(logBefore.count)) : nil
        }
        usleep(1_000_000)   // nothing more comes
        let lines = String(agent.log.dropFirst(logBefore.count)).split(separator: "\n")
        #expect(lines.count == 1, "\(added)")
        #expect(lines.first?.hasPrefix("dahdi-doctor: agent: SIGHUP: keeping the previous settings: \(path): line 2") == true, "\(lines)")
        #expect(agent.process.isRunning)
        let kept = try Self.report(agent)
        #expect(Self.subjects(kept).contains { $0.contains("fxo-after") }, "\(Self.subjects(kept))")
        #expect(try Curl.get(agent.socket, "/v1/health").code != 0)
    }

    /// Nothing changes on the fixture box: after the first report the checks do not run again and the textfile is
    /// not rewritten on every read; with a refresh period of one second (--full-read-interval 1) the same report
    /// and series come back with a new time and the textfile is rewritten.
    @Test func anUnchangedBoxIsNotDiagnosedAgainButRefreshed() throws {
        func timestamp(_ text: String) -> Double? {
            text.split(separator: "\n").first { $0.hasPrefix("dahdi_doctor_last_run_timestamp_seconds ") }
                .flatMap { Double($0.split(separator: " ")[1]) }
        }
        func modified(_ path: String) throws -> Date {
            try #require(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
        }
        let quiet = try Fixtures.temporaryDirectory(), refreshed = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: quiet); try? FileManager.default.removeItem(atPath: refreshed) }
        let still = try AgentProcess(roots: .lab, extra: ["--full-read-interval", "3600", "--textfile-directory", quiet])
        defer { still.stop() }
        let moving = try AgentProcess(roots: .lab, extra: ["--full-read-interval", "1", "--textfile-directory", refreshed])
        defer { moving.stop() }
        let stillFile = quiet + "/" + PrometheusTextfile.fileName, movingFile = refreshed + "/" + PrometheusTextfile.fileName
        let stillBefore = try modified(stillFile), stillText = try String(contentsOfFile: stillFile, encoding: .utf8)
        let movingBefore = try String(contentsOfFile: movingFile, encoding: .utf8)
        let generated = try AgentSchedulingTests.health(moving.socket).generatedAt
        usleep(2_600_000)
        #expect(try modified(stillFile) == stillBefore, "not rewritten while nothing changed")
        #expect(try String(contentsOfFile: stillFile, encoding: .utf8) == stillText)
        let runs = try #require(try AgentSchedulingTests.health(still.socket).sources.first { $0.name == "kernel" }?.runs)
        #expect(runs >= 4, "the reads went on")
        let movingAfter = try String(contentsOfFile: movingFile, encoding: .utf8)
        let before = try #require(timestamp(movingBefore)), after = try #require(timestamp(movingAfter))
        #expect(after > before, "refreshed: \(before) -> \(after)")
        #expect(try AgentSchedulingTests.health(moving.socket).generatedAt > generated)
        // Only the time moved: every other series is the same.
        func withoutTime(_ text: String) -> [Substring] {
            text.split(separator: "\n").filter { !$0.hasPrefix("dahdi_doctor_last_run_timestamp_seconds ") }
        }
        #expect(withoutTime(movingAfter) == withoutTime(movingBefore))
        #expect(!moving.log.contains("raised") || moving.log.components(separatedBy: "raised").count == 2, "one raise, at start: \(moving.log)")
    }
}
