/// Gathers one list action's answer as typed items, decoding each event as it arrives: only the decoded values are
/// kept, never the raw messages, so a 5000-endpoint list costs 5000 `AsteriskEndpoint`s and one message at a time.
public struct AMIListCollector<Item> {
    public let action: String
    public let actionID: String
    private let decode: (AMIMessage) throws(AMIFailure) -> Item?
    public private(set) var items: [Item] = []
    /// The `...Complete` event (`ListItems`, and `Registered`/`NotRegistered` for outbound registrations); nil
    /// while incomplete, or when Asterisk answered "none" with an error reply.
    public private(set) var summary: AMIMessage?
    public private(set) var isComplete = false

    /// `decode` returns nil for events it does not read (AuthDetail in PJSIPShowRegistrationsOutbound).
    public init(action: String, actionID: String, decode: @escaping (AMIMessage) throws(AMIFailure) -> Item?) {
        self.action = action; self.actionID = actionID; self.decode = decode
    }

    /// Takes one delivery for this list and says whether the list is complete. Throws the list's failure (an error
    /// reply, or an item that does not decode). Deliveries for other ActionIDs are the caller's business.
    public mutating func take(_ delivery: AMIDelivery) throws(AMIFailure) -> Bool {
        switch delivery {
        case .listStarted(let id) where id == actionID:
            break
        case .listItem(let id, let message) where id == actionID:
            if AMISecretFields.isAuthEvent(message) { break }   // never decoded, whatever the decoder says
            if let item = try decode(message) { items.append(item) }
        case .listComplete(let id, let summary) where id == actionID:
            self.summary = summary
            isComplete = true
        case .failed(let id, let failure) where id == actionID:
            throw failure
        case .reply(let id, _) where id == actionID:
            throw AMIFailure(kind: .protocolError, action: action, message: "answered a single reply to a list action")
        default:
            break
        }
        return isComplete
    }
}
