/// Grandstream GXW4104/GXW4108 FXO gateways, legacy 1.x web UI (gateways.md §1; weak: one helper script, S1).
/// Login: POST /dologin.htm with `P2` (password), `Login=Login`, `gnkey=0b82`, then a cookie session. Status:
/// GET /index_net.htm, one text node `Line N: <status>` per FXO line. Only two wordings are documented, so every
/// other word is `.unknown` with the raw text kept: never guessed.
public struct GrandstreamGXW410xAdapter: GatewayStatusAdapter {
    public init() {}

    public var profile: String { "grandstream-gxw410x" }
    public var login: GatewayLoginPlan { .form(post: "/dologin.htm", readFirst: nil) }

    static let statusPath = "/index_net.htm"

    public func loginRequest(credentials: GatewayCredentials, loginPage: GatewayPage?) -> GatewayHTTPRequest? {
        GatewayHTTPRequest(.post, "/dologin.htm", form: [
            GatewayFormField("P2", credentials.password, secret: true), GatewayFormField("Login", "Login"),
            GatewayFormField("gnkey", "0b82"),
        ])
    }

    /// A refused login returns the login form again, still naming dologin.htm, with HTTP 200 (S3).
    public func loginOutcome(_ page: GatewayPage) -> GatewayLoginOutcome { GatewayLoginPages.formLoginOutcome(page) }

    public func statusRequest(credentials: GatewayCredentials?, sessionToken: String?, after pages: [GatewayPage])
        -> GatewayHTTPRequest? {
        pages.isEmpty ? GatewayHTTPRequest(.get, Self.statusPath) : nil
    }

    public func parse(_ page: GatewayPage) -> GatewayStatusResult {
        if let problem = PageChecks.problem(page, isHTML: true) { return .failed(problem) }
        var ports: [GatewayPortStatus] = []
        for case .text(let text) in MarkupTokenizer.tokens(page.body) {
            for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
                guard let (number, status) = Self.lineStatus(line), !ports.contains(where: { $0.port == number })
                else { continue }
                ports.append(Self.port(number, status))
            }
        }
        guard !ports.isEmpty else {
            if let meaning = GatewayLoginPages.recognise(page.body) { return .loginPage(meaning, page: page) }
            return .unparseable(expected: "text `Line N: <status>` for each FXO line", page: page)
        }
        return .ok(GatewayStatus(model: nil, firmware: GrandstreamText.programVersion(in: page.body),
                                 ports: ports.sorted { $0.port < $1.port }))
    }

    /// `Line 3:  Connected, idle.` -> (3, "Connected, idle."), S1's `^\s*Line\s(\d):\s+(.*)$` (two digits allowed).
    static func lineStatus(_ line: Substring) -> (Int, String)? {
        let trimmed = line.trimmingWhitespace()
        guard trimmed.hasPrefix("Line ") else { return nil }
        let rest = trimmed.dropFirst(5)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard (1...2).contains(digits.count), let number = Int(digits),
              rest.dropFirst(digits.count).first == ":" else { return nil }
        return (number, String(rest.dropFirst(digits.count + 1).trimmingWhitespace()))
    }

    /// The line text is the port's whole state: it sets the line and the hook together, and a wording nobody
    /// mapped leaves both unknown (reported quoted as the line's word).
    static func port(_ number: Int, _ status: String) -> GatewayPortStatus {
        var port = GatewayPortStatus(port: number, kind: .fxo, registration: .unknown, lineText: status)
        if status == "Connected, idle." {
            // The only idle wording S1 knows: a PSTN line is present and nobody uses it.
            port.lineConnected = true
            port.hook = .onHook
        } else if status.hasPrefix("busy, ") {
            // S1: the line is in use, which on an FXO port means the gateway holds it off hook.
            port.lineConnected = true
            port.hook = .offHook
        } else if GrandstreamVocabulary.lineConnected(status) == false {
            // `Not Connected`: Grandstream's word for an FXO port without its PSTN cable.
            port.lineConnected = false
        }
        return port
    }
}

/// Text shared by Grandstream pages.
enum GrandstreamText {
    /// `Program -- 1.0.6.13` (S2's `Program\s*--\s*([0-9.]+)`): the firmware version.
    static func programVersion(in body: String) -> String? {
        let text = Whitespace.collapse(MarkupTokenizer.tokens(body).compactMap { token -> String? in
            if case .text(let text) = token { return text }
            return nil
        }.joined(separator: " "))
        guard let range = text.firstRange(of: "Program") else { return nil }
        var rest = text[range.upperBound...].drop { $0 == " " }
        guard rest.hasPrefix("--") else { return nil }
        rest = rest.dropFirst(2).drop { $0 == " " }
        let version = rest.prefix { ("0"..."9").contains($0) || $0 == "." }
        return version.isEmpty ? nil : String(version)
    }
}
