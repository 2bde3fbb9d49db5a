// The agent's syscalls: the Unix socket (bind, listen, accept, SO_PEERCRED, connect), its threads, its signals.
// Kept apart from Syscalls.swift (the DAHDI funnel), like HTTPSyscalls.swift and SipSyscalls.swift.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("Unsupported Platform")
#endif
import DoctorCore
import DoctorSystem

/// The kernel's word on who is at the other end of a Unix socket (struct ucred).
public struct PeerCredentials: Sendable, Hashable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32
    /// The supplementary groups (SO_PEERGROUPS, Linux 4.13+); empty when the kernel does not say.
    public var groups: [UInt32] = []
}

/// What is at a socket path before the agent binds it.
enum SocketPathState: Equatable {
    case absent
    /// A socket file nobody listens on: a dead agent's. Safe to replace.
    case stale
    /// Another process accepts connections there.
    case live
    case notASocket
    case unusable(SystemError)
}

private func agentErrno(_ code: CInt = errno) -> SystemError { SystemError(errno: code) }

/// `sockaddr_un` for `path`, or nil when the path does not fit sun_path (108 bytes with its NUL).
private func unixAddress(_ path: String) -> sockaddr_un? {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard !bytes.isEmpty, bytes.count < capacity, !bytes.contains(0) else { return nil }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    return address
}

private func withSocketAddress<T>(_ address: sockaddr_un, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
    var copy = address
    return withUnsafePointer(to: &copy) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
}

func system_agentPathFits(_ path: String) -> Bool { unixAddress(path) != nil }

/// Connects to `path` as a client: a live agent accepts, a dead one's socket file refuses (ECONNREFUSED).
func system_agentProbeSocket(_ path: String) -> SocketPathState {
    var status = stat()
    if lstat(path, &status) != 0 { return errno == ENOENT ? .absent : .unusable(agentErrno()) }
    guard status.st_mode & S_IFMT == S_IFSOCK else { return .notASocket }
    guard let address = unixAddress(path) else { return .unusable(SystemError(errno: ENAMETOOLONG)) }
    let fd = socket(AF_UNIX, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return .unusable(agentErrno()) }
    defer { close(fd) }
    switch valueOrErrno({ withSocketAddress(address) { connect(fd, $0, $1) } }) {
    case .success: return .live
    case .failure(let error) where error.code == ECONNREFUSED: return .stale
    case .failure(let error) where error.code == ENOENT: return .absent
    case .failure(let error): return .unusable(error)
    }
}

func system_agentUnlink(_ path: String) -> Result<Void, SystemError> {
    unlink(path) == 0 || errno == ENOENT ? .success(()) : .failure(agentErrno())
}

/// The identity of the file at `path` (device, inode), so the agent removes only the socket it created.
func system_agentFileIdentity(_ path: String) -> [UInt64]? {
    var status = stat()
    guard lstat(path, &status) == 0 else { return nil }
    return [UInt64(status.st_dev), UInt64(status.st_ino)]
}

/// Creates the directory (0755) when missing; systemd's RuntimeDirectory= normally has.
func system_agentEnsureDirectory(_ path: String) -> Result<Void, SystemError> {
    mkdir(path, 0o755) == 0 || errno == EEXIST ? .success(()) : .failure(agentErrno())
}

/// socket, bind with a umask that makes the file `mode` from its first instant (no window where it is wider),
/// chmod to `mode` whatever the umask was, chown to `group`, listen. The umask is process-wide: this runs at
/// startup, before the agent starts any thread.
func system_agentListen(_ path: String, mode: UInt32, group: UInt32?) -> Result<CInt, AgentSocketError> {
    guard let address = unixAddress(path) else { return .failure(.pathTooLong(path)) }
    let fd = socket(AF_UNIX, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return .failure(.failed(path: path, operation: "socket", error: agentErrno())) }
    func fail(_ operation: String, _ error: SystemError) -> Result<CInt, AgentSocketError> {
        close(fd)
        return .failure(error.code == EADDRINUSE ? .alreadyRunning(path) : .failed(path: path, operation: operation, error: error))
    }
    let previous = umask(mode_t(0o777 & ~mode))
    let bound = withSocketAddress(address) { bind(fd, $0, $1) }
    let bindErrno = errno
    umask(previous)
    if bound != 0 { return fail("bind", agentErrno(bindErrno)) }
    if chmod(path, mode_t(mode)) != 0 { let error = agentErrno(); unlink(path); return fail("chmod", error) }
    if let group, chown(path, uid_t.max, gid_t(group)) != 0 { let error = agentErrno(); unlink(path); return fail("chown", error) }
    if listen(fd, 128) != 0 { let error = agentErrno(); unlink(path); return fail("listen", error) }
    return .success(fd)
}

/// Waits up to `milliseconds` for a client on `fd` or a byte on `wake` (then nil, the byte left for the caller's
/// stop flag to explain), and accepts the client.
func system_agentAccept(_ fd: CInt, wake: CInt, milliseconds: CInt) -> Result<CInt?, SystemError> {
    var entries = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
    let count = poll(&entries, 2, milliseconds)
    if count < 0 { return errno == EINTR ? .success(nil) : .failure(agentErrno()) }
    if count == 0 || entries[0].revents == 0 { return .success(nil) }
    // accept4 needs _GNU_SOURCE, which Glibc's Swift module does not define; the agent never execs, so
    // setting FD_CLOEXEC right after is enough.
    let client = accept(fd, nil, nil)
    if client >= 0 {
        _ = fcntl(client, F_SETFD, FD_CLOEXEC)
        return .success(client)
    }
    // The client may have gone between poll and accept; none of these concerns the listening socket.
    if [EAGAIN, EINTR, ECONNABORTED, EPROTO, EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(errno) { return .success(nil) }
    return .failure(agentErrno())
}

/// SO_PEERCRED: the pid, uid and gid of the process that connected, as the kernel recorded them at connect().
func system_agentPeerCredentials(_ fd: CInt) -> Result<PeerCredentials, SystemError> {
    // struct ucred is behind _GNU_SOURCE in <sys/socket.h>; its Linux layout is three 32-bit fields, pid, uid, gid.
    var credentials: (Int32, UInt32, UInt32) = (0, 0, 0)
    var length = socklen_t(MemoryLayout<(Int32, UInt32, UInt32)>.size)
    guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else { return .failure(agentErrno()) }
    guard length == 12 else { return .failure(SystemError(errno: EPROTO)) }
    return .success(PeerCredentials(pid: credentials.0, uid: credentials.1, gid: credentials.2,
                                    groups: system_agentPeerGroups(fd)))
}

/// SO_PEERGROUPS (59 on Linux, not in every libc header): the peer's supplementary groups at connect(). An older
/// kernel answers ENOPROTOOPT: then only the effective gid counts.
func system_agentPeerGroups(_ fd: CInt) -> [UInt32] {
    let soPeerGroups: CInt = 59
    var groups = [UInt32](repeating: 0, count: 64)
    var length = socklen_t(groups.count * MemoryLayout<UInt32>.size)
    var status = groups.withUnsafeMutableBytes { getsockopt(fd, SOL_SOCKET, soPeerGroups, $0.baseAddress, &length) }
    if status != 0 && errno == ERANGE && Int(length) > groups.count * MemoryLayout<UInt32>.size {
        groups = [UInt32](repeating: 0, count: Int(length) / MemoryLayout<UInt32>.size)
        status = groups.withUnsafeMutableBytes { getsockopt(fd, SOL_SOCKET, soPeerGroups, $0.baseAddress, &length) }
    }
    guard status == 0 else { return [] }
    return Array(groups.prefix(Int(length) / MemoryLayout<UInt32>.size))
}

/// Bounds every send: a client that stops reading cannot hold a connection thread for longer than this.
func system_agentSetSendTimeout(_ fd: CInt, milliseconds: Int) {
    var value = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
    _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
}

/// recv: the byte count, 0 at end of stream.
func system_agentReceive(_ fd: CInt, into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, SystemError> {
    while true {
        let count = recv(fd, buffer.baseAddress, buffer.count, 0)
        if count >= 0 { return .success(count) }
        if errno == EINTR { continue }
        return .failure(agentErrno())
    }
}

/// Sends everything (MSG_NOSIGNAL: a client that went away is an error here, not a SIGPIPE for the agent).
func system_agentSendAll(_ fd: CInt, _ bytes: [UInt8]) -> Result<Void, SystemError> {
    var remaining = bytes[...]
    while !remaining.isEmpty {
        let sent = remaining.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, CInt(MSG_NOSIGNAL)) }
        if sent < 0 {
            if errno == EINTR { continue }
            return .failure(agentErrno())
        }
        remaining = remaining.dropFirst(sent)
    }
    return .success(())
}

/// Reads and discards what has already arrived, without waiting (MSG_DONTWAIT), at most `limit` bytes.
func system_agentDiscardPending(_ fd: CInt, limit: Int) {
    var buffer = [UInt8](repeating: 0, count: 4096)
    var discarded = 0
    while discarded < limit {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, CInt(MSG_DONTWAIT)) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { return }
        discarded += count
    }
}

func system_agentSleep(milliseconds: CInt) { _ = poll(nil, 0, milliseconds) }

func system_agentShutdownWrite(_ fd: CInt) { _ = shutdown(fd, CInt(SHUT_WR)) }
func system_agentClose(_ fd: CInt) { _ = close(fd) }

/// A client connection to `path`.
func system_agentConnect(_ path: String) -> Result<CInt, SystemError> {
    guard let address = unixAddress(path) else { return .failure(SystemError(errno: ENAMETOOLONG)) }
    let fd = socket(AF_UNIX, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return .failure(agentErrno()) }
    switch valueOrErrno({ withSocketAddress(address) { connect(fd, $0, $1) } }) {
    case .success: return .success(fd)
    case .failure(let error): close(fd); return .failure(error)
    }
}

/// A pipe whose read end a loop polls and whose write end wakes it: both ends non-blocking and close-on-exec.
func system_agentWakePipe() -> Result<(read: CInt, write: CInt), SystemError> {
    var fds: [CInt] = [-1, -1]
    guard pipe(&fds) == 0 else { return .failure(agentErrno()) }
    for fd in fds {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }
    return .success((fds[0], fds[1]))
}

/// One byte into a wake pipe; EAGAIN (the pipe is full) means a wake-up is already pending.
func system_agentWake(_ fd: CInt) {
    var byte: UInt8 = 1
    _ = write(fd, &byte, 1)
}

/// Empties a wake pipe's read end.
func system_agentDrain(_ fd: CInt) {
    var buffer = [UInt8](repeating: 0, count: 64)
    while read(fd, &buffer, buffer.count) > 0 {}
}

func system_agentGroupID(named name: String) -> UInt32? {
    if let number = UInt32(name) { return number }
    guard let entry = getgrnam(name) else { return nil }
    return entry.pointee.gr_gid
}

func system_agentEffectiveUID() -> UInt32 { geteuid() }


func system_agentJoin(_ thread: pthread_t) { _ = pthread_join(thread, nil) }

/// SIGTERM and SIGINT (stop), and SIGHUP (reload the settings), blocked in every thread and taken synchronously
/// with sigtimedwait: the wait between runs is the one place the agent learns of them, so a signal never
/// interrupts a half-written textfile or response.
public struct ShutdownSignals: Sendable {
    public static let hangup = SIGHUP

    /// Blocks the signals for this thread and every thread it starts afterwards; call first thing in main. Also
    /// ignores SIGPIPE: a client that hangs up must not kill the agent.
    public static func block() -> ShutdownSignals {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGHUP)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
        return ShutdownSignals()
    }

    /// Waits up to `seconds` for SIGTERM, SIGINT or SIGHUP; the signal number, or nil when the time ran out.
    public func wait(seconds: Double) -> Int32? {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGHUP)
        let deadline = system_monotonicSeconds() + max(0, seconds)
        while true {
            let left = max(0, deadline - system_monotonicSeconds())
            var timeout = timespec(tv_sec: Int(left), tv_nsec: Int((left - Double(Int(left))) * 1e9))
            let signal = sigtimedwait(&set, nil, &timeout)
            if signal > 0 { return signal }
            if errno == EINTR && left > 0 { continue }
            return nil
        }
    }
}
