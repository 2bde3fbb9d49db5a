import DoctorCore
import FuzzSupport

/// CLI text from Asterisk's control socket. The input's first line names the command (one of the console reader's;
/// anything else picks one by its length), the rest is what the socket sent: the protocol filter (verbose marks,
/// NULs, CRs), that command's parser, and the whole observation builder with that output. Invariants besides never
/// trapping: the same bytes parse the same twice; every result encodes; an unrecognised line is one of the input's
/// lines (nothing is invented); a banner never carries a line end.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    let newline = bytes.firstIndex(of: 0x0A) ?? bytes.count
    let named = String(decoding: bytes[..<newline], as: UTF8.self)
    let output = Array(bytes[min(newline + 1, bytes.count)...])
    let commands = AsteriskConsoleReading.firstCommands + ["pjsip show aor trunk-provider", "pjsip show registration trunk-provider"]
    let command = commands.contains(named) ? named : commands[named.utf8.count % commands.count]

    if let banner = AsteriskConsoleBanner.parse(bytes) {
        Fuzz.require(!banner.version.contains("\n") && !banner.hostname.contains("\n"), "a banner kept a line end")
    }
    let (text, _) = AsteriskConsoleProtocol.text(output)
    Fuzz.require(!text.contains("\r") && !text.contains("\0"), "the protocol filter kept a CR or NUL")
    let lines = Set(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))

    func check<Value>(_ parse: (String) -> ConsoleParsed<Value>) {
        let first = parse(text)
        Fuzz.require(first == parse(text), "two parses of the same output of '\(command)' differ")
        _ = Fuzz.json(first.result, "ConsoleParsed<\(Value.self)>")
        for line in first.unrecognised where !line.hasPrefix("(") {
            Fuzz.require(lines.contains(line), "an unrecognised line that is not in the input: \(line.prefix(200))")
        }
    }
    switch command {
    case "core show version": check(ConsoleCoreParsers.version)
    case AsteriskConsoleReading.uptimeCommand: check(ConsoleCoreParsers.uptime)
    case _ where command.hasPrefix("module show like"): check { ConsoleCoreParsers.moduleLoaded($0, module: "chan_sip.so") }
    case "pjsip show endpoints": check(ConsolePjsipParsers.endpoints)
    case "pjsip show contacts": check(ConsolePjsipParsers.contacts)
    case "pjsip show aors": check(ConsolePjsipParsers.aors)
    case "pjsip show registrations": check(ConsolePjsipParsers.registrations)
    case "dahdi show channels": check(ConsoleDahdiParsers.channels)
    case "dahdi show status": check { ConsoleDahdiParsers.status($0, asteriskVersion: "22.10.1") }
    default: check { ConsolePjsipParsers.objectSet($0, command: command, action: "PJSIPShowAors") }
    }

    // The builder with this one output among otherwise empty answers.
    var transcript = AsteriskConsoleTranscript(answeredAt: [AsteriskConsoleReading.uptimeCommand: 1_800_000_000])
    for name in AsteriskConsoleReading.firstCommands { transcript[name] = .ok("No objects found.\n\n") }
    transcript[command] = .ok(text)
    let more = AsteriskConsoleReading.detailCommands(transcript, gatewayEndpoints: ["gw"])
    for name in more.prefix(50) { transcript[name] = .ok(text) }
    let observation = AsteriskConsoleReading.observation(target: "/run/asterisk/asterisk.ctl", banner: nil, transcript: transcript,
                                                         gatewayEndpoints: ["gw"])
    _ = Fuzz.json(observation, "AsteriskObservation")
    return 0
}
