/// An AMI action to send: `Action: <name>`, our `ActionID`, then the fields. Values are text or a secret; a secret
/// is written only into the bytes sent, never into `description`.
public struct AMIAction: Sendable, Hashable, CustomStringConvertible {
    public enum Value: Sendable, Hashable {
        case text(String)
        case secret(SecretValue)
    }

    public struct Field: Sendable, Hashable {
        public var key: String
        public var value: Value
    }

    public var name: String
    public private(set) var fields: [Field]

    public init(_ name: String, _ fields: KeyValuePairs<String, String> = [:]) {
        self.name = name
        self.fields = fields.map { Field(key: $0.key, value: .text($0.value)) }
    }

    public mutating func add(_ key: String, _ value: Value) {
        fields.append(Field(key: key, value: value))
    }

    /// `Events: off` keeps a one-shot read quiet: no unsolicited events mix in with the answers.
    public static func login(_ credentials: AMICredentials, events: Bool) -> AMIAction {
        var action = AMIAction("Login", ["Username": credentials.username])
        action.add("Secret", .secret(credentials.secret))
        action.add("Events", .text(events ? "on" : "off"))
        return action
    }

    public static let logoff = AMIAction("Logoff")

    /// The bytes to write. Refuses a CR or LF anywhere (name, key or value): a line break would let a value inject
    /// further AMI lines or a whole second action. The refusal names the field, never its value.
    public func encoded(actionID: String) throws(AMIFailure) -> [UInt8] {
        try Self.check(name, what: "the action name")
        try Self.check(actionID, what: "the ActionID")
        var lines = ["Action: \(name)", "ActionID: \(actionID)"]
        for field in fields {
            try Self.checkKey(field.key, action: name)
            switch field.value {
            case .text(let text):
                try Self.check(text, what: "the value of `\(field.key)`", action: name)
                lines.append("\(field.key): \(text)")
            case .secret(let secret):
                try Self.check(secret.revealedForWire, what: "the value of `\(field.key)`", action: name)
                lines.append("\(field.key): \(secret.revealedForWire)")
            }
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    /// The action as it would be sent, with secrets shown as `<redacted>`.
    public var description: String {
        (["Action: \(name)"] + fields.map { field in
            switch field.value {
            case .text(let text): "\(field.key): \(text)"
            case .secret: "\(field.key): \(SecretValue.redacted)"
            }
        }).joined(separator: "\r\n") + "\r\n\r\n"
    }

    private static func check(_ text: String, what: String, action: String? = nil) throws(AMIFailure) {
        if text.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) {
            throw AMIFailure(kind: .protocolError, action: action,
                             message: "refused to send: \(what) contains a line break, which would inject AMI lines")
        }
    }

    private static func checkKey(_ key: String, action: String) throws(AMIFailure) {
        guard !key.isEmpty, key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else {
            throw AMIFailure(kind: .protocolError, action: action,
                             message: "refused to send: a field name is empty or holds a space, colon or control byte")
        }
        if AMIMessage.sameKey(key, "Action") || AMIMessage.sameKey(key, "ActionID") {
            throw AMIFailure(kind: .protocolError, action: action,
                             message: "refused to send: `\(key)` is set by the client, not by a field")
        }
    }
}

/// Unique ActionIDs for one client: a random per-client prefix (two clients on one AMI user never collide) and a
/// counter (a late reply to an abandoned action never matches a newer one).
public struct AMIActionIDs: Sendable {
    public let prefix: String
    private var counter = 0

    public init(prefix: String? = nil) {
        var generator = SystemRandomNumberGenerator()
        self.prefix = prefix ?? "dahdi-doctor-" + String(generator.next() as UInt32, radix: 16)
    }

    public mutating func next() -> String {
        counter += 1
        return "\(prefix)-\(counter)"
    }
}
