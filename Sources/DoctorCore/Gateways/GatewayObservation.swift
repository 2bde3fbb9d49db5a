/// What dahdi-doctor saw of one FXO/FXS SIP gateway: SIP OPTIONS reachability and, where the vendor exposes it,
/// per-port status from its web interface. No credential is ever stored here.
public struct GatewayObservation: Sendable, Hashable, Codable {
    /// The name in the gateway list.
    public var name: String
    public var address: String
    /// Vendor profile: "grandstream-gxw410x", "grandstream-ht8xx", "cisco-spa112", "sipura", "none".
    public var profile: String
    /// The PJSIP endpoint the gateway maps to, if any.
    public var endpoint: String?
    public var options: SipProbeResult?
    public var status: GatewayStatusResult?
    /// How the web status was read over HTTPS; nil for plain HTTP (or no page).
    public var webSecurity: GatewayWebSecurity?

    public init(name: String, address: String, profile: String, endpoint: String? = nil, options: SipProbeResult? = nil,
                status: GatewayStatusResult? = nil, webSecurity: GatewayWebSecurity? = nil) {
        self.name = name; self.address = address; self.profile = profile; self.endpoint = endpoint
        self.options = options; self.status = status; self.webSecurity = webSecurity
    }
}

/// The trust behind an HTTPS status read: the certificate chain and name checked against the CAs (`verified`), the
/// certificate's SHA-256 fingerprint compared with the configured pin (`pinned`), or nothing checked (`insecure`,
/// which the report flags: anyone in the path can read the web password).
public enum GatewayWebSecurity: String, Sendable, Hashable, Codable {
    case verified, pinned, insecure
}

/// The outcome of one SIP OPTIONS probe.
public struct SipProbeResult: Sendable, Hashable, Codable {
    public enum Transport: String, Sendable, Hashable, Codable { case udp, tcp }
    public enum Outcome: String, Sendable, Hashable, Codable {
        case answered     // a final response (any code: the device is there)
        case timeout      // nothing final before the deadline
        case error        // could not send (unresolvable, connection refused, ICMP unreachable...)
    }

    public var target: String
    public var transport: Transport
    public var outcome: Outcome
    /// Final response status code and reason phrase, when answered.
    public var statusCode: Int?
    public var reason: String?
    /// Server or User-Agent header of the answer.
    public var server: String?
    /// Round trip from the first transmission to the final response.
    public var rttMilliseconds: Double?
    /// How many times the request was sent (UDP retransmits on T1 doubling).
    public var transmissions: Int
    public var error: String?

    public init(target: String, transport: Transport, outcome: Outcome, statusCode: Int? = nil, reason: String? = nil,
                server: String? = nil, rttMilliseconds: Double? = nil, transmissions: Int = 1, error: String? = nil) {
        self.target = target; self.transport = transport; self.outcome = outcome; self.statusCode = statusCode
        self.reason = reason; self.server = server; self.rttMilliseconds = rttMilliseconds
        self.transmissions = transmissions; self.error = error
    }
}

/// The vendor status page: parsed ports, or why not.
public enum GatewayStatusResult: Sendable, Hashable, Codable {
    case ok(GatewayStatus)
    case failed(GatewayStatusFailure)

    public var value: GatewayStatus? {
        if case .ok(let value) = self { return value }
        return nil
    }

    public var failure: GatewayStatusFailure? {
        if case .failed(let failure) = self { return failure }
        return nil
    }

    private enum CodingKeys: String, CodingKey { case value, failure }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let failure = try container.decodeIfPresent(GatewayStatusFailure.self, forKey: .failure) {
            self = .failed(failure)
        } else {
            self = .ok(try container.decode(GatewayStatus.self, forKey: .value))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .ok(let value): try container.encode(value, forKey: .value)
        case .failed(let failure): try container.encode(failure, forKey: .failure)
        }
    }
}

public struct GatewayStatusFailure: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        case unreachable, timeout
        case authentication     // 401/403, or the login page came back
        case http               // another HTTP status
        case unparseable        // the page is not what the profile expects (the finding quotes where)
        case unsupported        // the profile has no status page ("none")
        case locked             // the gateway locked its web login after failed attempts; no login is tried until it ends
        case tls                // the HTTPS handshake failed or the certificate was refused
    }

    public var kind: Kind
    public var message: String
    /// The URL path concerned (never with credentials in it).
    public var path: String?
    /// The page did not parse under the configured profile but does under this one.
    public var suggestedProfile: String?
    /// A lock-out's remaining time, when the gateway says it (`remain N`, `relogin in N seconds`, `lockTime`).
    public var retryAfterSeconds: Int?

    public init(kind: Kind, message: String, path: String? = nil, suggestedProfile: String? = nil,
                retryAfterSeconds: Int? = nil) {
        self.kind = kind; self.message = message; self.path = path; self.suggestedProfile = suggestedProfile
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(kind.rawValue): \(message)" + (path.map { " (\($0))" } ?? "") }
}

public struct GatewayStatus: Sendable, Hashable, Codable {
    public var model: String?
    public var firmware: String?
    public var ports: [GatewayPortStatus]

    public init(model: String? = nil, firmware: String? = nil, ports: [GatewayPortStatus]) {
        self.model = model; self.firmware = firmware; self.ports = ports
    }
}

/// One port as the gateway reports it. Vendor words are kept raw next to the normalised value, and a word the
/// profile does not know is `.unknown`, never guessed.
public struct GatewayPortStatus: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable { case fxo = "FXO", fxs = "FXS", unknown }
    public enum Registration: String, Sendable, Hashable, Codable { case registered, notRegistered = "not_registered", unknown }
    public enum Hook: String, Sendable, Hashable, Codable { case onHook = "on_hook", offHook = "off_hook", ringing, unknown }

    public var port: Int
    public var kind: Kind
    public var registration: Registration
    public var registrationText: String?
    /// FXO: a PSTN line is connected (battery/voltage present). Nil when the vendor does not say.
    public var lineConnected: Bool?
    public var lineText: String?
    public var hook: Hook
    public var hookText: String?
    public var lastDisconnectReason: String?
    /// The SIP user/extension the port registers as, when shown.
    public var sipUser: String?

    public init(port: Int, kind: Kind, registration: Registration, registrationText: String? = nil, lineConnected: Bool? = nil,
                lineText: String? = nil, hook: Hook = .unknown, hookText: String? = nil, lastDisconnectReason: String? = nil,
                sipUser: String? = nil) {
        self.port = port; self.kind = kind; self.registration = registration; self.registrationText = registrationText
        self.lineConnected = lineConnected; self.lineText = lineText; self.hook = hook; self.hookText = hookText
        self.lastDisconnectReason = lastDisconnectReason; self.sipUser = sipUser
    }
}
