import DoctorCore
import DoctorSystem

/// A point in time on the monotonic clock that bounds one HTTP exchange.
struct Deadline {
    let at: Double

    init(secondsFromNow seconds: Double) { at = system_monotonicSeconds() + seconds }

    /// Milliseconds left for poll(2), 0 when passed.
    var remainingMilliseconds: Int32 {
        let left = (at - system_monotonicSeconds()) * 1000
        return left <= 0 ? 0 : Int32(min(left.rounded(.up), Double(Int32.max)))
    }
}

/// One TCP connection with every wait bounded by a deadline. Close it with `close()` (callers use `defer`).
struct TCPStream {
    let fd: CInt
    let peer: String

    /// Resolves and connects, trying each address in turn within the same deadline.
    static func connect(host: String, port: Int, deadline: Deadline) throws(HTTPClientError) -> TCPStream {
        let addresses: [HTTPSocketAddress]
        switch system_resolveTCP(host: host, port: port) {
        case .success(let list): addresses = list
        case .failure(let failure): throw .unresolvable(host: host, reason: failure.reason)
        }
        var lastError: HTTPClientError = .unresolvable(host: host, reason: "no address")
        for address in addresses {
            let fd: CInt
            switch system_tcpSocket(family: address.family) {
            case .success(let value): fd = value
            case .failure(let error): lastError = .connectFailed(address: address.text, error: error); continue
            }
            do throws(HTTPClientError) {
                try finishConnect(fd, address, deadline)
                return TCPStream(fd: fd, peer: address.text)
            } catch {
                system_closeSocket(fd)
                lastError = error
                if case .timedOut = error { throw error }   // the deadline is spent: no time for another address
            }
        }
        throw lastError
    }

    private static func finishConnect(_ fd: CInt, _ address: HTTPSocketAddress, _ deadline: Deadline) throws(HTTPClientError) {
        switch system_connectStart(fd, address) {
        case .success(true): return
        case .success(false): break
        case .failure(let error): throw .connectFailed(address: address.text, error: error)
        }
        switch system_poll(fd, for: .writable, milliseconds: deadline.remainingMilliseconds) {
        case .success(true): break
        case .success(false): throw .timedOut(phase: "connecting to \(address.text)")
        case .failure(let error): throw .connectFailed(address: address.text, error: error)
        }
        if let error = system_socketError(fd) { throw .connectFailed(address: address.text, error: error) }
    }

    func sendAll(_ bytes: [UInt8], deadline: Deadline) throws(HTTPClientError) {
        var rest = bytes[...]
        while !rest.isEmpty {
            switch system_poll(fd, for: .writable, milliseconds: deadline.remainingMilliseconds) {
            case .success(true): break
            case .success(false): throw .timedOut(phase: "sending the request")
            case .failure(let error): throw .connectionFailed(error)
            }
            switch system_httpSend(fd, rest) {
            case .success(let sent): rest = rest.dropFirst(sent)
            case .failure(let error): throw .connectionFailed(error)
            }
        }
    }

    /// Reads what has arrived: the count (0 at end of stream). Waits at most until the deadline.
    func receive(into buffer: inout [UInt8], deadline: Deadline, receivedSoFar: Int) throws(HTTPClientError) -> Int {
        while true {
            switch system_poll(fd, for: .readable, milliseconds: deadline.remainingMilliseconds) {
            case .success(true): break
            case .success(false):
                throw .timedOut(phase: receivedSoFar == 0 ? "waiting for the answer" : "reading the answer")
            case .failure(let error): throw .connectionFailed(error)
            }
            switch system_httpReceive(fd, into: &buffer) {
            case .success(let count?): return count
            case .success(nil): continue   // spurious wake-up
            case .failure(let error): throw .connectionFailed(error)
            }
        }
    }

    func close() { system_closeSocket(fd) }
}
