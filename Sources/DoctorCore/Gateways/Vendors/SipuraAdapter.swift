/// Linksys/Cisco Sipura-lineage ATAs: PAP2T, SPA2102, SPA3102, SPA8000 (gateways.md §3.2-3.3; strong: captured
/// HTML). Status: GET / (the Info tab); a router model whose `/` has no line blocks but links `voice/` is read at
/// /voice/. Every field is `Label:<td><font color="darkblue">Value</font>` under `<FONT class=labelft>` section
/// headers: "Line N Status" (FXS) and "PSTN Line Status" (the SPA3102's FXO port). `/admin` pages use HTTP Basic,
/// or nothing when no admin password is set; Digest is answered too if asked (UNVERIFIED on these devices).
public struct SipuraAdapter: GatewayStatusAdapter {
    public init() {}

    public var profile: String { "sipura" }
    public var login: GatewayLoginPlan { .httpAuthentication }

    public func statusRequest(credentials: GatewayCredentials?, sessionToken: String?, after pages: [GatewayPage])
        -> GatewayHTTPRequest? {
        switch pages.count {
        case 0:
            return GatewayHTTPRequest(.get, "/", answersAuthenticationChallenge: true)
        case 1 where Self.sections(pages[0].body).ports.isEmpty && Self.linksVoiceTab(pages[0].body):
            return GatewayHTTPRequest(.get, "/voice/", answersAuthenticationChallenge: true)
        default:
            return nil
        }
    }

    public func parse(_ page: GatewayPage) -> GatewayStatusResult {
        if let problem = PageChecks.problem(page, isHTML: true) { return .failed(problem) }
        let read = Self.sections(page.body)
        guard !read.ports.isEmpty else {
            if let meaning = GatewayLoginPages.recognise(page.body) { return .loginPage(meaning, page: page) }
            return .unparseable(expected: "`Line N Status` or `PSTN Line Status` sections of "
                                + "`Label:<td><font color=\"darkblue\">value</font>` cells", page: page)
        }
        var ports: [GatewayPortStatus] = read.lines.map { number, fields in
            GatewayPortStatus(port: number, kind: .fxs,
                              registration: SipuraVocabulary.registration(fields["Registration State"]),
                              registrationText: fields["Registration State"],
                              hook: SipuraVocabulary.hook(fields["Hook State"]), hookText: fields["Hook State"],
                              sipUser: fields["User ID"].flatMap { $0.isEmpty ? nil : $0 })
        }
        if let pstn = read.pstn {
            // The FXO port is numbered after the FXS lines (SPA3102: line 1 is FXS, port 2 the PSTN line).
            ports.append(Self.pstnPort(number: (ports.map(\.port).max() ?? 0) + 1, pstn))
        }
        let product = read.all
        return .ok(GatewayStatus(model: product["Product Name"], firmware: product["Software Version"], ports: ports))
    }

    static func pstnPort(number: Int, _ fields: [String: String]) -> GatewayPortStatus {
        let voltage = fields["Line Voltage"] ?? fields["PSTN Line Voltage"]
        let current = fields["Loop Current"] ?? fields["PSTN Loop Current"]
        let hookText = fields["Hook State"] ?? fields["PSTN Hook State"]
        let lineText = [voltage.map { "Line Voltage: \($0)" }, current.map { "Loop Current: \($0)" }]
            .compactMap { $0 }.joined(separator: "; ")
        let reason = fields["Last PSTN Disconnect Reason"].flatMap { $0.isEmpty ? nil : $0 }
        return GatewayPortStatus(port: number, kind: .fxo,
                                 registration: SipuraVocabulary.registration(fields["Registration State"]),
                                 registrationText: fields["Registration State"],
                                 lineConnected: lineConnected(voltage: voltage), lineText: lineText.isEmpty ? nil : lineText,
                                 hook: SipuraVocabulary.hook(hookText), hookText: hookText, lastDisconnectReason: reason)
    }

    /// A PSTN line carries battery: about 48 V idle, 5-10 V off hook. Under 3 V there is no line (DAHDI's wctdm
    /// uses the same threshold, DEFAULT_BATT_THRESH). The value's format is UNVERIFIED, so only a reading that
    /// starts with a number counts; anything else says nothing (nil).
    static func lineConnected(voltage: String?) -> Bool? {
        guard let voltage else { return nil }
        let number = voltage.trimmingWhitespace().prefix { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") }
        guard let volts = Double(number), volts.isFinite else { return nil }
        return abs(volts) >= 3
    }

    struct Sections {
        var lines: [(Int, [String: String])] = []
        var pstn: [String: String]?
        /// Every label on the page (first value wins), for the product fields.
        var all: [String: String] = [:]
        var ports: [Int] { lines.map(\.0) + (pstn == nil ? [] : [0]) }
    }

    /// Walks `<font class=labelft>Section</font>` headers and `Label:` <td> <font color=darkblue> value </font> runs.
    static func sections(_ body: String) -> Sections {
        let tokens = MarkupTokenizer.tokens(body)
        var result = Sections()
        var section: String?
        var fields: [String: String] = [:]
        func closeSection() {
            defer { fields = [:] }
            guard let name = section else { return }
            if name == "PSTN Line Status" { result.pstn = fields; return }
            let words = name.split(separator: " ")
            if words.count == 3, words[0] == "Line", words[2] == "Status", let number = Int(words[1]) {
                result.lines.append((number, fields))
            }
        }
        var index = 0
        while index < tokens.count {
            defer { index += 1 }
            if case .tag(let tag) = tokens[index], tag.is("font"), !tag.isClosing,
               tag.attributes["class"]?.lowercased() == "labelft" {
                closeSection()
                section = Self.text(after: index, in: tokens)
                continue
            }
            guard case .text(let raw) = tokens[index] else { continue }
            let label = Whitespace.collapse(raw)
            guard label.hasSuffix(":"), index + 2 < tokens.count,
                  case .tag(let cell) = tokens[index + 1], cell.is("td"), !cell.isClosing,
                  case .tag(let font) = tokens[index + 2], font.is("font"), !font.isClosing,
                  font.attributes["color"]?.lowercased() == "darkblue" else { continue }
            var value = ""
            if index + 3 < tokens.count, case .text(let text) = tokens[index + 3] { value = Whitespace.collapse(text) }
            let name = String(label.dropLast())
            if fields[name] == nil { fields[name] = value }
            if result.all[name] == nil { result.all[name] = value }
        }
        closeSection()
        return result
    }

    private static func text(after index: Int, in tokens: [MarkupToken]) -> String? {
        for token in tokens[(index + 1)...].prefix(4) {
            if case .text(let text) = token, !Whitespace.collapse(text).isEmpty { return Whitespace.collapse(text) }
        }
        return nil
    }

    static func linksVoiceTab(_ body: String) -> Bool {
        MarkupTokenizer.tokens(body).contains { token in
            guard case .tag(let tag) = token, tag.is("a"), let href = tag.attributes["href"] else { return false }
            return href == "voice/" || href == "/voice/"
        }
    }
}
