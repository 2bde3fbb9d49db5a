/// Cisco SPA112/SPA122 (firmware 1.4.x), `/admin/status.xml` (gateways.md §3.1; strong: pyciscospa's fixture).
/// The credentials go in the path itself, joined with `&` not `?`: `/admin/status.xml&xuser=U&xpassword=P`, so
/// every path recorded from this profile is redacted. The answer is `<flat-status>` with `Hook_State_N_` per line
/// and `Registration_State` repeated once per line without an index (line N is the N-th occurrence).
public struct CiscoSPA112Adapter: GatewayStatusAdapter {
    public init() {}

    public var profile: String { "cisco-spa112" }
    public var login: GatewayLoginPlan { .credentialsInURL }

    public func statusRequest(credentials: GatewayCredentials?, sessionToken: String?, after pages: [GatewayPage])
        -> GatewayHTTPRequest? {
        guard pages.isEmpty else { return nil }
        var target = "/admin/status.xml"
        if let credentials {
            target += "&xuser=" + FormURLEncoding.encodeForPath(credentials.username ?? defaultUser)
                + "&xpassword=" + FormURLEncoding.encodeForPath(credentials.password)
        }
        return GatewayHTTPRequest(.get, target)
    }

    public func parse(_ page: GatewayPage) -> GatewayStatusResult {
        if let problem = PageChecks.problem(page, isHTML: false) { return .failed(problem) }
        guard let elements = FlatStatus.elements(page.body) else {
            if let meaning = GatewayLoginPages.recognise(page.body) { return .loginPage(meaning, page: page) }
            return .unparseable(expected: "an XML <flat-status> document", page: page)
        }
        var hooks: [Int: String] = [:]
        var registrations: [String] = []
        for (name, text) in elements {
            if name == "Registration_State" { registrations.append(text) }
            if let number = FlatStatus.lineIndex(name, prefix: "Hook_State_"), hooks[number] == nil { hooks[number] = text }
        }
        let count = max(hooks.keys.max() ?? 0, registrations.count)
        guard count > 0 else {
            return .unparseable(expected: "Hook_State_N_ or Registration_State elements in <flat-status>", page: page)
        }
        let ports = (1...count).map { number in
            let registrationText = number <= registrations.count ? registrations[number - 1] : nil
            let hookText = hooks[number]
            // SPA112/122 have two FXS lines and no FXO port.
            return GatewayPortStatus(port: number, kind: .fxs,
                                     registration: SipuraVocabulary.registration(registrationText),
                                     registrationText: registrationText, hook: SipuraVocabulary.hook(hookText),
                                     hookText: hookText)
        }
        let first = { (name: String) in elements.first { $0.name == name }.flatMap { $0.text.isEmpty ? nil : $0.text } }
        return .ok(GatewayStatus(model: first("Product_Name"), firmware: first("Software_Version"), ports: ports))
    }
}

/// The `<flat-status>` document: its leaf elements in document order.
enum FlatStatus {
    /// (name, text) for every element inside `<flat-status>`, or nil when there is no such root or it never closes.
    static func elements(_ body: String) -> [(name: String, text: String)]? {
        let tokens = MarkupTokenizer.tokens(body)
        guard let start = tokens.firstIndex(where: {
            if case .tag(let tag) = $0 { return tag.name == "flat-status" && !tag.isClosing }
            return false
        }) else { return nil }
        var elements: [(name: String, text: String)] = []
        var open: String?
        var text = ""
        for token in tokens[(start + 1)...] {
            switch token {
            case .tag(let tag) where tag.name == "flat-status" && tag.isClosing:
                return elements
            case .tag(let tag) where !tag.isClosing:
                open = tag.name
                text = ""
            case .tag(let tag):
                if tag.name == open { elements.append((tag.name, Whitespace.collapse(text))) }
                open = nil
            case .text(let run):
                if open != nil { text += run }
            }
        }
        return nil   // no </flat-status>: the document was cut short, and a missing line must not look absent
    }

    /// `Hook_State_2_` with prefix `Hook_State_` -> 2.
    static func lineIndex(_ name: String, prefix: String) -> Int? {
        guard name.hasPrefix(prefix), name.hasSuffix("_") else { return nil }
        return Int(name.dropFirst(prefix.count).dropLast())
    }
}
