/// What Asterisk reported over AMI at one moment: the PJSIP and chan_dahdi state the checks reconcile with the
/// configuration files and the kernel. Every read is present or failed with a typed reason. No secret is kept:
/// the client drops credential fields (AuthDetail's Password...) before values get here.
public struct AsteriskObservation: Sendable, Hashable, Codable {
    /// host:port (or the TLS target), never the user or the secret.
    public var target: String
    public var tls: Bool
    /// With TLS: false when certificate verification was turned off (`--ami-tls-insecure`), so a report can flag it.
    public var tlsVerified: Bool?
    /// Nil when the session worked; otherwise why nothing could be read.
    public var sessionFailure: AMIFailure?
    public var asteriskVersion: String?
    public var amiVersion: String?
    public var endpoints: AMIResult<[AsteriskEndpoint]>?
    public var contacts: AMIResult<[AsteriskContact]>?
    public var aors: AMIResult<[AsteriskAor]>?
    public var outboundRegistrations: AMIResult<[AsteriskOutboundRegistration]>?
    public var dahdiChannels: AMIResult<[AsteriskDahdiChannel]>?
    /// DAHDIShowStatus exists from Asterisk 21.3.0 / 20.8.0 / 18.23.0; older ones answer "Invalid/unknown command".
    public var dahdiSpans: AMIResult<[AsteriskDahdiSpan]>?
    /// PJSIPShowEndpoint for each endpoint of the gateway list (nil when there is none).
    public var endpointDetails: [AsteriskEndpointLookup]?
    /// CoreStatus: start and last reload times (nil in observations saved before it was asked).
    public var coreStatus: AMIResult<AsteriskCoreStatus>?
    /// ModuleCheck for the modules the legacy checks need (chan_sip.so).
    public var moduleChecks: [AsteriskModuleCheck]?
    /// How Asterisk was read: over AMI (`target` is host:port) or through its control socket (`target` is the path
    /// of asterisk.ctl). Nil in observations saved before the console existed: AMI.
    public var via: AsteriskVia?
    /// Console reads only: CLI lines no parser recognised, quoted (never read as fine).
    public var unrecognised: [AsteriskUnrecognisedLine]?

    public init(target: String, tls: Bool = false, tlsVerified: Bool? = nil, sessionFailure: AMIFailure? = nil, asteriskVersion: String? = nil,
                amiVersion: String? = nil, endpoints: AMIResult<[AsteriskEndpoint]>? = nil,
                contacts: AMIResult<[AsteriskContact]>? = nil, aors: AMIResult<[AsteriskAor]>? = nil,
                outboundRegistrations: AMIResult<[AsteriskOutboundRegistration]>? = nil,
                dahdiChannels: AMIResult<[AsteriskDahdiChannel]>? = nil, dahdiSpans: AMIResult<[AsteriskDahdiSpan]>? = nil) {
        self.target = target; self.tls = tls; self.tlsVerified = tlsVerified; self.sessionFailure = sessionFailure
        self.asteriskVersion = asteriskVersion; self.amiVersion = amiVersion; self.endpoints = endpoints
        self.contacts = contacts; self.aors = aors; self.outboundRegistrations = outboundRegistrations
        self.dahdiChannels = dahdiChannels; self.dahdiSpans = dahdiSpans
    }
}

extension AsteriskObservation {
    public var readViaConsole: Bool { via == .console }

    /// Where the Asterisk evidence came from, for findings: "AMI 127.0.0.1:5038" or
    /// "console /var/run/asterisk/asterisk.ctl".
    public var sourceLabel: String { readViaConsole ? "console \(target)" : "AMI \(target)" }

    /// For messages: "AMI at 127.0.0.1:5038", "the Asterisk console at /var/run/asterisk/asterisk.ctl".
    public var sourcePhrase: String { readViaConsole ? "the Asterisk console at \(target)" : "AMI at \(target)" }
}

public enum AsteriskVia: String, Sendable, Hashable, Codable {
    case ami
    case console
}

/// A line of CLI output that no console parser recognised, with the command that printed it.
public struct AsteriskUnrecognisedLine: Sendable, Hashable, Codable {
    public var command: String
    public var line: String

    public init(command: String, line: String) { self.command = command; self.line = line }
}

/// Why an AMI session or one action failed.
public struct AMIFailure: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        case connect          // TCP connect refused / unreachable / DNS
        case tls              // TLS handshake or certificate failure
        case timeout          // no (complete) answer before the deadline
        case closed           // the peer closed the connection early (e.g. mid-list)
        case protocolError = "protocol_error"  // not AMI: no banner, garbage, oversized message
        case loginRefused = "login_refused"    // "Authentication failed"
        case permission       // "Permission denied": the AMI user lacks the class for this action
        case unsupported      // "Invalid/unknown command": Asterisk too old, or the module (chan_dahdi) not loaded
        case error            // any other "Response: Error"
    }

    public var kind: Kind
    /// The action concerned (nil for the session), e.g. "PJSIPShowContacts".
    public var action: String?
    /// Asterisk's message or the OS error, without secrets.
    public var message: String

    public init(kind: Kind, action: String? = nil, message: String) {
        self.kind = kind; self.action = action; self.message = message
    }

    public var description: String { (action.map { "\($0): " } ?? "") + "\(kind.rawValue): \(message)" }
}

/// One AMI read: its value, or why it failed.
public enum AMIResult<Value: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    case ok(Value)
    case failed(AMIFailure)

    public var value: Value? {
        if case .ok(let value) = self { return value }
        return nil
    }

    public var failure: AMIFailure? {
        if case .failed(let failure) = self { return failure }
        return nil
    }

    private enum CodingKeys: String, CodingKey { case value, failure }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let failure = try container.decodeIfPresent(AMIFailure.self, forKey: .failure) {
            self = .failed(failure)
        } else {
            self = .ok(try container.decode(Value.self, forKey: .value))
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

/// PJSIPShowEndpoints `EndpointList` event.
public struct AsteriskEndpoint: Sendable, Hashable, Codable {
    public var name: String
    public var transport: String?
    public var aors: [String]
    public var auths: [String]
    public var outboundAuths: [String]
    /// `aor/uri` pairs from the `Contacts` field (static and dynamic).
    public var contacts: [String]
    /// "Not in use", "Unavailable", "In use", "Busy", "Invalid", "Unknown"...
    public var deviceState: String?
    public var activeChannels: Int?

    public init(name: String, transport: String? = nil, aors: [String] = [], auths: [String] = [], outboundAuths: [String] = [],
                contacts: [String] = [], deviceState: String? = nil, activeChannels: Int? = nil) {
        self.name = name; self.transport = transport; self.aors = aors; self.auths = auths; self.outboundAuths = outboundAuths
        self.contacts = contacts; self.deviceState = deviceState; self.activeChannels = activeChannels
    }
}

/// PJSIPShowContacts `ContactList` event: dynamic (registered) contacts only; static AOR contacts never appear.
public struct AsteriskContact: Sendable, Hashable, Codable {
    public var uri: String
    public var aor: String
    public var endpoint: String?
    /// "Reachable", "Unreachable", "NonQualified", "Unknown".
    public var status: String?
    /// Nil when Asterisk says "N/A" (unreachable or not qualified).
    public var roundtripUsec: Int?
    public var userAgent: String?
    public var qualifyFrequency: Int?
    public var expirationTime: Int?
    public var viaAddress: String?

    public init(uri: String, aor: String, endpoint: String? = nil, status: String? = nil, roundtripUsec: Int? = nil,
                userAgent: String? = nil, qualifyFrequency: Int? = nil, expirationTime: Int? = nil, viaAddress: String? = nil) {
        self.uri = uri; self.aor = aor; self.endpoint = endpoint; self.status = status; self.roundtripUsec = roundtripUsec
        self.userAgent = userAgent; self.qualifyFrequency = qualifyFrequency; self.expirationTime = expirationTime
        self.viaAddress = viaAddress
    }
}

/// PJSIPShowAors `AorList` event.
public struct AsteriskAor: Sendable, Hashable, Codable {
    public var name: String
    public var maxContacts: Int?
    public var qualifyFrequency: Int?
    public var qualifyTimeout: Double?
    /// Static `contact=` URIs configured on the AOR. AorList does not tell them apart from registered ones (its
    /// `Contacts` lists both, location.c contacts_to_str), so they are derived: `contacts` minus the URIs
    /// PJSIPShowContacts reports for this AOR (see `AsteriskObservation.derivingStaticContacts()`); empty when
    /// PJSIPShowContacts failed.
    public var staticContacts: [String]
    /// Every contact URI AorList's `Contacts` field lists for the AOR: static and registered.
    public var contacts: [String]

    public init(name: String, maxContacts: Int? = nil, qualifyFrequency: Int? = nil, qualifyTimeout: Double? = nil,
                staticContacts: [String] = [], contacts: [String] = []) {
        self.name = name; self.maxContacts = maxContacts; self.qualifyFrequency = qualifyFrequency
        self.qualifyTimeout = qualifyTimeout; self.staticContacts = staticContacts; self.contacts = contacts
    }
}

/// PJSIPShowRegistrationsOutbound `OutboundRegistrationDetail` event.
public struct AsteriskOutboundRegistration: Sendable, Hashable, Codable {
    public var name: String
    public var serverUri: String?
    public var clientUri: String?
    public var endpoint: String?
    /// "Registered", "Unregistered", "Rejected".
    public var status: String?
    /// Seconds until the next attempt (0 when Asterisk has stopped trying).
    public var nextReg: Int?
    public var transport: String?
    /// The auth object's name (its secrets are never read: AuthDetail events are skipped).
    public var outboundAuth: String?
    /// Seconds between attempts after a failure, and the registration's requested expiry.
    public var retryInterval: Int?
    public var expiration: Int?

    public init(name: String, serverUri: String? = nil, clientUri: String? = nil, endpoint: String? = nil,
                status: String? = nil, nextReg: Int? = nil, transport: String? = nil, outboundAuth: String? = nil,
                retryInterval: Int? = nil, expiration: Int? = nil) {
        self.name = name; self.serverUri = serverUri; self.clientUri = clientUri; self.endpoint = endpoint
        self.status = status; self.nextReg = nextReg; self.transport = transport; self.outboundAuth = outboundAuth
        self.retryInterval = retryInterval; self.expiration = expiration
    }
}

/// DAHDIShowChannels `DAHDIShowChannels` event: a channel as chan_dahdi has it.
public struct AsteriskDahdiChannel: Sendable, Hashable, Codable {
    public var channel: Int
    public var signalling: String?
    public var signallingCode: Int?
    public var context: String?
    /// chan_dahdi's alarm text: "No Alarm", "Red Alarm", "Yellow Alarm", "Blue Alarm", "Recovering", "Loopback",
    /// "Not Open", "None".
    public var alarm: String?
    public var description: String?
    /// `DND: Enabled` / `Disabled`.
    public var dnd: Bool?
    /// The Asterisk channel using it (`Channel:`, present only while a call is up), e.g. "DAHDI/1-1".
    public var callChannel: String?

    public init(channel: Int, signalling: String? = nil, signallingCode: Int? = nil, context: String? = nil,
                alarm: String? = nil, description: String? = nil, dnd: Bool? = nil, callChannel: String? = nil) {
        self.channel = channel; self.signalling = signalling; self.signallingCode = signallingCode
        self.context = context; self.alarm = alarm; self.description = description; self.dnd = dnd
        self.callChannel = callChannel
    }
}

/// DAHDIShowStatus `DAHDIShowStatus` event: a span as chan_dahdi sees it.
public struct AsteriskDahdiSpan: Sendable, Hashable, Codable {
    public var span: Int
    public var description: String?
    public var alarms: String?
    public var irq: Int?
    public var bipolarViolations: Int?
    public var crc: Int?
    public var framing: String?
    public var coding: String?
    public var options: String?
    public var lbo: String?

    public init(span: Int, description: String? = nil, alarms: String? = nil, irq: Int? = nil, bipolarViolations: Int? = nil,
                crc: Int? = nil, framing: String? = nil, coding: String? = nil, options: String? = nil, lbo: String? = nil) {
        self.span = span; self.description = description; self.alarms = alarms; self.irq = irq
        self.bipolarViolations = bipolarViolations; self.crc = crc; self.framing = framing; self.coding = coding
        self.options = options; self.lbo = lbo
    }
}

/// PJSIPShowEndpoint for one endpoint of the gateway list: confirms Asterisk has it (even when pjsip.conf is not
/// readable, e.g. FreePBX realtime) and gives every contact's status, static ones included (PJSIPShowContacts only
/// lists registered contacts).
public struct AsteriskEndpointLookup: Sendable, Hashable, Codable {
    public var name: String
    public var detail: AMIResult<AsteriskEndpointDetail>

    public init(name: String, detail: AMIResult<AsteriskEndpointDetail>) { self.name = name; self.detail = detail }

    /// Asterisk answered "Unable to retrieve endpoint NAME": it has no such endpoint.
    public var isMissing: Bool { detail.failure.map { $0.message.contains("Unable to retrieve endpoint") } ?? false }
}

public struct AsteriskEndpointDetail: Sendable, Hashable, Codable {
    public var name: String
    public var deviceState: String?
    public var aors: [String]
    public var contacts: [AsteriskContactStatus]

    public init(name: String, deviceState: String? = nil, aors: [String] = [], contacts: [AsteriskContactStatus] = []) {
        self.name = name; self.deviceState = deviceState; self.aors = aors; self.contacts = contacts
    }
}

/// A `ContactStatusDetail` event: one contact (static or registered) and its qualify status.
public struct AsteriskContactStatus: Sendable, Hashable, Codable {
    public var aor: String
    public var uri: String
    public var status: String?
    public var roundtripUsec: Int?

    public init(aor: String, uri: String, status: String? = nil, roundtripUsec: Int? = nil) {
        self.aor = aor; self.uri = uri; self.status = status; self.roundtripUsec = roundtripUsec
    }
}
