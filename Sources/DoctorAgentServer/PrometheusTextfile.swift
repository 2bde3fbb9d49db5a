// The Prometheus textfile writer's syscalls: open/write/fchmod/fsync/close on a temporary file, rename(2) over the
// final name, fsync on the directory. Kept apart from Syscalls.swift (the DAHDI funnel), like HTTPSyscalls.swift.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("Unsupported Platform")
#endif
import DoctorCore
import DoctorSystem

/// write(2), named apart from `PrometheusTextfile.write`.
private func writeBytes(_ fd: CInt, _ buffer: UnsafeRawBufferPointer) -> Int { write(fd, buffer.baseAddress, buffer.count) }

/// Why the metrics file could not be written, with the path concerned.
public struct TextfileWriteError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case directoryMissing = "directory does not exist"
        case notADirectory = "not a directory"
        case permissionDenied = "permission denied"
        case readOnly = "read-only file system"
        case noSpace = "no space left"
        case failed = "failed"
    }

    public var kind: Kind
    /// The directory or file concerned.
    public var path: String
    /// The step that failed: stat, open, write, fsync, rename...
    public var operation: String
    public var error: SystemError

    public var description: String { "\(path): \(kind.rawValue) (\(operation): \(error))" }

    init(_ operation: String, _ path: String, _ error: SystemError, inDirectory: Bool = false) {
        self.operation = operation; self.path = path; self.error = error
        switch error.code {
        case ENOENT where inDirectory: kind = .directoryMissing
        case ENOTDIR: kind = .notADirectory
        case EACCES, EPERM: kind = .permissionDenied
        case EROFS: kind = .readOnly
        case ENOSPC, EDQUOT: kind = .noSpace
        default: kind = .failed
        }
    }
}

/// Writes node_exporter's textfile atomically: `<dir>/dahdi_doctor.prom.tmp.<pid>` (never ending in `.prom`: the
/// collector reads `*.prom`), mode 0644 whatever the umask (node_exporter runs as another user), fsync, rename(2)
/// over `<dir>/dahdi_doctor.prom`, fsync the directory. A reader sees the old file or the new one, never half.
public enum PrometheusTextfile {
    public static let fileName = "dahdi_doctor.prom"
    /// Debian's prometheus-node-exporter reads this directory (ARGS in /etc/default/prometheus-node-exporter).
    public static let defaultDirectory = "/var/lib/prometheus/node-exporter"

    public static func temporaryName(pid: Int32) -> String { "\(fileName).tmp.\(pid)" }

    /// Returns the final path.
    @discardableResult
    public static func write(_ text: String, directory: String) throws(TextfileWriteError) -> String {
        var status = stat()
        if stat(directory, &status) != 0 { throw TextfileWriteError("stat", directory, SystemError(errno: errno), inDirectory: true) }
        if status.st_mode & S_IFMT != S_IFDIR {
            throw TextfileWriteError("stat", directory, SystemError(errno: ENOTDIR), inDirectory: true)
        }
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        let temporary = base + temporaryName(pid: getpid())
        let final = base + fileName

        let fd: CInt
        switch valueOrErrno({ open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644) }) {
        case .success(let value): fd = value
        case .failure(let error): throw TextfileWriteError("open", temporary, error)
        }
        func fail(_ operation: String, _ error: SystemError, path: String = temporary) -> TextfileWriteError {
            unlink(temporary)
            return TextfileWriteError(operation, path, error)
        }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { writeBytes(fd, $0) }
            if written < 0 {
                if errno == EINTR { continue }
                let error = SystemError(errno: errno)
                close(fd)
                throw fail("write", error)
            }
            bytes = bytes.dropFirst(written)
        }
        if fchmod(fd, 0o644) != 0 { let error = SystemError(errno: errno); close(fd); throw fail("fchmod", error) }
        if case .failure(let error) = valueOrErrno({ fsync(fd) }) { close(fd); throw fail("fsync", error) }
        if close(fd) != 0 { throw fail("close", SystemError(errno: errno)) }
        if rename(temporary, final) != 0 { throw fail("rename", SystemError(errno: errno), path: final) }

        // The rename is durable only once the directory is synced. Some file systems cannot fsync a directory
        // (EINVAL): the file is in place all the same.
        let dirFD: CInt
        switch valueOrErrno({ open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }) {
        case .success(let value): dirFD = value
        case .failure(let error): throw TextfileWriteError("open", directory, error, inDirectory: true)
        }
        defer { close(dirFD) }
        if case .failure(let error) = valueOrErrno({ fsync(dirFD) }), error.code != EINVAL {
            throw TextfileWriteError("fsync", directory, error, inDirectory: true)
        }
        return final
    }
}
