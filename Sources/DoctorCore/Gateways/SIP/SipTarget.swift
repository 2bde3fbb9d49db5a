/// A probe target as written in the gateway list: `host[:port]`, `[IPv6]:port` or a bare IPv6 address. The port
/// defaults to 5060 (RFC 3261 19.1.2); whether it was written is kept so the Request-URI says what the user said.
public struct SipTarget: Sendable, Hashable, CustomStringConvertible {
    public static let defaultPort = 5060

    public var host: String
    public var explicitPort: Int?

    public var port: Int { explicitPort ?? Self.defaultPort }
    public var isIPv6Literal: Bool { host.contains(":") }

    public init(host: String, port: Int? = nil) {
        self.host = host; self.explicitPort = port
    }

    public init(parsing text: String) throws(SipTargetError) {
        let written = text.sipTrimmed()
        guard !written.isEmpty else { throw .empty }
        var host = written
        var portText: Substring?
        if written.hasPrefix("[") {
            // [2001:db8::1] or [2001:db8::1]:5062
            guard let close = written.firstIndex(of: "]") else { throw .invalidHost(written) }
            host = String(written[written.index(after: written.startIndex)..<close])
            let rest = written[written.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":" else { throw .invalidHost(written) }
                portText = rest.dropFirst()
            }
            guard host.contains(":") else { throw .invalidHost(written) }
        } else if written.filter({ $0 == ":" }).count == 1, let colon = written.firstIndex(of: ":") {
            host = String(written[..<colon])
            portText = written[written.index(after: colon)...]
        }
        // A bare IPv6 address (two or more colons) has no port: write [addr]:port to give one.
        guard !host.isEmpty, host.allSatisfy(\.isSipHostCharacter) else { throw .invalidHost(written) }
        var port: Int?
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isSipDigit),
                  let value = Int(portText), (1...65535).contains(value) else { throw .invalidPort(written) }
            port = value
        }
        self.init(host: host, port: port)
    }

    /// The host as it goes into a SIP URI or a Via: IPv6 literals in brackets (RFC 3261 25.1 `IPv6reference`).
    public var uriHost: String { isIPv6Literal ? "[\(host)]" : host }

    /// `sip:host[:port]`, the Request-URI and the To URI of the probe.
    public var uri: String { "sip:" + uriHost + (explicitPort.map { ":\($0)" } ?? "") }

    public var description: String { uriHost + (explicitPort.map { ":\($0)" } ?? "") }
}

public enum SipTargetError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case invalidHost(String)
    case invalidPort(String)

    public var description: String {
        switch self {
        case .empty: return "empty SIP target (expected host[:port])"
        case .invalidHost(let text): return "invalid SIP target '\(text)' (expected host[:port], [IPv6]:port or an IPv6 address)"
        case .invalidPort(let text): return "invalid port in SIP target '\(text)' (1 to 65535)"
        }
    }
}

/// A host and port as this side of the socket is seen: what goes into Via, Contact and From.
public struct SipHostPort: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host; self.port = port
    }

    public var uriHost: String { host.contains(":") ? "[\(host)]" : host }
    public var description: String { "\(uriHost):\(port)" }
}

extension Character {
    /// Hostnames, IPv4 and IPv6 literals (with a `%zone`): nothing that could break a header line.
    var isSipHostCharacter: Bool {
        guard isASCII, let scalar = unicodeScalars.first else { return false }
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", ".", ":", "%", "_": return true
        default: return false
        }
    }

    var isSipDigit: Bool { isASCII && ("0"..."9").contains(self) }
}

extension String {
    func sipTrimmed() -> String {
        String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
