import DoctorCore
import DoctorSystem

/// AMI over TLS: the shared `TLSEngine` (OpenSSL on memory BIOs) with its bytes moved through `TCPConnection`, so
/// every byte goes through the same deadline-bounded, EINTR-safe, MSG_NOSIGNAL path as plain TCP.
///
/// Verification is on unless `verifyCertificate` is false: SSL_VERIFY_PEER against the CA file/directory given, or
/// the system's, and the certificate must match the host name or IP address. TLS 1.2 at least.
final class TLSStream: AMIByteStream {
    private let tcp: TCPConnection
    private let engine: TLSEngine
    private var closed = false

    var peer: String { tcp.peer }

    /// Handshakes over `tcp`; on failure `tcp` is closed.
    static func handshake(over tcp: TCPConnection, host: String, options: AMITLSOptions,
                          deadline: ContinuousClock.Instant) throws(AMIFailure) -> TLSStream {
        let trust: TLSPolicy.Trust = options.verifyCertificate
            ? .verify(caFile: options.caFile, caDirectory: options.caDirectory) : .insecure
        let engine: TLSEngine
        do throws(TLSSetupError) {
            engine = try TLSEngine(host: host, policy: TLSPolicy(trust: trust, serverName: options.serverName))
        } catch {
            tcp.close()
            throw AMIFailure(kind: .tls, message: error.description)
        }
        let stream = TLSStream(tcp: tcp, engine: engine)
        do {
            try stream.runHandshake(deadline: deadline)
        } catch {
            stream.close()
            throw error
        }
        return stream
    }

    private init(tcp: TCPConnection, engine: TLSEngine) {
        self.tcp = tcp; self.engine = engine
    }

    deinit { close() }

    private func runHandshake(deadline: ContinuousClock.Instant) throws(AMIFailure) {
        while true {
            let step = engine.handshake()
            try flush(deadline: deadline)
            switch step {
            case .done: return
            case .wantRead:
                guard try fill(deadline: deadline) else {
                    throw AMIFailure(kind: .tls, message: "\(peer) closed the connection during the TLS handshake (not a TLS port?)")
                }
            case .failed(let why):
                if engine.isVerificationFailure {
                    let reason = why.hasPrefix("certificate refused: ") ? String(why.dropFirst(21)) : why
                    throw AMIFailure(kind: .tls, message: "\(peer)'s certificate was refused: \(reason) (give its CA with the "
                        + "AMI TLS CA option; or turn verification off, which lets anyone in the path read the AMI secret)")
                }
                throw AMIFailure(kind: .tls, message: "TLS handshake with \(peer) failed: \(why)")
            }
        }
    }

    func read(deadline: ContinuousClock.Instant) throws(AMIFailure) -> [UInt8] {
        guard !closed else { throw AMIFailure(kind: .closed, message: "the connection to \(peer) is closed") }
        while true {
            switch engine.read() {
            case .data(let bytes): return bytes
            case .wantRead:
                try flush(deadline: deadline)
                // A TCP close without close_notify: Asterisk's way of ending a session (after Logoff or a refused
                // Login); read as the end of the stream like plain TCP.
                guard try fill(deadline: deadline) else { return [] }
            case .closed:
                return []
            case .failed(let why):
                throw AMIFailure(kind: .tls, message: "TLS read from \(peer) failed: \(why)")
            }
        }
    }

    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(AMIFailure) {
        guard !closed else { throw AMIFailure(kind: .closed, message: "the connection to \(peer) is closed") }
        guard !bytes.isEmpty else { return }
        // Into a memory BIO a write is complete or fails; the socket write is the bounded part.
        guard engine.write(bytes) else {
            throw AMIFailure(kind: .tls, message: "TLS write to \(peer) failed: \(TLSEngine.errorQueueText())")
        }
        try flush(deadline: deadline)
    }

    /// Sends a close_notify if it can do so at once, then closes the socket.
    func close() {
        guard !closed else { return }
        closed = true
        if engine.handshakeFinished {
            engine.shutdown()
            try? flush(deadline: .now + .milliseconds(100))
        }
        tcp.close()
    }

    /// Moves what OpenSSL wrote to the socket.
    private func flush(deadline: ContinuousClock.Instant) throws(AMIFailure) {
        let bytes = engine.drainOutgoing()
        if !bytes.isEmpty { try tcp.write(bytes, deadline: deadline) }
    }

    /// Moves the next bytes from the socket to OpenSSL; false when the peer closed the TCP connection.
    private func fill(deadline: ContinuousClock.Instant) throws(AMIFailure) -> Bool {
        let bytes = try tcp.read(deadline: deadline)
        guard !bytes.isEmpty else { return false }
        guard engine.feed(bytes) else {
            throw AMIFailure(kind: .tls, message: "cannot buffer \(bytes.count) bytes from \(peer): \(TLSEngine.errorQueueText())")
        }
        return true
    }
}
