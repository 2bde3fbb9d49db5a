#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Grandstream HT802V2 new web UI (firmware 1.0.9.3), JSON API (gateways.md §2.2; strong: capture-based docs).
/// Login: POST /cgi-bin/dologin `username=admin&P2=<base64 password>` -> `{"response":"success","body":
/// {"session_token":...}}` and cookie `session_id`. Status: POST /cgi-bin/api.values.get with `request=P4901:...`
/// and the token; every value is a string. Other HT8xxV2 and GXW42xx new-UI firmware are UNVERIFIED.
public struct GrandstreamHTAPIAdapter: GatewayStatusAdapter {
    public init() {}

    public var profile: String { "grandstream-ht8xx-api" }
    public var login: GatewayLoginPlan { .form(post: "/cgi-bin/dologin", readFirst: nil) }

    /// The Port Status page's own request list, plus model (P89) and program version (P68). Hook P4901..P4909,
    /// registration P4921..P4929 (beyond port 2 UNVERIFIED), user IDs P35 (port 1) and P735 (port 2).
    static let portCount = 9
    static let keys: [String] = ["P89", "P68", "P35", "P735"]
        + (1...portCount).map { "P\(4900 + $0)" } + (1...portCount).map { "P\(4920 + $0)" }
    static let userKeys = [1: "P35", 2: "P735"]

    public func loginRequest(credentials: GatewayCredentials, loginPage: GatewayPage?) -> GatewayHTTPRequest? {
        GatewayHTTPRequest(.post, "/cgi-bin/dologin", form: [
            GatewayFormField("username", credentials.username ?? defaultUser),
            GatewayFormField("P2", Data(credentials.password.utf8).base64EncodedString(), secret: true),
        ])
    }

    public func loginOutcome(_ page: GatewayPage) -> GatewayLoginOutcome {
        guard let answer = APIAnswer.decode(page.body) else {
            if let meaning = GatewayLoginPages.recognise(page.body) {
                // The classic UI's login or lock-out page: that firmware is read with grandstream-ht8xx.
                var failure = GatewayLoginPages.failure(meaning, page: page)
                failure.suggestedProfile = "grandstream-ht8xx"
                return .failed(failure)
            }
            var failure = Unparseable.failure(expected: "a JSON login answer {\"response\": ...}", page: page)
            if GrandstreamHTClassicAdapter().parse(page).value != nil { failure.suggestedProfile = "grandstream-ht8xx" }
            return .failed(failure)
        }
        if let locked = Self.lockout(answer, page: page) { return .failed(locked) }
        guard answer.response == "success", let token = answer.body["session_token"], !token.isEmpty else {
            return .failed(GatewayStatusFailure(kind: .authentication,
                                                message: "the gateway refused the login (response: \(answer.response))",
                                                path: page.path))
        }
        return .loggedIn(sessionToken: token)
    }

    /// A refused login that says the device is locked: `"body": "locked"` (with `lockTime`), or a `remain N` count
    /// of seconds. No login is tried again until the lock ends.
    static func lockout(_ answer: APIAnswer, page: GatewayPage) -> GatewayStatusFailure? {
        guard answer.response != "success" else { return nil }
        let text = (answer.bodyText ?? "") + " " + answer.body.map { "\($0.key) \($0.value)" }.joined(separator: " ")
        let lower = text.lowercased()
        let remain = lower.contains("remain") ? GatewayLoginPages.remainingSeconds(text) : nil
        guard lower.contains("lock") || remain != nil else { return nil }
        var message = GatewayLoginPages.lockedMeaning
        if let remain { message += " (it says \(remain) s remain)" }
        else if let lockTime = answer.lockTime { message += " (lockTime \(lockTime))" }
        return GatewayStatusFailure(kind: .locked, message: message, path: page.path, retryAfterSeconds: remain)
    }

    public func statusRequest(credentials: GatewayCredentials?, sessionToken: String?, after pages: [GatewayPage])
        -> GatewayHTTPRequest? {
        guard pages.isEmpty else { return nil }
        var form = [GatewayFormField("request", Self.keys.joined(separator: ":"))]
        if let sessionToken { form.append(GatewayFormField("session_token", sessionToken, secret: true)) }
        return GatewayHTTPRequest(.post, "/cgi-bin/api.values.get", form: form)
    }

    public func parse(_ page: GatewayPage) -> GatewayStatusResult {
        if let problem = PageChecks.problem(page, isHTML: false) { return .failed(problem) }
        guard let answer = APIAnswer.decode(page.body) else {
            if let meaning = GatewayLoginPages.recognise(page.body) { return .loginPage(meaning, page: page) }
            return .unparseable(expected: "a JSON answer {\"response\": \"success\", \"body\": {\"P4901\": ...}}",
                                page: page)
        }
        guard answer.response == "success" else {
            // `{"response": "error", "body": {}}` or `... {"reason": "invalid session"}`: the session was refused.
            let reason = answer.body["reason"].map { " (\($0.prefix(40)))" } ?? ""
            return .failed(GatewayStatusFailure(kind: .authentication,
                                                message: "the gateway refused the session\(reason)", path: page.path))
        }
        let values = answer.body
        let model = values["P89"].flatMap { $0.isEmpty ? nil : $0 }
        // HT801/HT802 (V1 and V2) have FXS ports only; other models' port kinds are not documented here.
        let kind: GatewayPortStatus.Kind = (model?.hasPrefix("HT801") ?? false) || (model?.hasPrefix("HT802") ?? false)
            ? .fxs : .unknown
        var ports: [GatewayPortStatus] = []
        for number in 1...Self.portCount {
            let hookText = values["P\(4900 + number)"].flatMap { $0.isEmpty ? nil : $0 }
            let registrationText = values["P\(4920 + number)"].flatMap { $0.isEmpty ? nil : $0 }
            guard hookText != nil || registrationText != nil else { continue }
            let user = Self.userKeys[number].flatMap { values[$0] }.flatMap { $0.isEmpty ? nil : $0 }
            ports.append(GrandstreamVocabulary.port(number, kind: kind, hookText: hookText,
                                                    registrationText: registrationText, sipUser: user))
        }
        guard !ports.isEmpty else {
            return .unparseable(expected: "port values P4901.../P4921... in the JSON body", page: page)
        }
        return .ok(GatewayStatus(model: model, firmware: values["P68"].flatMap { $0.isEmpty ? nil : $0 }, ports: ports))
    }
}

/// `{"response": "...", "body": {...}}`, with body values taken as text whatever their JSON type, and a body that
/// is not an object (`"wrong4"`) read as empty.
struct APIAnswer: Decodable {
    var response: String
    var body: [String: String]
    /// The body when it is a scalar (`"locked"`, `"wrong4"`, `"remain 300"`).
    var bodyText: String?
    var lockTime: String?

    private enum CodingKeys: String, CodingKey { case response, body, lockTime }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        response = try container.decode(String.self, forKey: .response)
        body = (try? container.decodeIfPresent([String: LooseText].self, forKey: .body))??.mapValues(\.text) ?? [:]
        bodyText = (try? container.decodeIfPresent(LooseText.self, forKey: .body))??.text
        if bodyText?.isEmpty == true { bodyText = nil }
        lockTime = (try? container.decodeIfPresent(LooseText.self, forKey: .lockTime))??.text
    }

    static func decode(_ text: String) -> APIAnswer? {
        try? JSONDecoder().decode(APIAnswer.self, from: Data(text.utf8))
    }
}

/// A JSON scalar as text (`"5060"`, `5060`, `true`); arrays and objects become empty.
struct LooseText: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) { text = string }
        else if let number = try? container.decode(Int.self) { text = String(number) }
        else if let number = try? container.decode(Double.self) { text = String(number) }
        else if let flag = try? container.decode(Bool.self) { text = String(flag) }
        else { text = "" }
    }
}
