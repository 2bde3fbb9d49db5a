// The syscalls that change configuration files (`setup ami`): an atomic replace that keeps a file's owner and mode,
// unlink, mkdir/rmdir, getrandom(2) for secrets, and running a program (Asterisk's own binary) with its output kept.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("Unsupported Platform")
#endif
import DoctorCore

/// A file's owner, group and permission bits (lstat(2)); nil when it does not exist.
package struct FileOwnership: Sendable, Hashable {
    package var uid: UInt32
    package var gid: UInt32
    package var mode: UInt32
    package var isRegularFile: Bool
}

package func system_ownership(_ path: String) -> Result<FileOwnership?, SystemError> {
    var info = stat()
    if lstat(path, &info) != 0 {
        let code = errno
        return code == ENOENT ? .success(nil) : .failure(SystemError(errno: code))
    }
    return .success(FileOwnership(uid: info.st_uid, gid: info.st_gid, mode: UInt32(info.st_mode) & 0o7777,
                                  isRegularFile: (info.st_mode & S_IFMT) == S_IFREG))
}

/// Replaces (or creates) `path` atomically: a temporary file in the same directory (O_EXCL, mode 0600 while it is
/// written), fchown/fchmod to the given owner and mode, fsync, rename(2) over the final name, fsync the directory. A
/// reader sees the old file or the new one, never half of either. The step that failed is named in the error.
package func system_replaceFile(_ path: String, _ bytes: [UInt8], mode: UInt32, owner: (uid: UInt32, gid: UInt32)?) -> Result<Void, FileWriteError> {
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    let temporary = (directory == "/" ? "" : directory) + "/.\(name).dahdi-doctor-\(getpid()).tmp"
    let fd: CInt
    switch valueOrErrno({ open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600) }) {
    case .success(let value): fd = value
    case .failure(let error): return .failure(FileWriteError(step: "create", path: temporary, error: error))
    }
    func fail(_ step: String, _ error: SystemError) -> Result<Void, FileWriteError> {
        close(fd)
        unlink(temporary)
        return .failure(FileWriteError(step: step, path: temporary, error: error))
    }
    var remaining = bytes[...]
    while !remaining.isEmpty {
        let written = remaining.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            return fail("write", SystemError(errno: errno))
        }
        remaining = remaining.dropFirst(written)
    }
    if let owner, owner.uid != geteuid() || owner.gid != getegid() {
        if case .failure(let error) = valueOrErrno({ fchown(fd, owner.uid, owner.gid) }) { return fail("chown", error) }
    }
    if case .failure(let error) = valueOrErrno({ fchmod(fd, mode_t(mode)) }) { return fail("chmod", error) }
    if case .failure(let error) = valueOrErrno({ fsync(fd) }) { return fail("fsync", error) }
    close(fd)
    if rename(temporary, path) != 0 {
        let error = SystemError(errno: errno)
        unlink(temporary)
        return .failure(FileWriteError(step: "rename", path: path, error: error))
    }
    syncDirectory(directory)
    return .success(())
}

/// fsync on a directory makes a rename or unlink durable; some file systems refuse it (EINVAL), which is harmless.
private func syncDirectory(_ directory: String) {
    let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return }
    _ = fsync(fd)
    close(fd)
}

/// realpath(3): the file a path names once every symlink is followed; nil when it cannot be resolved.
package func system_resolvedPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
}

package func system_unlink(_ path: String) -> Result<Void, FileWriteError> {
    if unlink(path) != 0 { return .failure(FileWriteError(step: "unlink", path: path, error: SystemError(errno: errno))) }
    let slash = path.lastIndex(of: "/")
    syncDirectory(slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? ".")
    return .success(())
}

package func system_makeDirectory(_ path: String, mode: UInt32) -> Result<Void, FileWriteError> {
    if mkdir(path, mode_t(mode)) != 0 { return .failure(FileWriteError(step: "mkdir", path: path, error: SystemError(errno: errno))) }
    return .success(())
}

/// rmdir(2); ENOTEMPTY is a failure the caller may accept (someone else put a file there).
package func system_removeDirectory(_ path: String) -> Result<Void, FileWriteError> {
    if rmdir(path) != 0 { return .failure(FileWriteError(step: "rmdir", path: path, error: SystemError(errno: errno))) }
    return .success(())
}

/// `count` bytes from the kernel's CSPRNG: /dev/urandom (getrandom(2) is not exported by Swift's Glibc module; on a
/// booted system both draw from the same pool).
package func system_randomBytes(_ count: Int) -> Result<[UInt8], SystemError> {
    let fd: CInt
    switch valueOrErrno({ open("/dev/urandom", O_RDONLY | O_CLOEXEC) }) {
    case .success(let value): fd = value
    case .failure(let error): return .failure(error)
    }
    defer { close(fd) }
    switch system_readAll(fd, maxBytes: count) {
    case .success(let bytes) where bytes.count == count: return .success(bytes)
    case .success: return .failure(SystemError(errno: EIO))
    case .failure(let error): return .failure(error)
    }
}

/// A failed file change: the step (create, write, chown, chmod, fsync, rename, unlink, mkdir, rmdir), the path, errno.
public struct FileWriteError: Error, Sendable, Hashable, CustomStringConvertible {
    public var step: String
    public var path: String
    public var error: SystemError
    package init(step: String, path: String, error: SystemError) { self.step = step; self.path = path; self.error = error }
    public var description: String { "\(step) \(path): \(error)" }
}

/// What a program printed and how it ended.
package struct ProgramResult: Sendable {
    package var status: Int32
    /// stdout and stderr together, at most `outputLimit` bytes.
    package var output: String
    package var timedOut: Bool
}

/// Runs `arguments[0]` (a path) with `arguments` and an empty environment apart from PATH, stdin from /dev/null,
/// stdout and stderr into a pipe; kills it after `seconds`.
package func system_runProgram(_ arguments: [String], seconds: Double, outputLimit: Int = 64 * 1024) -> Result<ProgramResult, SystemError> {
    var pipeFDs: [CInt] = [0, 0]
    if pipe(&pipeFDs) != 0 { return .failure(SystemError(errno: errno)) }
    _ = fcntl(pipeFDs[0], F_SETFD, FD_CLOEXEC)
    _ = fcntl(pipeFDs[1], F_SETFD, FD_CLOEXEC)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
    posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 2)
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid = pid_t()
    let status = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
    close(pipeFDs[1])
    guard status == 0 else {
        close(pipeFDs[0])
        return .failure(SystemError(errno: status))
    }
    let deadline = system_monotonicSeconds() + seconds
    var output: [UInt8] = []
    var timedOut = false
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let left = CInt(max(0, ((deadline - system_monotonicSeconds()) * 1000).rounded(.up)))
        guard case .success(true) = system_poll(pipeFDs[0], for: .readable, milliseconds: left) else {
            timedOut = true
            kill(pid, SIGKILL)
            break
        }
        let count = chunk.withUnsafeMutableBytes { read(pipeFDs[0], $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        if count <= 0 { break }
        if output.count < outputLimit { output.append(contentsOf: chunk[0..<min(count, outputLimit - output.count)]) }
    }
    close(pipeFDs[0])
    var wstatus: CInt = 0
    while waitpid(pid, &wstatus, 0) < 0 && errno == EINTR {}
    // WIFEXITED / WEXITSTATUS, spelled out (the macros do not import).
    let exited = wstatus & 0x7F == 0
    return .success(ProgramResult(status: exited ? (wstatus >> 8) & 0xFF : 128 + (wstatus & 0x7F),
                                  output: String(decoding: output, as: UTF8.self), timedOut: timedOut))
}
