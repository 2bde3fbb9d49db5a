/// An Asterisk `permit`/`deny` list (main/acl.c, ast_append_ha and ast_apply_ha), as manager.conf users and
/// ari.conf users carry it: rules apply in order, the last one that matches an address decides, and an address no
/// rule matches is allowed. Comma lists and a leading `!` (negation) are accepted as Asterisk accepts them.
public struct AccessList: Sendable, Hashable, Codable {
    public struct Rule: Sendable, Hashable, Codable {
        public var permit: Bool
        /// As written, e.g. `127.0.0.1/255.255.255.255` or `10.0.0.0/8`.
        public var network: String
        public var file: String
        public var line: Int
    }

    public var rules: [Rule] = []
    /// Named ACLs from acl.conf (`acl = name`): not followed, so such a list is not judged.
    public var namedAcls: [String] = []

    public init(rules: [Rule] = [], namedAcls: [String] = []) { self.rules = rules; self.namedAcls = namedAcls }

    /// Internet addresses standing in for "anyone": TEST-NET-3 and a public resolver.
    public static let outsiders = ["203.0.113.7", "8.8.8.8"]

    /// Whether Asterisk would let `address` (dotted IPv4) in; nil when a rule cannot be read or a named ACL is used.
    public func admits(_ address: String) -> Bool? {
        guard namedAcls.isEmpty, let ip = Self.ipv4(address) else { return nil }
        var allowed = true
        for rule in rules {
            var text = Substring(rule.network.trimmingBlanks())
            // `!net` matches every address outside net (acl.c: ha->negated).
            let negated = text.hasPrefix("!")
            if negated { text = text.dropFirst() }
            if text.contains(":") {
                // IPv6 rules never match an IPv4 address, except the catch-all ::/0 which Asterisk also applies to
                // IPv4-mapped peers only; an IPv4 peer is left as it is.
                continue
            }
            guard let (network, mask) = Self.network(String(text)) else { return nil }
            if (ip & mask == network & mask) != negated { allowed = rule.permit }
        }
        return allowed
    }

    /// True when some Internet address gets in; nil when the list cannot be judged.
    public var admitsEveryone: Bool? {
        let answers = Self.outsiders.map { admits($0) }
        if answers.contains(where: { $0 == nil }) { return nil }
        return answers.contains(true)
    }

    /// "no permit/deny (everyone)", or the rules as written.
    public var summary: String {
        if rules.isEmpty && namedAcls.isEmpty { return "no permit/deny (everyone)" }
        return (rules.map { "\($0.permit ? "permit" : "deny")=\($0.network)" } + namedAcls.map { "acl=\($0)" })
            .joined(separator: " ")
    }

    static func ipv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    /// `a.b.c.d`, `a.b.c.d/nn` or `a.b.c.d/m.m.m.m`; a bare address is a /32 (acl.c).
    static func network(_ text: String) -> (UInt32, UInt32)? {
        let pieces = text.split(separator: "/", maxSplits: 1).map { String($0).trimmingBlanks() }
        guard let address = ipv4(pieces[0]) else { return nil }
        guard pieces.count == 2 else { return (address, UInt32.max) }
        if let bits = Int(pieces[1]), (0...32).contains(bits) {
            return (address, bits == 0 ? 0 : UInt32.max << UInt32(32 - bits))
        }
        guard let mask = ipv4(pieces[1]) else { return nil }
        return (address, mask)
    }

    /// Builds the rules from `permit`/`deny`/`acl` variables in order.
    static func from(_ variables: [AsteriskVariable]) -> AccessList {
        var list = AccessList()
        for variable in variables {
            switch variable.name.lowercased() {
            case "permit", "deny":
                for item in variable.value.split(separator: ",") where !item.trimmingBlanks().isEmpty {
                    list.rules.append(Rule(permit: variable.name.lowercased() == "permit", network: item.trimmingBlanks(),
                                           file: variable.file, line: variable.line))
                }
            case "acl":
                list.namedAcls.append(variable.value.trimmingBlanks())
            default: break
            }
        }
        return list
    }
}

/// Where a listener is bound, as Asterisk reads `bindaddr` (with or without a port).
public enum BindScope: String, Sendable, Hashable, Codable {
    case loopback
    /// 0.0.0.0 or :: (every interface).
    case everyInterface = "every_interface"
    /// A specific non-loopback address.
    case address

    public static func of(_ bindAddress: String) -> BindScope {
        var host = bindAddress.trimmingBlanks()
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            host = String(host[..<colon])
        }
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "::1" || lowered.hasPrefix("127.") { return .loopback }
        if lowered == "0.0.0.0" || lowered == "::" || lowered.isEmpty { return .everyInterface }
        return .address
    }

    public var reachableBeyondLoopback: Bool { self != .loopback }
}
