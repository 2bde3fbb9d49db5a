import DoctorCore
import DoctorSystem

/// Reads AMI credentials from a private file or the environment. The file must be what an ssh key must be: a regular
/// file, mode 0600 or stricter, owned by the user running dahdi-doctor or by root. Anything else is refused with the
/// reason and the fix, before its content is read, and no message ever shows the content.
public enum AMICredentialLoader {
    /// The file when one is given, otherwise DAHDI_DOCTOR_AMI_USER / DAHDI_DOCTOR_AMI_SECRET.
    public static func load(file: String?) throws(AMICredentialError) -> AMICredentials {
        if let file { return try load(file: file) }
        return try fromEnvironment()
    }

    public static func fromEnvironment() throws(AMICredentialError) -> AMICredentials {
        try AMICredentials.fromEnvironment(user: system_env(AMICredentials.userVariable),
                                           secret: system_env(AMICredentials.secretVariable))
    }

    static let sizeLimit = 64 * 1024

    public static func load(file path: String) throws(AMICredentialError) -> AMICredentials {
        try AMICredentials.parse(try readPrivateFile(path), file: path)
    }

    /// The content of a credentials file that passes the rules below (regular file, 0600 or stricter, owned by the
    /// running user or root, at most 64 KiB). Used for the AMI and the gateways' credentials alike.
    public static func readPrivateFile(_ path: String) throws(AMICredentialError) -> String {
        let fd: CInt
        switch system_openForReading(path) {
        case .success(let value): fd = value
        case .failure(let error):
            if error.isNotFound { throw AMICredentialError(source: path, message: "does not exist") }
            if error.isPermissionDenied {
                throw AMICredentialError(source: path, message: "cannot be read by this user (\(error)); run as its owner or root")
            }
            throw AMICredentialError(source: path, message: "cannot be opened: \(error)")
        }
        defer { system_close(fd) }
        let status: FileStatus
        switch system_fileStatus(fd) {
        case .success(let value): status = value
        case .failure(let error): throw AMICredentialError(source: path, message: "cannot be examined: \(error)")
        }
        try check(status, path: path, runningAs: system_effectiveUserID())
        let bytes: [UInt8]
        switch system_readAll(fd, maxBytes: sizeLimit + 1) {  // one more than accepted, to detect "too large"
        case .success(let value): bytes = value
        case .failure(let error): throw AMICredentialError(source: path, message: "cannot be read: \(error)")
        }
        guard bytes.count <= sizeLimit else {
            throw AMICredentialError(source: path, message: "is larger than \(sizeLimit / 1024) KiB: not a credential file")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The rules, apart so they are tested without owning files as other users.
    static func check(_ status: FileStatus, path: String, runningAs user: UInt32) throws(AMICredentialError) {
        guard status.isRegularFile else {
            throw AMICredentialError(source: path, message: "is not a regular file")
        }
        if status.mode & 0o077 != 0 {
            let mode = String(status.mode, radix: 8)
            throw AMICredentialError(
                source: path,
                message: "is mode \(String(repeating: "0", count: max(0, 4 - mode.count)) + mode): group or others can "
                    + "read or change it; it must be 0600 or stricter (chmod 600 \(path))")
        }
        if status.ownerID != user && status.ownerID != 0 {
            throw AMICredentialError(
                source: path,
                message: "is owned by uid \(status.ownerID), neither the user running dahdi-doctor (uid \(user)) nor root; "
                    + "whoever owns it could change the credentials (chown it to uid \(user) or root)")
        }
    }
}
