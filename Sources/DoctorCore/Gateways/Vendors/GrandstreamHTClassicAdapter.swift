/// Grandstream HT80x "classic" web UI (firmware 1.0.0.24 to 1.0.10.6) and GXW42xx on the same UI (gateways.md
/// §2.1; strong: firmware dump). Login: GET /cgi-bin/login for the hidden `session_token` (1.0.10.6; 1.0.0.24 has
/// none), POST /cgi-bin/dologin, cookie `session_id`. Status: GET /cgi-bin/index, the "Port Status" table with
/// rows `Port | Hook | User ID | Registration` filled from P4901.. (hook) and P4921.. (registration).
public struct GrandstreamHTClassicAdapter: GatewayStatusAdapter {
    public init() {}

    public var profile: String { "grandstream-ht8xx" }
    public var login: GatewayLoginPlan { .form(post: "/cgi-bin/dologin", readFirst: "/cgi-bin/login") }

    static let statusPath = "/cgi-bin/index"

    public func loginRequest(credentials: GatewayCredentials, loginPage: GatewayPage?) -> GatewayHTTPRequest? {
        let inputs = loginPage.map { HTMLForms.inputs(in: $0.body) } ?? [:]
        var form: [GatewayFormField] = []
        // Send the fields this firmware's form has: 1.0.10.6 adds username and session_token to 1.0.0.24's three.
        if let token = inputs["session_token"] { form.append(GatewayFormField("session_token", token, secret: true)) }
        if inputs["username"] != nil { form.append(GatewayFormField("username", credentials.username ?? defaultUser)) }
        form += [GatewayFormField("P2", credentials.password, secret: true), GatewayFormField("Login", "Login"),
                 GatewayFormField("gnkey", "0b82")]
        return GatewayHTTPRequest(.post, "/cgi-bin/dologin", form: form)
    }

    /// Success returns the STATUS page; a wrong password `loginerr.htm`, a lock-out `loginlocked.htm`, all HTTP 200.
    /// The HT802V2 (new UI) answers the same POST with JSON: that gateway needs profile grandstream-ht8xx-api.
    public func loginOutcome(_ page: GatewayPage) -> GatewayLoginOutcome {
        if APIAnswer.decode(page.body) != nil {
            var failure = Unparseable.failure(expected: "the classic web UI's answer (an HTML page)", page: page)
            failure.message += "; it answered with the new UI's JSON"
            failure.suggestedProfile = "grandstream-ht8xx-api"
            return .failed(failure)
        }
        return GatewayLoginPages.formLoginOutcome(page)
    }

    public func statusRequest(credentials: GatewayCredentials?, sessionToken: String?, after pages: [GatewayPage])
        -> GatewayHTTPRequest? {
        pages.isEmpty ? GatewayHTTPRequest(.get, Self.statusPath) : nil
    }

    public func parse(_ page: GatewayPage) -> GatewayStatusResult {
        if let problem = PageChecks.problem(page, isHTML: true) { return .failed(problem) }
        let rows = HTMLTables.rows(MarkupTokenizer.tokens(page.body))
        guard let header = rows.firstIndex(where: { Self.columns(of: $0) != nil }),
              let columns = Self.columns(of: rows[header]) else {
            if let meaning = GatewayLoginPages.recognise(page.body) { return .loginPage(meaning, page: page) }
            return .unparseable(expected: "the Port Status table (a row `Port | Hook | User ID | Registration`)",
                                page: page)
        }
        var ports: [GatewayPortStatus] = []
        for row in rows[(header + 1)...] {
            // Ports are numbered by row, as the P-values number them (P4901, P4902...): an HT813's `FXS 1` and
            // `FXO 1` rows are ports 1 and 2.
            guard let kind = Self.portKind(row.first ?? "") else {
                if ports.isEmpty { continue } else { break }
            }
            let cell = { (index: Int) -> String? in row.indices.contains(index) ? row[index] : nil }
            let hookText = cell(columns.hook), registrationText = cell(columns.registration)
            let user = cell(columns.user).flatMap { $0.isEmpty ? nil : $0 }
            ports.append(GrandstreamVocabulary.port(ports.count + 1, kind: kind, hookText: hookText,
                                                    registrationText: registrationText, sipUser: user))
        }
        guard !ports.isEmpty else {
            return .unparseable(expected: "port rows (`FXS 1`, `FXO 1`...) under the Port Status header", page: page)
        }
        let model = HTMLForms.value(labelled: "Product Model:", in: rows)
        return .ok(GatewayStatus(model: model, firmware: GrandstreamText.programVersion(in: page.body), ports: ports))
    }

    struct Columns { var hook: Int; var user: Int; var registration: Int }

    static func columns(of row: [String]) -> Columns? {
        let names = row.map { $0.lowercased() }
        guard names.first == "port", let hook = names.firstIndex(of: "hook"),
              let registration = names.firstIndex(of: "registration") else { return nil }
        return Columns(hook: hook, user: names.firstIndex(of: "user id") ?? -1, registration: registration)
    }

    /// `FXS 2` -> .fxs; nil for a row that is not a port.
    static func portKind(_ label: String) -> GatewayPortStatus.Kind? {
        let upper = label.uppercased()
        guard upper.count > 3, Int(upper.dropFirst(3).trimmingWhitespace()) != nil else { return nil }
        if upper.hasPrefix("FXS") { return .fxs }
        if upper.hasPrefix("FXO") { return .fxo }
        return nil
    }
}

/// Reading values out of HTML forms and label/value tables.
enum HTMLForms {
    /// `<input name=... value=...>` pairs (first of each name).
    static func inputs(in body: String) -> [String: String] {
        var inputs: [String: String] = [:]
        for case .tag(let tag) in MarkupTokenizer.tokens(body) where tag.is("input") && !tag.isClosing {
            if let name = tag.attributes["name"], inputs[name] == nil { inputs[name] = tag.attributes["value"] ?? "" }
        }
        return inputs
    }

    /// The cell after the one reading `label` (`<td><b>Product Model:</b></td><td>HT802</td>`).
    static func value(labelled label: String, in rows: [[String]]) -> String? {
        for row in rows {
            guard let index = row.firstIndex(where: { $0 == label }), index + 1 < row.count else { continue }
            let value = row[index + 1]
            return value.isEmpty ? nil : value
        }
        return nil
    }
}
