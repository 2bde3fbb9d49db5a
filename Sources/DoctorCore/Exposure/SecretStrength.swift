/// How a credential read from an Asterisk file measures up. The parsers classify a secret the moment they read it
/// and keep only this class: the secret itself never reaches the Observation, a report or a log.
public enum SecretStrength: String, Sendable, Hashable, Codable {
    case empty
    /// One of `WellKnownSecrets.list`: a sample or vendor default that attackers try first.
    case wellKnownSample = "well_known_sample"
    /// The same as the user name (`[admin]` with `secret = admin`).
    case equalsUser = "equals_user"
    /// Fewer than `SecretStrength.minimumLength` characters.
    case short
    case ok

    /// Network-facing machine credentials are never typed by hand: 16 random characters cost nothing.
    public static let minimumLength = 12

    /// Classifies without keeping the secret. Order matters: a well-known sample is reported as such even when short.
    public static func classify(_ secret: String, user: String) -> SecretStrength {
        let trimmed = secret.trimmingBlanks()
        if trimmed.isEmpty { return .empty }
        if WellKnownSecrets.contains(trimmed) { return .wellKnownSample }
        if trimmed.lowercased() == user.lowercased() { return .equalsUser }
        if trimmed.count < minimumLength { return .short }
        return .ok
    }

    /// The words a report may print: never the secret, only what is wrong with it.
    public var phrase: String {
        switch self {
        case .empty: return "an empty secret"
        case .wellKnownSample: return "a well-known sample secret"
        case .equalsUser: return "a secret equal to the user name"
        case .short: return "a short secret (fewer than \(Self.minimumLength) characters)"
        case .ok: return "a secret of reasonable length"
        }
    }
}

/// Secrets that ship in samples, installers and guides, so they are the first ones tried against a box. Kept as data:
/// extend the list, never print it into a report (a finding says only "a well-known sample secret").
///
/// Sources (read 2026-11): FreePBX's amportal.conf sample and installer defaults (`AMPMGRPASS=amp111`,
/// `AMPDBPASS=amp109`, `FOPPASSWORD=passw0rd`); Elastix's and Issabel's amportal.conf defaults; Asterisk's
/// configs/samples/manager.conf.sample (`[mark]` / `mysecret`); the Asterisk ARI getting-started guides
/// (`[asterisk]` / `asterisk`); and the passwords the common AMI/ARI tutorials and Docker images copy.
public enum WellKnownSecrets {
    public static let list: [String] = [
        // FreePBX / AsteriskNOW / trixbox defaults (amportal.conf)
        "amp111", "amp109", "passw0rd", "fpbx", "freepbx",
        // Elastix / Issabel amportal.conf defaults
        "elastix456", "issabel456", "eLaStIx.2oo7", "palosanto",
        // Asterisk's own samples and wiki pages
        "mysecret", "mysecretpassword", "secret", "password", "asterisk", "peekaboo", "changeme", "welcome",
        // Tutorials, Docker images and Compose files
        "admin", "admin123", "1234", "12345", "123456", "manager", "amipass", "ami", "ari", "aripass",
        "ari_password", "test", "default",
    ]

    private static let lowered = Set(list.map { $0.lowercased() })

    /// Compared without regard to case: `Amp111` is no better than `amp111`.
    public static func contains(_ secret: String) -> Bool { lowered.contains(secret.lowercased()) }
}
