import Testing
@testable import DoctorCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The console path's pure parts on CLI text (Fixtures/console: the bytes a real Asterisk 22.10.1 wrote on asterisk.ctl
/// in the lab, per state; only layouts the lab cannot produce are rendered, see its README): the protocol, each
/// parser, and the whole observation per lab state against golden JSON.
@Suite struct ConsoleParserTests {
    /// Every command's fixture for a state, as the reader would have collected it (AOR and registration details
    /// included), read through the same selection rules the reader follows.
    static func transcript(state: String = "", dahdiState: String = "", gatewayEndpoints: [String] = [],
                           replace: [String: String] = [:]) throws -> AsteriskConsoleTranscript {
        func output(_ command: String) -> AMIResult<String> {
            if let text = replace[command] { return .ok(text) }
            let base = "console/" + command.replacingOccurrences(of: " ", with: "-")
            let suffix = command.hasPrefix("dahdi ") || command.hasSuffix("chan_dahdi.so") ? dahdiState : state
            if !suffix.isEmpty, let text = try? Fixtures.read(base + suffix + ".txt") { return .ok(text) }
            if let text = try? Fixtures.read(base + ".txt") { return .ok(text) }
            let words = command.split(separator: " ").dropLast().joined(separator: " ")
            return .ok("No such command '\(command)' (type 'core show help \(words)' for other possible commands)\n")
        }
        // A fixed moment for `core show uptime seconds` to count back from, so the goldens are stable.
        var transcript = AsteriskConsoleTranscript(answeredAt: [AsteriskConsoleReading.uptimeCommand: Self.answeredAt])
        for command in AsteriskConsoleReading.firstCommands { transcript[command] = output(command) }
        for _ in 0..<3 {
            let more = AsteriskConsoleReading.detailCommands(transcript, gatewayEndpoints: gatewayEndpoints)
            if more.isEmpty { break }
            for command in more { transcript[command] = output(command) }
        }
        return transcript
    }

    static let answeredAt = 1_796_623_321.0

    static func observation(state: String = "", dahdiState: String = "", gatewayEndpoints: [String] = [],
                            replace: [String: String] = [:]) throws -> AsteriskObservation {
        let banner = AsteriskConsoleBanner.parse(Array(try Fixtures.read("console/banner.txt").utf8))
        return AsteriskConsoleReading.observation(
            target: "/var/run/asterisk/asterisk.ctl", banner: banner,
            transcript: try transcript(state: state, dahdiState: dahdiState, gatewayEndpoints: gatewayEndpoints, replace: replace),
            gatewayEndpoints: gatewayEndpoints)
    }

    @Test(arguments: [("", ""), (".gateway-unreachable", ""), (".no-gateway-registered", ""), ("", ".3spans-red"),
                      ("", ".no-chan-dahdi"), ("", ".asterisk-21.0.0"), (".no-pjsip", "")])
    func observationGolden(_ state: String, _ dahdiState: String) throws {
        let observation = try Self.observation(state: state, dahdiState: dahdiState, gatewayEndpoints: ["gateway-fxo-1", "gateway-fxo-2"])
        try Fixtures.assertGolden(try JSONOutput.encode(observation) + "\n", "console/observation\(state)\(dahdiState).json")
        // Every line of the real and rendered text is recognised.
        if dahdiState != ".asterisk-21.0.0" {
            #expect(observation.unrecognised == [], "\(observation.unrecognised ?? [])")
        }
    }

    @Test func bannerAndRequest() {
        let banner = AsteriskConsoleBanner.parse(Array("pbx.example/1234/22.10.1\n".utf8))
        #expect(banner == AsteriskConsoleBanner(hostname: "pbx.example", pid: 1234, version: "22.10.1"))
        #expect(AsteriskConsoleBanner.parse(Array("pbx/1234/22.10.1".utf8)) == nil, "no line end yet")
        #expect(AsteriskConsoleBanner.parse(Array("HTTP/1.1 400 Bad Request\r\n".utf8)) == nil)
        #expect(AsteriskConsoleBanner.parse([0xff, 0xfe, 0x0A]) == nil)
        #expect(AsteriskConsoleProtocol.request("dahdi show status") == Array("cli quit after dahdi show status".utf8) + [0])
    }

    @Test func verboseLinesAreDropped() {
        let bytes: [UInt8] = [0x83] + Array("  == Remote UNIX connection\r\n".utf8) + Array("Span Description\n".utf8) + [0]
        let text = AsteriskConsoleProtocol.text(bytes)
        #expect(text.text == "Span Description\n")
        #expect(text.verboseLines == 1)
    }

    @Test func socketPathFromAsteriskConf() throws {
        func source(_ files: [String: String]) -> AsteriskConfigSource {
            AsteriskConfigSource(configDirectory: "/etc/asterisk", read: { path in
                files[path].map { .success($0) } ?? .failure(SystemError(code: 2, name: "ENOENT", message: "No such file or directory"))
            })
        }
        #expect(AsteriskConsoleSocket.path(source: source([:])) == "/var/run/asterisk/asterisk.ctl")
        let lab = "[directories]\nastetcdir => /var/lib/asterisk-lab/etc\nastrundir => /var/lib/asterisk-lab/var/run\n"
        #expect(AsteriskConsoleSocket.path(source: source(["/etc/asterisk/asterisk.conf": lab])) == "/var/lib/asterisk-lab/var/run/asterisk.ctl")
        let named = "[files]\nastctl = pbx.ctl\n[directories]\nastrundir => /run/asterisk\n"
        #expect(AsteriskConsoleSocket.path(source: source(["/etc/asterisk/asterisk.conf": named])) == "/run/asterisk/pbx.ctl")
    }

    @Test func refusalsKeepTheirKind() throws {
        let unknown = try Fixtures.read("console/unknown-command.txt")
        #expect(ConsoleDahdiParsers.channels(unknown).result.failure?.kind == .unsupported)
        #expect(ConsolePjsipParsers.endpoints(unknown).result.failure?.kind == .unsupported)
        let denied = "You don't have permissions to run 'pjsip show endpoints' command\n"
        #expect(ConsolePjsipParsers.endpoints(denied).result.failure?.kind == .permission)
        #expect(ConsolePjsipParsers.contacts("").result.failure?.kind == .protocolError, "nothing printed is not an empty list")
        #expect(ConsolePjsipParsers.endpoints("No objects found.\n\n").result.value == [])
        let noDahdi = try Fixtures.read("console/dahdi-show-status.no-dahdi.txt")
        #expect(ConsoleDahdiParsers.status(noDahdi, asteriskVersion: "22.10.1").result.failure?.message.contains("/dev/dahdi/ctl") == true)
    }

    @Test func versionAwareDahdiLayouts() throws {
        let old = ConsoleDahdiParsers.channels(try Fixtures.read("console/dahdi-show-channels.asterisk-21.0.0.txt"))
        #expect(old.result.value?.map(\.channel) == [1])
        #expect(old.result.value?.first?.alarm == nil, "the old layout has no alarm column: unknown, not 'No Alarm'")
        let oldStatus = ConsoleDahdiParsers.status(try Fixtures.read("console/dahdi-show-status.asterisk-21.0.0.txt"), asteriskVersion: "21.0.0")
        #expect(oldStatus.result.failure?.kind == .unsupported)
        // A counter wider than its %-6d column moves the rest of the row: still read.
        let wide = "Span Description                              Alarms  IRQ    bpviol CRC    Fra Codi Options  LBO\n"
            + "   2 T2XXP (PCI) Card 0 Span 1                RED     0      12345678 0      ESF B8ZS          0 db (CSU)/0-133 feet (DSX-1)\n"
        #expect(ConsoleDahdiParsers.status(wide, asteriskVersion: "22.10.1").result.value?.first?.bipolarViolations == 12345678)
        #expect(ConsoleDahdiParsers.spanAlarms("UNCONFI") == "UNCONFIGURED")
        #expect(ConsoleDahdiParsers.spanAlarms("RED/LB/") == "RED/LB")
        #expect(ConsoleDahdiParsers.spanAlarms("GREEN") == nil)
    }

    /// A line nothing recognises is quoted in a finding and the run is not OK.
    @Test func unrecognisedLinesBecomeAFinding() throws {
        var text = try Fixtures.read("console/dahdi-show-channels.txt")
        text += "     17    3 ISDN PRI                        from-pstn                default                         Maybe      No Alarm                                     \n"
        text += "Something Asterisk 23 prints\n"
        let observation = try Self.observation(replace: ["dahdi show channels": text])
        #expect(observation.unrecognised?.map(\.line).contains("Something Asterisk 23 prints") == true)
        #expect(observation.dahdiChannels?.value?.map(\.channel) == Array(1...16), "the unreadable row is not a channel")
        var lab = try JSONOutput.decode(Observation.self, from: try Fixtures.read("observations/lab-healthy.json"))
        lab.asterisk = observation
        let report = Diagnosis.run(lab, generator: "test")
        let finding = report.findings.flatMap(\.flattened).first { $0.id == "asterisk-console-read-failed" }
        #expect(finding?.subject == "'dahdi show channels'")
        #expect(finding?.evidence.contains { $0.value == "\"Something Asterisk 23 prints\"" } == true)
        #expect(report.status != .ok)
        #expect(report.sources.contains { $0.name == "console" && $0.available })
    }

    @Test func staticContactsAreNotRegisteredOnes() throws {
        // The real bytes: `pjsip show aor` lists the registered contact in its `contact` field too.
        #expect(try Fixtures.read("console/pjsip-show-aor-gateway-fxo-1.txt").contains(" contact              : sip:gateway-fxo-1@127.0.0.1:5062\n"))
        let observation = try Self.observation()
        #expect(observation.aors?.value?.first { $0.name == "gateway-fxo-1" }?.staticContacts == [], "a registered contact is not static")
        // `pjsip show contacts` lists the static trunk contact too; PJSIPShowContacts (and so the observation) does not.
        #expect(observation.contacts?.value?.map(\.uri) == ["sip:gateway-fxo-1@127.0.0.1:5062"])
        #expect(observation.aors?.value?.first { $0.name == "trunk-provider" }?.staticContacts == ["sip:127.0.0.1:5070"])
        // The AOR listing cuts the URI; the contact listing's whole one is used (same hash).
        #expect(observation.aors?.value?.first { $0.name == "gateway-fxo-1" }?.contacts == ["sip:gateway-fxo-1@127.0.0.1:5062"])
        #expect(observation.outboundRegistrations?.value?.first?.endpoint == "trunk-provider")
    }

    /// `core show uptime seconds` is the console's CoreStatus: startup and last reload, counted back from the answer.
    @Test func uptimeGivesTheReloadMoment() throws {
        let reloaded = try Fixtures.read("console/core-show-uptime-seconds.after-module-reload.txt")
        let uptime = try #require(ConsoleCoreParsers.uptime(reloaded).result.value)
        let system = try #require(uptime.systemSeconds), reload = try #require(uptime.lastReloadSeconds)
        #expect(reload < system, "module reload chan_dahdi.so moved the last reload: \(reloaded)")
        #expect(ConsoleCoreParsers.uptime(reloaded).unrecognised == [])
        #expect(ConsoleCoreParsers.uptime(try Fixtures.read("console/unknown-command.txt")).result.failure?.kind == .unsupported)
        #expect(ConsoleCoreParsers.uptime("System uptime: soon\n").result.failure?.kind == .protocolError)

        var observation = try JSONOutput.decode(Observation.self, from: try Fixtures.read("observations/lab-healthy.json"))
        var asterisk = try Self.observation(replace: [AsteriskConsoleReading.uptimeCommand: reloaded])
        let status = try #require(asterisk.coreStatus?.value)
        #expect(status.reloadAt == Self.answeredAt - Double(reload) && status.startupAt == Self.answeredAt - Double(system))
        // No UTC offset is needed over the console: http.conf changed after that reload is drift.
        asterisk.coreStatus = .ok(status)
        observation.asterisk = asterisk
        observation.observedAt = Self.answeredAt + 1
        var setup = AsteriskSetupObservation(utcOffsetSeconds: nil)
        setup.fileTimes = [ConfigFileTime(path: "/etc/asterisk/http.conf", modified: Self.answeredAt - Double(reload) + 30)]
        observation.asteriskSetup = setup
        let drift = Diagnosis.run(observation, generator: "test").findings.flatMap(\.flattened).first { $0.id == "config-changed-since-reload" }
        #expect(drift?.evidence.first?.source.hasSuffix("core show uptime seconds") == true, "\(String(describing: drift))")
        setup.fileTimes = [ConfigFileTime(path: "/etc/asterisk/http.conf", modified: Self.answeredAt - Double(reload) - 30)]
        observation.asteriskSetup = setup
        #expect(!Diagnosis.run(observation, generator: "test").findings.flatMap(\.flattened).contains { $0.id == "config-changed-since-reload" })
    }

    /// Real texts beside the lab states: `dahdi show status` with /dev/dahdi/ctl gone (chan_dahdi's answer, then cli.c's
    /// "Command ... failed."), `pjsip show endpoints` with the Identify header of res_pjsip_endpoint_identifier_ip, and
    /// the rendered hardware listings.
    @Test func otherLayoutsAreRead() throws {
        let noDahdi = ConsoleDahdiParsers.status(try Fixtures.read("console/dahdi-show-status.no-dahdi.txt"), asteriskVersion: "22.10.1")
        #expect(noDahdi.result.failure?.message.contains("/dev/dahdi/ctl") == true)
        #expect(noDahdi.unrecognised == [])
        let identify = ConsolePjsipParsers.endpoints(try Fixtures.read("console/pjsip-show-endpoints.identify-loaded.txt"))
        #expect(identify.unrecognised == [])
        #expect(identify.result.value?.map(\.endpoint.name) == ConsolePjsipParsers.endpoints(try Fixtures.read("console/pjsip-show-endpoints.txt")).result.value?.map(\.endpoint.name))
        let channels = ConsoleDahdiParsers.channels(try Fixtures.read("console/dahdi-show-channels.constructed.txt"))
        #expect(channels.unrecognised == [] && channels.result.value?.map(\.channel) == [1, 2, 3, 4, 5, 6])
        let spans = ConsoleDahdiParsers.status(try Fixtures.read("console/dahdi-show-status.constructed.txt"), asteriskVersion: "22.10.1")
        #expect(spans.unrecognised == [] && spans.result.value?.map(\.alarms) == ["OK", "RED", "YEL/RED"])
        let banner = try #require(AsteriskConsoleBanner.parse(Array(try Fixtures.read("console/banner.txt").utf8)))
        #expect(banner.hostname == "(none)" && banner.version == "22.10.1", "the lab guest has no host name")
    }
}
