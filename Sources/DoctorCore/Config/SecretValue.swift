/// A credential read from a configuration file (a pjsip `password`, `md5_cred`...). It can be checked, never shown:
/// every way Swift prints a value (`description`, `debugDescription`, `dump`, mirrors, string interpolation) gives
/// `<redacted>`, and so does encoding, so no report, log or golden file can carry it.
public struct SecretValue: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable {
    private let secret: String

    init(_ secret: String) { self.secret = secret }

    public static let redacted = "<redacted>"

    public var isEmpty: Bool { secret.isEmpty }
    /// Length in characters, e.g. to warn about a short password.
    public var count: Int { secret.count }

    /// The clear text, for the one place that must send it (the AMI `Login` action's bytes). Internal to the core.
    var revealedForWire: String { secret }

    public func equals(_ other: String) -> Bool { secret == other }
    public func equals(_ other: SecretValue) -> Bool { secret == other.secret }

    public var description: String { Self.redacted }
    public var debugDescription: String { Self.redacted }
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Self.redacted)
    }

    /// Encoded secrets are only `<redacted>`: there is nothing to decode.
    public init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                debugDescription: "a redacted secret cannot be decoded"))
    }
}
