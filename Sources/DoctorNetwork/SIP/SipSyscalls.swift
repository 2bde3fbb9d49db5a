// The only file of the SIP prober that calls libc: getaddrinfo/getnameinfo, sockets, poll and one detached thread
// per name lookup. Like DoctorSystem's Syscalls.swift, it hands the rest of DoctorNetwork Swift values and SystemError, never errno.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("Unsupported Platform")
#endif
import DoctorCore
import DoctorSystem

/// A socket address from getaddrinfo, kept as its raw bytes so it is Sendable and no other file sees sockaddr.
struct SipSocketAddress: Sendable, Hashable, CustomStringConvertible {
    fileprivate let bytes: [UInt8]
    fileprivate let family: CInt
    /// The numeric address and port, for Via-free messages ("connect 192.0.2.1:5060").
    let numeric: SipHostPort

    var description: String { numeric.description }
}

enum SipLookupError: Error, Sendable, Hashable {
    /// AI_NUMERICHOST refused it: a name that needs the resolver.
    case notNumeric
    case failed(String)
}

enum SipIO: Sendable, Hashable {
    case transferred(Int)
    case wouldBlock
    /// A stream read of 0 bytes.
    case endOfStream
    case failed(SystemError)
}

enum SipConnectProgress: Sendable, Hashable {
    case connected
    case inProgress
}

struct SipPollRequest: Sendable, Hashable {
    var fd: CInt
    var read: Bool
    var write: Bool
}

struct SipPollEvents: Sendable, Hashable {
    var readable: Bool
    var writable: Bool
    /// POLLERR or POLLHUP: a read (UDP) or SO_ERROR (connecting TCP) tells what happened.
    var failed: Bool
}

private func socketType(_ transport: SipProbeResult.Transport) -> CInt {
    transport == .udp ? CInt(SOCK_DGRAM.rawValue) : CInt(SOCK_STREAM.rawValue)
}

/// getaddrinfo for IPv4 and IPv6, in the resolver's order. No AI_ADDRCONFIG: on a box with only loopback it would
/// hide 127.0.0.1 and ::1, and a family that does not work fails fast and the next address is tried.
func system_sipLookup(host: String, port: Int, transport: SipProbeResult.Transport, numericOnly: Bool)
    -> Result<[SipSocketAddress], SipLookupError>
{
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = socketType(transport)
    hints.ai_flags = AI_NUMERICSERV | (numericOnly ? AI_NUMERICHOST : 0)
    var list: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, String(port), &hints, &list)
    guard status == 0 else {
        if numericOnly && status == EAI_NONAME { return .failure(.notNumeric) }
        let message = status == EAI_SYSTEM ? SystemError(errno: errno).description : String(cString: gai_strerror(status))
        return .failure(.failed(message))
    }
    defer { freeaddrinfo(list) }
    var addresses: [SipSocketAddress] = []
    var entry = list
    while let info = entry?.pointee {
        entry = info.ai_next
        guard let raw = info.ai_addr, info.ai_family == AF_INET || info.ai_family == AF_INET6 else { continue }
        let bytes = Array(UnsafeRawBufferPointer(start: raw, count: Int(info.ai_addrlen)))
        guard let numeric = numericHostPort(bytes) else { continue }
        let address = SipSocketAddress(bytes: bytes, family: info.ai_family, numeric: numeric)
        if !addresses.contains(address) { addresses.append(address) }
    }
    return addresses.isEmpty ? .failure(.failed("no IPv4 or IPv6 address")) : .success(addresses)
}

private func numericHostPort(_ bytes: [UInt8]) -> SipHostPort? {
    var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
    var service = [CChar](repeating: 0, count: Int(NI_MAXSERV))
    let status = bytes.withUnsafeBytes { raw in
        getnameinfo(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count), &host,
                    socklen_t(host.count), &service, socklen_t(service.count), NI_NUMERICHOST | NI_NUMERICSERV)
    }
    guard status == 0 else { return nil }
    let hostText = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let serviceText = String(decoding: service.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return Int(serviceText).map { SipHostPort(host: hostText, port: $0) }
}

/// A non-blocking, close-on-exec socket of the address's family.
func system_sipSocket(for address: SipSocketAddress, transport: SipProbeResult.Transport) -> Result<CInt, SystemError> {
    valueOrErrno { socket(address.family, socketType(transport) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0) }
}

/// connect(2). On UDP it fixes the peer, so the kernel delivers ICMP port unreachable to us as ECONNREFUSED and
/// drops datagrams from anyone else; on TCP it usually returns EINPROGRESS and poll says when it is done.
func system_sipConnect(_ fd: CInt, to address: SipSocketAddress) -> Result<SipConnectProgress, SystemError> {
    while true {
        let status = address.bytes.withUnsafeBytes { raw in
            connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
        if status == 0 { return .success(.connected) }
        let code = errno
        if code == EINTR { continue }
        if code == EINPROGRESS { return .success(.inProgress) }
        return .failure(SystemError(errno: code))
    }
}

/// The outcome of a non-blocking connect (SO_ERROR): nil once connected.
func system_sipPendingError(_ fd: CInt) -> SystemError? {
    var value: CInt = 0
    var length = socklen_t(MemoryLayout<CInt>.size)
    guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) == 0 else { return SystemError(errno: errno) }
    return value == 0 ? nil : SystemError(errno: value)
}

/// Our end of a connected socket, numeric: what goes into Via and Contact.
func system_sipLocalAddress(_ fd: CInt) -> Result<SipHostPort, SystemError> {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let status = withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard status == 0 else { return .failure(SystemError(errno: errno)) }
    let bytes = withUnsafeBytes(of: storage) { Array($0.prefix(Int(length))) }
    guard let local = numericHostPort(bytes) else { return .failure(SystemError(errno: EAFNOSUPPORT)) }
    return .success(local)
}

/// send(2) with MSG_NOSIGNAL: a peer that closed its end gives EPIPE here instead of killing the process.
func system_sipSend(_ fd: CInt, _ bytes: ArraySlice<UInt8>) -> SipIO {
    while true {
        let count = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, CInt(MSG_NOSIGNAL)) }
        if count >= 0 { return .transferred(count) }
        let code = errno
        if code == EINTR { continue }
        if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
        return .failed(SystemError(errno: code))
    }
}

func system_sipReceive(_ fd: CInt, into buffer: inout [UInt8]) -> SipIO {
    while true {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count > 0 { return .transferred(count) }
        if count == 0 { return .endOfStream }
        let code = errno
        if code == EINTR { continue }
        if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
        return .failed(SystemError(errno: code))
    }
}

/// poll(2) over every socket of the run; an interrupted wait reports nothing ready and the loop goes round again.
func system_sipPoll(_ requests: [SipPollRequest], timeoutMilliseconds: Int) -> Result<[SipPollEvents], SystemError> {
    var fds = requests.map { request in
        pollfd(fd: request.fd, events: Int16((request.read ? POLLIN : 0) | (request.write ? POLLOUT : 0)), revents: 0)
    }
    let timeout = CInt(clamping: max(0, timeoutMilliseconds))
    let status = poll(&fds, nfds_t(fds.count), timeout)
    if status < 0 {
        let code = errno
        if code == EINTR { return .success(requests.map { _ in SipPollEvents(readable: false, writable: false, failed: false) }) }
        return .failure(SystemError(errno: code))
    }
    return .success(fds.map { entry in
        let events = CInt(entry.revents)
        return SipPollEvents(readable: events & CInt(POLLIN) != 0, writable: events & CInt(POLLOUT) != 0,
                             failed: events & CInt(POLLERR | POLLHUP | POLLNVAL) != 0)
    })
}

extension SystemError {
    /// ECONNREFUSED: a TCP RST, or on a connected UDP socket an ICMP port unreachable.
    var sipIsConnectionRefused: Bool { code == ECONNREFUSED }
}
