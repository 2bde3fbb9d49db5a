import COpenSSL
import DoctorCore
import DoctorSystem

/// What a TLS client checks of the server: its chain against CAs (the default: the system's, or the files given)
/// plus its name, or the SHA-256 fingerprint of its certificate (a pin, for a device's self-signed certificate),
/// or nothing (insecure, which callers report).
struct TLSPolicy: Sendable, Hashable {
    enum Trust: Sendable, Hashable {
        case verify(caFile: String?, caDirectory: String?)
        /// The certificate's SHA-256 over its DER bytes, 32 bytes.
        case pin(sha256: [UInt8])
        case insecure
    }

    var trust: Trust
    /// The name the certificate must carry when it differs from the host dialled.
    var serverName: String?
}

/// The OpenSSL side of a TLS client, shared by the AMI and the gateway web client. OpenSSL never touches a socket:
/// it works on two memory BIOs, and the caller moves bytes between them and its own deadline-bounded, EINTR-safe,
/// MSG_NOSIGNAL socket code (OpenSSL's socket BIO would write(2) and could raise SIGPIPE). TLS 1.2 at least.
/// OpenSSL is loaded by the first engine (COpenSSL: dlopen on first use), so commands without TLS never load it.
final class TLSEngine {
    enum Step: Equatable {
        case done
        /// OpenSSL needs more bytes from the peer (send `drainOutgoing()` first).
        case wantRead
        case failed(String)
    }

    enum ReadStep: Equatable {
        case data([UInt8])
        case wantRead
        /// close_notify received.
        case closed
        case failed(String)
    }

    private let context: OpaquePointer
    private let ssl: OpaquePointer
    private let incoming: OpaquePointer   // bytes from the socket, for OpenSSL to read (owned by `ssl`)
    private let outgoing: OpaquePointer   // bytes OpenSSL wrote, for the socket (owned by `ssl`)
    let policy: TLSPolicy

    /// Fails with a message naming what could not be set up (context, CA files).
    init(host: String, policy: TLSPolicy) throws(TLSSetupError) {
        self.policy = policy
        guard COpenSSL_load() == 1 else { throw TLSSetupError(loadFailure: String(cString: COpenSSL_loadError())) }
        guard let context = COpenSSL_SSL_CTX_new(COpenSSL_TLS_client_method()) else { throw TLSSetupError("cannot create a TLS context") }
        guard COpenSSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1 else {
            COpenSSL_SSL_CTX_free(context)
            throw TLSSetupError("cannot require TLS 1.2")
        }
        if case .verify(let caFile, let caDirectory) = policy.trust {
            COpenSSL_SSL_CTX_set_verify(context, SSL_VERIFY_PEER)
            let loaded = caFile != nil || caDirectory != nil
                ? COpenSSL_SSL_CTX_load_verify_locations(context, caFile, caDirectory)
                : COpenSSL_SSL_CTX_set_default_verify_paths(context)
            guard loaded == 1 else {
                COpenSSL_SSL_CTX_free(context)
                let where_ = [caFile, caDirectory].compactMap { $0 }.joined(separator: ", ")
                throw TLSSetupError("cannot load the CA certificates" + (where_.isEmpty ? "" : " from \(where_)"))
            }
        } else {
            // A pin is checked after the handshake against the certificate itself; insecure checks nothing.
            COpenSSL_SSL_CTX_set_verify(context, SSL_VERIFY_NONE)
        }
        guard let ssl = COpenSSL_SSL_new(context) else {
            COpenSSL_SSL_CTX_free(context)
            throw TLSSetupError("cannot create a TLS session")
        }
        guard let incoming = COpenSSL_BIO_new_mem(), let outgoing = COpenSSL_BIO_new_mem() else {
            COpenSSL_SSL_free(ssl); COpenSSL_SSL_CTX_free(context)
            throw TLSSetupError("cannot create TLS buffers")
        }
        COpenSSL_SSL_set_bio(ssl, incoming, outgoing)
        self.context = context; self.ssl = ssl; self.incoming = incoming; self.outgoing = outgoing
        let verifying: Bool
        if case .verify = policy.trust { verifying = true } else { verifying = false }
        let name = policy.serverName ?? host
        if Self.isIPAddress(name) {
            if verifying { _ = COpenSSL_set1_ip_asc(ssl, name) }
        } else {
            _ = COpenSSL_set_tlsext_host_name(ssl, name)   // SNI
            if verifying { _ = COpenSSL_SSL_set1_host(ssl, name) }
        }
        COpenSSL_SSL_set_connect_state(ssl)
    }

    deinit {
        COpenSSL_SSL_free(ssl)          // frees both BIOs
        COpenSSL_SSL_CTX_free(context)
    }

    var handshakeFinished: Bool { COpenSSL_SSL_is_init_finished(ssl) == 1 }

    /// One handshake step. After `.done` with a pin, the certificate has been compared with it.
    func handshake() -> Step {
        COpenSSL_ERR_clear_error()
        let result = COpenSSL_SSL_do_handshake(ssl)
        if result == 1 {
            if case .pin(let expected) = policy.trust {
                guard let actual = peerCertificateSHA256() else { return .failed("the server sent no certificate") }
                guard actual == expected else {
                    return .failed("the certificate's SHA-256 fingerprint \(Self.hex(actual)) is not the pinned "
                                   + Self.hex(expected))
                }
            }
            return .done
        }
        switch COpenSSL_SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .wantRead
        default: return .failed(handshakeFailureText())
        }
    }

    /// Encrypts `bytes` into the outgoing buffer; false when OpenSSL refused.
    func write(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return true }
        COpenSSL_ERR_clear_error()
        let written = bytes.withUnsafeBytes { COpenSSL_SSL_write(ssl, $0.baseAddress, CInt($0.count)) }
        return written == CInt(bytes.count)
    }

    func read() -> ReadStep {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        COpenSSL_ERR_clear_error()
        let count = buffer.withUnsafeMutableBytes { COpenSSL_SSL_read(ssl, $0.baseAddress, CInt($0.count)) }
        if count > 0 { return .data(Array(buffer[0..<Int(count)])) }
        switch COpenSSL_SSL_get_error(ssl, count) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .wantRead
        case SSL_ERROR_ZERO_RETURN: return .closed
        default: return .failed(Self.errorQueueText())
        }
    }

    /// Queues a close_notify (the caller sends `drainOutgoing()` if it can).
    func shutdown() {
        if handshakeFinished { _ = COpenSSL_SSL_shutdown(ssl) }
    }

    /// What OpenSSL wrote, for the socket.
    func drainOutgoing() -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while COpenSSL_BIO_ctrl_pending(outgoing) > 0 {
            let count = chunk.withUnsafeMutableBytes { COpenSSL_BIO_read(outgoing, $0.baseAddress, CInt($0.count)) }
            guard count > 0 else { break }
            out += chunk[0..<Int(count)]
        }
        return out
    }

    /// Hands bytes from the socket to OpenSSL; false when they could not be buffered.
    func feed(_ bytes: [UInt8]) -> Bool {
        let written = bytes.withUnsafeBytes { COpenSSL_BIO_write(incoming, $0.baseAddress, CInt($0.count)) }
        return written == CInt(bytes.count)
    }

    /// SHA-256 over the peer certificate's DER bytes.
    func peerCertificateSHA256() -> [UInt8]? {
        var digest = [UInt8](repeating: 0, count: 32)
        return COpenSSL_peer_certificate_sha256(ssl, &digest) == 1 ? digest : nil
    }

    /// Why the handshake failed: the certificate verification result when that was it, else OpenSSL's errors.
    private func handshakeFailureText() -> String {
        let verification = COpenSSL_SSL_get_verify_result(ssl)
        if case .verify = policy.trust, verification != X509_V_OK {
            return "certificate refused: " + String(cString: COpenSSL_X509_verify_cert_error_string(verification))
        }
        return "TLS handshake failed: " + Self.errorQueueText()
    }

    var isVerificationFailure: Bool {
        if case .verify = policy.trust { return COpenSSL_SSL_get_verify_result(ssl) != X509_V_OK }
        return false
    }

    /// OpenSSL's error queue as text ("error:0A000086:SSL routines::certificate verify failed"), or errno.
    static func errorQueueText() -> String {
        guard COpenSSL_load() == 1 else { return system_lastError().description }
        var texts: [String] = []
        while true {
            let code = COpenSSL_ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            COpenSSL_ERR_error_string_n(code, &buffer, buffer.count)
            texts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return texts.isEmpty ? system_lastError().description : texts.joined(separator: "; ")
    }

    static func isIPAddress(_ name: String) -> Bool {
        name.contains(":") || (name.split(separator: ".").count == 4 && name.allSatisfy { $0.isNumber || $0 == "." })
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF")
        return bytes.map { String([digits[Int($0 >> 4)], digits[Int($0 & 0xF)]]) }.joined(separator: ":")
    }
}

struct TLSSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message + ": " + TLSEngine.errorQueueText() }
    /// OpenSSL itself could not be loaded (libssl3 missing or without a function dahdi-doctor uses).
    init(loadFailure: String) { description = "TLS is unavailable: " + loadFailure }
}
