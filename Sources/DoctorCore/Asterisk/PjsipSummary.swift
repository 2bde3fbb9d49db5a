/// What the checks need from pjsip.conf, without any secret: endpoints, AORs and outbound registrations with the
/// file and line that define them. This, not the parsed file, goes into the Observation, so a saved observation
/// can hold no credential (the parser's SecretValue refuses to be decoded, by design).
public struct PjsipSummary: Sendable, Hashable, Codable {
    public struct Endpoint: Sendable, Hashable, Codable {
        public var name: String
        public var aors: [String]
        public var context: String?
        public var file: String
        public var line: Int
    }

    public struct Aor: Sendable, Hashable, Codable {
        public var name: String
        public var maxContacts: Int?
        /// Asterisk's default is 0: never qualify.
        public var qualifyFrequency: Int?
        public var staticContacts: [String]
        public var file: String
        public var line: Int
    }

    public struct Registration: Sendable, Hashable, Codable {
        public var name: String
        public var serverUri: String?
        public var endpoint: String?
        public var file: String
        public var line: Int
    }

    public var endpoints: [Endpoint]
    public var aors: [Aor]
    public var registrations: [Registration]
    /// False when Asterisk would refuse the whole file (see the parser's issues).
    public var loadsInAsterisk: Bool
    public var issues: [ParseIssue]

    public init(endpoints: [Endpoint] = [], aors: [Aor] = [], registrations: [Registration] = [], loadsInAsterisk: Bool = true,
                issues: [ParseIssue] = []) {
        self.endpoints = endpoints; self.aors = aors; self.registrations = registrations
        self.loadsInAsterisk = loadsInAsterisk; self.issues = issues
    }

    public init(_ config: PjsipConfig) {
        func text(_ object: PjsipObject, _ key: String) -> String? { object.value(key)?.text }
        func list(_ object: PjsipObject, _ key: String) -> [String] {
            object.values(key).compactMap(\.text).flatMap { $0.split(separator: ",") }.map { String($0.trimmingWhitespace()) }
                .filter { !$0.isEmpty }
        }
        endpoints = config.objects(ofType: "endpoint").map {
            Endpoint(name: $0.name, aors: list($0, "aors"), context: text($0, "context"), file: $0.file, line: $0.line)
        }
        aors = config.objects(ofType: "aor").map {
            Aor(name: $0.name, maxContacts: text($0, "max_contacts").flatMap { Int($0) },
                qualifyFrequency: text($0, "qualify_frequency").flatMap { Int($0) }, staticContacts: list($0, "contact"),
                file: $0.file, line: $0.line)
        }
        registrations = config.objects(ofType: "registration").map {
            Registration(name: $0.name, serverUri: text($0, "server_uri"), endpoint: text($0, "endpoint"), file: $0.file, line: $0.line)
        }
        loadsInAsterisk = config.loadsInAsterisk
        issues = config.issues
    }

    public func aor(_ name: String) -> Aor? { aors.first { $0.name == name } }
}
