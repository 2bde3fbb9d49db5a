import Testing
@testable import DoctorCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Each vendor adapter on its fixture pages, against golden JSON, plus the states that matter spelt out.
@Suite struct VendorAdapterTests {
    @Test(arguments: VendorFixtures.statusPages)
    func golden(page: VendorFixtures.Page) throws {
        let result = page.adapter.parse(try page.load())
        try Fixtures.assertGolden(try JSONOutput.encode(result) + "\n", page.golden)
    }

    static func ports(_ profile: String, _ file: String, path: String = "/") throws -> [GatewayPortStatus] {
        let page = VendorFixtures.Page(profile: profile, file: file, path: path)
        let result = page.adapter.parse(try page.load())
        return try #require(result.value, "\(result)").ports
    }

    @Test func gxw410xKnowsOnlyTheDocumentedWords() throws {
        let idle = try Self.ports("grandstream-gxw410x", "connected-idle.htm")
        #expect(idle.map(\.port) == [1, 2, 3, 4])
        #expect(idle.allSatisfy { $0.kind == .fxo && $0.lineConnected == true && $0.hook == .onHook })
        #expect(idle.allSatisfy { $0.registration == .unknown && $0.registrationText == nil })
        let busy = try Self.ports("grandstream-gxw410x", "line-busy.htm")
        #expect(busy[1].hook == .offHook && busy[1].lineConnected == true && busy[1].lineText == "busy, ...")
        // "Not connected" is Grandstream's word for an FXO port without its PSTN cable; no trailing period and
        // nothing at all are not documented: reported as said, never guessed.
        let odd = try Self.ports("grandstream-gxw410x", "undocumented-wording.htm")
        #expect(odd[0].hook == .onHook)
        #expect(odd[1].hook == .unknown && odd[1].lineConnected == false)
        #expect(odd[2...].allSatisfy { $0.hook == .unknown && $0.lineConnected == nil })
        #expect(odd.map(\.lineText) == ["Connected, idle.", "Not connected", "Connected, idle", ""])
    }

    @Test func htClassicReadsThePortStatusTable() throws {
        let ports = try Self.ports("grandstream-ht8xx", "ht802-registered.htm")
        #expect(ports.map(\.kind) == [.fxs, .fxs])
        #expect(ports.map(\.registration) == [.registered, .notRegistered])
        #expect(ports.map(\.hook) == [.onHook, .onHook])
        #expect(ports.map(\.sipUser) == ["15551234567", nil])
        let page = VendorFixtures.htClassic[0]
        let status = try #require(page.adapter.parse(try page.load()).value)
        #expect(status.model == "HT802" && status.firmware == "1.0.10.6")
        #expect(try Self.ports("grandstream-ht8xx", "ht802-off-hook.htm")[0].hook == .offHook)
    }

    @Test func htClassicLeavesTranslationsAndUnverifiedWordsUnknown() throws {
        let spanish = try Self.ports("grandstream-ht8xx", "ht802-spanish-ui.htm")
        #expect(spanish.allSatisfy { $0.hook == .unknown && $0.registration == .unknown })
        #expect(spanish.map(\.hookText) == ["Conectado", "Desconectado"])
        let ht813 = try Self.ports("grandstream-ht8xx", "ht813-fxo-not-connected.htm")
        #expect(ht813.map(\.kind) == [.fxs, .fxo])
        // On the FXO row the hook cell carries the line word: no PSTN cable.
        #expect(ht813[1].hook == .unknown && ht813[1].hookText == nil && ht813[1].lineText == "Not Connected")
        #expect(ht813[1].lineConnected == false)
    }

    @Test func htAPIReadsTheValues() throws {
        let ports = try Self.ports("grandstream-ht8xx-api", "ht802v2-port-status.json")
        #expect(ports.map(\.port) == [1, 2] && ports.allSatisfy { $0.kind == .fxs })
        #expect(ports.map(\.registration) == [.registered, .notRegistered])
        #expect(ports.map(\.sipUser) == ["15551234567", nil])
        #expect(try Self.ports("grandstream-ht8xx-api", "ht802v2-off-hook.json").map(\.hook) == [.offHook, .onHook])
        for file in ["session-invalid.json", "session-missing-cookie.json"] {
            let page = VendorFixtures.Page(profile: "grandstream-ht8xx-api", file: file, path: "/cgi-bin/api.values.get")
            #expect(page.adapter.parse(try page.load()).failure?.kind == .authentication)
        }
    }

    @Test func spa112CountsRegistrationStatesInDocumentOrder() throws {
        let ports = try Self.ports("cisco-spa112", "spa112-registered.xml")
        #expect(ports.map(\.port) == [1, 2] && ports.allSatisfy { $0.registration == .registered && $0.hook == .onHook })
        #expect(try Self.ports("cisco-spa112", "spa112-off-hook.xml").map(\.hook) == [.offHook, .onHook])
        let failed = try Self.ports("cisco-spa112", "spa112-registration-undocumented-wording.xml")
        #expect(failed[1].registration == .notRegistered && failed[1].registrationText == "Failed")
    }

    @Test func sipuraReadsLinesAndThePSTNPort() throws {
        let pap2t = try Self.ports("sipura", "pap2t-online.htm")
        #expect(pap2t.map(\.registration) == [.registered, .registered])   // PAP2T says "Online"
        #expect(pap2t.map(\.hook) == [.onHook, .offHook] && pap2t.map(\.sipUser) == ["215051", "215052"])
        let connected = try Self.ports("sipura", "spa3102-pstn-connected.htm")
        #expect(connected.map(\.kind) == [.fxs, .fxo] && connected.map(\.port) == [1, 2])
        #expect(connected[1].lineConnected == true && connected[1].lineText == "Line Voltage: 48 V; Loop Current: 0 mA")
        #expect(connected[1].lastDisconnectReason == "PSTN Disconnect Tone")
        let offHook = try Self.ports("sipura", "spa3102-pstn-off-hook.htm")
        #expect(offHook[1].hook == .offHook && offHook[1].lineConnected == true)
        let disconnected = try Self.ports("sipura", "spa3102-pstn-disconnected.htm")
        #expect(disconnected[1].lineConnected == false && disconnected[1].lastDisconnectReason == "Polarity Reversal")
        // `Failed` is one of the field's failure words on this web engine (the captures' README).
        #expect(try Self.ports("sipura", "pap2t-undocumented-wording.htm")[1].registration == .notRegistered)
    }

    @Test func sipuraVoltageReadingsThatSayNothing() {
        #expect(SipuraAdapter.lineConnected(voltage: "-48") == true)
        #expect(SipuraAdapter.lineConnected(voltage: "2.9 V") == false)
        #expect(SipuraAdapter.lineConnected(voltage: "n/a") == nil)
        #expect(SipuraAdapter.lineConnected(voltage: "") == nil)
        #expect(SipuraAdapter.lineConnected(voltage: nil) == nil)
    }

    @Test func sipuraRouterModelsAreReadOnTheVoiceTab() throws {
        let adapter = SipuraAdapter()
        let root = GatewayPage(path: "/", body: try Fixtures.read("gateways/sipura/spa2102-router-root.htm"))
        #expect(adapter.statusRequest(credentials: nil, sessionToken: nil, after: [])?.wireTarget == "/")
        #expect(adapter.statusRequest(credentials: nil, sessionToken: nil, after: [root])?.wireTarget == "/voice/")
        let voice = GatewayPage(path: "/voice/", body: try Fixtures.read("gateways/sipura/spa2102-voice.htm"))
        #expect(adapter.statusRequest(credentials: nil, sessionToken: nil, after: [voice]) == nil)
        #expect(adapter.statusRequest(credentials: nil, sessionToken: nil, after: [root, voice]) == nil)
        #expect(adapter.parse(root).failure?.kind == .unparseable)
    }

    @Test func noneHasNoStatusPage() {
        let adapter = GatewayStatusAdapters.adapter(forProfile: "none")!
        #expect(adapter.statusRequest(credentials: nil, sessionToken: nil, after: []) == nil)
        #expect(adapter.parse(GatewayPage(path: "/", body: "")).failure?.kind == .unsupported)
    }

    @Test func profilesAndAliases() {
        #expect(GatewayStatusAdapters.profileNames == ["grandstream-gxw410x", "grandstream-ht8xx", "grandstream-ht8xx-api",
                                                       "cisco-spa112", "sipura", "none"])
        #expect(GatewayStatusAdapters.adapter(forProfile: "Cisco-SPA122")?.profile == "cisco-spa112")
        #expect(GatewayStatusAdapters.adapter(forProfile: "grandstream-ht802v2")?.profile == "grandstream-ht8xx-api")
        #expect(GatewayStatusAdapters.adapter(forProfile: "audiocodes") == nil)
    }
}
