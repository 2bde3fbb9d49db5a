import Testing
@testable import DoctorCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite struct AMIDecoderTests {
    static let states = ["", ".gateway-unreachable", ".no-gateway-registered"]

    @Test(arguments: states) func endpoints(state: String) throws {
        let result = try AMIFixtures.list("ami-PJSIPShowEndpoints\(state)", action: "PJSIPShowEndpoints",
                                          decode: AsteriskEndpoint.decode)
        try AMIFixtures.assertGolden(result, "ami-PJSIPShowEndpoints\(state)")
        let endpoints = try #require(result.value)
        #expect(endpoints.map(\.name) == ["agent1000", "gateway-fxo-1", "gateway-fxo-2", "trunk-provider"])
        #expect(endpoints[3].contacts == ["trunk-provider/sip:127.0.0.1:5070"] && endpoints[3].outboundAuths == ["trunk-provider-auth"])
        #expect(endpoints[0].contacts.isEmpty && endpoints[0].outboundAuths.isEmpty && endpoints[0].activeChannels == 0)
        if state == "" {
            #expect(endpoints[1].contacts == ["gateway-fxo-1/sip:gateway-fxo-1@127.0.0.1:5062"])
            #expect(endpoints[1].deviceState == "Not in use")
        }
    }

    @Test(arguments: states) func contacts(state: String) throws {
        let result = try AMIFixtures.list("ami-PJSIPShowContacts\(state)", action: "PJSIPShowContacts",
                                          decode: AsteriskContact.decode)
        try AMIFixtures.assertGolden(result, "ami-PJSIPShowContacts\(state)")
        let contacts = try #require(result.value)
        switch state {
        case "":
            #expect(contacts == [AsteriskContact(uri: "sip:gateway-fxo-1@127.0.0.1:5062", aor: "gateway-fxo-1",
                                                 endpoint: "gateway-fxo-1", status: "Reachable", roundtripUsec: 460,
                                                 userAgent: "lab-fxo-gateway/1.0 (SIPp)", qualifyFrequency: 5,
                                                 expirationTime: 1795237838, viaAddress: "127.0.0.1:5062")])
        case ".gateway-unreachable":
            #expect(contacts.count == 1 && contacts[0].status == "Unreachable" && contacts[0].roundtripUsec == nil)
        default:
            #expect(contacts.isEmpty)
        }
    }

    @Test(arguments: states) func aors(state: String) throws {
        let result = try AMIFixtures.list("ami-PJSIPShowAors\(state)", action: "PJSIPShowAors", decode: AsteriskAor.decode)
        try AMIFixtures.assertGolden(result, "ami-PJSIPShowAors\(state)")
        let aors = try #require(result.value)
        #expect(aors.map(\.name) == ["agent1000", "gateway-fxo-1", "gateway-fxo-2", "trunk-provider"])
        #expect(aors[3].contacts == ["sip:127.0.0.1:5070"] && aors[3].maxContacts == 0 && aors[3].qualifyTimeout == 3.0)
        #expect(aors[1].qualifyFrequency == 5 && aors[1].maxContacts == 1)
    }

    /// AorList mixes static and registered contacts; PJSIPShowContacts (registered only) tells them apart.
    @Test func staticContactsAreTheOnesNotRegistered() throws {
        for state in ["", ".no-gateway-registered"] {
            let observation = AsteriskObservation(
                target: "127.0.0.1:5038",
                contacts: try AMIFixtures.list("ami-PJSIPShowContacts\(state)", action: "PJSIPShowContacts",
                                               decode: AsteriskContact.decode),
                aors: try AMIFixtures.list("ami-PJSIPShowAors\(state)", action: "PJSIPShowAors", decode: AsteriskAor.decode))
            let aors = try #require(observation.derivingStaticContacts().aors?.value)
            #expect(aors.first { $0.name == "trunk-provider" }?.staticContacts == ["sip:127.0.0.1:5070"])
            #expect(aors.first { $0.name == "gateway-fxo-1" }?.staticContacts == [])
        }
        // Without PJSIPShowContacts nothing can be told apart: left empty.
        let failed = AsteriskObservation(target: "t", contacts: .failed(AMIFailure(kind: .permission, message: "Permission denied")),
                                         aors: try AMIFixtures.list("ami-PJSIPShowAors", action: "PJSIPShowAors", decode: AsteriskAor.decode))
        #expect(failed.derivingStaticContacts().aors?.value?.allSatisfy { $0.staticContacts.isEmpty } == true)
    }

    /// The AuthDetail event after each registration carries the clear-text password: skipped, never decoded.
    @Test func outboundRegistrations() throws {
        let result = try AMIFixtures.list("ami-PJSIPShowRegistrationsOutbound", action: "PJSIPShowRegistrationsOutbound",
                                          decode: AsteriskOutboundRegistration.decode)
        try AMIFixtures.assertGolden(result, "ami-PJSIPShowRegistrationsOutbound")
        #expect(result.value == [AsteriskOutboundRegistration(
            name: "trunk-provider", serverUri: "sip:127.0.0.1:5070", clientUri: "sip:labtrunk@127.0.0.1:5070",
            endpoint: "trunk-provider", status: "Rejected", nextReg: 0, transport: "transport-udp",
            outboundAuth: "trunk-provider-auth", retryInterval: 30, expiration: 300)])
    }

    @Test(arguments: ["ami-DAHDIShowChannels", "ami-DAHDIShowChannels.empty"]) func dahdiChannels(name: String) throws {
        let result = try AMIFixtures.list("dahdi-constructed/\(name)", action: "DAHDIShowChannels",
                                          decode: AsteriskDahdiChannel.decode)
        try AMIFixtures.assertGolden(result, "dahdi-constructed/\(name)")
        guard name == "ami-DAHDIShowChannels" else { #expect(result == .ok([])); return }
        let channels = try #require(result.value)
        #expect(channels[0] == AsteriskDahdiChannel(channel: 1, signalling: "FXO Kewlstart", signallingCode: 4128,
                                                    context: "from-internal", alarm: "No Alarm", description: "Reception phone",
                                                    dnd: false, callChannel: "DAHDI/1-1"))
        #expect(channels[1].dnd == true && channels[1].description == nil && channels[1].callChannel == nil)
        #expect(channels.map(\.alarm) == ["No Alarm", "No Alarm", "No Alarm", "Red Alarm", "Red Alarm", "Red Alarm"])
    }

    @Test func dahdiSpans() throws {
        let result = try AMIFixtures.list("dahdi-constructed/ami-DAHDIShowStatus", action: "DAHDIShowStatus",
                                          decode: AsteriskDahdiSpan.decode)
        try AMIFixtures.assertGolden(result, "dahdi-constructed/ami-DAHDIShowStatus")
        let spans = try #require(result.value)
        #expect(spans.map(\.alarms) == ["OK", "RED", "YEL/RED"])
        #expect(spans[0].options == nil && spans[0].coding == "Unk" && spans[0].lbo == "0 db (CSU)/0-133 feet (DSX-1)")
        #expect(spans[1] == AsteriskDahdiSpan(span: 2, description: "T2XXP (PCI) Card 0 Span 1", alarms: "RED", irq: 0,
                                              bipolarViolations: 12, crc: 0, framing: "ESF", coding: "B8ZS",
                                              lbo: "0 db (CSU)/0-133 feet (DSX-1)"))
        #expect(spans[2].options == "CRC4" && spans[2].crc == 41 && spans[2].irq == 3)
    }

    @Test func coreSettings() throws {
        let real = AsteriskCoreSettings.decode(try AMIFixtures.messages("ami-CoreSettings")[0])
        #expect(real == AsteriskCoreSettings(asteriskVersion: "22.10.1", amiVersion: "11.0.0", systemName: "asterisk-lab"))
        let old = AsteriskCoreSettings.decode(try AMIFixtures.messages("dahdi-constructed/ami-CoreSettings.asterisk-20.7.0")[0])
        #expect(old.asteriskVersion == "20.7.0" && old.amiVersion == "9.0.0")
    }

    @Test func anEventWithoutItsNameIsAProtocolError() throws {
        let nameless = AMIMessage(fields: [AMIField(key: "Event", value: "EndpointList"), AMIField(key: "ObjectName", value: "")])
        #expect(throws: AMIFailure(kind: .protocolError, action: "PJSIPShowEndpoints", message: "EndpointList event without `ObjectName`")) {
            try AsteriskEndpoint.decode(nameless)
        }
        let other = AMIMessage(fields: [AMIField(key: "Event", value: "AuthDetail")])
        #expect(try AsteriskOutboundRegistration.decode(other) == nil)
    }

    /// No lab secret reaches a decoded value, a message's text or a golden file.
    @Test func noSecretLeaksFromAnyTranscript() throws {
        let directory = Fixtures.directory + "/ami"
        var names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".txt") }
            .map { String($0.dropLast(4)) }
        names += try FileManager.default.contentsOfDirectory(atPath: directory + "/dahdi-constructed")
            .filter { $0.hasSuffix(".txt") }.map { "dahdi-constructed/" + $0.dropLast(4) }
        #expect(names.count > 30)
        for name in names where name != "ami-banner" {
            let messages = try AMIFixtures.messages(name)
            AMIFixtures.expectNoLabSecret(in: messages.map(\.description).joined(), name)
            var decoded: [String] = []
            for message in messages {
                decoded.append(try JSONOutput.encode([
                    try AsteriskEndpoint.decode(message).map { try JSONOutput.encode($0) },
                    try AsteriskContact.decode(message).map { try JSONOutput.encode($0) },
                    try AsteriskAor.decode(message).map { try JSONOutput.encode($0) },
                    try AsteriskOutboundRegistration.decode(message).map { try JSONOutput.encode($0) },
                    try AsteriskDahdiChannel.decode(message).map { try JSONOutput.encode($0) },
                    try AsteriskDahdiSpan.decode(message).map { try JSONOutput.encode($0) },
                    try JSONOutput.encode(AsteriskCoreSettings.decode(message)),
                ]))
            }
            AMIFixtures.expectNoLabSecret(in: decoded.joined(), "\(name) decoded")
        }
        for directory in [directory, directory + "/dahdi-constructed"] {
            for golden in try FileManager.default.contentsOfDirectory(atPath: directory) where golden.hasSuffix(".json") {
                AMIFixtures.expectNoLabSecret(in: try String(contentsOfFile: directory + "/" + golden, encoding: .utf8), golden)
            }
        }
    }
}
