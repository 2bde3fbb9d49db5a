// Sockets for the network clients (AMI, gateway HTTP). Descriptors are non-blocking and close-on-exec; every wait
// is a poll() with a timeout, so no call here blocks longer than its caller's deadline (getaddrinfo excepted: see
// system_resolve).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DoctorCore
import DoctorSystem

/// One address getaddrinfo gave: the raw sockaddr bytes and how to open a socket for it.
struct SocketAddress: Sendable {
    var family: CInt
    var socketType: CInt
    var protocolNumber: CInt
    var bytes: [UInt8]
    /// "127.0.0.1", "::1": for messages.
    var numericHost: String

    /// "127.0.0.1:5038", "[::1]:5038".
    func endpointText(port: Int) -> String { family == AF_INET6 ? "[\(numericHost)]:\(port)" : "\(numericHost):\(port)" }
}

/// The TCP addresses of `host` (a name, an IPv4 or an IPv6 literal), IPv6 and IPv4 alike, in the resolver's order.
/// A literal needs no lookup; a name goes through glibc's resolver, whose time is bounded by resolv.conf
/// (`timeout`, `attempts`), not by the caller's deadline.
func system_resolve(host: String, port: Int) -> Result<[SocketAddress], SystemError> {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = CInt(SOCK_STREAM.rawValue)
    hints.ai_protocol = CInt(IPPROTO_TCP)
    hints.ai_flags = AI_NUMERICSERV
    var list: UnsafeMutablePointer<addrinfo>?
    let code = getaddrinfo(host, String(port), &hints, &list)
    guard code == 0 else {
        if code == EAI_SYSTEM { return .failure(SystemError(errno: errno)) }
        return .failure(SystemError(code: code, name: resolverErrorName(code), message: String(cString: gai_strerror(code))))
    }
    defer { freeaddrinfo(list) }
    var addresses: [SocketAddress] = []
    var entry = list
    while let info = entry?.pointee {
        if let address = info.ai_addr {
            let bytes = Array(UnsafeRawBufferPointer(start: address, count: Int(info.ai_addrlen)))
            var text = [CChar](repeating: 0, count: 1025)
            let numeric = getnameinfo(address, info.ai_addrlen, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST) == 0
                ? String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : host
            addresses.append(SocketAddress(family: info.ai_family, socketType: info.ai_socktype,
                                           protocolNumber: info.ai_protocol, bytes: bytes, numericHost: numeric))
        }
        entry = info.ai_next
    }
    return .success(addresses)
}

private func resolverErrorName(_ code: CInt) -> String {
    switch code {
    case EAI_NONAME: return "EAI_NONAME"
    case EAI_AGAIN: return "EAI_AGAIN"
    case EAI_FAIL: return "EAI_FAIL"
    case EAI_FAMILY: return "EAI_FAMILY"
    case EAI_SERVICE: return "EAI_SERVICE"
    case EAI_MEMORY: return "EAI_MEMORY"
    default: return "EAI \(code)"
    }
}

/// A non-blocking, close-on-exec TCP socket for the address's family.
func system_socket(for address: SocketAddress) -> Result<CInt, SystemError> {
    let type = address.socketType | CInt(SOCK_CLOEXEC.rawValue) | CInt(SOCK_NONBLOCK.rawValue)
    return valueOrErrno { socket(address.family, type, address.protocolNumber) }
}

/// Starts connecting: true when connected at once, false while in progress (EINPROGRESS, or EINTR, after which the
/// kernel goes on connecting): wait with `system_poll(.writable)` then read `system_socketError`.
func system_connect(_ fd: CInt, _ address: SocketAddress) -> Result<Bool, SystemError> {
    let result = address.bytes.withUnsafeBytes { raw in
        connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
    }
    if result == 0 { return .success(true) }
    let code = errno
    if code == EINPROGRESS || code == EINTR { return .success(false) }
    return .failure(SystemError(errno: code))
}

/// The outcome of a finished non-blocking connect (SO_ERROR): nil when it succeeded.
func system_socketError(_ fd: CInt) -> SystemError? {
    var value: CInt = 0
    var length = socklen_t(MemoryLayout<CInt>.size)
    if getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) != 0 { return SystemError(errno: errno) }
    return value == 0 ? nil : SystemError(errno: value)
}

enum SocketTransfer: Equatable {
    case bytes(Int)
    case wouldBlock
    case endOfStream
}

func system_receive(_ fd: CInt, into buffer: UnsafeMutableRawBufferPointer) -> Result<SocketTransfer, SystemError> {
    while true {
        let count = recv(fd, buffer.baseAddress, buffer.count, 0)
        if count > 0 { return .success(.bytes(count)) }
        if count == 0 { return .success(.endOfStream) }
        let code = errno
        if code == EINTR { continue }
        if code == EAGAIN || code == EWOULDBLOCK { return .success(.wouldBlock) }
        return .failure(SystemError(errno: code))
    }
}

/// MSG_NOSIGNAL: a peer that has gone gives EPIPE here instead of a SIGPIPE that would kill the process.
func system_send(_ fd: CInt, _ bytes: UnsafeRawBufferPointer) -> Result<SocketTransfer, SystemError> {
    while true {
        let count = send(fd, bytes.baseAddress, bytes.count, CInt(MSG_NOSIGNAL))
        if count >= 0 { return .success(.bytes(count)) }
        let code = errno
        if code == EINTR { continue }
        if code == EAGAIN || code == EWOULDBLOCK { return .success(.wouldBlock) }
        return .failure(SystemError(errno: code))
    }
}
