import DoctorCore
import DoctorSystem

/// A TCP connection with every operation bounded by a deadline: the socket is non-blocking and each wait is a
/// poll() for the time left (EINTR re-computes it). IPv4 and IPv6; host names through getaddrinfo.
final class TCPConnection: AMIByteStream {
    let peer: String
    private var fd: CInt

    private init(fd: CInt, peer: String) {
        self.fd = fd; self.peer = peer
    }

    deinit { close() }

    /// Tries each address of `host` in the resolver's order until one accepts, all within `deadline`.
    static func connect(host: String, port: Int, deadline: ContinuousClock.Instant) throws(AMIFailure) -> TCPConnection {
        let addresses: [SocketAddress]
        switch system_resolve(host: host, port: port) {
        case .success(let found) where !found.isEmpty: addresses = found
        case .success: throw AMIFailure(kind: .connect, message: "\(host) has no address")
        case .failure(let error): throw AMIFailure(kind: .connect, message: "cannot resolve \(host): \(error)")
        }
        let target = AMIEndpoint(host: host, port: port).target
        var lastError: SystemError?
        for address in addresses where millisecondsLeft(until: deadline) != nil {
            let peer = address.endpointText(port: port)
            switch attempt(address, deadline: deadline) {
            case .success(let fd):
                return TCPConnection(fd: fd, peer: peer)
            case .failure(.timedOut):
                // Silence (a firewall dropping SYNs) used the whole deadline: no time is left for another address.
                throw AMIFailure(kind: .timeout, message: "no TCP connection to \(peer) before the deadline (nothing answered)")
            case .failure(.refused(let error)):
                lastError = error
            }
        }
        if let lastError { throw AMIFailure(kind: .connect, message: "cannot connect to \(target): \(lastError)") }
        throw AMIFailure(kind: .timeout, message: "no TCP connection to \(target) before the deadline")
    }

    private enum AttemptFailure: Error {
        case timedOut
        case refused(SystemError)
    }

    private static func attempt(_ address: SocketAddress, deadline: ContinuousClock.Instant) -> Result<CInt, AttemptFailure> {
        let fd: CInt
        switch system_socket(for: address) {
        case .success(let value): fd = value
        case .failure(let error): return .failure(.refused(error))
        }
        switch system_connect(fd, address) {
        case .success(true): return .success(fd)
        case .success(false): break
        case .failure(let error): system_close(fd); return .failure(.refused(error))
        }
        while true {
            guard let milliseconds = millisecondsLeft(until: deadline) else { system_close(fd); return .failure(.timedOut) }
            switch system_poll(fd, for: .writable, milliseconds: milliseconds) {
            case .success(false): continue
            case .success(true):
                if let error = system_socketError(fd) { system_close(fd); return .failure(.refused(error)) }
                return .success(fd)
            case .failure(let error): system_close(fd); return .failure(.refused(error))
            }
        }
    }

    func read(deadline: ContinuousClock.Instant) throws(AMIFailure) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            guard fd >= 0 else { throw AMIFailure(kind: .closed, message: "the connection to \(peer) is closed") }
            let outcome = buffer.withUnsafeMutableBytes { system_receive(fd, into: $0) }
            switch outcome {
            case .success(.bytes(let count)): return Array(buffer[0..<count])
            case .success(.endOfStream): return []
            case .success(.wouldBlock): try wait(for: .readable, deadline: deadline)
            case .failure(let error): throw AMIFailure(kind: .closed, message: "reading from \(peer): \(error)")
            }
        }
    }

    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(AMIFailure) {
        var offset = 0
        while offset < bytes.count {
            guard fd >= 0 else { throw AMIFailure(kind: .closed, message: "the connection to \(peer) is closed") }
            let outcome = bytes[offset...].withUnsafeBytes { system_send(fd, $0) }
            switch outcome {
            case .success(.bytes(let count)): offset += count
            case .success(.wouldBlock), .success(.endOfStream): try wait(for: .writable, deadline: deadline)
            case .failure(let error): throw AMIFailure(kind: .closed, message: "writing to \(peer): \(error)")
            }
        }
    }

    private func wait(for interest: PollInterest, deadline: ContinuousClock.Instant) throws(AMIFailure) {
        while true {
            guard let milliseconds = millisecondsLeft(until: deadline) else {
                throw AMIFailure(kind: .timeout, message: "\(peer) sent nothing before the deadline")
            }
            switch system_poll(fd, for: interest, milliseconds: milliseconds) {
            case .success(true): return
            case .success(false): continue
            case .failure(let error): throw AMIFailure(kind: .closed, message: "waiting on \(peer): \(error)")
            }
        }
    }

    func close() {
        if fd >= 0 { system_close(fd) }
        fd = -1
    }
}
