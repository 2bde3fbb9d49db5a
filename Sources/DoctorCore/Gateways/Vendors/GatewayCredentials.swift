/// The login for a gateway's web interface. The password never leaves DoctorCore as text: it goes into a request
/// only through `GatewayHTTPRequest.encodedBody()`, `BasicAuthorization` or `DigestAuthorization`, and every way
/// Swift prints or mirrors a value shows `<redacted>`, so no log, result or golden file can carry it.
public struct GatewayCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable {
    /// Nil means the profile's default user (Grandstream and Cisco ship `admin`).
    public var username: String?
    let password: String

    public init(username: String?, password: String) {
        self.username = username
        self.password = password
    }

    public var description: String { "\(username ?? "<default user>"):\(SecretValue.redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["username": username as Any]) }

    /// True when `text` contains the password, so callers can scrub text a gateway sent back.
    func appears(in text: String) -> Bool { !password.isEmpty && text.contains(password) }
}

/// Why a credentials file could not be read. Messages name lines, never their contents.
public struct GatewayCredentialsFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension GatewayCredentials {
    /// A credentials file: `username = admin` and `password = ...` lines, `#` or `;` comments, blank lines.
    /// Everything after the first `=` is the value (trimmed), so a password may contain `=`, `#` or spaces inside.
    public static func parse(file text: String) -> Result<GatewayCredentials, GatewayCredentialsFileError> {
        var username: String?
        var password: String?
        // A file saved by a Windows editor starts with a byte-order mark.
        let body = text.hasPrefix("\u{FEFF}") ? Substring(text.dropFirst()) : Substring(text)
        let lines = body.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                return .failure(.init(message: "line \(index + 1): expected `username = ...` or `password = ...`"))
            }
            let key = line[..<equals].trimmingWhitespace().lowercased()
            let value = String(line[line.index(after: equals)...].trimmingWhitespace())
            switch key {
            case "username", "user": username = value.isEmpty ? nil : value
            case "password", "pass": password = value
            default:
                return .failure(.init(message: "line \(index + 1): unknown key (expected username or password)"))
            }
        }
        guard let password else { return .failure(.init(message: "no `password = ...` line")) }
        return .success(GatewayCredentials(username: username, password: password))
    }
}
