import Testing
@testable import DoctorCore

@Suite struct AMIActionTests {
    @Test func encodesAsAsteriskReadsIt() throws {
        let action = AMIAction("PJSIPShowEndpoint", ["Endpoint": "gateway-fxo-1"])
        #expect(String(decoding: try action.encoded(actionID: "x-1"), as: UTF8.self)
                    == "Action: PJSIPShowEndpoint\r\nActionID: x-1\r\nEndpoint: gateway-fxo-1\r\n\r\n")
    }

    /// Login as the lab capture sent it (ami-Login-success-events-off.request.txt), with a test secret.
    @Test func loginCarriesTheSecretOnlyInItsBytes() throws {
        let credentials = AMICredentials(username: "doctor", secret: "test-only-secret", source: "test")
        let login = AMIAction.login(credentials, events: false)
        let bytes = String(decoding: try login.encoded(actionID: "login-1"), as: UTF8.self)
        if bytes != "Action: Login\r\nActionID: login-1\r\nUsername: doctor\r\nSecret: test-only-secret\r\nEvents: off\r\n\r\n" {
            Issue.record("the Login bytes differ from the lab capture's layout")   // not printed: they hold the secret
        }
        #expect(login.description.contains("Secret: <redacted>"))
        var dumped = ""
        dump(credentials, to: &dumped)
        dump(login, to: &dumped)
        for (what, text) in [("description", login.description), ("interpolation", "\(login)"),
                             ("reflection", String(reflecting: login)), ("credentials", "\(credentials)"),
                             ("credentials reflection", String(reflecting: credentials)), ("dump", dumped)] {
            AMIFixtures.expectAbsent("test-only-secret", in: text, what)
        }
        #expect(AMIAction.login(credentials, events: true).description.contains("Events: on"))
    }

    /// A line break anywhere would let a value write further AMI lines (an Originate, a second Login...).
    @Test(arguments: ["gw\r\nAction: Originate", "gw\nChannel: DAHDI/1", "gw\r"])
    func refusesLineBreaksInValues(value: String) {
        let action = AMIAction("PJSIPShowEndpoint", ["Endpoint": value])
        do {
            _ = try action.encoded(actionID: "x")
            Issue.record("injection encoded")
        } catch {
            #expect(error.kind == .protocolError && error.action == "PJSIPShowEndpoint")
            #expect(error.message == "refused to send: the value of `Endpoint` contains a line break, which would inject AMI lines")
        }
    }

    @Test func refusesLineBreaksInSecretsNamesKeysAndActionIDs() {
        let sneaky = AMICredentials(username: "doctor", secret: "a\r\nAction: Originate", source: "test")
        do {
            _ = try AMIAction.login(sneaky, events: false).encoded(actionID: "x")
            Issue.record("secret with CRLF encoded")
        } catch {
            #expect(!error.message.contains("Originate") && error.message.contains("`Secret`"))
        }
        #expect(throws: AMIFailure.self) { try AMIAction("Ping\r\nAction: Originate").encoded(actionID: "x") }
        #expect(throws: AMIFailure.self) { try AMIAction("Ping").encoded(actionID: "x\r\nAction: Originate") }
        #expect(throws: AMIFailure.self) { try AMIAction("Ping", ["Bad Key": "v"]).encoded(actionID: "x") }
        #expect(throws: AMIFailure.self) { try AMIAction("Ping", ["Key:": "v"]).encoded(actionID: "x") }
        #expect(throws: AMIFailure.self) { try AMIAction("Ping", ["actionid": "mine"]).encoded(actionID: "x") }
    }

    @Test func actionIDsAreUniquePerClientAndAcrossClients() {
        var first = AMIActionIDs()
        var second = AMIActionIDs()
        let ids = (0..<1000).map { _ in first.next() } + (0..<1000).map { _ in second.next() }
        #expect(Set(ids).count == 2000)
        var fixed = AMIActionIDs(prefix: "t")
        #expect(fixed.next() == "t-1" && fixed.next() == "t-2")
    }
}
