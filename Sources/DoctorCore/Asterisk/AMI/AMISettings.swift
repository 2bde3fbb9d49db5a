/// Where Asterisk's manager interface listens (manager.conf `bindaddr`/`port`, or `tlsbindaddr` with TLS).
public struct AMIEndpoint: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// Nil for plain TCP.
    public var tls: AMITLSOptions?

    /// Ports default to manager.conf's: 5038, and 5039 for TLS (`tlsbindaddr`).
    public init(host: String = "127.0.0.1", port: Int? = nil, tls: AMITLSOptions? = nil) {
        self.host = host; self.port = port ?? (tls == nil ? 5038 : 5039); self.tls = tls
    }

    /// "127.0.0.1:5038", "[::1]:5038": never the user or the secret.
    public var target: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// TLS for AMI. The server certificate is verified by default: against the system's CAs, or the given CA file or
/// directory, and its name must match the host (or `serverName`). Turning verification off is allowed for a
/// self-signed lab box, and every observation made that way says so (`tlsVerified: false`).
public struct AMITLSOptions: Sendable, Hashable {
    public var caFile: String?
    public var caDirectory: String?
    /// The name the certificate must carry when it differs from the host dialled (connecting by IP to a named cert).
    public var serverName: String?
    public var verifyCertificate: Bool

    public init(caFile: String? = nil, caDirectory: String? = nil, serverName: String? = nil, verifyCertificate: Bool = true) {
        self.caFile = caFile; self.caDirectory = caDirectory; self.serverName = serverName
        self.verifyCertificate = verifyCertificate
    }

    /// `--ami-tls-insecure`: encrypted, but anyone in the path can pretend to be Asterisk and read the secret.
    public static let insecure = AMITLSOptions(verifyCertificate: false)
}

/// How long each step may take. Every read and write is bounded; nothing waits on Asterisk without a deadline.
public struct AMITimeouts: Sendable, Hashable {
    /// TCP connect, TLS handshake and the banner.
    public var connect: Duration
    /// Each action, Login included, until its complete answer (the last event of a list).
    public var request: Duration
    /// Everything `AsteriskReader.read()` does, Logoff included.
    public var overall: Duration

    public init(connect: Duration = .seconds(3), request: Duration = .seconds(5), overall: Duration = .seconds(20)) {
        self.connect = connect; self.request = request; self.overall = overall
    }
}

extension Duration {
    /// "5 s", "250 ms", "1.5 s": for messages.
    public var shortDescription: String {
        let milliseconds = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        return "\(milliseconds / 1000).\(milliseconds % 1000 / 100) s"
    }
}
