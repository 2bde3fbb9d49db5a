/// One header line as received, after unfolding. `name` keeps what was written; lookups use `key`.
public struct SipHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name; self.value = value
    }

    /// Lowercased full name: `v` and `VIA` are both `via` (RFC 3261 7.3.1 and 7.3.3).
    public var key: String { SipHeaders.key(name) }
}

/// The header fields of a message in order, looked up case-insensitively and with compact forms expanded.
public struct SipHeaders: Sendable, Hashable {
    public var fields: [SipHeader]

    public init(_ fields: [SipHeader] = []) {
        self.fields = fields
    }

    /// Compact forms from RFC 3261 7.3.3 and the extensions that registered one (RFC 3265, 3515, 3892, 4028, 3841,
    /// 4474); all of them are one letter, so anything longer is already a full name.
    private static let compactForms: [String: String] = [
        "i": "call-id", "m": "contact", "e": "content-encoding", "l": "content-length", "c": "content-type",
        "f": "from", "s": "subject", "k": "supported", "t": "to", "v": "via", "o": "event", "u": "allow-events",
        "r": "refer-to", "b": "referred-by", "x": "session-expires", "a": "accept-contact", "j": "reject-contact",
        "d": "request-disposition", "y": "identity", "n": "identity-info",
    ]

    static func key(_ name: String) -> String {
        let lower = name.lowercased()
        return compactForms[lower] ?? lower
    }

    /// The first value of a header, e.g. `headers["Call-ID"]` also finds `i:`.
    public subscript(name: String) -> String? {
        let wanted = Self.key(name)
        return fields.first { $0.key == wanted }?.value
    }

    /// Every line of a header, in order.
    public func values(_ name: String) -> [String] {
        let wanted = Self.key(name)
        return fields.filter { $0.key == wanted }.map(\.value)
    }

    /// The topmost Via: the first value of the first Via line (one line may carry several, comma-separated).
    public var topVia: SipVia? {
        guard let line = self["Via"] else { return nil }
        return SipVia(parsing: String(line.sipFirstListElement()))
    }

    public var cseq: SipCSeq? { self["CSeq"].flatMap(SipCSeq.init(parsing:)) }

    /// The Server header, or User-Agent when a device names itself there instead (common on ATAs).
    public var serverName: String? { self["Server"] ?? self["User-Agent"] }
}

/// `SIP/2.0/UDP host:port;branch=z9hG4bK...;rport=5060;received=192.0.2.1`
public struct SipVia: Sendable, Hashable {
    public var sentProtocol: String
    public var sentBy: String
    /// Parameter names lowercased; a parameter without `=` has an empty value.
    public var parameters: [String: String]

    public var branch: String? { parameters["branch"] }

    public init?(parsing text: String) {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false).map { String($0).sipTrimmed() }
        let head = parts[0].split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard head.count == 2 else { return nil }
        sentProtocol = String(head[0]).sipTrimmed()
        sentBy = String(head[1])
        var parameters: [String: String] = [:]
        for part in parts.dropFirst() where !part.isEmpty {
            let pair = part.split(separator: "=", maxSplits: 1)
            let name = String(pair[0]).sipTrimmed().lowercased()
            if parameters[name] == nil { parameters[name] = pair.count == 2 ? String(pair[1]).sipTrimmed() : "" }
        }
        self.parameters = parameters
    }
}

/// `CSeq: 1 OPTIONS`
public struct SipCSeq: Sendable, Hashable {
    public var number: Int
    public var method: String

    public init?(parsing text: String) {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count == 2, parts[0].count <= 10, parts[0].allSatisfy(\.isSipDigit), let number = Int(parts[0])
        else { return nil }
        self.number = number
        self.method = String(parts[1])
    }
}

extension String {
    /// Up to the first comma outside a quoted string: header lists such as `Via: a, b` (RFC 3261 7.3.1).
    func sipFirstListElement() -> Substring {
        var quoted = false
        var escaped = false
        for index in indices {
            let character = self[index]
            if escaped { escaped = false; continue }
            if quoted && character == "\\" { escaped = true; continue }
            if character == "\"" { quoted.toggle() }
            if character == "," && !quoted { return self[..<index] }
        }
        return self[...]
    }
}
