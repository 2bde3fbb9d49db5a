/// One `Key: value` line of an AMI message, as Asterisk sent it (key case kept, value without the line end).
public struct AMIField: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key; self.value = value
    }
}

/// One AMI message: a response, an event, or (sent by us) an action. Fields keep Asterisk's order and repeats:
/// a `Command` response has one `Output:` line per CLI line, and key order differs between event types.
/// Keys compare without regard to case, as Asterisk's `astman_get_header` does.
public struct AMIMessage: Sendable, Hashable, CustomStringConvertible {
    public private(set) var fields: [AMIField]

    /// Credential fields are dropped here, so no message ever holds one (see `AMISecretFields`).
    public init(fields: [AMIField]) {
        self.fields = fields.filter { !AMISecretFields.isSecret($0.key) }
    }

    /// The first value of `key`, or nil.
    public subscript(_ key: String) -> String? {
        fields.first { Self.sameKey($0.key, key) }?.value
    }

    /// Every value of `key`, in order.
    public func values(_ key: String) -> [String] {
        fields.filter { Self.sameKey($0.key, key) }.map(\.value)
    }

    public var response: String? { self["Response"] }
    public var event: String? { self["Event"] }
    public var actionID: String? { self["ActionID"] }
    public var eventList: String? { self["EventList"] }
    public var message: String? { self["Message"] }

    /// `Response: Success` (or `Goodbye`, Logoff's success).
    public var isSuccess: Bool {
        guard let response else { return false }
        return Self.sameKey(response, "Success") || Self.sameKey(response, "Goodbye")
    }

    public var isError: Bool { response.map { Self.sameKey($0, "Error") } ?? false }

    /// The lines as AMI writes them, CRLF-terminated, for logs and tests. Values were stripped of secrets.
    public var description: String {
        fields.map { "\($0.key): \($0.value)\r\n" }.joined() + "\r\n"
    }

    static func sameKey(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.lowercased() == b.lowercased()
    }
}

/// Keys whose values are credentials. Asterisk sends them in `AuthDetail`/`AuthList` events
/// (PJSIPShowRegistrationsOutbound, PJSIPShowAuths, PJSIPShowEndpoint): `Password` in clear text, and
/// `PasswordDigest`, `OauthSecret`, `RefreshToken`, `Md5Cred`. They are dropped at the framer, before anything can
/// store, decode, log or encode them. Comparison ignores case and underscores (`md5_cred` = `Md5Cred`).
public enum AMISecretFields {
    public static let keys: Set<String> = ["password", "secret", "passworddigest", "oauthsecret", "refreshtoken", "md5cred"]

    public static func isSecret(_ key: String) -> Bool {
        keys.contains(String(key.lowercased().filter { $0 != "_" }))
    }

    /// Events that describe an auth object: never decoded into anything, even with their secrets gone.
    public static func isAuthEvent(_ message: AMIMessage) -> Bool {
        guard let event = message.event?.lowercased() else { return false }
        return event == "authdetail" || event == "authlist"
    }
}
