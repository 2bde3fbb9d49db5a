import DoctorCore
import Foundation
import Testing
@testable import DoctorAgentServer
@testable import DoctorKernel
@testable import DoctorNetwork
@testable import DoctorSystem
#if canImport(Glibc)
import Glibc
#endif

/// The real Prometheus tools from Debian (Tools/setup): promtool lints the golden metrics and checks and tests the
/// shipped alert rules; the real node_exporter reads the textfile dahdi-doctor writes. A missing tool is a
/// failure naming the package, never a skip.
enum PrometheusTools {
    static let promtool = "/usr/bin/promtool"
    static let nodeExporter = "/usr/bin/prometheus-node-exporter"

    struct Missing: Error, CustomStringConvertible {
        var path: String
        var package: String
        var description: String { "install \(package) (Tools/setup): \(path) not found" }
    }

    static func require(_ path: String, package: String) throws {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing(path: path, package: package) }
    }

    static let repository: String = {
        var path = Fixtures.directory                      // <repo>/Tests/DoctorLinuxTests/Fixtures
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()
    static let goldenMetrics = repository + "/Tests/DoctorCoreTests/Fixtures/metrics"
    static let observations = repository + "/Tests/DoctorCoreTests/Fixtures/observations"
    static let rules = repository + "/Config/prometheus"

    /// Runs a short-lived tool; stdout and stderr together.
    static func run(_ arguments: [String], stdin: String? = nil, directory: String? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A plain HTTP GET through python3's urllib (no code of ours in the way).
    /// Polls `url` until it answers (true), or the process exits (its pid is cleared: nothing left to stop) or the
    /// attempts run out (false).
    static func waitUntilAnswering(_ url: String, pid: inout pid_t, attempts: Int, pause: useconds_t) -> Bool {
        for _ in 0..<attempts {
            if (try? get(url))?.status == 0 { return true }
            var status: CInt = 0
            if waitpid(pid, &status, WNOHANG) == pid { pid = 0; return false }
            usleep(pause)
        }
        return false
    }

    static func get(_ url: String) throws -> (status: Int32, output: String) {
        try run(["/usr/bin/python3", "-c",
                 "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())", url])
    }
}

/// The real node_exporter with only the textfile collector, on a free loopback port. posix_spawn starts it with no
/// signal blocked (the test thread's mask blocks SIGTERM); it is stopped with SIGKILL all the same.
final class NodeExporter {
    let port: Int
    private var pid: pid_t = 0
    private let log: String

    init(textfileDirectory: String) throws {
        try PrometheusTools.require(PrometheusTools.nodeExporter, package: "prometheus-node-exporter")
        port = try FreePort.loopback()
        log = NSTemporaryDirectory() + "node-exporter-\(UUID().uuidString).log"
        pid = try SippServer.spawn([PrometheusTools.nodeExporter, "--web.listen-address=127.0.0.1:\(port)",
                                    "--collector.disable-defaults", "--collector.textfile",
                                    "--collector.textfile.directory=\(textfileDirectory)"], log: log)
        if PrometheusTools.waitUntilAnswering(url, pid: &pid, attempts: 200, pause: 50_000) { return }
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        stop()
        throw Failure(description: "node_exporter did not answer on 127.0.0.1:\(port):\n\(text.suffix(2000))")
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    var url: String { "http://127.0.0.1:\(port)/metrics" }

    func scrape() throws -> String {
        let result = try PrometheusTools.get(url)
        guard result.status == 0 else { throw Failure(description: "scrape failed: \(result.output)") }
        return result.output
    }

    func stop() {
        if pid > 0 {
            kill(pid, SIGKILL)
            var status: CInt = 0
            waitpid(pid, &status, 0)
            pid = 0
        }
        try? FileManager.default.removeItem(atPath: log)
    }

    deinit { stop() }
}

@Suite(.serialized) struct PrometheusToolsTests {
    static let goldens = ["gateway-box", "lab-healthy", "lab-red-yellow", "lab-driver-not-loaded", "lab-unassigned", "lab-missing-channels", "lab-demo"]

    @Test(arguments: goldens)
    func promtoolAcceptsTheGoldenMetrics(name: String) throws {
        try PrometheusTools.require(PrometheusTools.promtool, package: "prometheus")
        let text = try String(contentsOfFile: PrometheusTools.goldenMetrics + "/\(name).prom", encoding: .utf8)
        let result = try PrometheusTools.run([PrometheusTools.promtool, "check", "metrics"], stdin: text)
        #expect(result.status == 0, "promtool check metrics: \(result.output)")
        #expect(result.output.isEmpty, "promtool lint: \(result.output)")
    }

    @Test func promtoolChecksAndTestsTheAlertRules() throws {
        try PrometheusTools.require(PrometheusTools.promtool, package: "prometheus")
        let check = try PrometheusTools.run([PrometheusTools.promtool, "check", "rules", "dahdi-doctor.rules.yml"],
                                            directory: PrometheusTools.rules)
        #expect(check.status == 0 && check.output.contains("SUCCESS"), "promtool check rules: \(check.output)")
        let test = try PrometheusTools.run([PrometheusTools.promtool, "test", "rules", "dahdi-doctor.rules.test.yml"],
                                           directory: PrometheusTools.rules)
        #expect(test.status == 0 && test.output.contains("SUCCESS"), "promtool test rules: \(test.output)")
    }

    /// `dahdi-doctor metrics` writes the textfile; the real node_exporter serves it with no scrape error. A file
    /// with a client-side timestamp next to it shows the check can fail: node_exporter flags it and drops it.
    @Test func nodeExporterServesTheTextfile() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let written = try Binary.run(["metrics", "--observation", PrometheusTools.observations + "/lab-red-yellow.json",
                                      "--textfile-directory", dir])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.isEmpty && written.stderr.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [PrometheusTextfile.fileName])

        let exporter = try NodeExporter(textfileDirectory: dir)
        defer { exporter.stop() }
        let scraped = try exporter.scrape()
        #expect(scraped.contains("\nnode_textfile_scrape_error 0\n"), "\(scraped.suffix(3000))")
        #expect(scraped.contains("node_textfile_mtime_seconds{file="))
        #expect(scraped.contains("dahdi_span_alarm{alarm=\"red\",span=\"1\"} 1\n"))
        #expect(scraped.contains("dahdi_span_alarm{alarm=\"yellow\",span=\"2\"} 1\n"))
        #expect(scraped.contains("dahdi_doctor_up{source=\"ioctl\"} 1\n"))
        #expect(scraped.contains("dahdi_doctor_finding{id=\"span-red-alarm\",severity=\"critical\",span=\"1\",subject=\"span 1 (DYN/loc/1:0)\"} 1\n"))
        let dahdiLines = scraped.split(separator: "\n").filter { $0.hasPrefix("dahdi_") }
        let ours = try String(contentsOfFile: dir + "/" + PrometheusTextfile.fileName, encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(dahdiLines.count == ours.count, "every series written is served")

        try "# HELP other_metric x\n# TYPE other_metric gauge\nother_metric 1 1700000000000\n"
            .write(toFile: dir + "/other.prom", atomically: false, encoding: .utf8)
        let flagged = try exporter.scrape()
        #expect(flagged.contains("\nnode_textfile_scrape_error 1\n"), "the negative control: a timestamp is an error")
        #expect(flagged.contains("dahdi_span_alarm{alarm=\"red\",span=\"1\"} 1\n"), "our file is still served")
    }

    /// A live run against empty roots (no DAHDI here), then overwritten by a second run: node_exporter serves it.
    @Test func liveRunsOverwriteTheTextfile() throws {
        let dir = try Fixtures.temporaryDirectory()
        let empty = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir); try? FileManager.default.removeItem(atPath: empty) }
        let arguments = ["metrics", "--no-ami", "--etc-root", empty, "--config", empty + "/none.toml", "--sysfs-root", empty,
                         "--procfs-root", empty, "--devfs-root", empty, "--textfile-directory", dir]
        for _ in 0..<2 {
            let result = try Binary.run(arguments)
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [PrometheusTextfile.fileName])
        let exporter = try NodeExporter(textfileDirectory: dir)
        defer { exporter.stop() }
        let scraped = try exporter.scrape()
        #expect(scraped.contains("\nnode_textfile_scrape_error 0\n"))
        #expect(scraped.contains("dahdi_doctor_up{source=\"ioctl\"} 0\n"))
        #expect(scraped.contains("dahdi_doctor_info{version=\"\(DahdiDoctorVersion.current)\"} 1\n"))
        #expect(scraped.contains("dahdi_doctor_last_run_timestamp_seconds "))
    }
}

enum DahdiDoctorVersion { static let current = "0.1.0" }

/// The atomic writer on its own, and the command's one-line errors.
@Suite struct TextfileWriterTests {
    @Test func writesAtomicallyWithReadableMode() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try PrometheusTextfile.write("a 1\n", directory: dir)
        #expect(path == dir + "/dahdi_doctor.prom")
        try PrometheusTextfile.write("a 2\n", directory: dir + "/")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a 2\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["dahdi_doctor.prom"], "no temporary file left")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o644)
        #expect(!PrometheusTextfile.temporaryName(pid: 42).hasSuffix(".prom"), "node_exporter globs *.prom")
    }

    @Test func typedErrorsNameThePath() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            try PrometheusTextfile.write("a 1\n", directory: dir + "/missing")
            Issue.record("wrote into a missing directory")
        } catch {
            #expect(error.kind == .directoryMissing && error.path == dir + "/missing")
        }
        try "x".write(toFile: dir + "/file", atomically: false, encoding: .utf8)
        do {
            try PrometheusTextfile.write("a 1\n", directory: dir + "/file")
            Issue.record("wrote into a file")
        } catch {
            #expect(error.kind == .notADirectory && error.path == dir + "/file")
        }
        #expect(TextfileWriteError("open", "/ro/x", SystemError(errno: EROFS)).kind == .readOnly)
        #expect(TextfileWriteError("write", "/full/x", SystemError(errno: ENOSPC)).kind == .noSpace)
        #expect(TextfileWriteError("open", "/ro/x", SystemError(errno: EROFS)).description == "/ro/x: read-only file system (open: Read-only file system (EROFS))")
    }

    @Test func commandFailsWithOneLine() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let observation = PrometheusTools.observations + "/lab-healthy.json"
        let missing = try Binary.run(["metrics", "--observation", observation, "--textfile-directory", dir + "/missing"])
        #expect(missing.status == 73)
        #expect(missing.stderr == "dahdi-doctor: cannot write metrics: \(dir)/missing: directory does not exist (stat: No such file or directory (ENOENT))\n")
        // Root ignores file modes, so as root the binary runs as nobody (setpriv, util-linux).
        let prefix = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: dir)
        let copy = dir + "-observation.json"
        try FileManager.default.copyItem(atPath: observation, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: copy)
        let denied = try Binary.run(["metrics", "--observation", copy, "--textfile-directory", dir], prefix: prefix)
        #expect(denied.status == 73)
        #expect(denied.stderr.hasPrefix("dahdi-doctor: cannot write metrics: \(dir)/dahdi_doctor.prom.tmp.") && denied.stderr.contains("permission denied"))
        #expect(denied.stderr.split(separator: "\n").count == 1)
        let printed = try Binary.run(["metrics", "--observation", observation, "--stdout"])
        #expect(printed.status == 0)
        #expect(printed.stdout.hasPrefix("# HELP dahdi_doctor_up ") && printed.stdout.hasSuffix("\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
}
