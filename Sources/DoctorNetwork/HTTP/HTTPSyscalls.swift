// The HTTP client's syscalls: name resolution, a non-blocking TCP socket, poll(2) for deadlines, send and recv.
// Kept apart from the shared Syscalls.swift so the gateway client can change without touching the DAHDI funnel.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("Unsupported Platform")
#endif
import DoctorCore
import DoctorSystem

/// One resolved address, ready for connect(2).
struct HTTPSocketAddress {
    var family: CInt
    var storage: sockaddr_storage
    var length: socklen_t
    /// `192.0.2.7:80` or `[2001:db8::7]:80`, for messages.
    var text: String
}

/// getaddrinfo's message (`Name or service not known`).
struct ResolveFailure: Error {
    var reason: String
}

/// getaddrinfo(3) for TCP. It blocks and takes no timeout; a numeric address (the usual gateway entry) returns
/// at once, a name waits on the resolver's own timeouts.
func system_resolveTCP(host: String, port: Int) -> Result<[HTTPSocketAddress], ResolveFailure> {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = CInt(SOCK_STREAM.rawValue)
    hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG
    var list: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, String(port), &hints, &list)
    guard status == 0 else { return .failure(ResolveFailure(reason: String(cString: gai_strerror(status)))) }
    defer { freeaddrinfo(list) }
    var addresses: [HTTPSocketAddress] = []
    var cursor = list
    while let entry = cursor {
        var storage = sockaddr_storage()
        let length = entry.pointee.ai_addrlen
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(start: entry.pointee.ai_addr, count: Int(length)))
        }
        addresses.append(HTTPSocketAddress(family: entry.pointee.ai_family, storage: storage, length: length,
                                       text: numericText(entry.pointee.ai_addr, length, port: port)))
        cursor = entry.pointee.ai_next
    }
    return addresses.isEmpty ? .failure(ResolveFailure(reason: "no address")) : .success(addresses)
}

private func numericText(_ address: UnsafeMutablePointer<sockaddr>, _ length: socklen_t, port: Int) -> String {
    var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
    guard getnameinfo(address, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 else {
        return "?:\(port)"
    }
    let host = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return address.pointee.sa_family == sa_family_t(AF_INET6) ? "[\(host)]:\(port)" : "\(host):\(port)"
}

/// A non-blocking, close-on-exec TCP socket.
func system_tcpSocket(family: CInt) -> Result<CInt, SystemError> {
    valueOrErrno { socket(family, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0) }
}

/// Starts connect(2): true when connected at once, false when in progress (EINPROGRESS: wait for POLLOUT).
func system_connectStart(_ fd: CInt, _ address: HTTPSocketAddress) -> Result<Bool, SystemError> {
    var storage = address.storage
    let status = withUnsafePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, address.length) }
    }
    if status == 0 { return .success(true) }
    let code = errno
    if code == EINPROGRESS || code == EINTR { return .success(false) }
    return .failure(SystemError(errno: code))
}

/// send(2) without SIGPIPE; 0 when the socket buffer is full (EAGAIN).
func system_httpSend(_ fd: CInt, _ bytes: ArraySlice<UInt8>) -> Result<Int, SystemError> {
    while true {
        let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, CInt(MSG_NOSIGNAL)) }
        if sent >= 0 { return .success(sent) }
        let code = errno
        if code == EINTR { continue }
        if code == EAGAIN || code == EWOULDBLOCK { return .success(0) }
        return .failure(SystemError(errno: code))
    }
}

/// recv(2) into `buffer`: the byte count, 0 at end of stream, nil when nothing is there yet (EAGAIN).
func system_httpReceive(_ fd: CInt, into buffer: inout [UInt8]) -> Result<Int?, SystemError> {
    while true {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count >= 0 { return .success(count) }
        let code = errno
        if code == EINTR { continue }
        if code == EAGAIN || code == EWOULDBLOCK { return .success(nil) }
        return .failure(SystemError(errno: code))
    }
}

func system_closeSocket(_ fd: CInt) { _ = close(fd) }

/// Cryptographically random bytes (getrandom through the standard library), for the Digest cnonce.
func system_randomHex(byteCount: Int) -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<byteCount).map { _ in
        let byte = UInt8.random(in: 0...255, using: &generator)
        return (byte < 16 ? "0" : "") + String(byte, radix: 16)
    }.joined()
}

