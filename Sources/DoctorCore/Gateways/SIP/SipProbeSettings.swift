/// What to probe: a gateway's address and the transport to reach it over.
public struct SipProbeTarget: Sendable, Hashable {
    /// `host[:port]` as in the gateway list; the port defaults to 5060.
    public var target: String
    public var transport: SipProbeResult.Transport

    public init(_ target: String, transport: SipProbeResult.Transport = .udp) {
        self.target = target; self.transport = transport
    }
}

/// Timers of one probe run. Defaults follow RFC 3261 17.1.2.2 for T1/T2; the deadline is far shorter than Timer F
/// (64*T1 = 32 s) because a diagnostic should answer in seconds, and an OPTIONS answer that takes longer than a few
/// seconds is a finding in itself.
public struct SipProbeSettings: Sendable, Hashable {
    /// Per probe, from the start of the run (name resolution included) to giving up.
    public var deadline: Duration
    /// First UDP retransmission interval; doubles after each retransmission...
    public var t1: Duration
    /// ...up to this cap (and a provisional answer moves straight to it).
    public var t2: Duration
    /// How long a TCP connect may take before the next address is tried or the probe times out.
    public var connectTimeout: Duration
    /// `dahdi-doctor/<version>` for the User-Agent header.
    public var userAgent: String

    public init(deadline: Duration = .seconds(4), t1: Duration = .milliseconds(500), t2: Duration = .seconds(4),
                connectTimeout: Duration = .seconds(2), userAgent: String = "dahdi-doctor") {
        self.deadline = deadline; self.t1 = t1; self.t2 = t2; self.connectTimeout = connectTimeout
        self.userAgent = userAgent
    }
}

/// When to send the next UDP copy of a non-INVITE request (RFC 3261 17.1.2.2): T1 after the first, then doubling
/// up to T2; once a provisional response has arrived (Proceeding), every T2.
public struct SipRetransmitSchedule: Sendable, Hashable {
    public let t1: Duration
    public let t2: Duration
    public private(set) var interval: Duration
    public private(set) var proceeding = false

    /// Below this a misconfigured T1 (0, negative) would turn retransmission into a flood.
    public static let shortestInterval = Duration.milliseconds(10)

    public init(t1: Duration, t2: Duration) {
        self.t1 = max(t1, Self.shortestInterval); self.t2 = max(t2, Self.shortestInterval)
        self.interval = min(self.t1, self.t2)
    }

    /// The wait before the next copy; call once per copy sent.
    public mutating func nextInterval() -> Duration {
        let current = interval
        interval = proceeding ? t2 : min(interval * 2, t2)
        return current
    }

    public mutating func provisionalReceived() {
        proceeding = true
        interval = t2
    }
}

extension Duration {
    /// Milliseconds as a Double, for RTTs and messages.
    public var sipMilliseconds: Double {
        let parts = components
        return Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15
    }
}
