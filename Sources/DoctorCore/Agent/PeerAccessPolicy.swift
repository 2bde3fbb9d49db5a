/// Who may read the agent's socket, decided on the peer's kernel-reported credentials (SO_PEERCRED), never on
/// anything the client says. Root and the agent's own user always may; others only when listed. The gid is the
/// peer process's effective gid: supplementary groups are not in SO_PEERCRED, so list the gid the client runs with.
public struct PeerAccessPolicy: Sendable, Hashable {
    public var allowedUIDs: Set<UInt32>
    public var allowedGIDs: Set<UInt32>
    public var ownUID: UInt32

    public init(allowedUIDs: Set<UInt32> = [], allowedGIDs: Set<UInt32> = [], ownUID: UInt32) {
        self.allowedUIDs = allowedUIDs; self.allowedGIDs = allowedGIDs; self.ownUID = ownUID
    }

    public func allows(uid: UInt32, gid: UInt32) -> Bool {
        uid == 0 || uid == ownUID || allowedUIDs.contains(uid) || allowedGIDs.contains(gid)
    }
}
