import DoctorCore
import DoctorSystem

/// Sends SIP OPTIONS to many gateways at once and reports, per target, whether and how each answered.
///
/// Every probe runs in one poll() loop over non-blocking sockets, each with its own deadline, so a dead or slow
/// gateway costs the others nothing: their results are ready (and `onResult` is called) as soon as they answer.
/// Names are resolved on threads of their own for the same reason. The call returns once every probe has an
/// outcome, at most `settings.deadline` after it started.
public struct SipOptionsProber: Sendable {
    public var settings: SipProbeSettings

    public init(settings: SipProbeSettings = SipProbeSettings()) {
        self.settings = settings
    }

    /// Results in the order of `targets`. `onResult(index, result)` is called on this thread as each probe ends.
    public func probe(_ targets: [SipProbeTarget], onResult: ((Int, SipProbeResult) -> Void)? = nil) -> [SipProbeResult] {
        var generator = SystemRandomNumberGenerator()
        return probe(targets, using: &generator, onResult: onResult)
    }

    /// The same, with the branch, tag and Call-ID randomness supplied by the caller.
    public func probe(_ targets: [SipProbeTarget], using generator: inout some RandomNumberGenerator,
                      onResult: ((Int, SipProbeResult) -> Void)? = nil) -> [SipProbeResult] {
        let clock = ContinuousClock()
        let start = clock.now
        var probes = targets.map { SipProbe($0, settings: settings, start: start) }
        var reported = [Bool](repeating: false, count: probes.count)

        func report() {
            for index in probes.indices where !reported[index] {
                if let result = probes[index].result {
                    reported[index] = true
                    onResult?(index, result)
                }
            }
        }

        while true {
            let now = clock.now
            for index in probes.indices { probes[index].advance(now: now, using: &generator) }
            report()
            let active = probes.indices.filter { probes[$0].result == nil }
            if active.isEmpty { break }

            let polled = active.compactMap { index in probes[index].pollRequest.map { (index, $0) } }
            var wake = active.map { probes[$0].nextWake }.min()!
            // A lookup on another thread cannot wake poll(); look again every few milliseconds while one runs.
            if active.contains(where: { probes[$0].isResolving }) { wake = min(wake, now + .milliseconds(5)) }
            let timeout = Int(max(0, (wake - now).sipMilliseconds).rounded(.up))

            switch system_sipPoll(polled.map(\.1), timeoutMilliseconds: timeout) {
            case .success(let events):
                let readyAt = clock.now
                for ((index, _), event) in zip(polled, events) where event.readable || event.writable || event.failed {
                    probes[index].handle(event, now: readyAt, using: &generator)
                }
            case .failure(let error):
                // poll itself failed (EINVAL past RLIMIT_NOFILE, ENOMEM): no probe can go on.
                for index in active { probes[index].abort(.system(operation: "poll", address: "", error: error)) }
            }
            report()
        }
        return probes.map { $0.result! }
    }
}
