/// pjsip.conf (with its includes) as res_pjsip's configuration wizard sees it: the objects, not the templates.
public struct PjsipConfig: Sendable, Hashable, Codable {
    public var objects: [PjsipObject] = []
    /// Sections written `[name](!)`: only there to be inherited from.
    public var templates: [PjsipSection] = []
    /// Types Asterisk would refuse to load at all (a duplicate object, or a second `global`/`system`).
    public var refusedTypes: [String] = []
    public var files: [String] = []
    /// False when Asterisk would refuse the file as a whole.
    public var loadsInAsterisk = true
    public var issues: [ParseIssue] = []

    public init() {}

    public func object(_ name: String, type: String) -> PjsipObject? {
        objects.first { $0.name == name && $0.type == type }
    }

    public func objects(ofType type: String) -> [PjsipObject] { objects.filter { $0.type == type } }
}

public struct PjsipSection: Sendable, Hashable, Codable {
    public var name: String
    public var file: String
    public var line: Int
}

public struct PjsipObject: Sendable, Hashable, Codable {
    public var name: String
    /// The first `type=` of the section, templates first: that is the one Asterisk's sorcery matches on.
    public var type: String?
    public var file: String
    public var line: Int
    /// The sections named in `[name](a,b)`, in order.
    public var templates: [String]
    /// Inherited properties first, then the section's own, in the order Asterisk applies them: for a setting
    /// with one value the last one wins; list settings such as `contact` or `match` keep every line.
    public var properties: [PjsipProperty]

    /// Every value of a key, in order (keys compare without regard to case).
    public func values(_ key: String) -> [PjsipValue] {
        let wanted = key.lowercased()
        return properties.filter { $0.key.lowercased() == wanted }.map(\.value)
    }

    /// The value in effect for a single-valued key: the last one.
    public func value(_ key: String) -> PjsipValue? { values(key).last }
}

public struct PjsipProperty: Sendable, Hashable, Codable {
    public var key: String
    public var value: PjsipValue
    public var file: String
    public var line: Int
    /// The section the line was written in, when it came through a template.
    public var inheritedFrom: String?
}

/// A property value; credentials are held as `SecretValue` and encode as `<redacted>`.
public enum PjsipValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case text(String)
    case secret(SecretValue)

    /// The text of a non-secret value.
    public var text: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    public var isSecret: Bool {
        if case .secret = self { return true }
        return false
    }

    public var description: String { text ?? SecretValue.redacted }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Decodes as text: a secret was written as `<redacted>` and stays that text.
    public init(from decoder: any Decoder) throws {
        self = .text(try decoder.singleValueContainer().decode(String.self))
    }
}
