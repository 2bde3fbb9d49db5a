import Foundation
import Testing
@testable import DoctorCore
@testable import DoctorNetwork

/// The console client and reader against the replay server (a real Unix socket speaking asterisk.ctl's protocol
/// with the fixtures' CLI text), its failure modes, and `check` end to end: over the console it reports the same
/// chan_dahdi and PJSIP findings as over AMI.
@Suite(.serialized) struct AsteriskConsoleTests {
    static let gateways = ["gateway-fxo-1", "gateway-fxo-2"]

    func reader(_ server: ConsoleReplayServer, request: Duration = .seconds(5), overall: Duration = .seconds(20)) -> AsteriskConsoleReader {
        AsteriskConsoleReader(client: AsteriskConsoleClient(socketPath: server.socketPath,
                                                            timeouts: AMITimeouts(connect: .seconds(2), request: request)),
                              overall: overall, gatewayEndpoints: Self.gateways)
    }

    @Test func oneCommandAsAsteriskRxSendsIt() throws {
        let server = try ConsoleReplayServer()
        let reply = try AsteriskConsoleClient(socketPath: server.socketPath).run("dahdi show status", deadline: .now + .seconds(5))
        #expect(reply.banner.version == "22.10.1" && reply.banner.pid == 197, "the recorded greeting: (none)/197/22.10.1")
        let fixture = try String(contentsOfFile: ConsoleReplayServer.fixtures + "/dahdi-show-status.txt", encoding: .utf8)
        #expect(String(decoding: reply.output, as: UTF8.self) == fixture)
        #expect(server.commands == ["dahdi show status"])
    }

    @Test func theReaderAsksOnlyReadCommands() throws {
        let server = try ConsoleReplayServer()
        let observation = reader(server).read()
        #expect(observation.via == .console && observation.sessionFailure == nil)
        #expect(observation.unrecognised == [])
        #expect(observation.endpoints?.value?.count == 4 && observation.dahdiChannels?.value?.count == 16)
        let allowed = ["core show version", "core show uptime seconds", "module show like ", "pjsip show ", "dahdi show channels", "dahdi show status"]
        for command in server.commands {
            #expect(allowed.contains { command.hasPrefix($0) }, "unexpected command \(command)")
        }
        #expect(server.commands.contains("pjsip show registration trunk-provider"))
        #expect(server.commands.contains("pjsip show aor trunk-provider"))
    }

    @Test func verboseLinesOnTheSocketAreSkipped() throws {
        let server = try ConsoleReplayServer("verbose-noise")
        let observation = reader(server).read()
        #expect(observation.unrecognised == [])
        #expect(observation.dahdiSpans?.value?.map(\.span) == [1, 2])
    }

    @Test func aMissingSocketIsASessionFailure() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let observation = AsteriskConsoleReader(client: AsteriskConsoleClient(socketPath: directory + "/asterisk.ctl")).read()
        #expect(observation.sessionFailure?.kind == .connect)
        #expect(observation.sessionFailure?.message.contains("does not exist") == true)
        #expect(AsteriskConsoleClient.usable(directory + "/asterisk.ctl") == false)
        #expect(AsteriskConsoleClient.usable(directory) == false, "a directory is not a socket")
    }

    @Test(arguments: [("garbage-banner", AMIFailure.Kind.protocolError), ("close-at-once", .closed)])
    func notAnAsteriskConsole(_ behaviour: String, _ kind: AMIFailure.Kind) throws {
        let server = try ConsoleReplayServer(behaviour)
        let observation = reader(server).read()
        #expect(observation.sessionFailure?.kind == kind)
    }

    @Test func aSilentAsteriskEndsAtTheDeadline() throws {
        let server = try ConsoleReplayServer("never-answer")
        let started = ContinuousClock.now
        let observation = reader(server, request: .milliseconds(300), overall: .seconds(2)).read()
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(6), "took \(elapsed)")
        #expect(observation.endpoints?.failure?.kind == .timeout)
        #expect(observation.dahdiSpans?.failure?.kind == .timeout)
    }

    @Test func chanDahdiNotLoadedReadsAsOverAMI() throws {
        let server = try ConsoleReplayServer("no-chan-dahdi")
        let observation = reader(server).read()
        #expect(AsteriskView.chanDahdiNotLoaded(observation))
        #expect(observation.dahdiSpans?.failure?.message.hasPrefix("chan_dahdi is not loaded") == true)
    }

    // MARK: - check over the console and over AMI

    /// `check` on this machine (no DAHDI here) with Asterisk read one way or the other; returns the report and the
    /// saved observation.
    func check(_ asteriskArguments: [String], in dir: String) throws -> (Report, Observation, Binary.Result) {
        let arguments = ["check", "--json", "--etc-root", dir, "--config", dir + "/none.toml", "--no-gateways",
                         "--save-observation", dir + "/observation.json"]
            + Self.gateways.flatMap { ["--gateway-endpoint", $0] } + asteriskArguments
        let result = try Binary.run(arguments)
        let report = try JSONOutput.decode(Report.self, from: result.stdout)
        let observation = try JSONOutput.decode(Observation.self, from: try String(contentsOfFile: dir + "/observation.json", encoding: .utf8))
        return (report, observation, result)
    }

    static func findings(_ report: Report, families: Set<String>) -> [String] {
        report.findings.flatMap(\.flattened).filter { families.contains(CheckCatalogue.definition(id: $0.id)?.family ?? "") }
            .map { "\($0.id) | \($0.subject) | \($0.severity.rawValue)" }.sorted()
    }

    static let compared: Set<String> = ["asterisk-dahdi", "pjsip", "gateway", "legacy"]

    /// The same recorded lab states both ways: PJSIP in three states; chan_dahdi on the healthy two-span box and on the
    /// box with a RED span (the AMI replay server's real chan_dahdi/ bytes of that box, the console's recorded CLI text
    /// of it), and with chan_dahdi not loaded.
    @Test(arguments: [("", "normal", "healthy-2spans"), (".gateway-unreachable", "normal", "healthy-2spans"),
                      (".no-gateway-registered", "normal", "healthy-2spans"), ("", "normal", "3spans-red"), ("", "no-chan-dahdi", ""),
                      ("", "dahdi-only", "")])
    func sameFindingsAsAMI(_ state: String, _ behaviour: String, _ box: String) throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let credentials = dir + "/ami.conf"
        try "username = \(AMIReplayServer.labUser)\nsecret = \(AMIReplayServer.labSecret)\n".write(toFile: credentials, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: credentials)

        let ami = try AMIReplayServer(behaviour, state: state, extra: box.isEmpty ? [] : ["--dahdi-box", box])
        let (amiReport, amiObserved, _) = try check(["--ami-port", "\(ami.port)", "--ami-credentials", credentials], in: dir)
        // dahdi-only over AMI (res_pjsip not loaded, the healthy box's chan_dahdi bytes) is no-pjsip over the console.
        let console = try ConsoleReplayServer(behaviour == "dahdi-only" ? "no-pjsip" : behaviour, state: state,
                                              dahdiState: box.isEmpty || box == "healthy-2spans" ? "" : "." + box)
        let (consoleReport, consoleObserved, consoleRun) = try check(["--asterisk-socket", console.socketPath], in: dir)

        #expect(amiObserved.asterisk?.via == .ami && consoleObserved.asterisk?.via == .console)
        #expect(consoleReport.sources.contains { $0.name == "console" && $0.available }, "\(consoleReport.sources)")
        #expect(!consoleReport.sources.contains { $0.name == "ami" })
        #expect(consoleObserved.asterisk?.unrecognised == [])
        // The registered contacts themselves, not only the findings (a static-contact mistake hid in the findings).
        func contacts(_ observation: Observation) -> [String] {
            (observation.asterisk?.contacts?.value ?? []).map { "\($0.aor) \($0.uri) \($0.status)" }.sorted()
        }
        #expect(contacts(consoleObserved) == contacts(amiObserved))
        // This machine has no DAHDI: the PJSIP side shows here.
        #expect(Self.findings(consoleReport, families: Self.compared) == Self.findings(amiReport, families: Self.compared))
        if state == ".gateway-unreachable" {
            #expect(Self.findings(consoleReport, families: ["pjsip"]).contains { $0.hasPrefix("pjsip-contact-unreachable") })
        }
        #expect(consoleRun.status == (consoleReport.status == .ok ? 0 : consoleReport.status.exitCode))

        // The chan_dahdi side needs a kernel: both Asterisk views on the real lab box's observation.
        var lab = try JSONOutput.decode(Observation.self, from: try String(
            contentsOfFile: AMIReplayServer.testsDirectory + "/DoctorCoreTests/Fixtures/observations/lab-healthy.json", encoding: .utf8))
        lab.config.gatewayEndpoints = Self.gateways
        lab.asterisk = amiObserved.asterisk
        let overAMI = Diagnosis.run(lab, generator: "test")
        lab.asterisk = consoleObserved.asterisk
        let overConsole = Diagnosis.run(lab, generator: "test")
        let dahdiFindings = Self.findings(overConsole, families: ["asterisk-dahdi"])
        #expect(!dahdiFindings.isEmpty, "the lab box must give chan_dahdi something to disagree with")
        #expect(dahdiFindings == Self.findings(overAMI, families: ["asterisk-dahdi"]))
        #expect(Self.findings(overConsole, families: Self.compared) == Self.findings(overAMI, families: Self.compared))
    }

    /// `setup ami --etc-root DIR` writes DIR/dahdi-doctor/ami.conf; `check --etc-root DIR` reads that file.
    @Test func theCredentialsUnderTheEtcRootAreRead() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/dahdi-doctor", withIntermediateDirectories: true)
        let credentials = dir + "/dahdi-doctor/ami.conf"
        try "username = \(AMIReplayServer.labUser)\nsecret = \(AMIReplayServer.labSecret)\n".write(toFile: credentials, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: credentials)
        let ami = try AMIReplayServer("normal", state: "")
        let (report, observed, _) = try check(["--ami-port", "\(ami.port)", "--no-console"], in: dir)
        #expect(observed.asterisk?.via == .ami && observed.asterisk?.sessionFailure == nil)
        #expect(report.sources.contains { $0.name == "ami" && $0.available }, "\(report.sources)")
    }

    @Test func noConsoleAndNoCredentialsIsNotAsked() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let console = try ConsoleReplayServer()
        let (report, observation, _) = try check(["--asterisk-socket", console.socketPath, "--no-console"], in: dir)
        #expect(observation.asterisk == nil)
        #expect(report.sources.contains { $0.name == "ami" && !$0.available })
        #expect(console.commands.isEmpty)
    }

    /// A stale socket (Asterisk stopped): the console's own finding, UNKNOWN, never an AMI one and never OK.
    @Test func aStaleSocketIsUnknown() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let stale = dir + "/asterisk.ctl"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])", stale]
        try process.run()
        process.waitUntilExit()
        let result = try Binary.run(["check", "--etc-root", dir, "--config", dir + "/none.toml", "--asterisk-socket", stale,
                                     "--format", "nagios"])
        #expect(result.status == 3)
        #expect(result.stdout.hasPrefix("DAHDI UNKNOWN - the Asterisk console at \(stale): cannot connect"), "\(result.stdout)")
        let json = try Binary.run(["check", "--json", "--etc-root", dir, "--config", dir + "/none.toml", "--asterisk-socket", stale])
        let report = try JSONOutput.decode(Report.self, from: json.stdout)
        #expect(report.findings.map(\.id).contains("asterisk-console-unreachable"))
        #expect(!report.findings.map(\.id).contains("ami-unreachable"))
    }

    @Test func theSocketIsFoundThroughAsteriskConf() throws {
        // Without --asterisk-socket the console is root's way only.
        guard getuid() == 0 else { return }
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let console = try ConsoleReplayServer()
        let runDirectory = (console.socketPath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir + "/asterisk", withIntermediateDirectories: true)
        try "[directories]\nastrundir => \(runDirectory)\n".write(toFile: dir + "/asterisk/asterisk.conf", atomically: true, encoding: .utf8)
        let (report, observation, _) = try check([], in: dir)
        #expect(observation.asterisk?.target == console.socketPath)
        #expect(report.sources.contains { $0.name == "console" && $0.available })
    }
}
