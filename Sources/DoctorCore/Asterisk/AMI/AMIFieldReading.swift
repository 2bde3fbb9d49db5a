/// Field readers shared by the typed decoders. AMI writes "nothing" as an empty value (`OutboundAuths: `) and some
/// numbers as `N/A` (`RoundtripUsec` while unreachable): both read as nil.
extension AMIMessage {
    /// The value, or nil when absent or empty.
    func text(_ key: String) -> String? {
        guard let value = self[key]?.trimmingWhitespace(), !value.isEmpty else { return nil }
        return String(value)
    }

    func int(_ key: String) -> Int? { text(key).flatMap { Int($0) } }

    func double(_ key: String) -> Double? { text(key).flatMap { Double($0) } }

    /// A comma-separated list (`Aor: a,b`, `Contacts: aor/uri,` with its trailing comma), empty items dropped.
    func list(_ key: String) -> [String] {
        (self[key] ?? "").split(separator: ",").map { String($0.trimmingWhitespace()) }.filter { !$0.isEmpty }
    }

    /// `Enabled`/`Disabled`, `yes`/`no`, `true`/`false`.
    func bool(_ key: String) -> Bool? {
        switch text(key)?.lowercased() {
        case "enabled", "yes", "true", "1": true
        case "disabled", "no", "false", "0": false
        default: nil
        }
    }

    func isEvent(_ name: String) -> Bool { event.map { AMIMessage.sameKey($0, name) } ?? false }

    /// A field every event of this type carries; its absence means the peer is not the Asterisk we know.
    func required(_ key: String, in event: String, action: String) throws(AMIFailure) -> String {
        guard let value = text(key) else {
            throw AMIFailure(kind: .protocolError, action: action, message: "\(event) event without `\(key)`")
        }
        return value
    }

    func requiredInt(_ key: String, in event: String, action: String) throws(AMIFailure) -> Int {
        let value = try required(key, in: event, action: action)
        guard let number = Int(value) else {
            throw AMIFailure(kind: .protocolError, action: action, message: "\(event) event: `\(key)` is not a number")
        }
        return number
    }
}
