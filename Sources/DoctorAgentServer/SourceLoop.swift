import DoctorCore
import DoctorSystem
import Synchronization

/// One source of the agent, read on its own thread: every `interval` seconds, or at once when `trigger` is called
/// (hotplug, an AMI event). Triggers that arrive while a read runs coalesce into one more read. A read that hangs
/// blocks only this thread; the agent notices it through `SourceActivity.isOverdue` and says so in the report.
public final class SourceLoop: Sendable {
    public let schedule: SourceSchedule
    /// Reads coalesced from a burst of triggers are at least this far apart, so a hotplug storm cannot spin.
    public let minimumGap: Double
    private let body: @Sendable (String) -> Void
    private let pending = Mutex<[String]>([])
    private let stopping = Atomic<Bool>(false)
    /// The trigger pipe: a byte written wakes the loop's poll. Both ends non-blocking, close-on-exec.
    private let wakeRead: CInt, wakeWrite: CInt

    /// `body` performs one read; its argument says why ("start", "interval", or the trigger's reason).
    public init(schedule: SourceSchedule, minimumGap: Double = 0.25, body: @escaping @Sendable (String) -> Void) throws(SystemError) {
        self.schedule = schedule
        self.minimumGap = minimumGap
        self.body = body
        (wakeRead, wakeWrite) = try system_agentWakePipe().get()
    }

    /// Starts the thread; its first read runs at once.
    public func start() throws(SystemError) {
        let result = system_startThread(detached: true) { [self] in run() }
        if case .failure(let error) = result { throw error }
    }

    /// Asks for a read now (or right after the one running). Safe from any thread.
    public func trigger(_ reason: String) {
        pending.withLock { list in
            if list.count < 16 { list.append(reason) }
        }
        system_agentWake(wakeWrite)
    }

    /// The loop ends after the read running now (a hung read is abandoned with the process).
    public func stop() {
        stopping.store(true, ordering: .releasing)
        trigger("stop")
    }

    private func run() {
        var reason = "start"
        while !stopping.load(ordering: .acquiring) {
            let began = system_monotonicSeconds()
            body(reason)
            // Wait out the interval unless triggered; then keep reads at least minimumGap apart.
            let next = began + schedule.intervalSeconds
            reason = "interval"
            while !stopping.load(ordering: .acquiring) {
                let left = next - system_monotonicSeconds()
                if left <= 0 { break }
                if case .success(true) = system_poll(wakeRead, for: .readable, milliseconds: CInt(min(left, 3600) * 1000) + 1) {
                    let reasons = takeTriggers()
                    guard !reasons.isEmpty else { continue }
                    let gap = began + minimumGap - system_monotonicSeconds()
                    if gap > 0 { system_sleep(seconds: gap) }
                    // Triggers that came during the gap are part of this read.
                    reason = Self.summarise(reasons + takeTriggers())
                    break
                }
            }
        }
    }

    /// Empties the wake pipe and returns the reasons of the triggers that wrote to it.
    private func takeTriggers() -> [String] {
        system_agentDrain(wakeRead)
        return pending.withLock { list in defer { list.removeAll() }; return list }
    }

    /// "hotplug: add dahdi_spans span-1 (+3 more)".
    static func summarise(_ reasons: [String]) -> String {
        guard let first = reasons.first else { return "interval" }
        return reasons.count == 1 ? first : "\(first) (+\(reasons.count - 1) more)"
    }
}
