/// HTTP Digest (RFC 7616, with RFC 2617's no-qop form for old firmware): MD5 and MD5-sess, qop `auth`.
/// SHA-256 and `auth-int` are refused rather than half-done; no gateway in gateways.md asks for them.
public struct DigestAuthorization: Sendable, Hashable {
    public struct Unsupported: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    public var realm: String
    public var nonce: String
    public var opaque: String?
    /// MD5 or MD5-sess (as the server spelt it), nil when the server named none (MD5).
    public var algorithm: String?
    /// True when the server offers qop=auth; false means the RFC 2069 form (no qop, no cnonce).
    public var usesQop: Bool

    /// Reads a `digest` challenge; refuses an algorithm or qop this client does not implement.
    public init(challenge: HTTPAuthChallenge) throws(Unsupported) {
        guard challenge.scheme == "digest" else { throw Unsupported(description: "not a Digest challenge") }
        guard let nonce = challenge.parameters["nonce"] else {
            throw Unsupported(description: "the Digest challenge has no nonce")
        }
        let algorithm = challenge.parameters["algorithm"]
        if let algorithm, !["md5", "md5-sess"].contains(algorithm.lowercased()) {
            throw Unsupported(description: "Digest algorithm \(algorithm) is not supported (only MD5)")
        }
        let qops = (challenge.parameters["qop"] ?? "").split(separator: ",").map { $0.trimmingWhitespace().lowercased() }
        if !qops.isEmpty, !qops.contains("auth") {
            throw Unsupported(description: "Digest qop \(qops.joined(separator: ",")) is not supported (only auth)")
        }
        self.realm = challenge.parameters["realm"] ?? ""
        self.nonce = nonce
        self.opaque = challenge.parameters["opaque"]
        self.algorithm = algorithm
        self.usesQop = qops.contains("auth")
    }

    /// The `response` value: hex MD5 over HA1, the nonce, and HA2 = MD5(method:uri).
    func response(username: String, password: String, method: String, uri: String, cnonce: String, nonceCount: Int) -> String {
        var ha1 = MD5.hex("\(username):\(realm):\(password)")
        if algorithm?.lowercased() == "md5-sess" { ha1 = MD5.hex("\(ha1):\(nonce):\(cnonce)") }
        let ha2 = MD5.hex("\(method):\(uri)")
        guard usesQop else { return MD5.hex("\(ha1):\(nonce):\(ha2)") }
        return MD5.hex("\(ha1):\(nonce):\(Self.nonceCountText(nonceCount)):\(cnonce):auth:\(ha2)")
    }

    /// The `Authorization` header value for one request. `nonceCount` starts at 1 and rises with each reuse of the
    /// nonce; `cnonce` is the client's random string (passed in so the computation stays pure and testable).
    public func header(credentials: GatewayCredentials, defaultUser: String, method: String, uri: String,
                       cnonce: String, nonceCount: Int) -> String {
        let username = credentials.username ?? defaultUser
        let digest = response(username: username, password: credentials.password, method: method, uri: uri,
                              cnonce: cnonce, nonceCount: nonceCount)
        var fields = ["username=\(Self.quoted(username))", "realm=\(Self.quoted(realm))", "nonce=\(Self.quoted(nonce))",
                      "uri=\(Self.quoted(uri))"]
        if let algorithm { fields.append("algorithm=\(algorithm)") }
        if usesQop {
            fields += ["qop=auth", "nc=\(Self.nonceCountText(nonceCount))", "cnonce=\(Self.quoted(cnonce))"]
        }
        fields.append("response=\(Self.quoted(digest))")
        if let opaque { fields.append("opaque=\(Self.quoted(opaque))") }
        return "Digest " + fields.joined(separator: ", ")
    }

    static func nonceCountText(_ count: Int) -> String {
        let hex = String(count, radix: 16)
        return String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }

    private static func quoted(_ value: String) -> String {
        "\"" + value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}
