import DoctorCore
import DoctorSystem
import Synchronization

/// The agent's standing AMI session: logged in with events on, it tells the agent when Asterisk says something
/// that can change the report (a contact reachable or not, a registration, a reload, a DAHDI alarm), so the AMI
/// source re-reads at once instead of at its next resync. It pings when the line is quiet, so a peer that went
/// away silently is noticed, and it reconnects with a growing backoff. Everything it learns goes through
/// `handler`; it never builds a report itself.
public final class AMIEventWatcher: Sendable {
    public let endpoint: AMIEndpoint
    private let credentials: AMICredentials
    private let timeouts: AMITimeouts
    private let quietPing: Duration
    private let stopping = Atomic<Bool>(false)

    public init(endpoint: AMIEndpoint, credentials: AMICredentials, timeouts: AMITimeouts = AMITimeouts(),
                quietPing: Duration = .seconds(30)) {
        self.endpoint = endpoint; self.credentials = credentials; self.timeouts = timeouts; self.quietPing = quietPing
    }

    /// What the watcher reports: an event worth a re-read, or a change of its own session.
    public enum Notice: Sendable, Hashable {
        case event(String)
        case connected
        case lost(String)
    }

    public func start(_ handler: @escaping @Sendable (Notice) -> Void) throws(SystemError) {
        let result = system_startThread(detached: true) { [self] in run(handler) }
        if case .failure(let error) = result { throw error }
    }

    public func stop() { stopping.store(true, ordering: .releasing) }

    private var stopped: Bool { stopping.load(ordering: .acquiring) }

    private func run(_ handler: @Sendable (Notice) -> Void) {
        var failures = 0
        while !stopped {
            do {
                let client = try AMIClient.connect(to: endpoint, credentials: credentials, events: true, timeouts: timeouts)
                defer { client.close() }
                failures = 0
                handler(.connected)
                try follow(client, handler)
                return   // stopped
            } catch {
                if stopped { return }
                failures += 1
                handler(.lost(error.description))
                // 1, 2, 4 ... 60 s, in one-second slices so a stop is not kept waiting.
                let delay = min(60, 1 << min(failures - 1, 6))
                for _ in 0..<delay where !stopped { system_sleep(seconds: 1) }
            }
        }
    }

    /// Reads events until stopped or the session breaks (thrown).
    private func follow(_ client: AMIClient, _ handler: @Sendable (Notice) -> Void) throws(AMIFailure) {
        var lastHeard = ContinuousClock.now
        while !stopped {
            if let event = try client.nextEvent(deadline: .now + .seconds(1)) {
                lastHeard = .now
                if let name = event.event, AMIEventRelevance.triggersResync(name) { handler(.event(name)) }
            } else if ContinuousClock.now - lastHeard > quietPing {
                _ = try client.action(AMIAction("Ping"))
                lastHeard = .now
            }
        }
        client.logoff()
    }
}
