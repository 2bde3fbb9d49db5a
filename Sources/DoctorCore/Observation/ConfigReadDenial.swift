/// A configuration file dahdi-doctor needed and was not allowed to read: the file itself, or a directory on its
/// way that it may not search or list. Recorded so the report says "could not look" instead of treating the file
/// as absent (which would let the checks that need it pass silently).
public struct ConfigReadDenial: Sendable, Hashable, Codable {
    /// The file (or, for an #include glob, the directory to list) a reader wanted.
    public var path: String
    /// Where permission stops: `path` itself, or the first directory on the way that may not be searched.
    public var blockedAt: String
    public var blockedIsDirectory: Bool
    /// Owner and group of `blockedAt` (names when this machine knows them, else numbers) and its mode, "0750".
    public var owner: String?
    public var group: String?
    public var mode: String?
    public var error: SystemError
    /// Who dahdi-doctor ran as: "root (uid 0)", "dahdi-doctor (uid 998)".
    public var reader: String?

    public init(path: String, blockedAt: String, blockedIsDirectory: Bool, owner: String? = nil, group: String? = nil,
                mode: String? = nil, error: SystemError, reader: String? = nil) {
        self.path = path; self.blockedAt = blockedAt; self.blockedIsDirectory = blockedIsDirectory
        self.owner = owner; self.group = group; self.mode = mode; self.error = error; self.reader = reader
    }

    /// Whether `blockedAt`'s group may do what dahdi-doctor needs (read a file; search and list a directory).
    public var groupMayRead: Bool? {
        guard let mode, let bits = Int(mode, radix: 8) else { return nil }
        return blockedIsDirectory ? bits & 0o050 == 0o050 : bits & 0o040 != 0
    }
}
