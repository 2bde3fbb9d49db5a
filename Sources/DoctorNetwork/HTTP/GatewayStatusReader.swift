import DoctorCore
import DoctorSystem

/// Runs a vendor adapter's plan against one gateway over HTTP or HTTPS: log in (form, Basic/Digest, credentials in
/// the URL, or nothing), read the status page(s), parse. Every way it can go wrong is a `GatewayStatusFailure`:
/// network errors and timeouts, refused logins and the login page coming back, other HTTP codes, pages that do not
/// parse. No credential appears in any result: paths are recorded redacted and messages never quote a page.
public struct GatewayStatusReader: Sendable {
    /// Where the web login comes from.
    public enum Credentials: Sendable {
        case none
        case value(GatewayCredentials)
        /// A file of `username = ...` and `password = ...` lines, read when the status is read.
        case file(path: String)
    }

    public var host: String
    public var port: Int
    /// The deadline of each HTTP request (a login takes two or three).
    public var timeoutSeconds: Double
    public var bodyLimit: Int
    /// HTTPS with this trust; nil for plain HTTP.
    public var tls: GatewayWebTLS?
    /// How long a lock-out stops logins when the gateway does not say (the next status interval).
    public var lockoutHoldSeconds: Double

    public init(host: String, port: Int = 80, timeoutSeconds: Double = 5, bodyLimit: Int = GatewayPage.sizeLimit,
                tls: GatewayWebTLS? = nil, lockoutHoldSeconds: Double = GatewaySettings.defaultStatusInterval) {
        self.host = host; self.port = port; self.timeoutSeconds = timeoutSeconds; self.bodyLimit = bodyLimit
        self.tls = tls; self.lockoutHoldSeconds = lockoutHoldSeconds
    }

    var tlsPolicy: TLSPolicy? {
        guard let tls else { return nil }
        if tls.insecure { return TLSPolicy(trust: .insecure) }
        if let pin = tls.fingerprintSHA256 { return TLSPolicy(trust: .pin(sha256: pin)) }
        return TLSPolicy(trust: .verify(caFile: tls.caFile, caDirectory: nil))
    }

    /// Reads the status with the adapter of a profile name from the gateway list.
    public func read(profile: String, credentials: Credentials) -> GatewayStatusResult {
        var session = GatewayWebSession()
        return read(profile: profile, credentials: credentials, session: &session)
    }

    /// Reads with a session kept from earlier reads: its cookies, token and HTTP authentication scheme are reused
    /// (no new login while the gateway accepts them), and a lock-out it recorded stops every login until it ends.
    public func read(profile: String, credentials: Credentials, session: inout GatewayWebSession) -> GatewayStatusResult {
        guard let adapter = GatewayStatusAdapters.adapter(forProfile: profile) else {
            return .failed(GatewayStatusFailure(
                kind: .unsupported,
                message: "unknown profile \(profile) (known: \(GatewayStatusAdapters.profileNames.joined(separator: ", ")))"))
        }
        switch Self.load(credentials) {
        case .success(let loaded): return read(adapter: adapter, credentials: loaded, session: &session)
        case .failure(let failure): return .failed(failure)
        }
    }

    public func read(adapter: any GatewayStatusAdapter, credentials: GatewayCredentials?) -> GatewayStatusResult {
        var session = GatewayWebSession()
        return read(adapter: adapter, credentials: credentials, session: &session)
    }

    public func read(adapter: any GatewayStatusAdapter, credentials: GatewayCredentials?,
                     session state: inout GatewayWebSession) -> GatewayStatusResult {
        guard adapter.statusRequest(credentials: credentials, sessionToken: nil, after: []) != nil else {
            return .failed(GatewayStatusFailure(
                kind: .unsupported,
                message: "profile \(adapter.profile) has no status page; the gateway is checked with SIP OPTIONS only"))
        }
        if adapter.needsCredentials && credentials == nil {
            return .failed(GatewayStatusFailure(kind: .authentication,
                                                message: "profile \(adapter.profile) logs in with a form: no credentials given"))
        }
        let now = system_monotonicSeconds()
        if let until = state.lockedUntil, let failure = state.lockout {
            if now < until {
                // Still locked: not one request, since every attempt would extend the lock.
                var held = failure
                held.retryAfterSeconds = Int((until - now).rounded(.up))
                held.message = "the gateway locked its web login after too many failed attempts (no login tried until "
                    + "the lock ends, in \(held.retryAfterSeconds ?? 0) s)"
                return .failed(held)
            }
            state.lockedUntil = nil; state.lockout = nil
        }
        var client = state.client ?? HTTPClient(host: host, port: port, timeoutSeconds: timeoutSeconds, bodyLimit: bodyLimit)
        client.tls = tlsPolicy
        var session = Session(adapter: adapter, credentials: credentials, client: client, token: state.token,
                              loggedIn: state.loggedIn)
        let result: GatewayStatusResult
        do throws(GatewayStatusFailure) {
            result = try session.run()
        } catch {
            result = .failed(error)
        }
        // Keep the session only while it works; a failure starts the next read afresh.
        if result.value != nil {
            state.client = session.client; state.token = session.token; state.loggedIn = session.loggedIn
            state.logins += session.logins
        } else {
            state.client = nil; state.token = nil; state.loggedIn = false
            state.logins += session.logins
        }
        guard case .failed(var failure) = result else { return result }
        if failure.kind == .locked {
            state.lockout = failure
            state.lockedUntil = now + max(Double(failure.retryAfterSeconds ?? 0), lockoutHoldSeconds)
        }
        failure = GatewayProfileGuess.annotate(failure, page: session.lastPage, configured: adapter.profile)
        return .failed(failure)
    }

    static func load(_ credentials: Credentials) -> Result<GatewayCredentials?, GatewayStatusFailure> {
        switch credentials {
        case .none: return .success(nil)
        case .value(let value): return .success(value)
        case .file(let path):
            switch system_readSmallFile(path) {
            case .failure(let error):
                return .failure(GatewayStatusFailure(kind: .authentication,
                                                     message: "cannot read the credentials file \(path): \(error)"))
            case .success(let text):
                return GatewayCredentials.parse(file: text).map { Optional($0) }.mapError { error in
                    GatewayStatusFailure(kind: .authentication, message: "credentials file \(path): \(error.message)")
                }
            }
        }
    }
}

/// What a gateway's web session keeps between reads (in the agent): the client with its cookies and HTTP
/// authentication scheme, the session token, and a lock-out with its end. Never a password.
public struct GatewayWebSession: Sendable {
    var client: HTTPClient?
    var token: String?
    var loggedIn = false
    var lockedUntil: Double?
    var lockout: GatewayStatusFailure?
    /// Form logins sent over the session's life (tests and the agent's gentleness).
    public internal(set) var logins = 0

    public init() {}
}

/// One run of a plan: the client (its cookies) and the session token, reused from the last run when it logged in.
private struct Session {
    let adapter: any GatewayStatusAdapter
    let credentials: GatewayCredentials?
    var client: HTTPClient
    var token: String?
    var loggedIn: Bool
    var logins = 0
    /// The last page received, for the profile guess.
    var lastPage: GatewayPage?
    /// A status plan never needs more pages than this; the bound stops a confused adapter looping.
    static let pageLimit = 4

    mutating func run() throws(GatewayStatusFailure) -> GatewayStatusResult {
        if loggedIn {
            // The session from the last read: no login while the gateway still accepts it.
            do throws(GatewayStatusFailure) {
                let result = try readStatus()
                if result.failure?.kind != .authentication { return result }
            } catch where error.kind == .authentication {
                // Expired: log in again below.
            }
            loggedIn = false; token = nil
            client = HTTPClient(host: client.host, port: client.port, timeoutSeconds: client.timeoutSeconds,
                                bodyLimit: client.bodyLimit, tls: client.tls)
        }
        if case .form(_, let readFirst) = adapter.login, let credentials {
            token = try logIn(credentials, readFirst: readFirst)
            logins += 1
        }
        loggedIn = true
        return try readStatus()
    }

    private mutating func readStatus() throws(GatewayStatusFailure) -> GatewayStatusResult {
        var pages: [GatewayPage] = []
        while pages.count < Self.pageLimit,
              let request = adapter.statusRequest(credentials: credentials, sessionToken: token, after: pages) {
            pages.append(try fetch(request, purpose: "the status page"))
        }
        guard let last = pages.last else {
            throw GatewayStatusFailure(kind: .unsupported, message: "profile \(adapter.profile) asked for no page")
        }
        return adapter.parse(last)
    }

    private mutating func logIn(_ credentials: GatewayCredentials, readFirst: String?) throws(GatewayStatusFailure) -> String? {
        var loginPage: GatewayPage?
        if let readFirst {
            // Only some firmware has this page (HT80x 1.0.10.6 does, 1.0.0.24 does not): an HTTP error here just
            // means "post without its hidden fields"; a network error still ends the run.
            let exchange = try exchange(GatewayHTTPRequest.get(readFirst))
            if (200...299).contains(exchange.response.statusCode) { loginPage = exchange.page }
        }
        guard let request = adapter.loginRequest(credentials: credentials, loginPage: loginPage) else { return nil }
        let page = try fetch(request, purpose: "the login answer", redirectToLoginMeans: "the gateway refused the login")
        lastPage = page
        switch adapter.loginOutcome(page) {
        case .loggedIn(let token): return token
        case .failed(let failure): throw failure
        }
    }

    /// Sends one request and insists on a 2xx page that is not a redirect to the login page.
    private mutating func fetch(_ request: GatewayHTTPRequest, purpose: String,
                                redirectToLoginMeans meaning: String = "the session expired or the login was refused")
        throws(GatewayStatusFailure) -> GatewayPage {
        let exchange = try exchange(request)
        lastPage = exchange.page
        if let login = exchange.redirects.first(where: adapter.isLoginPath) {
            throw GatewayStatusFailure(kind: .authentication, message: "redirected to the login page \(login): \(meaning)",
                                       path: request.recordedPath)
        }
        let head = exchange.response.head
        switch head.statusCode {
        case 200...299:
            return exchange.page
        case 401, 403:
            let why = credentials == nil ? "the gateway wants credentials and none were given"
                : "the gateway refused the credentials"
            throw GatewayStatusFailure(kind: .authentication, message: "HTTP \(head.statusCode) \(head.reason): \(why)",
                                       path: exchange.path)
        default:
            throw GatewayStatusFailure(kind: .http, message: "HTTP \(head.statusCode) \(head.reason) for \(purpose)",
                                       path: exchange.path)
        }
    }

    private mutating func exchange(_ request: GatewayHTTPRequest) throws(GatewayStatusFailure) -> HTTPExchange {
        do throws(HTTPClientError) {
            return try client.send(request, credentials: credentials, defaultUser: adapter.defaultUser)
        } catch {
            throw GatewayStatusFailure(kind: Self.kind(of: error), message: error.description, path: request.recordedPath)
        }
    }

    static func kind(of error: HTTPClientError) -> GatewayStatusFailure.Kind {
        switch error {
        case .unresolvable, .connectFailed, .connectionFailed: return .unreachable
        case .closedEarly(let received): return received == 0 ? .unreachable : .unparseable
        case .timedOut: return .timeout
        case .malformedResponse, .bodyTooLarge: return .unparseable
        case .tooManyRedirects, .redirectedElsewhere: return .http
        case .authenticationUnsupported: return .authentication
        case .invalidRequest: return .unsupported
        case .tls: return .tls
        }
    }
}
