import DoctorCore
import DoctorSystem

/// A blocking AMI session: connect (TCP, optionally TLS), check the banner, log in, run actions one at a time with
/// unique ActionIDs, collect lists, keep unsolicited events for `nextEvent`, log off. Every wait ends by a deadline:
/// the request timeout, and the session deadline when one is given.
///
/// One thread uses a client at a time (it is a reference to one socket). A failure that leaves the stream unusable
/// (closed, garbage, TLS, a half-written action) is kept: every later call throws it, with its own action name.
public final class AMIClient {
    public let endpoint: AMIEndpoint
    public let banner: AMIBanner
    public let timeouts: AMITimeouts
    /// No wait goes past it (the reader's overall deadline).
    public let sessionDeadline: ContinuousClock.Instant?
    private let stream: any AMIByteStream
    private var framer: AMIFramer
    private var tracker = AMIRequestTracker()
    private var actionIDs = AMIActionIDs()
    private var inbox: [AMIMessage] = []
    private var inboxStart = 0
    private var events: [AMIMessage] = []
    private var broken: AMIFailure?

    /// Unsolicited events kept for `nextEvent` before the oldest are dropped (a reader that never asks for them
    /// must not grow without bound).
    public static let eventQueueLimit = 10_000
    public private(set) var droppedEvents = 0
    /// The most bytes ever held for an incomplete message: stays near one message, however long a list is.
    public private(set) var peakBufferedBytes = 0

    private init(endpoint: AMIEndpoint, banner: AMIBanner, timeouts: AMITimeouts, sessionDeadline: ContinuousClock.Instant?,
                 stream: any AMIByteStream, framer: AMIFramer, pending: [AMIMessage]) {
        self.endpoint = endpoint; self.banner = banner; self.timeouts = timeouts; self.sessionDeadline = sessionDeadline
        self.stream = stream; self.framer = framer; self.inbox = pending
    }

    deinit { stream.close() }

    /// Whether the connection can still carry actions.
    public var isUsable: Bool { broken == nil }

    /// Connects and logs in. `events: false` (Login `Events: off`) for one-shot reads; true for an agent that
    /// follows `nextEvent`. With a `ReconnectPolicy` other than `.never`, failures that another attempt can cure
    /// (refused, silent, closed) are retried after the policy's backoff while the session deadline allows.
    public static func connect(to endpoint: AMIEndpoint, credentials: AMICredentials, events: Bool = false,
                               timeouts: AMITimeouts = AMITimeouts(), sessionDeadline: ContinuousClock.Instant? = nil,
                               reconnect: ReconnectPolicy = .never,
                               limits: AMIFramer.Limits = .standard) throws(AMIFailure) -> AMIClient {
        var attempt = 1
        while true {
            do {
                return try open(endpoint, credentials: credentials, events: events, timeouts: timeouts,
                                sessionDeadline: sessionDeadline, limits: limits)
            } catch {
                guard reconnect.retries(after: error), let delay = reconnect.delay(beforeAttempt: attempt + 1),
                      sessionDeadline.map({ .now + delay < $0 }) ?? true else { throw error }
                system_sleep(seconds: delay.inSeconds)
                attempt += 1
            }
        }
    }

    private static func open(_ endpoint: AMIEndpoint, credentials: AMICredentials, events: Bool, timeouts: AMITimeouts,
                             sessionDeadline: ContinuousClock.Instant?, limits: AMIFramer.Limits) throws(AMIFailure) -> AMIClient {
        let deadline = earliest(.now + timeouts.connect, sessionDeadline)
        let tcp = try TCPConnection.connect(host: endpoint.host, port: endpoint.port, deadline: deadline)
        let stream: any AMIByteStream = try endpoint.tls.map { options throws(AMIFailure) in
            try TLSStream.handshake(over: tcp, host: endpoint.host, options: options, deadline: deadline)
        } ?? tcp
        var framer = AMIFramer(limits: limits)
        var banner: AMIBanner?
        var pending: [AMIMessage] = []
        do throws(AMIFailure) {
            while banner == nil {
                let bytes = try stream.read(deadline: deadline)
                guard !bytes.isEmpty else {
                    throw AMIFailure(kind: .closed, message: "\(stream.peer) closed the connection before the AMI banner")
                }
                for frame in try framer.feed(bytes) {
                    switch frame {
                    case .banner(let line): banner = line
                    case .message(let message): pending.append(message)
                    }
                }
            }
        } catch {
            stream.close()
            if error.kind == .timeout {
                throw AMIFailure(kind: .timeout, message: "\(stream.peer) accepted the connection but sent no AMI banner "
                                     + "within \(timeouts.connect.shortDescription)")
            }
            throw error
        }
        let client = AMIClient(endpoint: endpoint, banner: banner!, timeouts: timeouts, sessionDeadline: sessionDeadline,
                               stream: stream, framer: framer, pending: pending)
        do {
            _ = try client.action(.login(credentials, events: events))
        } catch {
            client.close()
            if error.kind == .loginRefused {
                throw AMIFailure(kind: .loginRefused, action: "Login",
                                 message: "Asterisk refused user \(credentials.username) (\(error.message)); check the "
                                     + "secret in \(credentials.source) against manager.conf")
            }
            throw error
        }
        return client
    }

    // MARK: Actions

    /// Runs a single-reply action and returns its success reply; an error reply throws its `AMIFailure`.
    public func action(_ action: AMIAction) throws(AMIFailure) -> AMIMessage {
        try perform(action, timeout: timeouts.request)
    }

    /// Runs a list action and decodes each item as it arrives (`decode` returns nil for events it skips). An error
    /// reply throws, except the ones that mean "none" (`No Contacts found`), which give an empty list.
    public func list<Item>(_ action: AMIAction,
                           decode: @escaping (AMIMessage) throws(AMIFailure) -> Item?) throws(AMIFailure) -> AMIListResult<Item> {
        let request = try send(action, shape: .list, timeout: timeouts.request)
        var collector = AMIListCollector(action: action.name, actionID: request.id, decode: decode)
        var received = 0
        do throws(AMIFailure) {
            while true {
                let delivery = route(try nextMessage(request))
                if case .listItem(request.id, _) = delivery { received += 1 }
                if try collector.take(delivery) { return AMIListResult(items: collector.items, summary: collector.summary) }
            }
        } catch {
            // Stop collecting (an item that did not decode leaves the rest of the list coming): late items are dropped.
            tracker.abandon(actionID: request.id)
            guard error.kind == .closed || error.kind == .timeout, received > 0 else { throw error }
            throw AMIFailure(kind: error.kind, action: error.action,
                             message: "\(error.message), in the middle of the list (after \(received) of its events)")
        }
    }

    /// The next unsolicited event (ContactStatus, PeerStatus, Registry, Alarm...), or nil when none came before
    /// `deadline`. Needs a client connected with `events: true`.
    public func nextEvent(deadline: ContinuousClock.Instant) throws(AMIFailure) -> AMIMessage? {
        while events.isEmpty {
            if let broken { throw broken }
            let message: AMIMessage
            do {
                message = try nextMessage(deadline: earliest(deadline, sessionDeadline))
            } catch {
                if error.kind == .timeout && broken == nil { return nil }
                throw error
            }
            _ = route(message)
        }
        return events.removeFirst()
    }

    /// Says goodbye (best effort, within a second) and closes.
    public func logoff() {
        if broken == nil {
            _ = try? perform(.logoff, timeout: min(timeouts.request, .seconds(1)))
        }
        close()
    }

    public func close() {
        stream.close()
        if broken == nil { broken = AMIFailure(kind: .closed, message: "the AMI session was closed") }
    }

    // MARK: Plumbing

    private struct Request {
        var id: String
        var name: String
        var deadline: ContinuousClock.Instant
        /// The timeout that set the deadline, for the message ("within 5 s" or "the overall deadline").
        var limit: String
    }

    private func perform(_ action: AMIAction, timeout: Duration) throws(AMIFailure) -> AMIMessage {
        let request = try send(action, shape: .single, timeout: timeout)
        while true {
            switch route(try nextMessage(request)) {
            case .reply(request.id, let reply): return reply
            case .failed(request.id, let failure): throw failure
            default: continue
            }
        }
    }

    private func send(_ action: AMIAction, shape: AMIReplyShape, timeout: Duration) throws(AMIFailure) -> Request {
        if let broken {
            throw AMIFailure(kind: broken.kind, action: action.name, message: broken.message)
        }
        let requestDeadline = ContinuousClock.now + timeout
        let deadline = earliest(requestDeadline, sessionDeadline)
        let limit = deadline < requestDeadline ? "the overall deadline" : timeout.shortDescription
        let id = actionIDs.next()
        let bytes = try action.encoded(actionID: id)
        tracker.expect(actionID: id, action: action.name, shape: shape)
        do {
            try stream.write(bytes, deadline: deadline)
        } catch {
            // Part of an action may have gone out: the stream can no longer be trusted.
            tracker.abandon(actionID: id)
            throw breaking(AMIFailure(kind: error.kind, action: action.name, message: error.message))
        }
        return Request(id: id, name: action.name, deadline: deadline, limit: limit)
    }

    private func nextMessage(_ request: Request) throws(AMIFailure) -> AMIMessage {
        do {
            return try nextMessage(deadline: request.deadline)
        } catch {
            if error.kind == .timeout {
                // The answer may still come; its ActionID is remembered and the late reply dropped.
                tracker.abandon(actionID: request.id)
                throw AMIFailure(kind: .timeout, action: request.name,
                                 message: "no complete answer from \(stream.peer) within \(request.limit)")
            }
            throw AMIFailure(kind: error.kind, action: request.name, message: error.message)
        }
    }

    private func nextMessage(deadline: ContinuousClock.Instant) throws(AMIFailure) -> AMIMessage {
        while inboxStart >= inbox.count {
            if let broken { throw broken }
            inbox.removeAll(keepingCapacity: true)
            inboxStart = 0
            let bytes: [UInt8]
            do {
                bytes = try stream.read(deadline: deadline)
            } catch {
                if error.kind == .timeout { throw error }   // the stream is intact; only this wait ended
                throw breaking(error)
            }
            guard !bytes.isEmpty else {
                throw breaking(AMIFailure(kind: .closed, message: "Asterisk (\(stream.peer)) closed the connection"))
            }
            let frames: [AMIFrame]
            do {
                frames = try framer.feed(bytes)
            } catch {
                throw breaking(error)
            }
            peakBufferedBytes = max(peakBufferedBytes, framer.bufferedBytes)
            for frame in frames {
                guard case .message(let message) = frame else {
                    throw breaking(AMIFailure(kind: .protocolError, message: "a second AMI banner in the middle of the session"))
                }
                inbox.append(message)
            }
        }
        defer { inboxStart += 1 }
        return inbox[inboxStart]
    }

    /// Routes a message through the tracker; unsolicited events are queued for `nextEvent`.
    private func route(_ message: AMIMessage) -> AMIDelivery {
        let delivery = tracker.receive(message)
        if case .event(let event) = delivery {
            if events.count >= Self.eventQueueLimit {
                events.removeFirst()
                droppedEvents += 1
            }
            events.append(event)
        }
        return delivery
    }

    private func breaking(_ failure: AMIFailure) -> AMIFailure {
        if broken == nil { broken = failure }
        stream.close()
        return failure
    }
}

/// A list action's items and its `...Complete` event (nil when Asterisk answered "none").
public struct AMIListResult<Item> {
    public var items: [Item]
    public var summary: AMIMessage?
}

func earliest(_ a: ContinuousClock.Instant, _ b: ContinuousClock.Instant?) -> ContinuousClock.Instant {
    guard let b else { return a }
    return min(a, b)
}
