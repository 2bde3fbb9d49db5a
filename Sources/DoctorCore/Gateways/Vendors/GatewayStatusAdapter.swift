/// How a profile logs in before it reads status.
public enum GatewayLoginPlan: Sendable, Hashable {
    /// Nothing to log in to (the page is open, or the profile has no page at all).
    case none
    /// Answer a 401 challenge with Basic or Digest (whichever the gateway asks for) when credentials are given.
    case httpAuthentication
    /// The status request itself carries the credentials (Cisco SPA112/122 `status.xml&xuser=&xpassword=`).
    case credentialsInURL
    /// POST a login form, then keep the session cookie; `readFirst` is a page to GET before posting, for hidden
    /// fields such as HT80x's `session_token`.
    case form(post: String, readFirst: String?)
}

/// What a login answer means.
public enum GatewayLoginOutcome: Sendable, Hashable {
    /// Logged in; some firmware hands back a session token to send with every later request.
    case loggedIn(sessionToken: String?)
    case failed(GatewayStatusFailure)
}

/// One vendor profile: how to log in, which requests read the status, and how to read the answer. Adapters are
/// pure: they build requests and parse pages, and the reader (DoctorNetwork) does the talking.
public protocol GatewayStatusAdapter: Sendable {
    /// The profile name used in the gateway list (`grandstream-gxw410x`, `cisco-spa112`...).
    var profile: String { get }
    /// The user to log in as when the credentials name none.
    var defaultUser: String { get }
    var login: GatewayLoginPlan { get }

    /// Form login only: the POST, given the page read first (if the plan reads one and it could be read).
    func loginRequest(credentials: GatewayCredentials, loginPage: GatewayPage?) -> GatewayHTTPRequest?
    /// Form login only: did the answer to the POST log us in?
    func loginOutcome(_ page: GatewayPage) -> GatewayLoginOutcome

    /// The next status request given the pages read so far (none at first), or nil when the last page read is
    /// the one to parse. Nil at first means the profile has no status page.
    func statusRequest(credentials: GatewayCredentials?, sessionToken: String?, after pages: [GatewayPage])
        -> GatewayHTTPRequest?
    /// Reads the last status page. Never traps: a page it does not understand is `.failed(.unparseable)` saying what
    /// was expected and where, and the login page coming back is `.failed(.authentication)`.
    func parse(_ page: GatewayPage) -> GatewayStatusResult
}

extension GatewayStatusAdapter {
    public var defaultUser: String { "admin" }

    public func loginRequest(credentials: GatewayCredentials, loginPage: GatewayPage?) -> GatewayHTTPRequest? { nil }

    public func loginOutcome(_ page: GatewayPage) -> GatewayLoginOutcome { .loggedIn(sessionToken: nil) }

    /// A redirect to this path means the gateway wants a login: the session expired or the password was refused.
    public func isLoginPath(_ path: String) -> Bool {
        let withoutQuery = path.prefix { $0 != "?" && $0 != "&" && $0 != ";" }
        return withoutQuery.lowercased().contains("login")
    }

    /// Whether this profile cannot read status without credentials.
    public var needsCredentials: Bool {
        switch login {
        case .form: return true
        case .none, .httpAuthentication, .credentialsInURL: return false
        }
    }
}

/// The profiles dahdi-doctor knows, looked up by the name in the gateway list.
public enum GatewayStatusAdapters {
    public static let all: [any GatewayStatusAdapter] = [
        GrandstreamGXW410xAdapter(), GrandstreamHTClassicAdapter(), GrandstreamHTAPIAdapter(), CiscoSPA112Adapter(),
        SipuraAdapter(), NoStatusAdapter(),
    ]

    /// Other names people write for the same profile.
    static let aliases: [String: String] = [
        "grandstream-gxw4104": "grandstream-gxw410x", "grandstream-gxw4108": "grandstream-gxw410x",
        "grandstream-gxw42xx": "grandstream-ht8xx", "grandstream-ht802v2": "grandstream-ht8xx-api",
        "cisco-spa122": "cisco-spa112", "linksys-pap2t": "sipura", "linksys-spa": "sipura", "options": "none",
    ]

    public static var profileNames: [String] { all.map(\.profile) }

    /// The adapter for a profile name (case-insensitive, aliases accepted), nil for a name no adapter has.
    public static func adapter(forProfile name: String) -> (any GatewayStatusAdapter)? {
        let key = name.lowercased()
        let profile = aliases[key] ?? key
        return all.first { $0.profile == profile }
    }
}
