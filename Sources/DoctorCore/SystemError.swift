/// An operating-system error as evidence: the errno number, its symbolic name and the C library's message.
/// DoctorCore imports no C module, so the Linux module fills these in.
public struct SystemError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public var code: Int32
    public var name: String
    public var message: String

    public init(code: Int32, name: String, message: String) {
        self.code = code; self.name = name; self.message = message
    }

    public var description: String { "\(message) (\(name))" }

    // The few errno values whose meaning the core acts on (Linux numbering).
    public var isPermissionDenied: Bool { code == 13 || code == 1 }    // EACCES, EPERM
    public var isNotFound: Bool { code == 2 || code == 6 || code == 19 } // ENOENT, ENXIO, ENODEV
    public var isInvalidArgument: Bool { code == 22 }                    // EINVAL: no such span/channel
    /// The device is gone or is not a DAHDI control device (ENOENT, ENXIO, ENODEV, EBADF, ENOTTY): every further
    /// request would fail the same way, so a walk over spans or channels stops at the first one.
    public var endsTheWalk: Bool { isNotFound || code == 9 || code == 25 }
}

/// How opening /dev/dahdi/ctl went.
public enum ControlDeviceAccess: Sendable, Hashable, Codable {
    case opened(path: String)
    case missing(path: String)
    case permissionDenied(path: String, error: SystemError)
    case failed(path: String, error: SystemError)
}

/// A reading that failed for a reason other than "that span/channel does not exist".
public struct ReadFailure: Sendable, Hashable, Codable, CustomStringConvertible {
    public var source: String
    public var what: String
    public var error: SystemError

    public init(source: String, what: String, error: SystemError) {
        self.source = source; self.what = what; self.error = error
    }

    public var description: String { "\(source) \(what): \(error)" }
}
