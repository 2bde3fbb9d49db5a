// The syscalls every part shares: files and directories, clocks, poll, threads, stat. The DAHDI ioctls live in
// DoctorKernel/DahdiSyscalls.swift and the sockets in DoctorNetwork/SocketSyscalls.swift.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("Unsupported Platform")
#endif
import DoctorCore

/// Runs a -1/errno call, retrying on EINTR, and turns a failure into a `SystemError`. Inlinable: every ioctl of a
/// read goes through it from another module, where `@inline(__always)` alone does not inline it.
@inlinable
package func valueOrErrno(_ call: () -> CInt) -> Result<CInt, SystemError> {
    while true {
        let value = call()
        if value != -1 { return .success(value) }
        let code = errno
        if code == EINTR { continue }
        return .failure(SystemError(errno: code))
    }
}

extension SystemError {
    @usableFromInline
    package init(errno code: CInt) {
        self.init(code: code, name: errnoName(code), message: String(cString: strerror(code)))
    }
}

private func errnoName(_ code: CInt) -> String {
    switch code {
    case EPERM: return "EPERM"
    case ENOENT: return "ENOENT"
    case EIO: return "EIO"
    case ENXIO: return "ENXIO"
    case EBADF: return "EBADF"
    case EAGAIN: return "EAGAIN"
    case ENOMEM: return "ENOMEM"
    case EACCES: return "EACCES"
    case EBUSY: return "EBUSY"
    case ENODEV: return "ENODEV"
    case ENOTDIR: return "ENOTDIR"
    case EISDIR: return "EISDIR"
    case EINVAL: return "EINVAL"
    case ENOTTY: return "ENOTTY"
    case ENOSYS: return "ENOSYS"
    case ELOOP: return "ELOOP"
    case ENAMETOOLONG: return "ENAMETOOLONG"
    case EPIPE: return "EPIPE"
    case ECONNREFUSED: return "ECONNREFUSED"
    case ECONNRESET: return "ECONNRESET"
    case ECONNABORTED: return "ECONNABORTED"
    case ETIMEDOUT: return "ETIMEDOUT"
    case EHOSTUNREACH: return "EHOSTUNREACH"
    case ENETUNREACH: return "ENETUNREACH"
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL"
    case EAFNOSUPPORT: return "EAFNOSUPPORT"
    case EROFS: return "EROFS"
    case ENOSPC: return "ENOSPC"
    case EDQUOT: return "EDQUOT"
    case EEXIST: return "EEXIST"
    case EXDEV: return "EXDEV"
    case EHOSTDOWN: return "EHOSTDOWN"
    case ENETDOWN: return "ENETDOWN"
    case EADDRINUSE: return "EADDRINUSE"
    case EMFILE: return "EMFILE"
    case ENFILE: return "ENFILE"
    case ENOBUFS: return "ENOBUFS"
    case EMSGSIZE: return "EMSGSIZE"
    default: return "errno \(code)"
    }
}

package func system_close(_ fd: CInt) { _ = close(fd) }

/// Reads a small file with bounded reads (sysfs/procfs attributes): at most `limit` bytes, never polls forever.
package func system_readSmallFile(_ path: String, limit: Int = 64 * 1024) -> Result<String, SystemError> {
    let fd: CInt
    switch valueOrErrno({ open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }) {
    case .success(let value): fd = value
    case .failure(let error): return .failure(error)
    }
    defer { close(fd) }
    let bytes: [UInt8]
    switch system_readAll(fd, maxBytes: limit) {
    case .success(let value): bytes = value
    case .failure(let error): return .failure(error)
    }
    return .success(String(decoding: bytes, as: UTF8.self))
}

/// A sysfs attribute (or another small file): open, one read(2) into a stack buffer, close. A sysfs attribute is
/// at most a page and comes whole in one read, so there is no second read to see EOF; a file that fills the
/// buffer is read on to its end like `system_readSmallFile`. Three syscalls and one String: a scan reads
/// thousands of these.
package func system_readAttribute(_ path: String) -> Result<String, SystemError> {
    let fd: CInt
    switch valueOrErrno({ open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }) {
    case .success(let value): fd = value
    case .failure(let error): return .failure(error)
    }
    defer { close(fd) }
    let size = 8192
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: size) { buffer -> Result<String, SystemError> in
        var count: Int
        repeat { count = read(fd, buffer.baseAddress, size) } while count < 0 && errno == EINTR
        if count < 0 { return .failure(SystemError(errno: errno)) }
        let first = String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<count]), as: UTF8.self)
        guard count == size else { return .success(first) }
        return system_readAll(fd, maxBytes: 64 * 1024 - size).map { first + String(decoding: $0, as: UTF8.self) }
    }
}

/// Names in a directory (without . and ..), or the error.
package func system_listDirectory(_ path: String) -> Result<[String], SystemError> {
    guard let dir = opendir(path) else { return .failure(SystemError(errno: errno)) }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return .success(names.sorted())
}

package func system_exists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
}

package func system_isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
}

package func system_readLink(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink(path, &buffer, buffer.count - 1)
    guard count > 0 else { return nil }
    return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

package func system_sleepOneSecond() { sleep(1) }

/// Seconds on a clock that never jumps (deadlines must not move when the wall clock is set).
package func system_monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

package func system_wallClockSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

package func system_sleep(seconds: Double) {
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
    var remaining = timespec()
    while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
}

/// Writes a whole file (created 0644, truncated), retrying short writes.
package func system_writeFile(_ path: String, _ text: String) -> Result<Void, SystemError> {
    let fd: CInt
    switch valueOrErrno({ open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }) {
    case .success(let value): fd = value
    case .failure(let error): return .failure(error)
    }
    defer { close(fd) }
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            return .failure(SystemError(errno: errno))
        }
        bytes = bytes.dropFirst(written)
    }
    return .success(())
}

package func system_stdoutIsTerminal() -> Bool { isatty(1) == 1 }

package func system_envSet(_ name: String) -> Bool { getenv(name) != nil }

package func system_env(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

/// Paths matching a shell pattern, sorted (glob(3) with GLOB_NOMAGIC|GLOB_BRACE, as Asterisk's #include uses).
package func system_glob(_ pattern: String) -> [String] {
    var result = glob_t()
    defer { globfree(&result) }
    guard glob(pattern, GLOB_NOMAGIC | GLOB_BRACE, nil, &result) == 0 else { return [] }
    return (0..<Int(result.gl_pathc)).compactMap { index in result.gl_pathv[index].map { String(cString: $0) } }
}

package enum PollInterest {
    case readable
    case writable
}

/// Waits up to `milliseconds` (a negative budget is none) for the descriptor. True when it is ready, or in error or
/// hung up (the next call says which); false when the time ran out. EINTR waits again for what is left of it.
package func system_poll(_ fd: CInt, for interest: PollInterest, milliseconds: CInt) -> Result<Bool, SystemError> {
    var entry = pollfd(fd: fd, events: Int16(interest == .readable ? POLLIN : POLLOUT), revents: 0)
    let budget = max(0, milliseconds)
    let deadline = system_monotonicSeconds() + Double(budget) / 1000
    var wait = budget
    while true {
        let count = poll(&entry, 1, wait)
        if count > 0 { return .success(true) }
        if count == 0 { return .success(false) }
        let code = errno
        guard code == EINTR else { return .failure(SystemError(errno: code)) }
        wait = CInt(max(0, ((deadline - system_monotonicSeconds()) * 1000).rounded(.up)))
    }
}

// MARK: - Private files (the AMI credential file): checked on the open descriptor, so what is checked is what is read.

package struct FileStatus {
    package var ownerID: UInt32
    /// Permission bits (0o7777).
    package var mode: UInt32
    package var isRegularFile: Bool
    package var size: Int
}

/// Opens for reading without following a FIFO into a hang (O_NONBLOCK) or taking a terminal (O_NOCTTY).
package func system_openForReading(_ path: String) -> Result<CInt, SystemError> {
    valueOrErrno { open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) }
}

package func system_fileStatus(_ fd: CInt) -> Result<FileStatus, SystemError> {
    var info = stat()
    if fstat(fd, &info) != 0 { return .failure(SystemError(errno: errno)) }
    return .success(FileStatus(ownerID: info.st_uid, mode: UInt32(info.st_mode) & 0o7777,
                               isRegularFile: (info.st_mode & S_IFMT) == S_IFREG, size: Int(info.st_size)))
}

/// Reads to the end or until `maxBytes` have been read, with bounded reads (sysfs/procfs attributes can return EAGAIN
/// forever if polled). A caller that must refuse oversized input asks for one byte more than it accepts.
package func system_readAll(_ fd: CInt, maxBytes: Int) -> Result<[UInt8], SystemError> {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while bytes.count < maxBytes {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            let code = errno
            if code == EINTR { continue }
            return .failure(SystemError(errno: code))
        }
        if count == 0 { break }
        bytes.append(contentsOf: chunk[0..<min(count, maxBytes - bytes.count)])
    }
    return .success(bytes)
}

package func system_effectiveUserID() -> UInt32 { geteuid() }

/// The current errno, for libraries (OpenSSL's SSL_ERROR_SYSCALL) that report failures through it.
package func system_lastError() -> SystemError { SystemError(errno: errno) }

private final class ThreadBody {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

/// Starts `body` on a new thread (detached, or joinable so its owner can wait for it).
package func system_startThread(detached: Bool, _ body: @escaping @Sendable () -> Void) -> Result<pthread_t, SystemError> {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let status = pthread_create(&thread, nil, { raw in
        guard let raw else { return nil }
        Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue().run()
        return nil
    }, context)
    guard status == 0 else {
        Unmanaged<ThreadBody>.fromOpaque(context).release()
        return .failure(SystemError(errno: status))
    }
    if detached { pthread_detach(thread) }
    return .success(thread)
}

// MARK: - stat(2) of a path and the local time zone (container and drift checks)

package struct PathStatus {
    package var uid: UInt32
    package var gid: UInt32
    /// Permission bits (0o7777).
    package var mode: UInt32
    package var isCharacterDevice: Bool
    package var isDirectory: Bool
    /// st_mtim as Unix seconds.
    package var modified: Double
}

/// stat(2), following symlinks, as /dev nodes and config files are opened.
package func system_pathStatus(_ path: String) -> Result<PathStatus, SystemError> {
    var info = stat()
    if stat(path, &info) != 0 { return .failure(SystemError(errno: errno)) }
    let kind = info.st_mode & S_IFMT
    return .success(PathStatus(uid: info.st_uid, gid: info.st_gid, mode: UInt32(info.st_mode) & 0o7777,
                               isCharacterDevice: kind == S_IFCHR, isDirectory: kind == S_IFDIR,
                               modified: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9))
}

/// This machine's UTC offset now (seconds east), from localtime_r: TZ, or /etc/localtime.
package func system_utcOffsetSeconds() -> Int {
    var now = time(nil)
    var parts = tm()
    guard localtime_r(&now, &parts) != nil else { return 0 }
    return Int(parts.tm_gmtoff)
}

/// gethostname(2); nil when it fails.
package func system_hostname() -> String? {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

// MARK: - The kernel log (/dev/kmsg) and the end of a long log file (the kernel-modules reader)

/// Reads /dev/kmsg without waiting: one record per read(2), until EAGAIN (the end of the buffer) or `maxBytes`.
/// EPIPE (a record overwritten while reading) skips ahead. Records are joined with newlines.
package func system_readKernelLog(_ path: String, maxBytes: Int) -> Result<String, SystemError> {
    let fd: CInt
    switch valueOrErrno({ open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }) {
    case .success(let value): fd = value
    case .failure(let error): return .failure(error)
    }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var record = [UInt8](repeating: 0, count: 8192)
    while bytes.count < maxBytes {
        let count = record.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            let code = errno
            if code == EINTR || code == EPIPE { continue }
            if code == EAGAIN || code == EWOULDBLOCK { break }
            return bytes.isEmpty ? .failure(SystemError(errno: code)) : .success(String(decoding: bytes, as: UTF8.self))
        }
        if count == 0 { break }
        bytes.append(contentsOf: record[0..<count])
        if bytes.last != 10 { bytes.append(10) }
    }
    return .success(String(decoding: bytes, as: UTF8.self))
}

/// The last `maxBytes` of a regular file (a syslog kern.log can be large; its end is what matters).
package func system_readFileTail(_ path: String, maxBytes: Int) -> Result<String, SystemError> {
    let fd: CInt
    switch valueOrErrno({ open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY) }) {
    case .success(let value): fd = value
    case .failure(let error): return .failure(error)
    }
    defer { close(fd) }
    var info = stat()
    if fstat(fd, &info) != 0 { return .failure(SystemError(errno: errno)) }
    if (info.st_mode & S_IFMT) == S_IFREG && Int(info.st_size) > maxBytes {
        _ = lseek(fd, off_t(Int(info.st_size) - maxBytes), SEEK_SET)
    }
    return system_readAll(fd, maxBytes: maxBytes).map { String(decoding: $0, as: UTF8.self) }
}

/// lstat(2): whether the path itself is a symlink (a weak-updates link), without following it.
package func system_isSymlink(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
}

/// The user name of a uid (getpwuid_r), nil when this machine has none.
package func system_userName(_ uid: UInt32) -> String? {
    var entry = passwd()
    var result: UnsafeMutablePointer<passwd>?
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getpwuid_r(uid_t(uid), &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name else { return nil }
    return String(cString: name)
}

/// The group name of a gid (getgrgid_r), nil when this machine has none.
package func system_groupName(_ gid: UInt32) -> String? {
    var entry = group()
    var result: UnsafeMutablePointer<group>?
    var buffer = [CChar](repeating: 0, count: 16384)
    guard getgrgid_r(gid_t(gid), &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.gr_name else { return nil }
    return String(cString: name)
}

/// glibc's malloc_trim(0): returns the heap's free pages to the kernel (the agent calls it after a full read,
/// whose transient allocations would otherwise stay resident). Looked up at run time: absent on musl.
package func system_releaseFreeMemory() {
    typealias Trim = @convention(c) (Int) -> CInt
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
    _ = unsafeBitCast(symbol, to: Trim.self)(0)
}
