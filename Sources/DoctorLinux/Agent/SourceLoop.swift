#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DoctorCore
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
        var fds: [CInt] = [-1, -1]
        guard pipe(&fds) == 0 else { throw SystemError(errno: errno) }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        wakeRead = fds[0]; wakeWrite = fds[1]
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
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)   // EAGAIN when the pipe is full: a wake-up is already pending
    }

    /// The loop ends after the read running now (a hung read is abandoned with the process).
    public func stop() {
        stopping.store(true, ordering: .releasing)
        trigger("stop")
    }

    private func run() {
        var reason = "start"
        while !stopping.load(ordering: .acquiring) {
            let began = system_agentMonotonicSeconds()
            body(reason)
            // Wait out the interval unless triggered; then keep reads at least minimumGap apart.
            let next = began + schedule.intervalSeconds
            reason = "interval"
            while !stopping.load(ordering: .acquiring) {
                let left = next - system_agentMonotonicSeconds()
                if left <= 0 { break }
                if case .success(true) = system_agentPoll(wakeRead, events: Int16(POLLIN), milliseconds: CInt(min(left, 3600) * 1000) + 1) {
                    drain()
                    let reasons = pending.withLock { list -> [String] in defer { list.removeAll() }; return list }
                    guard !reasons.isEmpty else { continue }
                    reason = Self.summarise(reasons)
                    let gap = began + minimumGap - system_agentMonotonicSeconds()
                    if gap > 0 { system_sleep(seconds: gap) }
                    // Triggers that came during the gap are part of this read.
                    drain()
                    let more = pending.withLock { list -> [String] in defer { list.removeAll() }; return list }
                    if !more.isEmpty { reason = Self.summarise(reasons + more) }
                    break
                }
            }
        }
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
    }

    /// "hotplug: add dahdi_spans span-1 (+3 more)".
    static func summarise(_ reasons: [String]) -> String {
        guard let first = reasons.first else { return "interval" }
        return reasons.count == 1 ? first : "\(first) (+\(reasons.count - 1) more)"
    }
}
