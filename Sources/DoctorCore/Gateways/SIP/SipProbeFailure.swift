/// Why a probe ended without a final response, or what else went wrong along the way; its description is what
/// `SipProbeResult.error` carries.
public enum SipProbeFailure: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidTarget(SipTargetError)
    case resolution(host: String, message: String)
    /// getaddrinfo had not answered when the deadline came (a dead DNS server).
    case resolutionTimedOut(host: String)
    case system(operation: String, address: String, error: SystemError)
    /// ICMP port unreachable on a connected UDP socket (ECONNREFUSED): the host is up, nothing listens on the port.
    case portUnreachable(address: String)
    case connectionRefused(address: String)
    case connectTimedOut(address: String, after: Duration)
    case closedByPeer(address: String)
    /// The peer answered with bytes that cannot be framed as SIP (TCP).
    case malformed(address: String, SipParseError)
    /// Nothing final before the deadline; what did arrive is listed to tell "silent" from "answers nonsense".
    case noFinalResponse(after: Duration, provisional: String?, ignored: Int, firstIgnored: String?)

    public var description: String {
        switch self {
        case .invalidTarget(let error): return error.description
        case .resolution(let host, let message): return "cannot resolve \(host): \(message)"
        case .resolutionTimedOut(let host): return "name resolution of \(host) did not finish before the deadline"
        case .system(let operation, let address, let error): return "\(operation) \(address): \(error)"
        case .portUnreachable(let address):
            return "ICMP port unreachable from \(address): the host is up but nothing listens on that UDP port"
        case .connectionRefused(let address): return "TCP connection to \(address) refused: nothing listens on that port"
        case .connectTimedOut(let address, let after):
            return "TCP connect to \(address) did not complete within \(Self.format(after))"
        case .closedByPeer(let address): return "\(address) closed the connection before a final response"
        case .malformed(let address, let error): return "\(address) answered something that is not SIP: \(error)"
        case .noFinalResponse(let after, let provisional, let ignored, let firstIgnored):
            var text = "no final response within \(Self.format(after))"
            if let provisional { text += " (last provisional: \(provisional))" }
            if ignored > 0 { text += "; ignored \(ignored) message(s) that did not answer this request" }
            if let firstIgnored { text += ", first: \(firstIgnored)" }
            return text
        }
    }

    static func format(_ duration: Duration) -> String {
        let milliseconds = duration.sipMilliseconds
        return milliseconds >= 1000 && milliseconds.truncatingRemainder(dividingBy: 100) == 0
            ? "\(milliseconds / 1000) s" : "\(Int(milliseconds.rounded())) ms"
    }
}
