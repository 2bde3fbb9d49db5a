/// How an action is answered: one response, or a list (manager.c astman_send_listack ... list_complete).
public enum AMIReplyShape: Sendable, Hashable {
    case single
    case list
}

/// What one received message means for the actions in flight.
public enum AMIDelivery: Sendable, Hashable {
    /// A single action's success reply (error replies come as `.failed`).
    case reply(actionID: String, AMIMessage)
    /// `Response: Success` with `EventList: start`: the items follow.
    case listStarted(actionID: String)
    case listItem(actionID: String, AMIMessage)
    /// The `...Complete` event (`EventList: Complete`, `ListItems: N`), or nil when Asterisk answered an error that
    /// means "there are none" (`No Contacts found`, see `AMIErrorReplies.emptyListReplies`).
    case listComplete(actionID: String, summary: AMIMessage?)
    case failed(actionID: String, AMIFailure)
    /// An event that belongs to no action in flight: no ActionID, or one we did not send. Asterisk's
    /// unsolicited events (ContactStatus, PeerStatus, Registry, Alarm...) have none.
    case event(AMIMessage)
    /// A late answer to an action given up on, or a response nobody asked for.
    case discarded(AMIMessage)
}

/// Matches incoming messages to the actions in flight by ActionID; the one place that knows the AMI list protocol:
/// ```
/// Response: Success / ActionID: x / EventList: start      -> listStarted
/// Event: EndpointList / ActionID: x                        -> listItem (N times)
/// Event: EndpointListComplete / EventList: Complete        -> listComplete
/// ```
/// or `Response: Error` instead of the list. Asterisk interleaves unsolicited events anywhere, so everything is
/// decided by ActionID and nothing by position. Pure: the client feeds it framed messages.
public struct AMIRequestTracker: Sendable {
    private struct Request: Sendable {
        var action: String
        var shape: AMIReplyShape
        var listing = false
    }

    private var requests: [String: Request] = [:]
    // Given up on (timed out); their late replies are dropped, not shown as events. Bounded: oldest forgotten.
    private var abandoned: [String] = []
    private static let abandonedMemory = 64

    public init() {}

    public var inFlight: Int { requests.count }

    public mutating func expect(actionID: String, action: String, shape: AMIReplyShape) {
        requests[actionID] = Request(action: action, shape: shape)
    }

    public mutating func abandon(actionID: String) {
        guard requests.removeValue(forKey: actionID) != nil else { return }
        abandoned.append(actionID)
        if abandoned.count > Self.abandonedMemory { abandoned.removeFirst() }
    }

    public mutating func receive(_ message: AMIMessage) -> AMIDelivery {
        guard let id = message.actionID, !id.isEmpty, var request = requests[id] else {
            if let id = message.actionID, abandoned.contains(id) { return .discarded(message) }
            return message.event != nil ? .event(message) : .discarded(message)
        }
        if message.response != nil {
            return response(message, id: id, request: &request)
        }
        guard message.event != nil, request.shape == .list else { return .discarded(message) }
        switch message.eventList?.lowercased() {
        case "complete":
            requests[id] = nil
            return .listComplete(actionID: id, summary: message)
        case "cancelled":
            requests[id] = nil
            return .failed(actionID: id, AMIFailure(kind: .error, action: request.action,
                                                    message: "Asterisk cancelled the list (EventList: Cancelled)"))
        default:
            request.listing = true
            requests[id] = request
            return .listItem(actionID: id, message)
        }
    }

    private mutating func response(_ message: AMIMessage, id: String, request: inout Request) -> AMIDelivery {
        switch request.shape {
        case .single:
            requests[id] = nil
            return message.isError ? .failed(actionID: id, AMIErrorReplies.failure(for: message, action: request.action))
                : .reply(actionID: id, message)
        case .list where request.listing:
            return .discarded(message)
        case .list:
            if message.isError {
                requests[id] = nil
                if AMIErrorReplies.meansEmptyList(message, action: request.action) {
                    return .listComplete(actionID: id, summary: nil)
                }
                return .failed(actionID: id, AMIErrorReplies.failure(for: message, action: request.action))
            }
            guard message.eventList?.lowercased() == "start" else {
                requests[id] = nil
                return .failed(actionID: id, AMIFailure(kind: .protocolError, action: request.action,
                                                        message: "answered Success without a list (no `EventList: start`)"))
            }
            request.listing = true
            requests[id] = request
            return .listStarted(actionID: id)
        }
    }
}
