import DoctorCore
import DoctorSystem

/// What one request came to, after redirects and any authentication retry.
public struct HTTPExchange: Sendable, Hashable {
    public var response: HTTPResponse
    /// The target finally answered, recorded with credentials redacted.
    public var path: String
    /// Every redirect followed, as recorded targets (redacted).
    public var redirects: [String]

    /// The answer as an adapter reads it (bytes that are not UTF-8 become U+FFFD; status values are ASCII).
    public var page: GatewayPage {
        GatewayPage(path: path, statusCode: response.statusCode, contentType: response.head.value("content-type"),
                    bytes: Array(response.body))
    }
}

/// A small HTTP/1.1 client for gateway web interfaces: one connection per request (`Connection: close`), a
/// deadline on each request, capped bodies, bounded redirects, a cookie session, and Basic or Digest answered
/// when a 401 asks. HTTP, or HTTPS when `tls` is set (the shared TLSEngine: CA verification, a pin, or insecure);
/// a redirect to another scheme is an error that says so.
/// The client keeps no secret: credentials are passed to each `send` and turned into headers there.
public struct HTTPClient: Sendable {
    public var host: String
    public var port: Int
    /// Each request (each redirect hop) must complete within this.
    public var timeoutSeconds: Double
    public var bodyLimit: Int
    public var maxRedirects: Int
    /// HTTPS with this trust; nil for plain HTTP.
    var tls: TLSPolicy?

    private var cookies = CookieJar()
    private var scheme: AuthenticationScheme?

    /// What the gateway asked for once; later requests answer it straight away (Digest counts its nonce uses).
    private enum AuthenticationScheme: Sendable, Hashable {
        case basic
        case digest(DigestAuthorization, uses: Int)
    }

    public init(host: String, port: Int = 80, timeoutSeconds: Double = 5, bodyLimit: Int = GatewayPage.sizeLimit,
                maxRedirects: Int = 5) {
        self.host = host; self.port = port; self.timeoutSeconds = timeoutSeconds; self.bodyLimit = bodyLimit
        self.maxRedirects = maxRedirects
    }

    init(host: String, port: Int, timeoutSeconds: Double, bodyLimit: Int, tls: TLSPolicy?) {
        self.init(host: host, port: port, timeoutSeconds: timeoutSeconds, bodyLimit: bodyLimit)
        self.tls = tls
    }

    /// The cookie header this session would send (for tests and traces; a session cookie is not a password).
    public var cookieHeader: String? { cookies.header }

    public mutating func send(_ request: GatewayHTTPRequest, credentials: GatewayCredentials? = nil,
                              defaultUser: String = "admin") throws(HTTPClientError) -> HTTPExchange {
        var method = request.method.rawValue
        var target = request.wireTarget
        var body = request.method == .post ? request.encodedBody() : []
        var contentType = request.contentType
        var redirects: [String] = []
        var answeredChallenge = false
        while true {
            let authorization = credentials.flatMap { credentials in
                request.answersAuthenticationChallenge
                    ? authorizationHeader(credentials, defaultUser: defaultUser, method: method, target: target) : nil
            }
            let response = try roundTrip(method: method, target: target, body: body, contentType: contentType,
                                         authorization: authorization)
            for header in response.head.values("set-cookie") { cookies.store(header) }

            if response.statusCode == 401, request.answersAuthenticationChallenge, credentials != nil, !answeredChallenge {
                scheme = try Self.scheme(answering: response.head.values("www-authenticate"))
                answeredChallenge = true
                if scheme != nil { continue }
            }
            if [301, 302, 303, 307, 308].contains(response.statusCode), let location = response.head.value("location") {
                guard redirects.count < maxRedirects else { throw .tooManyRedirects(limit: maxRedirects) }
                guard let next = Self.redirectTarget(location: location, from: target, secure: tls != nil) else {
                    throw .redirectedElsewhere(location: GatewayPathRedaction.redact(location))
                }
                redirects.append(GatewayPathRedaction.redact(next))
                // 303, and 301/302 after a POST, become a GET without a body (RFC 9110 §15.4), as browsers do.
                if response.statusCode == 303 || (method == "POST" && response.statusCode <= 302) {
                    method = "GET"; body = []; contentType = nil
                }
                target = next
                continue
            }
            return HTTPExchange(response: response, path: GatewayPathRedaction.redact(target), redirects: redirects)
        }
    }

    /// Digest when offered and implementable (it never sends the password), else Basic; nil when neither is asked.
    private static func scheme(answering headers: [String]) throws(HTTPClientError) -> AuthenticationScheme? {
        let challenges = headers.flatMap(HTTPAuthChallenge.parse)
        var refusal: String?
        for challenge in challenges where challenge.scheme == "digest" {
            do throws(DigestAuthorization.Unsupported) {
                return .digest(try DigestAuthorization(challenge: challenge), uses: 0)
            } catch {
                refusal = error.description
            }
        }
        if challenges.contains(where: { $0.scheme == "basic" }) { return .basic }
        if let refusal { throw .authenticationUnsupported(refusal) }
        return nil
    }

    private mutating func authorizationHeader(_ credentials: GatewayCredentials, defaultUser: String, method: String,
                                              target: String) -> String? {
        switch scheme {
        case nil: return nil
        case .basic: return BasicAuthorization.header(credentials: credentials, defaultUser: defaultUser)
        case .digest(let digest, let uses):
            scheme = .digest(digest, uses: uses + 1)
            return digest.header(credentials: credentials, defaultUser: defaultUser, method: method, uri: target,
                                 cnonce: system_randomHex(byteCount: 16), nonceCount: uses + 1)
        }
    }

    /// One request on a fresh connection, bounded by one deadline.
    private func roundTrip(method: String, target: String, body: [UInt8], contentType: String?,
                           authorization: String?) throws(HTTPClientError) -> HTTPResponse {
        guard target.hasPrefix("/"), !target.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true })
        else { throw .invalidRequest("the target must be a path without spaces or control characters") }
        let deadline = Deadline(secondsFromNow: timeoutSeconds)
        let stream = try TCPStream.connect(host: host, port: port, deadline: deadline)
        var channel: HTTPChannel
        do throws(HTTPClientError) {
            channel = try HTTPChannel(stream: stream, tls: tls, host: host, deadline: deadline)
        } catch {
            stream.close()
            throw error
        }
        defer { channel.close() }
        try channel.send(encode(method: method, target: target, body: body, contentType: contentType,
                                authorization: authorization), deadline: deadline)
        var parser = HTTPResponseParser(bodyLimit: bodyLimit)
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var received = 0
        while true {
            let count = try channel.receive(into: &buffer, deadline: deadline, receivedSoFar: received)
            received += count
            do throws(HTTPParseError) {
                if count == 0 { return try parser.finish() }
                if let response = try parser.feed(buffer[0..<count]) { return response }
            } catch {
                throw Self.clientError(error)
            }
        }
    }

    private static func clientError(_ error: HTTPParseError) -> HTTPClientError {
        switch error {
        case .malformed(let what): return .malformedResponse(what)
        case .headTooLarge(let limit): return .malformedResponse("a head larger than \(limit) bytes")
        case .bodyTooLarge(let limit): return .bodyTooLarge(limit: limit)
        case .truncated(let count): return .closedEarly(received: count)
        }
    }

    private func encode(method: String, target: String, body: [UInt8], contentType: String?,
                        authorization: String?) -> [UInt8] {
        let hostName = host.contains(":") ? "[\(host)]" : host
        var lines = ["\(method) \(target) HTTP/1.1", "Host: " + (port == (tls == nil ? 80 : 443) ? hostName : "\(hostName):\(port)"),
                     "User-Agent: dahdi-doctor", "Accept: */*", "Connection: close"]
        if let cookie = cookies.header { lines.append("Cookie: \(cookie)") }
        if let authorization { lines.append("Authorization: \(authorization)") }
        if let contentType { lines.append("Content-Type: \(contentType)") }
        if method == "POST" || !body.isEmpty { lines.append("Content-Length: \(body.count)") }
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body
    }

    /// Where a `Location` leads on this gateway, or nil for another scheme. An absolute http:// URL keeps only its
    /// path: the client goes on talking to the configured gateway (one behind NAT may name its inside address),
    /// so credentials and cookies never go anywhere else.
    static func redirectTarget(location: String, from current: String, secure: Bool = false) -> String? {
        let trimmed = location.trimmed(of: " \t")
        let lower = trimmed.lowercased()
        let own = secure ? "https://" : "http://"
        if lower.hasPrefix(own) || trimmed.hasPrefix("//") {
            let afterScheme = trimmed.dropFirst(lower.hasPrefix(own) ? own.count : 2)
            guard let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
            let rest = afterScheme[slash...]
            return rest.hasPrefix("?") ? "/" + rest : String(rest)
        }
        if let colon = trimmed.firstIndex(of: ":"), trimmed[..<colon].allSatisfy({ $0.isLetter || $0 == "+" || $0 == "." || $0 == "-" }),
           !trimmed[..<colon].isEmpty {
            return nil   // https:, ftp:, javascript: ...
        }
        if trimmed.hasPrefix("/") { return trimmed }
        if trimmed.isEmpty { return current }
        let path = current.prefix { $0 != "?" && $0 != "#" }
        let directory = path.lastIndex(of: "/").map { path[...$0] } ?? "/"
        return directory + trimmed
    }
}
