@testable import DoctorCore

/// The gateway fixture pages (Fixtures/gateways/<profile>/) and the path each is served at.
enum VendorFixtures {
    struct Page: CustomStringConvertible, Sendable {
        var profile: String
        var file: String
        var path: String
        var description: String { "\(profile)/\(file)" }

        var relative: String { "gateways/\(profile)/\(file)" }
        /// `x.htm` -> `x.golden.json` (the HT802V2 pages are JSON themselves).
        var golden: String { "gateways/\(profile)/" + file.prefix { $0 != "." } + ".golden.json" }
        func load() throws -> GatewayPage { GatewayPage(path: path, body: try Fixtures.read(relative)) }
        var adapter: any GatewayStatusAdapter { GatewayStatusAdapters.adapter(forProfile: profile)! }
    }

    static let gxw = ["connected-idle.htm", "line-busy.htm", "undocumented-wording.htm", "login-page.htm"]
        .map { Page(profile: "grandstream-gxw410x", file: $0, path: "/index_net.htm") }
    static let htClassic = ["ht802-registered.htm", "ht802-off-hook.htm", "ht802-spanish-ui.htm",
                            "ht813-fxo-not-connected.htm", "loginout.htm", "login.htm"]
        .map { Page(profile: "grandstream-ht8xx", file: $0, path: "/cgi-bin/index") }
    static let htAPI = ["ht802v2-port-status.json", "ht802v2-off-hook.json", "session-invalid.json",
                        "session-missing-cookie.json"]
        .map { Page(profile: "grandstream-ht8xx-api", file: $0, path: "/cgi-bin/api.values.get") }
    static let spa112 = ["spa112-registered.xml", "spa112-off-hook.xml", "spa112-registration-undocumented-wording.xml"]
        .map { Page(profile: "cisco-spa112", file: $0, path: "/admin/status.xml&xuser=admin&xpassword=Spa-Fixture-Pw1") }
    static let sipura = ["pap2t-online.htm", "pap2t-undocumented-wording.htm", "spa3102-pstn-connected.htm",
                         "spa3102-pstn-off-hook.htm", "spa3102-pstn-disconnected.htm", "spa2102-voice.htm"]
        .map { Page(profile: "sipura", file: $0, path: "/") }

    static let statusPages = gxw + htClassic + htAPI + spa112 + sipura

    /// One page per profile that parses, to break and to hand to the other profiles.
    static let goodPages = [gxw[0], htClassic[0], htAPI[0], spa112[0], sipura[2]]

    /// Every password the fixtures, fake server and tests use: none may appear in any output.
    static let passwords = ["Gxw-Fixture-Pw1", "Ht-Fixture-Pw1", "HtApi-Fixture-Pw1", "Spa-Fixture-Pw1",
                            "Sipura-Fixture-Pw1", "Wrong-Fixture-Pw9"]
}
