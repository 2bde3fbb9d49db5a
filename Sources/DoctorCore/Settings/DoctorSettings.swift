/// dahdi-doctor's own settings (/etc/dahdi-doctor/dahdi-doctor.toml; example in Config/): how to reach Asterisk's
/// AMI, and the list of FXO/FXS SIP gateways. Credentials are never in here, only the paths of 0600 files.
public struct DoctorSettings: Sendable, Hashable, Codable {
    public var ami: AMISettings
    public var gateways: [GatewaySettings]

    public init(ami: AMISettings = AMISettings(), gateways: [GatewaySettings] = []) {
        self.ami = ami
        self.gateways = gateways
    }
}

public struct AMISettings: Sendable, Hashable, Codable {
    public var enabled: Bool
    public var host: String
    /// 5038, or 5039 for TLS (manager.conf's tlsbindport is usually set to 5039).
    public var port: Int
    public var tls: Bool
    /// CA bundle for TLS verification; nil uses the system's.
    public var caFile: String?
    /// A 0600 file with `username = ...` and `secret = ...`; the environment (DAHDI_DOCTOR_AMI_USER/SECRET) wins.
    public var credentialsFile: String
    /// Per-request timeout, seconds.
    public var timeout: Double

    public init(enabled: Bool = true, host: String = "127.0.0.1", port: Int = 5038, tls: Bool = false, caFile: String? = nil,
                credentialsFile: String = AMISettings.defaultCredentialsFile, timeout: Double = 5) {
        self.enabled = enabled; self.host = host; self.port = port; self.tls = tls; self.caFile = caFile
        self.credentialsFile = credentialsFile; self.timeout = timeout
    }

    public static let defaultCredentialsFile = "/etc/dahdi-doctor/ami.conf"

    /// The credentials file for the configuration tree at `etcRoot` (the --etc-root of `check`, `agent` and `setup
    /// ami`): the default file is the one under that root, where `setup ami --etc-root` writes it; a file the
    /// settings name stays where it is named. "/etc" gives the default itself.
    public func credentialsFile(etcRoot: String) -> String {
        guard credentialsFile == Self.defaultCredentialsFile else { return credentialsFile }
        var root = etcRoot
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        return (root == "/" ? "" : root) + "/dahdi-doctor/ami.conf"
    }
}

public struct GatewaySettings: Sendable, Hashable, Codable {
    public enum Transport: String, Sendable, Hashable, Codable, CaseIterable { case udp, tcp }

    public struct Port: Sendable, Hashable, Codable {
        public var number: Int
        public var kind: GatewayPortStatus.Kind
        /// What the port carries, in the installer's words ("PSTN 555-0100", "lobby phone").
        public var carries: String?

        public init(number: Int, kind: GatewayPortStatus.Kind, carries: String? = nil) {
            self.number = number; self.kind = kind; self.carries = carries
        }
    }

    public var name: String
    public var address: String
    public var sipPort: Int
    public var transport: Transport
    /// Vendor profile for the status page: grandstream-gxw410x, grandstream-ht8xx, cisco-spa112, sipura, none.
    public var profile: String
    /// HTTP port of the web interface.
    public var webPort: Int
    /// The PJSIP endpoint the gateway registers as (or is reached through).
    public var endpoint: String?
    /// A 0600 file with the web interface's `username = ...` / `password = ...`.
    public var credentialsFile: String?
    public var ports: [Port]
    /// HTTPS for the web status (`web_scheme = "https"`), with how the certificate is trusted; nil for plain HTTP.
    public var webTLS: GatewayWebTLS?
    /// Seconds between two reads of the web status page in the agent (`status_interval`); nil for the default.
    public var statusInterval: Double?

    /// The agent reads a status page every 5 minutes by default: a web login per gateway every 30 s wore out a real
    /// ATA (one leaked memory and failed after about 10,000 logins). SIP OPTIONS keep their own, shorter interval.
    public static let defaultStatusInterval: Double = 300

    public init(name: String, address: String, sipPort: Int = 5060, transport: Transport = .udp, profile: String = "none",
                webPort: Int = 80, endpoint: String? = nil, credentialsFile: String? = nil, ports: [Port] = [],
                webTLS: GatewayWebTLS? = nil, statusInterval: Double? = nil) {
        self.name = name; self.address = address; self.sipPort = sipPort; self.transport = transport
        self.profile = profile; self.webPort = webPort; self.endpoint = endpoint; self.credentialsFile = credentialsFile
        self.ports = ports; self.webTLS = webTLS; self.statusInterval = statusInterval
    }
}

/// How an HTTPS web status is trusted: its chain against CAs (the system's, or `web_ca_file`) by default; a pinned
/// SHA-256 certificate fingerprint (`web_tls_fingerprint`, for a device's self-signed certificate); or nothing
/// (`web_tls_insecure`, which the report flags as gateway-web-tls-unverified).
public struct GatewayWebTLS: Sendable, Hashable, Codable {
    public var caFile: String?
    /// 32 bytes, parsed from `AB:CD:...` or plain hex.
    public var fingerprintSHA256: [UInt8]?
    public var insecure: Bool

    public init(caFile: String? = nil, fingerprintSHA256: [UInt8]? = nil, insecure: Bool = false) {
        self.caFile = caFile; self.fingerprintSHA256 = fingerprintSHA256; self.insecure = insecure
    }

    public var security: GatewayWebSecurity {
        if insecure { return .insecure }
        return fingerprintSHA256 == nil ? .verified : .pinned
    }

    /// `AB:CD:...` (openssl x509 -fingerprint -sha256), `ab cd ...` or 64 hex digits; nil unless exactly 32 bytes.
    public static func parseFingerprint(_ text: String) -> [UInt8]? {
        var text = String(text.trimmingWhitespace())
        if text.lowercased().hasPrefix("sha256 fingerprint=") { text = String(text.dropFirst(19)) }
        let digits = text.filter { $0 != ":" && $0 != " " && $0 != "-" }
        guard digits.count == 64, digits.allSatisfy(\.isHexDigit) else { return nil }
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}

/// A problem in dahdi-doctor's own settings file, with where it is.
public struct SettingsError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// "line 12" from the TOML parser, or a key path such as "gateway[2].profile".
    public var location: String
    public var message: String

    public init(file: String, location: String, message: String) {
        self.file = file; self.location = location; self.message = message
    }

    public var description: String { "\(file): \(location): \(message)" }
}
