import COpenSSL
import DoctorCore
import DoctorSystem

/// AMI over TLS with the system OpenSSL. OpenSSL never touches the socket: it works on two memory BIOs and this
/// class moves the bytes through `TCPConnection`. So every byte goes through the same deadline-bounded, EINTR-safe,
/// MSG_NOSIGNAL path as plain TCP (OpenSSL's socket BIO would write(2) and could raise SIGPIPE).
///
/// Verification is on unless `verifyCertificate` is false: SSL_VERIFY_PEER against the CA file/directory given, or
/// the system's (`SSL_CTX_set_default_verify_paths`), and the certificate must match the host name (`SSL_set1_host`)
/// or IP address (`X509_VERIFY_PARAM_set1_ip_asc`). TLS 1.2 at least.
final class TLSStream: AMIByteStream {
    private let tcp: TCPConnection
    private let context: OpaquePointer
    private let ssl: OpaquePointer
    private let incoming: OpaquePointer   // bytes from the socket, for OpenSSL to read (owned by `ssl`)
    private let outgoing: OpaquePointer   // bytes OpenSSL wrote, for the socket (owned by `ssl`)
    private var closed = false

    var peer: String { tcp.peer }

    /// Handshakes over `tcp`; on failure `tcp` is closed.
    static func handshake(over tcp: TCPConnection, host: String, options: AMITLSOptions,
                          deadline: ContinuousClock.Instant) throws(AMIFailure) -> TLSStream {
        let stream: TLSStream
        do {
            stream = try TLSStream(tcp: tcp, host: host, options: options)
        } catch {
            tcp.close()
            throw error
        }
        do {
            try stream.runHandshake(deadline: deadline)
        } catch {
            stream.close()
            throw error
        }
        return stream
    }

    private init(tcp: TCPConnection, host: String, options: AMITLSOptions) throws(AMIFailure) {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw Self.failure("cannot create a TLS context") }
        guard COpenSSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1 else {
            SSL_CTX_free(context)
            throw Self.failure("cannot require TLS 1.2")
        }
        if options.verifyCertificate {
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            let loaded = options.caFile != nil || options.caDirectory != nil
                ? SSL_CTX_load_verify_locations(context, options.caFile, options.caDirectory)
                : SSL_CTX_set_default_verify_paths(context)
            guard loaded == 1 else {
                SSL_CTX_free(context)
                let where_ = [options.caFile, options.caDirectory].compactMap { $0 }.joined(separator: ", ")
                throw Self.failure("cannot load the CA certificates" + (where_.isEmpty ? "" : " from \(where_)"))
            }
        } else {
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        }
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw Self.failure("cannot create a TLS session")
        }
        guard let incoming = BIO_new(BIO_s_mem()), let outgoing = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl); SSL_CTX_free(context)
            throw Self.failure("cannot create TLS buffers")
        }
        SSL_set_bio(ssl, incoming, outgoing)
        self.tcp = tcp; self.context = context; self.ssl = ssl; self.incoming = incoming; self.outgoing = outgoing
        let name = options.serverName ?? host
        if Self.isIPAddress(name) {
            if options.verifyCertificate { X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) }
        } else {
            _ = COpenSSL_set_tlsext_host_name(ssl, name)   // SNI
            if options.verifyCertificate { SSL_set1_host(ssl, name) }
        }
        SSL_set_connect_state(ssl)
    }

    deinit {
        close()
        SSL_free(ssl)          // frees both BIOs
        SSL_CTX_free(context)
    }

    private func runHandshake(deadline: ContinuousClock.Instant) throws(AMIFailure) {
        while true {
            ERR_clear_error()
            let result = SSL_do_handshake(ssl)
            try flush(deadline: deadline)
            if result == 1 { return }
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ:
                guard try fill(deadline: deadline) else {
                    throw AMIFailure(kind: .tls, message: "\(peer) closed the connection during the TLS handshake (not a TLS port?)")
                }
            case SSL_ERROR_WANT_WRITE:
                continue
            default:
                throw handshakeFailure()
            }
        }
    }

    func read(deadline: ContinuousClock.Instant) throws(AMIFailure) -> [UInt8] {
        guard !closed else { throw AMIFailure(kind: .closed, message: "the connection to \(peer) is closed") }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            ERR_clear_error()
            let count = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, CInt($0.count)) }
            if count > 0 { return Array(buffer[0..<Int(count)]) }
            switch SSL_get_error(ssl, count) {
            case SSL_ERROR_WANT_READ:
                try flush(deadline: deadline)
                // A TCP close without close_notify: Asterisk's way of ending a session (after Logoff or a refused
                // Login); read as the end of the stream like plain TCP.
                guard try fill(deadline: deadline) else { return [] }
            case SSL_ERROR_WANT_WRITE:
                try flush(deadline: deadline)
            case SSL_ERROR_ZERO_RETURN:
                return []
            default:
                throw AMIFailure(kind: .tls, message: "TLS read from \(peer) failed: \(Self.errorQueueText())")
            }
        }
    }

    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(AMIFailure) {
        guard !closed else { throw AMIFailure(kind: .closed, message: "the connection to \(peer) is closed") }
        guard !bytes.isEmpty else { return }
        ERR_clear_error()
        // Into a memory BIO a write is complete or fails; the socket write is the bounded part.
        let written = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, CInt($0.count)) }
        guard written == CInt(bytes.count) else {
            throw AMIFailure(kind: .tls, message: "TLS write to \(peer) failed: \(Self.errorQueueText())")
        }
        try flush(deadline: deadline)
    }

    /// Sends a close_notify if it can do so at once, then closes the socket.
    func close() {
        guard !closed else { return }
        closed = true
        if SSL_is_init_finished(ssl) == 1 {
            _ = SSL_shutdown(ssl)
            try? flush(deadline: .now + .milliseconds(100))
        }
        tcp.close()
    }

    /// Moves what OpenSSL wrote to the socket.
    private func flush(deadline: ContinuousClock.Instant) throws(AMIFailure) {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while BIO_ctrl_pending(outgoing) > 0 {
            let count = chunk.withUnsafeMutableBytes { BIO_read(outgoing, $0.baseAddress, CInt($0.count)) }
            guard count > 0 else { break }
            try tcp.write(Array(chunk[0..<Int(count)]), deadline: deadline)
        }
    }

    /// Moves the next bytes from the socket to OpenSSL; false when the peer closed the TCP connection.
    private func fill(deadline: ContinuousClock.Instant) throws(AMIFailure) -> Bool {
        let bytes = try tcp.read(deadline: deadline)
        guard !bytes.isEmpty else { return false }
        let written = bytes.withUnsafeBytes { BIO_write(incoming, $0.baseAddress, CInt($0.count)) }
        guard written == CInt(bytes.count) else { throw Self.failure("cannot buffer \(bytes.count) bytes from \(peer)") }
        return true
    }

    private func handshakeFailure() -> AMIFailure {
        let verification = SSL_get_verify_result(ssl)
        if verification != X509_V_OK {
            let reason = String(cString: X509_verify_cert_error_string(verification))
            return AMIFailure(kind: .tls, message: "\(peer)'s certificate was refused: \(reason) (give its CA with the "
                + "AMI TLS CA option; or turn verification off, which lets anyone in the path read the AMI secret)")
        }
        return AMIFailure(kind: .tls, message: "TLS handshake with \(peer) failed: \(Self.errorQueueText())")
    }

    private static func failure(_ message: String) -> AMIFailure {
        AMIFailure(kind: .tls, message: message + ": " + errorQueueText())
    }

    /// OpenSSL's error queue as text ("error:0A000086:SSL routines::certificate verify failed"), or errno.
    private static func errorQueueText() -> String {
        var texts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            texts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return texts.isEmpty ? system_lastError().description : texts.joined(separator: "; ")
    }

    private static func isIPAddress(_ name: String) -> Bool {
        name.contains(":") || (name.split(separator: ".").count == 4 && name.allSatisfy { $0.isNumber || $0 == "." })
    }
}
