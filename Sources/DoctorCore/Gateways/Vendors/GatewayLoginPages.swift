/// Recognises a login page where a status page was expected. Grandstream's classic UIs answer a wrong password,
/// an expired session and a lock-out with HTTP 200 and an HTML page (gateways.md §1.2, §2.1, §5.1), so only the
/// content tells; the phrases below are quoted from those pages.
enum GatewayLoginPages {
    private static let signs: [(phrase: String, meaning: String)] = [
        ("locked due to too many login errors", lockedMeaning),
        ("logged out due to inactivity", "the gateway ended the session (logged out due to inactivity)"),
        ("password is not recognized", "the gateway did not recognise the password"),
        ("name=\"loginform\"", "the gateway answered with its login page (wrong password, or the session expired)"),
        ("action=\"dologin", "the gateway answered with its login page (wrong password, or the session expired)"),
        ("dologin.htm", "the gateway answered with its login page (wrong password, or the session expired)"),
        ("type=\"password\"", "the gateway answered with a login form (wrong password, or the session expired)"),
        ("type=password", "the gateway answered with a login form (wrong password, or the session expired)"),
        ("type='password'", "the gateway answered with a login form (wrong password, or the session expired)"),
    ]

    /// The outcome of a form login whose refusal returns a login page with HTTP 200 (Grandstream's web UIs).
    static func formLoginOutcome(_ page: GatewayPage) -> GatewayLoginOutcome {
        if let meaning = recognise(page.body) { return .failed(failure(meaning, page: page)) }
        return .loggedIn(sessionToken: nil)
    }

    static let lockedMeaning = "the gateway locked its web login after too many failed attempts"

    /// The seconds a lock-out page or answer says are left: `remain N`, `<span id="remain">N</span>`,
    /// `relogin in N seconds`. Nil when it says no number.
    static func remainingSeconds(_ text: String) -> Int? {
        let lower = Array(text.lowercased().utf8)
        for marker in ["remain", "relogin in"] {
            var from = 0
            while let found = lower.index(ofCaseInsensitive: marker, from: from) {
                from = found + marker.utf8.count
                // Up to a short run of markup or punctuation between the word and its number.
                var index = from
                while index < lower.count, index - from < 24, !(0x30...0x39).contains(lower[index]) { index += 1 }
                var digits = 0
                var value = 0
                while index < lower.count, (0x30...0x39).contains(lower[index]), digits < 7 {
                    value = value * 10 + Int(lower[index] - 0x30); digits += 1; index += 1
                }
                if digits > 0 { return value }
            }
        }
        return nil
    }

    /// What the login page says, or nil when the page is not one.
    static func recognise(_ body: String) -> String? {
        let bytes = Array(body.utf8)
        return signs.first { bytes.index(ofCaseInsensitive: $0.phrase, from: 0) != nil }?.meaning
    }

    /// The failure for a status page that turned out to be the login page.
    static func failure(_ meaning: String, page: GatewayPage) -> GatewayStatusFailure {
        if meaning == lockedMeaning {
            let remain = remainingSeconds(page.body)
            return GatewayStatusFailure(kind: .locked, message: meaning + (remain.map { " (it says \($0) s remain)" } ?? ""),
                                        path: page.path, retryAfterSeconds: remain)
        }
        return GatewayStatusFailure(kind: .authentication, message: meaning, path: page.path)
    }
}

/// A page the adapter could not read: says what it expected and where, and what came instead.
enum Unparseable {
    static func failure(expected: String, page: GatewayPage) -> GatewayStatusFailure {
        GatewayStatusFailure(kind: .unparseable, message: "expected \(expected); got \(describe(page.body, bytes: page.byteCount))",
                             path: page.path)
    }

    /// A short, safe description of a body: its size and whether it looks like text, never its content (a page
    /// may echo a form back).
    static func describe(_ body: String, bytes: Int? = nil) -> String {
        if body.isEmpty { return "an empty page" }
        let scalars = body.unicodeScalars
        let sample = scalars.prefix(4096)
        let control = sample.filter { $0.value < 0x20 && $0 != "\n" && $0 != "\r" && $0 != "\t" || $0 == "\u{FFFD}" }
        let kind = control.count * 20 > sample.count ? "binary data" : "a page"
        return "\(kind) of \(bytes ?? body.utf8.count) bytes without it"
    }
}

extension GatewayStatusResult {
    /// The login page came back where a status page was expected.
    static func loginPage(_ meaning: String, page: GatewayPage) -> GatewayStatusResult {
        .failed(GatewayLoginPages.failure(meaning, page: page))
    }

    static func unparseable(expected: String, page: GatewayPage) -> GatewayStatusResult {
        .failed(Unparseable.failure(expected: expected, page: page))
    }
}
