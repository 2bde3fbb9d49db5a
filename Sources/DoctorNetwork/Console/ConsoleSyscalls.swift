// The Unix-socket calls of the Asterisk console client: a non-blocking, close-on-exec AF_UNIX stream socket and the
// checks on the socket file. Reads and writes go through SocketSyscalls (recv/send with MSG_NOSIGNAL).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DoctorCore
import DoctorSystem

/// What the socket file is, before connecting: present as a socket, and whether this process may connect to it
/// (connect(2) on a Unix socket needs write permission on the file).
enum ConsoleSocketFile: Equatable {
    case missing
    case notASocket
    case notPermitted
    case usable
}

func system_consoleSocketFile(_ path: String) -> ConsoleSocketFile {
    var info = stat()
    if stat(path, &info) != 0 { return errno == EACCES ? .notPermitted : .missing }
    guard info.st_mode & S_IFMT == S_IFSOCK else { return .notASocket }
    return access(path, W_OK) == 0 ? .usable : .notPermitted
}

/// Starts connecting to a Unix socket: true when connected at once, false while in progress (EINPROGRESS, EINTR).
/// EAGAIN (the listener's backlog is full) is a failure: a Unix socket does not finish it later.
func system_connectUnix(_ path: String) -> Result<(fd: CInt, connected: Bool), SystemError> {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard !bytes.isEmpty, bytes.count < capacity else {
        return .failure(SystemError(code: 36, name: "ENAMETOOLONG", message: "socket path longer than \(capacity - 1) bytes"))
    }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (index, byte) in bytes.enumerated() { raw[index] = byte }
        raw[bytes.count] = 0
    }
    let fd = socket(AF_UNIX, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue) | CInt(SOCK_NONBLOCK.rawValue), 0)
    if fd < 0 { return .failure(SystemError(errno: errno)) }
    let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + 1)
    let result = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
    }
    if result == 0 { return .success((fd, true)) }
    let code = errno
    if code == EINPROGRESS || code == EINTR { return .success((fd, false)) }
    close(fd)
    return .failure(SystemError(errno: code))
}
