// Asterisk's remote-console protocol on asterisk.ctl, as main/asterisk.c speaks it (read at tag 22.10.1):
// - on connect the server (netconsole) writes "hostname/pid/version\n", without a NUL (fdprint);
// - `asterisk -rx CMD` (ast_remotecontrol) writes "cli quit after CMD" *with* its terminating NUL (the server only
//   runs NUL-terminated commands); the server runs that one command, its CLI output goes straight to the socket,
//   and then it leaves its loop and closes the connection: the end of the output is the end of the stream;
// - log and verbose messages reach a console through a separate pipe that this one-shot path never relays (new
//   consoles start muted at verbosity 0). A line that does arrive with a verbose mark (a first byte >= 0x80, signed
//   negative: VERBOSE_HASMAGIC) is skipped, as `asterisk -rx` skips it.
// Permissions are the socket file's (root or the asterisk group) plus cli_permissions.conf for the uid the server
// reads with SO_PASSCRED; root may run everything.

/// The greeting a console connection starts with.
public struct AsteriskConsoleBanner: Sendable, Hashable, Codable {
    public var hostname: String
    public var pid: Int?
    /// ast_get_version(): "22.10.1", "GIT-master-...".
    public var version: String

    public init(hostname: String, pid: Int?, version: String) {
        self.hostname = hostname; self.pid = pid; self.version = version
    }

    /// "host/1234/22.10.1\n"; nil when the bytes are not that (another program on the socket, garbage).
    public static func parse(_ bytes: [UInt8]) -> AsteriskConsoleBanner? {
        guard let newline = bytes.firstIndex(of: 0x0A), newline <= 1024 else { return nil }
        let line = String(decoding: bytes[..<newline], as: UTF8.self)
        let parts = line.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[2].isEmpty, !line.contains("\u{FFFD}"),
              line.allSatisfy({ $0.isASCII && !$0.isNewline && $0 != "\0" }) else { return nil }
        guard let pid = Int(parts[1]), pid > 0 else { return nil }
        return AsteriskConsoleBanner(hostname: String(parts[0]), pid: pid, version: String(parts[2]))
    }
}

public enum AsteriskConsoleProtocol {
    /// The bytes that run one command and end the session: "cli quit after CMD\0".
    public static func request(_ command: String) -> [UInt8] {
        Array("cli quit after \(command)".utf8) + [0]
    }

    /// The server's bytes after the banner, as CLI text: verbose-marked lines dropped, NULs and CRs removed,
    /// invalid UTF-8 replaced. Returns the text and how many verbose lines were dropped.
    public static func text(_ bytes: [UInt8]) -> (text: String, verboseLines: Int) {
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count)
        var dropped = 0
        var lineStart = true
        var skipping = false
        for byte in bytes {
            if lineStart {
                skipping = byte >= 0x80
                if skipping { dropped += 1 }
            }
            lineStart = byte == 0x0A
            if skipping || byte == 0 || byte == 0x0D { continue }
            kept.append(byte)
        }
        return (String(decoding: kept, as: UTF8.self), dropped)
    }
}

/// Where asterisk.ctl is: asterisk.conf's `[directories] astrundir` and `[files] astctl` (main/asterisk.c joins
/// them as "%s/%s", main/options.c), else /var/run/asterisk/asterisk.ctl.
public enum AsteriskConsoleSocket {
    public static let defaultRunDirectory = "/var/run/asterisk"
    public static let defaultName = "asterisk.ctl"
    public static let defaultPath = defaultRunDirectory + "/" + defaultName

    /// The path from asterisk.conf under the source's directory; the default when the file is missing or silent.
    public static func path(source: AsteriskConfigSource) -> String {
        let config = AsteriskConfigReader.load("asterisk.conf", source: source, issueText: PjsipSecrets.redactedLine)
        var directory = defaultRunDirectory
        var name = defaultName
        for category in config.categories {
            switch category.name.lowercased() {
            case "directories":
                if let value = category.lastValue("astrundir")?.trimmingBlanks(), !value.isEmpty { directory = value }
            case "files":
                if let value = category.lastValue("astctl")?.trimmingBlanks(), !value.isEmpty { name = value }
            default: break
            }
        }
        return directory + "/" + name
    }
}
