import Testing
@testable import DoctorCore

/// The captured AMI transcripts (Fixtures/ami, copied byte for byte from the lab) and the constructed chan_dahdi
/// ones (Fixtures/ami/dahdi-constructed), fed through the framer, tracker and collector as the client does.
enum AMIFixtures {
    /// Secrets written in the lab's manager.conf and pjsip.conf; several inputs carry them (AuthDetail, AuthList).
    /// Failure messages name them by index only, so a failing test never prints one.
    static let labSecrets = ["doctor-lab-secret", "fxo1-lab-secret", "fxo2-lab-secret", "agent1000-lab-secret",
                             "trunk-lab-secret"]

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Fixtures.read("ami/\(name).txt").utf8)
    }

    /// Every frame of a transcript fed in one piece.
    static func frames(_ bytes: [UInt8], expectingBanner: Bool = false) throws(AMIFailure) -> [AMIFrame] {
        var framer = AMIFramer(expectingBanner: expectingBanner)
        return try framer.feed(bytes)
    }

    static func messages(_ name: String) throws -> [AMIMessage] {
        try frames(try bytes(name)).compactMap { frame in
            if case .message(let message) = frame { return message }
            return nil
        }
    }

    /// A list action's transcript collected into typed items, as the client collects a live answer.
    static func list<Item>(_ name: String, action: String,
                           decode: @escaping (AMIMessage) throws(AMIFailure) -> Item?) throws -> AMIResult<[Item]> {
        let messages = try messages(name)
        let actionID = try #require(messages.first?.actionID)
        var tracker = AMIRequestTracker()
        tracker.expect(actionID: actionID, action: action, shape: .list)
        var collector = AMIListCollector(action: action, actionID: actionID, decode: decode)
        do {
            for message in messages {
                if try collector.take(tracker.receive(message)) { return .ok(collector.items) }
            }
        } catch {
            return .failed(error)
        }
        Issue.record("\(name): the list never completed")
        return .failed(AMIFailure(kind: .closed, action: action, message: "transcript ended"))
    }

    static func assertGolden<T: Encodable>(_ value: T, _ name: String,
                                           sourceLocation: SourceLocation = #_sourceLocation) throws {
        try Fixtures.assertGolden(try JSONOutput.encode(value) + "\n", "ami/\(name).json", sourceLocation: sourceLocation)
    }

    /// Records an issue naming the secret by index (never printing it) when `text` holds one.
    static func expectNoLabSecret(in text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for (index, secret) in labSecrets.enumerated() where text.contains(secret) {
            Issue.record("lab secret #\(index) leaked into \(what)", sourceLocation: sourceLocation)
        }
    }

    /// `#expect(!text.contains(secret))` would print `text`, secret included, when it fails: this never does.
    static func expectAbsent(_ secret: String, in text: String, _ what: String,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        if text.contains(secret) { Issue.record("the test secret leaked into \(what)", sourceLocation: sourceLocation) }
    }
}
