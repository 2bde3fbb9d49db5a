/// CoreSettings' answer (manager.c, action_coresettings): which Asterisk and which AMI this is.
public struct AsteriskCoreSettings: Sendable, Hashable, Codable {
    /// `AsteriskVersion`, e.g. "22.10.1", "certified/18.9-cert4", "GIT-master-1a2b3c".
    public var asteriskVersion: String?
    /// `AMIversion`, e.g. "11.0.0".
    public var amiVersion: String?
    public var systemName: String?

    public init(asteriskVersion: String? = nil, amiVersion: String? = nil, systemName: String? = nil) {
        self.asteriskVersion = asteriskVersion; self.amiVersion = amiVersion; self.systemName = systemName
    }

    public static func decode(_ reply: AMIMessage) -> AsteriskCoreSettings {
        AsteriskCoreSettings(asteriskVersion: reply.text("AsteriskVersion"), amiVersion: reply.text("AMIversion"),
                             systemName: reply.text("SystemName"))
    }
}

/// An Asterisk release number read from its version string. Git builds ("GIT-master-...") have none.
public struct AsteriskVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int
    /// A certified release ("certified/18.9-cert4"): its own branch, which may or may not carry a backport.
    public var isCertified: Bool

    public init(major: Int, minor: Int, patch: Int = 0, isCertified: Bool = false) {
        self.major = major; self.minor = minor; self.patch = patch; self.isCertified = isCertified
    }

    /// "22.10.1", "21.3.0-rc1", "certified/18.9-cert4", "certified-20.7-cert3"; nil for anything else.
    public init?(_ text: String) {
        var rest = Substring(text.trimmingWhitespace())
        let certified = rest.lowercased().hasPrefix("certified")
        if certified { rest = rest.dropFirst("certified".count).drop { $0 == "/" || $0 == "-" } }
        let numbers = rest.prefix { $0.isNumber || $0 == "." }.split(separator: ".", omittingEmptySubsequences: false)
        guard numbers.count >= 2, numbers.count <= 3, let major = Int(numbers[0]), let minor = Int(numbers[1]) else {
            return nil
        }
        let patch = numbers.count == 3 ? Int(numbers[2]) : 0
        guard let patch else { return nil }
        self.init(major: major, minor: minor, patch: patch, isCertified: certified)
    }

    public var description: String { "\(major).\(minor).\(patch)" + (isCertified ? " (certified)" : "") }

    public static func < (a: AsteriskVersion, b: AsteriskVersion) -> Bool {
        (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    }
}

/// Whether an Asterisk has the DAHDIShowStatus action. chan_dahdi.c's manager documentation gives
/// `<since>` 21.3.0, 20.8.0 and 18.23.0 (checked against the release tags: 21.2.0, 20.7.0 and 18.22.0 lack it;
/// branch 19 never got it; every 22 has it).
public enum DahdiShowStatusSupport: Sendable, Hashable {
    case present
    case absent(reason: String)
    /// Unknown (a git build, a certified branch): ask, and read "Invalid/unknown command" as unsupported.
    case unknown

    public static let firstReleases = [AsteriskVersion(major: 21, minor: 3), AsteriskVersion(major: 20, minor: 8),
                                       AsteriskVersion(major: 18, minor: 23)]

    public static func of(asteriskVersion text: String?) -> DahdiShowStatusSupport {
        guard let text, let version = AsteriskVersion(text) else { return .unknown }
        let present: Bool
        switch version.major {
        case 22...: present = true
        case 21: present = version.minor >= 3
        case 20: present = version.minor >= 8
        case 18: present = version.minor >= 23
        default: present = false
        }
        if present { return .present }
        // A certified branch is cut from an older release and may carry the backport: ask rather than guess.
        if version.isCertified { return .unknown }
        return .absent(reason: "Asterisk \(text) has no DAHDIShowStatus (needs 21.3.0, 20.8.0 or 18.23.0)")
    }
}
