/// The Asterisk files that decide who can reach Asterisk and what it runs: manager.conf (AMI), http.conf and
/// ari.conf (HTTP, AMI over HTTP, ARI), sip.conf (chan_sip's leftovers) and asterisk.conf (the user it runs as),
/// plus the modification time of every Asterisk file read. Secrets are classified at parse time (`SecretStrength`)
/// and dropped: nothing here can hold one.
public struct AsteriskSetupObservation: Sendable, Hashable, Codable {
    public var manager: ConfigPart<ManagerConfSummary>?
    public var http: ConfigPart<HttpConfSummary>?
    public var ari: ConfigPart<AriConfSummary>?
    public var sip: ConfigPart<SipConfSummary>?
    public var asteriskConf: ConfigPart<AsteriskConfSummary>?
    /// Every Asterisk configuration file read (includes too) with its mtime, for the drift check.
    public var fileTimes: [ConfigFileTime]
    /// The AMI user dahdi-doctor logs in as (its credentials file), whose classes are audited. A name, no secret.
    public var monitoringUser: String?
    /// The UTC offset of this machine's local time when observed: how CoreReloadDate/Time (Asterisk's local
    /// time) is read. See DriftChecks.
    public var utcOffsetSeconds: Int?

    public init(manager: ConfigPart<ManagerConfSummary>? = nil, http: ConfigPart<HttpConfSummary>? = nil,
                ari: ConfigPart<AriConfSummary>? = nil, sip: ConfigPart<SipConfSummary>? = nil,
                asteriskConf: ConfigPart<AsteriskConfSummary>? = nil, fileTimes: [ConfigFileTime] = [],
                monitoringUser: String? = nil, utcOffsetSeconds: Int? = nil) {
        self.manager = manager; self.http = http; self.ari = ari; self.sip = sip; self.asteriskConf = asteriskConf
        self.fileTimes = fileTimes; self.monitoringUser = monitoringUser; self.utcOffsetSeconds = utcOffsetSeconds
    }

    public var parseIssues: [ParseIssue] {
        (manager?.value?.issues ?? []) + (http?.value?.issues ?? []) + (ari?.value?.issues ?? [])
            + (sip?.value?.issues ?? []) + (asteriskConf?.value?.issues ?? [])
    }

    /// Every file the setup parsers read (for mtimes).
    public var files: [String] {
        (manager?.value?.files ?? []) + (http?.value?.files ?? []) + (ari?.value?.files ?? []) + (sip?.value?.files ?? [])
            + (asteriskConf?.value?.files ?? [])
    }
}

public struct ConfigFileTime: Sendable, Hashable, Codable {
    public var path: String
    /// Seconds since the Unix epoch.
    public var modified: Double
    public init(path: String, modified: Double) { self.path = path; self.modified = modified }
}

/// manager.conf (main/manager.c, __init_manager): `[general]` and one category per AMI user.
public struct ManagerConfSummary: Sendable, Hashable, Codable {
    public struct User: Sendable, Hashable, Codable {
        public var name: String
        public var file: String
        public var line: Int
        public var secret: SecretStrength
        public var read: [String]
        public var write: [String]
        /// Where `write` was set, "file:line", or nil when not set (no write class at all).
        public var writeSource: String?
        public var access: AccessList
    }

    /// `enabled`, default no.
    public var enabled = false
    /// `webenabled`, default no: AMI over http.conf's server (/manager, /rawman, /mxml).
    public var webEnabled = false
    /// `bindaddr`, default 0.0.0.0.
    public var bindAddress = "0.0.0.0"
    public var port = 5038
    public var tlsEnabled = false
    /// Where [general] is, "file:line".
    public var generalSource: String?
    public var users: [User] = []
    public var files: [String] = []
    public var issues: [ParseIssue] = []

    public init() {}
}

/// http.conf (main/http.c): the built-in HTTP server carrying ARI, AMI over HTTP and WebSockets.
public struct HttpConfSummary: Sendable, Hashable, Codable {
    /// `enabled`, default no.
    public var enabled = false
    /// `bindaddr`: without it the plain listener is not started (http.c starts it only with an address).
    public var bindAddress: String?
    public var bindPort = 8088
    /// `tlsenable`: an HTTPS listener at `tlsbindaddr` (or bindaddr).
    public var tlsEnabled = false
    public var tlsBindAddress: String?
    public var source: String?
    public var files: [String] = []
    public var issues: [ParseIssue] = []

    public init() {}

    /// The plain-HTTP listener Asterisk starts, if any.
    public var plainListener: String? {
        guard enabled, let bindAddress, !bindAddress.isEmpty else { return nil }
        return bindAddress
    }
}

/// ari.conf (res/ari/config.c): ARI users.
public struct AriConfSummary: Sendable, Hashable, Codable {
    public struct User: Sendable, Hashable, Codable {
        public var name: String
        public var file: String
        public var line: Int
        public var readOnly: Bool
        /// `plain` (the default) or `crypt`.
        public var passwordFormat: String
        /// Nil for a crypt(3) hash: the clear password cannot be judged from it.
        public var secret: SecretStrength?
        public var access: AccessList
    }

    /// `[general] enabled`, default yes.
    public var enabled = true
    public var users: [User] = []
    public var files: [String] = []
    public var issues: [ParseIssue] = []

    public init() {}
}

/// sip.conf (chan_sip): the peers it would create. Secrets are not kept at all.
public struct SipConfSummary: Sendable, Hashable, Codable {
    public struct Peer: Sendable, Hashable, Codable {
        public var name: String
        /// `peer`, `friend` or `user` (chan_sip's default is `peer`).
        public var type: String
        public var host: String?
        public var file: String
        public var line: Int
    }

    public var peers: [Peer] = []
    public var files: [String] = []
    public var issues: [ParseIssue] = []

    public init() {}
}

/// asterisk.conf `[options]`: the user and group Asterisk drops to (`runuser`, `rungroup`).
public struct AsteriskConfSummary: Sendable, Hashable, Codable {
    public var runUser: String?
    public var runGroup: String?
    public var source: String?
    public var files: [String] = []
    public var issues: [ParseIssue] = []

    public init() {}
}

/// The parsers. Each reads its file and `#include`s through the Asterisk syntax layer; credential lines are redacted
/// in issues the way pjsip.conf's are.
public enum AsteriskSetupParsers {
    static func load(_ name: String, _ source: AsteriskConfigSource) -> AsteriskConfig {
        AsteriskConfigReader.load(name, source: source, issueText: PjsipSecrets.redactedLine)
    }

    static func parse(_ text: String, _ file: String, _ source: AsteriskConfigSource) -> AsteriskConfig {
        AsteriskConfigReader.read(text, file: file, source: source, issueText: PjsipSecrets.redactedLine)
    }

    static func truth(_ value: String?) -> Bool? {
        guard let value = value?.trimmingBlanks().lowercased() else { return nil }
        if ["yes", "true", "y", "t", "1", "on"].contains(value) { return true }
        if ["no", "false", "n", "f", "0", "off"].contains(value) { return false }
        return nil
    }

    static func classes(_ value: String?) -> [String] {
        (value ?? "").split(separator: ",").map { $0.trimmingBlanks().lowercased() }.filter { !$0.isEmpty }
    }

    /// Every file a configuration reads, itself and its includes, in reading order.
    public static func files(_ name: String, source: AsteriskConfigSource) -> [String] { load(name, source).files }

    public static func manager(_ name: String = "manager.conf", source: AsteriskConfigSource) -> ManagerConfSummary {
        manager(load(name, source))
    }

    public static func manager(text: String, file: String, source: AsteriskConfigSource) -> ManagerConfSummary {
        manager(parse(text, file, source))
    }

    static func manager(_ config: AsteriskConfig) -> ManagerConfSummary {
        var summary = ManagerConfSummary()
        summary.files = config.files
        summary.issues = config.issues
        for category in config.categories where !category.isTemplate {
            if category.name.lowercased() == "general" {
                summary.generalSource = "\(category.file):\(category.line)"
                if let value = truth(category.lastValue("enabled")) { summary.enabled = value }
                if let value = truth(category.lastValue("webenabled")) { summary.webEnabled = value }
                if let value = category.lastValue("bindaddr") { summary.bindAddress = value.trimmingBlanks() }
                if let value = category.lastValue("port").flatMap({ Int($0.trimmingBlanks()) }) { summary.port = value }
                if let value = truth(category.lastValue("tlsenable")) { summary.tlsEnabled = value }
                continue
            }
            let secret = category.lastValue("secret") ?? ""
            let write = category.variables.last { $0.name.lowercased() == "write" }
            summary.users.append(ManagerConfSummary.User(
                name: category.name, file: category.file, line: category.line,
                secret: SecretStrength.classify(secret, user: category.name),
                read: classes(category.lastValue("read")), write: classes(write?.value),
                writeSource: write.map { "\($0.file):\($0.line)" }, access: AccessList.from(category.variables)))
        }
        return summary
    }

    public static func http(_ name: String = "http.conf", source: AsteriskConfigSource) -> HttpConfSummary {
        http(load(name, source))
    }

    static func http(_ config: AsteriskConfig) -> HttpConfSummary {
        var summary = HttpConfSummary()
        summary.files = config.files
        summary.issues = config.issues
        for category in config.categories where category.name.lowercased() == "general" && !category.isTemplate {
            summary.source = "\(category.file):\(category.line)"
            if let value = truth(category.lastValue("enabled")) { summary.enabled = value }
            if let value = category.lastValue("bindaddr") { summary.bindAddress = value.trimmingBlanks() }
            if let value = category.lastValue("bindport").flatMap({ Int($0.trimmingBlanks()) }) { summary.bindPort = value }
            if let value = truth(category.lastValue("tlsenable")) { summary.tlsEnabled = value }
            if let value = category.lastValue("tlsbindaddr") { summary.tlsBindAddress = value.trimmingBlanks() }
        }
        return summary
    }

    public static func ari(_ name: String = "ari.conf", source: AsteriskConfigSource) -> AriConfSummary {
        ari(load(name, source))
    }

    static func ari(_ config: AsteriskConfig) -> AriConfSummary {
        var summary = AriConfSummary()
        summary.files = config.files
        summary.issues = config.issues
        for category in config.categories where !category.isTemplate {
            if category.name.lowercased() == "general" {
                if let value = truth(category.lastValue("enabled")) { summary.enabled = value }
                continue
            }
            guard category.lastValue("type")?.trimmingBlanks().lowercased() == "user" else { continue }
            let format = category.lastValue("password_format")?.trimmingBlanks().lowercased() ?? "plain"
            let password = category.lastValue("password") ?? ""
            summary.users.append(AriConfSummary.User(
                name: category.name, file: category.file, line: category.line,
                readOnly: truth(category.lastValue("read_only")) ?? false, passwordFormat: format,
                secret: format == "crypt" ? nil : SecretStrength.classify(password, user: category.name),
                access: AccessList.from(category.variables)))
        }
        return summary
    }

    public static func sip(_ name: String = "sip.conf", source: AsteriskConfigSource) -> SipConfSummary {
        sip(load(name, source))
    }

    /// chan_sip builds a peer from every category except `[general]` and `[authentication]`, whatever its type;
    /// templates are skipped.
    static func sip(_ config: AsteriskConfig) -> SipConfSummary {
        var summary = SipConfSummary()
        summary.files = config.files
        summary.issues = config.issues
        for category in config.categories where !category.isTemplate {
            let lowered = category.name.lowercased()
            guard lowered != "general" && lowered != "authentication" else { continue }
            let type = category.lastValue("type")?.trimmingBlanks().lowercased() ?? "peer"
            summary.peers.append(SipConfSummary.Peer(name: category.name, type: type,
                                                     host: category.lastValue("host")?.trimmingBlanks(),
                                                     file: category.file, line: category.line))
        }
        return summary
    }

    public static func asteriskConf(_ name: String = "asterisk.conf", source: AsteriskConfigSource) -> AsteriskConfSummary {
        asteriskConf(load(name, source))
    }

    static func asteriskConf(_ config: AsteriskConfig) -> AsteriskConfSummary {
        var summary = AsteriskConfSummary()
        summary.files = config.files
        summary.issues = config.issues
        for category in config.categories where category.name.lowercased() == "options" {
            summary.source = "\(category.file):\(category.line)"
            if let user = category.lastValue("runuser") { summary.runUser = user.trimmingBlanks() }
            if let group = category.lastValue("rungroup") { summary.runGroup = group.trimmingBlanks() }
        }
        return summary
    }
}
