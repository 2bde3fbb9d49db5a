/// Who may read the agent's socket, decided on the peer's kernel-reported credentials (SO_PEERCRED), never on
/// anything the client says. Root and the agent's own user always may; others only when listed. A listed gid matches
/// the peer's effective gid (SO_PEERCRED) or one of its supplementary groups (SO_PEERGROUPS, as recorded at connect),
/// so members of the socket's group pass without `sg`.
public struct PeerAccessPolicy: Sendable, Hashable {
    public var allowedUIDs: Set<UInt32>
    public var allowedGIDs: Set<UInt32>
    public var ownUID: UInt32

    public init(allowedUIDs: Set<UInt32> = [], allowedGIDs: Set<UInt32> = [], ownUID: UInt32) {
        self.allowedUIDs = allowedUIDs; self.allowedGIDs = allowedGIDs; self.ownUID = ownUID
    }

    public func allows(uid: UInt32, gid: UInt32, groups: [UInt32] = []) -> Bool {
        uid == 0 || uid == ownUID || allowedUIDs.contains(uid) || allowedGIDs.contains(gid)
            || groups.contains(where: allowedGIDs.contains)
    }
}
