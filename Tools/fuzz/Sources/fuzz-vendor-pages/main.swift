import DoctorCore
import FuzzSupport

/// A page from a gateway's web server, given to every vendor adapter (status parse, login outcome, the next status
/// request and the login request built from it), and the WWW-Authenticate parser. The first byte picks the HTTP
/// status and content type. Invariants: never trap; results encode; no request built while reading the page shows
/// the password in its description or recorded path. Also the profile guess and the TLS fingerprint parser.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    let selector = bytes.first ?? 0
    let body = Fuzz.text(Array(bytes.dropFirst()))
    let statuses = [200, 200, 200, 401, 302, 403, 404, 500]
    let types: [String?] = ["text/html", "application/json", "text/xml", nil]
    let page = GatewayPage(path: "/status", statusCode: statuses[Int(selector & 7)],
                           contentType: types[Int((selector >> 3) & 3)], body: body)
    let credentials = GatewayCredentials(username: "admin", password: Fuzz.secretMarker)
    let secretFree = !body.contains(Fuzz.secretMarker)

    for adapter in GatewayStatusAdapters.all {
        let result = adapter.parse(page)
        _ = Fuzz.json(result, "GatewayStatusResult from \(adapter.profile)")
        let token: String?
        switch adapter.loginOutcome(page) {
        case .loggedIn(let sessionToken): token = sessionToken
        case .failed(let failure): token = nil; _ = Fuzz.json(failure, "GatewayStatusFailure")
        }
        var requests: [GatewayHTTPRequest] = []
        if let next = adapter.statusRequest(credentials: credentials, sessionToken: token, after: [page]) { requests.append(next) }
        if let login = adapter.loginRequest(credentials: credentials, loginPage: page) { requests.append(login) }
        _ = adapter.isLoginPath(body)
        if secretFree {
            for request in requests {
                for text in [request.description, request.recordedPath, String(reflecting: request)] {
                    Fuzz.require(!text.contains(Fuzz.secretMarker), "\(adapter.profile): the password shows in \(text)")
                }
            }
        }
    }
    // The profile guess reads the page with every other adapter; a fingerprint setting parses or is refused.
    if let guess = GatewayProfileGuess.profile(for: page, configured: "sipura") {
        Fuzz.require(GatewayStatusAdapters.adapter(forProfile: guess) != nil, "guessed an unknown profile \(guess)")
    }
    if let pin = GatewayWebTLS.parseFingerprint(body) { Fuzz.require(pin.count == 32, "a pin of \(pin.count) bytes") }
    for challenge in HTTPAuthChallenge.parse(body) {
        if let digest = try? DigestAuthorization(challenge: challenge) {
            _ = digest.header(credentials: credentials, defaultUser: "admin", method: "GET", uri: "/status",
                              cnonce: "0a4f113b", nonceCount: 1)
        }
    }
    return 0
}
