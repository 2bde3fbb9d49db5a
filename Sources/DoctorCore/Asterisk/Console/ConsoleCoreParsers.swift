// `core show version`, `module show like` and `core show uptime seconds` (main/asterisk.c handle_version, main/cli.c
// handle_modlist and handle_showuptime).

/// `core show uptime seconds`: seconds since Asterisk started and since its last reload (each line only when that
/// moment is set).
public struct ConsoleUptime: Sendable, Hashable, Codable {
    public var systemSeconds: Int?
    public var lastReloadSeconds: Int?

    public init(systemSeconds: Int? = nil, lastReloadSeconds: Int? = nil) {
        self.systemSeconds = systemSeconds; self.lastReloadSeconds = lastReloadSeconds
    }
}

public enum ConsoleCoreParsers {
    /// "Asterisk 22.10.1 built by root @ vm on a x86_64 running Linux on 2026-11-21 05:01:51 UTC" -> "22.10.1".
    public static func version(_ text: String) -> ConsoleParsed<String> {
        let command = "core show version"
        if let refusal = ConsoleText.refusal(text, command: command, action: "CoreSettings") { return .failed(refusal) }
        var version: String?
        var unrecognised: [String] = []
        for line in ConsoleText.lines(text) where !ConsoleText.isBlank(line) {
            let words = line.split(separator: " ")
            if version == nil, words.count >= 2, words[0] == "Asterisk" {
                version = String(words[1])
            } else {
                unrecognised.append(line)
            }
        }
        guard let version else {
            return ConsoleParsed(.failed(AMIFailure(kind: .protocolError, action: "CoreSettings",
                                                    message: "'\(command)' printed no version")), unrecognised: unrecognised)
        }
        return ConsoleParsed(.ok(version), unrecognised: unrecognised)
    }

    /// `module show like NAME`: MODLIST_FORMAT rows ("%-30s %-40.40s %-10d %-11s %13s": module, description, use
    /// count, "Running"/"Not Running", support level), then "N modules loaded". True when the module's row says
    /// Running; false when no row names it.
    public static func moduleLoaded(_ text: String, module: String) -> ConsoleParsed<Bool> {
        let command = "module show like \(module)"
        if let refusal = ConsoleText.refusal(text, command: command, action: "ModuleCheck") { return .failed(refusal) }
        let header = FixedColumns(columns: [.init(name: "Module", width: 30, rightAligned: false),
                                            .init(name: "Description", width: 40, rightAligned: false),
                                            .init(name: "Use Count", width: 10, rightAligned: false),
                                            .init(name: "Status", width: 11, rightAligned: false),
                                            .init(name: "Support Level", width: 13, rightAligned: true)], lastIsFree: false)
        var loaded: Bool?
        var sawHeader = false
        var sawTotal = false
        var unrecognised: [String] = []
        for line in ConsoleText.lines(text) where !ConsoleText.isBlank(line) {
            if !sawHeader && header.matchesHeader(line) { sawHeader = true; continue }
            let words = line.split(separator: " ")
            if words.count == 3, Int(words[0]) != nil, words[1] == "modules", words[2] == "loaded" { sawTotal = true; continue }
            if sawHeader, let name = words.first, name.lowercased() == module.lowercased() {
                if line.contains(" Not Running ") { loaded = false; continue }
                if line.contains(" Running ") { loaded = true; continue }
            }
            if sawHeader, words.first.map({ $0.hasSuffix(".so") }) == true, line.contains("Running ") { continue }
            unrecognised.append(line)
        }
        guard sawHeader, sawTotal else {
            return ConsoleParsed(.failed(AMIFailure(kind: .protocolError, action: "ModuleCheck",
                                                    message: "'\(command)' printed no module table")), unrecognised: unrecognised)
        }
        return ConsoleParsed(.ok(loaded ?? false), unrecognised: unrecognised)
    }

    /// `core show uptime seconds`: "System uptime: N" and "Last reload: N" (print_uptimestr with printsec: "%s%lu\n").
    public static func uptime(_ text: String) -> ConsoleParsed<ConsoleUptime> {
        let command = "core show uptime seconds"
        if let refusal = ConsoleText.refusal(text, command: command, action: "CoreStatus") { return .failed(refusal) }
        var uptime = ConsoleUptime()
        var unrecognised: [String] = []
        for line in ConsoleText.lines(text) where !ConsoleText.isBlank(line) {
            if line.hasPrefix("System uptime: "), uptime.systemSeconds == nil, let value = Int(line.dropFirst("System uptime: ".count)), value >= 0 {
                uptime.systemSeconds = value
            } else if line.hasPrefix("Last reload: "), uptime.lastReloadSeconds == nil, let value = Int(line.dropFirst("Last reload: ".count)), value >= 0 {
                uptime.lastReloadSeconds = value
            } else {
                unrecognised.append(line)
            }
        }
        guard uptime.systemSeconds != nil || uptime.lastReloadSeconds != nil else {
            return ConsoleParsed(.failed(AMIFailure(kind: .protocolError, action: "CoreStatus",
                                                    message: "'\(command)' printed no uptime")), unrecognised: unrecognised)
        }
        return ConsoleParsed(.ok(uptime), unrecognised: unrecognised)
    }
}
