/// One SIP OPTIONS request (RFC 3261 11.1), built once per probe. A UDP retransmission sends exactly these bytes
/// again: same branch, same CSeq (17.1.2.2), so the far end sees one transaction however many copies arrive.
public struct SipOptionsRequest: Sendable, Hashable {
    public var target: SipTarget
    public var transport: SipProbeResult.Transport
    /// Our end of the socket (getsockname after connect): where Via says responses go and what Contact names.
    public var local: SipHostPort
    public var branch: String
    public var fromTag: String
    public var callID: String
    public var cseq: Int
    /// `dahdi-doctor/<version>`.
    public var userAgent: String

    /// The user part of From and Contact: what a gateway's log shows as the caller of the probe.
    public static let localUser = "dahdi-doctor"

    public init(target: SipTarget, transport: SipProbeResult.Transport, local: SipHostPort, cseq: Int = 1,
                userAgent: String, using generator: inout some RandomNumberGenerator) {
        self.target = target; self.transport = transport; self.local = local; self.cseq = cseq
        self.userAgent = userAgent
        branch = SipToken.branch(using: &generator)
        fromTag = SipToken.make(12, using: &generator)
        callID = SipToken.make(24, using: &generator)
    }

    public var text: String {
        let transportName = transport.rawValue.uppercased()
        // Contact names the transport on TCP so a reply-to-Contact goes back over a stream (RFC 3261 19.1.4).
        let contactTransport = transport == .tcp ? ";transport=tcp" : ""
        let lines = [
            "OPTIONS \(target.uri) SIP/2.0",
            // rport (RFC 3581): behind NAT the answer comes back to the port it was sent from, not the Via port.
            "Via: SIP/2.0/\(transportName) \(local);branch=\(branch);rport",
            "Max-Forwards: 70",
            "From: \"\(Self.localUser)\" <sip:\(Self.localUser)@\(local.uriHost)>;tag=\(fromTag)",
            "To: <\(target.uri)>",
            "Call-ID: \(callID)",
            "CSeq: \(cseq) OPTIONS",
            "Contact: <sip:\(Self.localUser)@\(local)\(contactTransport)>",
            "Accept: application/sdp",
            "User-Agent: \(userAgent)",
            "Content-Length: 0",
        ]
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    public var bytes: [UInt8] { Array(text.utf8) }

    /// Whether a response answers this request: the top Via branch (RFC 3261 17.1.3), then Call-ID and CSeq, which a
    /// correct UAS copies unchanged. Anything else on the socket (a late answer to an earlier probe, a request the
    /// gateway sends us) is not ours and must not end the probe.
    public func match(_ response: SipResponse) -> SipResponseMatch {
        guard let via = response.headers.topVia else { return .noVia }
        guard via.branch == branch else { return .otherBranch(via.branch ?? "") }
        guard response.headers["Call-ID"] == callID else { return .otherCallID(response.headers["Call-ID"] ?? "") }
        guard let sequence = response.headers.cseq, sequence.number == cseq, sequence.method == "OPTIONS" else {
            return .otherCSeq(response.headers["CSeq"] ?? "")
        }
        return .ours
    }
}

public enum SipResponseMatch: Sendable, Hashable, CustomStringConvertible {
    case ours
    case noVia
    case otherBranch(String)
    case otherCallID(String)
    case otherCSeq(String)

    public var description: String {
        switch self {
        case .ours: return "answers this request"
        case .noVia: return "response without a Via header"
        case .otherBranch(let branch): return "response to another transaction (Via branch '\(branch)')"
        case .otherCallID(let callID): return "response with another Call-ID ('\(callID)')"
        case .otherCSeq(let cseq): return "response with another CSeq ('\(cseq)')"
        }
    }
}
