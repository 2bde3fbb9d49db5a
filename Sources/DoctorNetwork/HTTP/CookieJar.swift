/// The cookies of one gateway session: every `Set-Cookie` answer is kept and sent back. One client talks to one
/// host, so domains and paths do not matter; a cookie is replaced by name, and removed when the server expires it.
/// (aiohttp refuses cookies from bare IP hosts by default, which breaks HT802V2 logins; this jar does not.)
struct CookieJar: Hashable {
    private(set) var cookies: [(name: String, value: String)] = []

    static func == (lhs: CookieJar, rhs: CookieJar) -> Bool {
        lhs.cookies.elementsEqual(rhs.cookies) { $0.name == $1.name && $0.value == $1.value }
    }

    func hash(into hasher: inout Hasher) {
        for cookie in cookies { hasher.combine(cookie.name); hasher.combine(cookie.value) }
    }

    /// One `Set-Cookie` value: `name=value; Path=/; Max-Age=600`. Grandstream writes `session_id=abc;`.
    mutating func store(_ header: String) {
        let parts = header.split(separator: ";", omittingEmptySubsequences: false)
        guard let pair = parts.first, let equals = pair.firstIndex(of: "=") else { return }
        let name = pair[..<equals].trimmed(of: " \t")
        let value = pair[pair.index(after: equals)...].trimmed(of: " \t\"")
        guard !name.isEmpty else { return }
        let expired = parts.dropFirst().contains { attribute in
            let text = attribute.trimmed(of: " \t").lowercased()
            if text.hasPrefix("max-age="), let seconds = Int(text.dropFirst(8)) { return seconds <= 0 }
            return text.hasPrefix("expires=") && text.contains("1970")
        }
        cookies.removeAll { $0.name == name }
        if !expired { cookies.append((name, value)) }
    }

    /// The `Cookie` header value, nil when the jar is empty.
    var header: String? {
        cookies.isEmpty ? nil : cookies.map { "\($0.name)=\($0.value)" }.joined(separator: "; ")
    }
}
