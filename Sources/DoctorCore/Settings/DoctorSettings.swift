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
                credentialsFile: String = "/etc/dahdi-doctor/ami.conf", timeout: Double = 5) {
        self.enabled = enabled; self.host = host; self.port = port; self.tls = tls; self.caFile = caFile
        self.credentialsFile = credentialsFile; self.timeout = timeout
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

    public init(name: String, address: String, sipPort: Int = 5060, transport: Transport = .udp, profile: String = "none",
                webPort: Int = 80, endpoint: String? = nil, credentialsFile: String? = nil, ports: [Port] = []) {
        self.name = name; self.address = address; self.sipPort = sipPort; self.transport = transport
        self.profile = profile; self.webPort = webPort; self.endpoint = endpoint; self.credentialsFile = credentialsFile
        self.ports = ports
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
