import DoctorCore
import DoctorSystem

/// Runs a vendor adapter's plan against one gateway over plain HTTP: log in (form, Basic/Digest, credentials in
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

    public init(host: String, port: Int = 80, timeoutSeconds: Double = 5, bodyLimit: Int = GatewayPage.sizeLimit) {
        self.host = host; self.port = port; self.timeoutSeconds = timeoutSeconds; self.bodyLimit = bodyLimit
    }

    /// Reads the status with the adapter of a profile name from the gateway list.
    public func read(profile: String, credentials: Credentials) -> GatewayStatusResult {
        guard let adapter = GatewayStatusAdapters.adapter(forProfile: profile) else {
            return .failed(GatewayStatusFailure(
                kind: .unsupported,
                message: "unknown profile \(profile) (known: \(GatewayStatusAdapters.profileNames.joined(separator: ", ")))"))
        }
        switch Self.load(credentials) {
        case .success(let loaded): return read(adapter: adapter, credentials: loaded)
        case .failure(let failure): return .failed(failure)
        }
    }

    public func read(adapter: any GatewayStatusAdapter, credentials: GatewayCredentials?) -> GatewayStatusResult {
        guard adapter.statusRequest(credentials: credentials, sessionToken: nil, after: []) != nil else {
            return .failed(GatewayStatusFailure(
                kind: .unsupported,
                message: "profile \(adapter.profile) has no status page; the gateway is checked with SIP OPTIONS only"))
        }
        if adapter.needsCredentials && credentials == nil {
            return .failed(GatewayStatusFailure(kind: .authentication,
                                                message: "profile \(adapter.profile) logs in with a form: no credentials given"))
        }
        var session = Session(adapter: adapter, credentials: credentials,
                              client: HTTPClient(host: host, port: port, timeoutSeconds: timeoutSeconds, bodyLimit: bodyLimit))
        do throws(GatewayStatusFailure) {
            return try session.run()
        } catch {
            return .failed(error)
        }
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

/// One run of a plan: the client (its cookies) and the session token live as long as the run.
private struct Session {
    let adapter: any GatewayStatusAdapter
    let credentials: GatewayCredentials?
    var client: HTTPClient
    /// A status plan never needs more pages than this; the bound stops a confused adapter looping.
    static let pageLimit = 4

    mutating func run() throws(GatewayStatusFailure) -> GatewayStatusResult {
        var token: String?
        if case .form(_, let readFirst) = adapter.login, let credentials {
            token = try logIn(credentials, readFirst: readFirst)
        }
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
        }
    }
}
