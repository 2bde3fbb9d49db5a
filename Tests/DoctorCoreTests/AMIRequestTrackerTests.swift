import Testing
@testable import DoctorCore

@Suite struct AMIRequestTrackerTests {
    private func deliveries(_ messages: [AMIMessage], _ requests: [(id: String, action: String, shape: AMIReplyShape)])
        -> [AMIDelivery] {
        var tracker = AMIRequestTracker()
        for request in requests { tracker.expect(actionID: request.id, action: request.action, shape: request.shape) }
        return messages.map { tracker.receive($0) }
    }

    @Test func listStartItemsComplete() throws {
        let messages = try AMIFixtures.messages("ami-PJSIPShowEndpoints")
        let result = deliveries(messages, [("eps-1", "PJSIPShowEndpoints", .list)])
        #expect(result.first == .listStarted(actionID: "eps-1"))
        #expect(result.dropFirst().dropLast().allSatisfy { if case .listItem("eps-1", _) = $0 { true } else { false } })
        #expect(result.count == 6)
        guard case .listComplete("eps-1", let summary?) = result.last else { Issue.record("no complete"); return }
        #expect(summary.event == "EndpointListComplete" && summary["ListItems"] == "4")
    }

    /// chan_dahdi writes the ActionID as the last line of each event; matching does not care where it is.
    @Test func actionIDLastInChanDahdiEvents() throws {
        let result = try AMIFixtures.list("dahdi-constructed/ami-DAHDIShowChannels", action: "DAHDIShowChannels",
                                          decode: AsteriskDahdiChannel.decode)
        #expect(result.value?.map(\.channel) == [1, 2, 3, 4, 5, 6])
    }

    @Test func errorRepliesMapToFailureKinds() throws {
        let cases: [(String, String, AMIReplyShape, AMIFailure.Kind, String)] = [
            ("ami-unknown-action", "NoSuchAction", .single, .unsupported,
             "Invalid/unknown command: NoSuchAction. Use Action: ListCommands to show available commands."),
            ("ami-action-before-login", "PJSIPShowEndpoints", .list, .permission, "Permission denied"),
            ("ami-Login-failed", "Login", .single, .loginRefused, "Authentication failed"),
            ("ami-Login-failed-unknown-user", "Login", .single, .loginRefused, "Authentication failed"),
            ("ami-PJSIPShowEndpoint-nonexistent", "PJSIPShowEndpoint", .list, .error,
             "Unable to retrieve endpoint no-such-endpoint"),
            ("dahdi-constructed/ami-DAHDIShowStatus.no-dahdi", "DAHDIShowStatus", .list, .error, "No DAHDI detected"),
            ("dahdi-constructed/ami-DAHDIShowChannels.no-chan-dahdi", "DAHDIShowChannels", .list, .unsupported,
             "Invalid/unknown command: DAHDIShowChannels. Use Action: ListCommands to show available commands."),
        ]
        for (name, action, shape, kind, message) in cases {
            let reply = try #require(try AMIFixtures.messages(name).first)
            let id = try #require(reply.actionID)
            #expect(deliveries([reply], [(id, action, shape)])
                        == [.failed(actionID: id, AMIFailure(kind: kind, action: action, message: message))], "\(name)")
        }
    }

    /// PJSIPShowContacts answers "No Contacts found" (an error) when nothing is registered: that is an empty list.
    @Test func noContactsFoundIsAnEmptyList() throws {
        let result = try AMIFixtures.list("ami-PJSIPShowContacts.no-gateway-registered", action: "PJSIPShowContacts",
                                          decode: AsteriskContact.decode)
        #expect(result == .ok([]))
        // The same words from another action are an error, not "none".
        let reply = try AMIFixtures.messages("ami-PJSIPShowContacts.no-gateway-registered")[0]
        #expect(deliveries([reply], [("contacts-1", "PJSIPShowAors", .list)]).first
                    == .failed(actionID: "contacts-1", AMIFailure(kind: .error, action: "PJSIPShowAors", message: "No Contacts found")))
    }

    @Test func singleReplies() throws {
        let ping = try AMIFixtures.messages("ami-Ping")
        #expect(deliveries(ping, [("ping-1", "Ping", .single)]) == [.reply(actionID: "ping-1", ping[0])])
        // A reply without ActionID answers nothing we asked (we always send one).
        let bare = try AMIFixtures.messages("ami-Ping-no-actionid")
        #expect(deliveries(bare, [("ping-1", "Ping", .single)]) == [.discarded(bare[0])])
        // Logoff's "Goodbye" is its success.
        let logoff = try AMIFixtures.messages("ami-Logoff")
        #expect(logoff[0].isSuccess && deliveries(logoff, [("logoff-1", "Logoff", .single)]) == [.reply(actionID: "logoff-1", logoff[0])])
    }

    /// A live session with Events on: the Login reply, nine unsolicited events, the Logoff reply.
    @Test(arguments: [
        ("ami-events-register-unregister", ["FullyBooted", "ContactStatus", "PeerStatus", "ContactStatus", "DeviceStateChange",
                                            "Registry", "PeerStatus", "ContactStatus", "DeviceStateChange"]),
        ("ami-events-gateway-dies", ["FullyBooted", "PeerStatus", "DeviceStateChange", "ContactStatus", "Registry", "Registry",
                                     "ContactStatus"]),
    ])
    func unsolicitedEventsAreDeliveredSeparately(name: String, events: [String]) throws {
        let result = deliveries(try AMIFixtures.messages(name), [("events-login", "Login", .single),
                                                                  ("events-logoff", "Logoff", .single)])
        guard case .reply("events-login", _) = result.first, case .reply("events-logoff", _) = result.last else {
            Issue.record("replies not matched: \(result)"); return
        }
        let unsolicited = result.dropFirst().dropLast().compactMap { delivery -> String? in
            if case .event(let event) = delivery { return event.event }
            return nil
        }
        #expect(unsolicited == events)
    }

    /// Unsolicited events arriving in the middle of a list do not disturb it.
    @Test func eventsInterleavedWithAList() throws {
        let list = try AMIFixtures.messages("ami-PJSIPShowEndpoints")
        let events = try AMIFixtures.messages("ami-events-gateway-dies").filter { $0.event != nil }
        var mixed: [AMIMessage] = []
        for (index, message) in list.enumerated() {
            mixed.append(message)
            if index < events.count { mixed.append(events[index]) }
        }
        var tracker = AMIRequestTracker()
        tracker.expect(actionID: "eps-1", action: "PJSIPShowEndpoints", shape: .list)
        var collector = AMIListCollector(action: "PJSIPShowEndpoints", actionID: "eps-1", decode: AsteriskEndpoint.decode)
        var seen: [AMIMessage] = []
        var complete = false
        for message in mixed {
            let delivery = tracker.receive(message)
            if case .event(let event) = delivery { seen.append(event) }
            complete = try collector.take(delivery) || complete
        }
        #expect(complete && collector.items.count == 4 && collector.summary?["ListItems"] == "4")
        #expect(seen.count == min(events.count, list.count) && seen == Array(events.prefix(seen.count)))
        #expect(tracker.inFlight == 0)
    }

    @Test func lateRepliesToAbandonedActionsAreDropped() throws {
        var tracker = AMIRequestTracker()
        tracker.expect(actionID: "eps-1", action: "PJSIPShowEndpoints", shape: .list)
        tracker.abandon(actionID: "eps-1")
        let late = try AMIFixtures.messages("ami-PJSIPShowEndpoints")
        #expect(late.allSatisfy { if case .discarded = tracker.receive($0) { true } else { false } })
        // An event with an ActionID nobody sent is someone else's: delivered as unsolicited.
        let foreign = AMIMessage(fields: [AMIField(key: "Event", value: "X"), AMIField(key: "ActionID", value: "other")])
        #expect(tracker.receive(foreign) == .event(foreign))
    }

    @Test func successWithoutAListIsAProtocolError() {
        var tracker = AMIRequestTracker()
        tracker.expect(actionID: "a", action: "PJSIPShowAors", shape: .list)
        let reply = AMIMessage(fields: [AMIField(key: "Response", value: "Success"), AMIField(key: "ActionID", value: "a")])
        guard case .failed("a", let failure) = tracker.receive(reply) else { Issue.record("accepted"); return }
        #expect(failure.kind == .protocolError)
    }
}
