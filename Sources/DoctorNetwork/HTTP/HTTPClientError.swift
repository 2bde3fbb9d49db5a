import DoctorCore
import DoctorSystem

/// Why an HTTP exchange with a gateway failed. Locations are recorded redacted; no case carries a credential.
public enum HTTPClientError: Error, Sendable, Hashable, CustomStringConvertible {
    case unresolvable(host: String, reason: String)
    case connectFailed(address: String, error: SystemError)
    case timedOut(phase: String)
    /// The connection broke while sending or receiving (reset, EPIPE...).
    case connectionFailed(SystemError)
    /// The gateway closed the connection before its answer was complete (after `received` bytes).
    case closedEarly(received: Int)
    case malformedResponse(String)
    case bodyTooLarge(limit: Int)
    case tooManyRedirects(limit: Int)
    /// A redirect to another host or scheme (https: this client speaks plain HTTP only).
    case redirectedElsewhere(location: String)
    case authenticationUnsupported(String)
    case invalidRequest(String)
    /// The HTTPS handshake failed: the certificate refused (chain, name or pin), or not a TLS port.
    case tls(String)

    public var description: String {
        switch self {
        case .unresolvable(let host, let reason): return "cannot resolve \(host): \(reason)"
        case .connectFailed(let address, let error): return "cannot connect to \(address): \(error)"
        case .timedOut(let phase): return "no answer in time (\(phase))"
        case .connectionFailed(let error): return "the connection failed: \(error)"
        case .closedEarly(let received):
            return received == 0 ? "the gateway closed the connection without answering"
                : "the gateway closed the connection after \(received) bytes, before its answer was complete"
        case .malformedResponse(let what): return "not an HTTP/1.x answer: \(what)"
        case .bodyTooLarge(let limit): return "the answer is larger than \(limit) bytes"
        case .tooManyRedirects(let limit): return "more than \(limit) redirects"
        case .redirectedElsewhere(let location):
            return "redirected to \(location), which is another host or scheme (set web_scheme = \"https\" for an HTTPS-only gateway)"
        case .authenticationUnsupported(let why): return why
        case .invalidRequest(let why): return "invalid request: \(why)"
        case .tls(let why): return "HTTPS: \(why)"
        }
    }
}
