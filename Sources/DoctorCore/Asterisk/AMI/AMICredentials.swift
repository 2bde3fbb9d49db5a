/// The AMI user and its secret (manager.conf `[user]` / `secret =`). The secret is a `SecretValue`: it prints,
/// dumps and encodes as `<redacted>`, and only `AMIAction.login` writes it, into the bytes sent.
public struct AMICredentials: Sendable, Hashable, CustomStringConvertible {
    public var username: String
    public var secret: SecretValue
    /// Where they came from ("/etc/dahdi-doctor/ami.conf", "environment"), for messages.
    public var source: String

    public init(username: String, secret: String, source: String) {
        self.username = username; self.secret = SecretValue(secret); self.source = source
    }

    public var description: String { "\(username) (secret \(SecretValue.redacted), from \(source))" }

    /// The environment variables `fromEnvironment` reads.
    public static let userVariable = "DAHDI_DOCTOR_AMI_USER"
    public static let secretVariable = "DAHDI_DOCTOR_AMI_SECRET"

    /// Credentials from the two environment variables' values (nil when unset). Both are needed.
    public static func fromEnvironment(user: String?, secret: String?) throws(AMICredentialError) -> AMICredentials {
        switch (user, secret) {
        case (let user?, let secret?) where !user.isEmpty && !secret.isEmpty:
            return try validated(AMICredentials(username: user, secret: secret, source: "environment"))
        case (nil, nil):
            throw AMICredentialError(source: "environment",
                                     message: "neither \(userVariable) nor \(secretVariable) is set")
        default:
            throw AMICredentialError(source: "environment",
                                     message: "\(userVariable) and \(secretVariable) must both be set and not empty")
        }
    }

    /// Parses a credential file:
    /// ```
    /// # AMI user for dahdi-doctor (manager.conf [doctor], read = system,reporting)
    /// username = doctor
    /// secret = s3cret;with#anything
    /// ```
    /// Only whole lines starting with `#` or `;` are comments, so a secret may hold those characters. Spaces around
    /// `=` and at the ends are trimmed. Errors give line numbers and never quote a line: it may hold the secret.
    public static func parse(_ text: String, file: String) throws(AMICredentialError) -> AMICredentials {
        var username: String?
        var secret: String?
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw AMICredentialError(source: file,
                                         message: "line \(index + 1) is not `username = ...` or `secret = ...`")
            }
            let key = line[..<equals].trimmingWhitespace().lowercased()
            let value = String(line[line.index(after: equals)...].trimmingWhitespace())
            switch key {
            case "username":
                guard username == nil else { throw AMICredentialError(source: file, message: "line \(index + 1): username given twice") }
                username = value
            case "secret":
                guard secret == nil else { throw AMICredentialError(source: file, message: "line \(index + 1): secret given twice") }
                secret = value
            default:
                throw AMICredentialError(source: file,
                                         message: "line \(index + 1) is not `username = ...` or `secret = ...`")
            }
        }
        guard let username, !username.isEmpty else {
            throw AMICredentialError(source: file, message: "no `username = ...` line")
        }
        guard let secret, !secret.isEmpty else {
            throw AMICredentialError(source: file, message: "no `secret = ...` line")
        }
        return try validated(AMICredentials(username: username, secret: secret, source: file))
    }

    private static func validated(_ credentials: AMICredentials) throws(AMICredentialError) -> AMICredentials {
        let lineBreak: (UInt8) -> Bool = { $0 == 0x0D || $0 == 0x0A }
        if credentials.username.utf8.contains(where: lineBreak) || credentials.secret.revealedForWire.utf8.contains(where: lineBreak) {
            throw AMICredentialError(source: credentials.source, message: "the username or secret contains a line break")
        }
        return credentials
    }
}

/// Why credentials could not be had. The message never holds the secret or any line of the file.
public struct AMICredentialError: Error, Sendable, Hashable, CustomStringConvertible {
    public var source: String
    public var message: String

    public init(source: String, message: String) {
        self.source = source; self.message = message
    }

    public var description: String { "AMI credentials (\(source)): \(message)" }
}
