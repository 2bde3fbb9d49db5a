/// How a client retries a lost or failed connection: capped exponential backoff. The one-shot check uses `.never`
/// (one attempt; a monitoring run must answer within its deadline, not wait for Asterisk to come back); a
/// long-lived agent uses a backoff so a restarting Asterisk is neither hammered nor forgotten.
public struct ReconnectPolicy: Sendable, Hashable {
    /// Attempts in all, the first included; `Int.max` for "until the deadline".
    public var maxAttempts: Int
    public var initialDelay: Duration
    public var maxDelay: Duration
    public var multiplier: Int

    public init(maxAttempts: Int, initialDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30),
                multiplier: Int = 2) {
        self.maxAttempts = max(1, maxAttempts); self.initialDelay = initialDelay; self.maxDelay = maxDelay
        self.multiplier = max(1, multiplier)
    }

    public static let never = ReconnectPolicy(maxAttempts: 1)

    public static func backoff(initialDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30),
                               maxAttempts: Int = .max) -> ReconnectPolicy {
        ReconnectPolicy(maxAttempts: maxAttempts, initialDelay: initialDelay, maxDelay: maxDelay)
    }

    /// The wait before attempt `attempt` (2, 3, ...): initial, initial×m, initial×m²..., never above `maxDelay`;
    /// nil when no attempt is left.
    public func delay(beforeAttempt attempt: Int) -> Duration? {
        guard attempt >= 2, attempt <= maxAttempts else { return nil }
        guard initialDelay > .zero else { return .zero }
        var delay = initialDelay
        for _ in 0..<(attempt - 2) {
            delay = delay * multiplier
            if delay >= maxDelay { return maxDelay }
        }
        return min(delay, maxDelay)
    }

    /// Whether another attempt can help: yes for an unreachable, silent or closing peer; no for a refused login
    /// (retrying a wrong secret only fills Asterisk's log, or locks the user out), a certificate problem, a peer
    /// that is not AMI, or a missing permission.
    public func retries(after failure: AMIFailure) -> Bool {
        switch failure.kind {
        case .connect, .timeout, .closed: true
        case .tls, .protocolError, .loginRefused, .permission, .unsupported, .error: false
        }
    }
}
