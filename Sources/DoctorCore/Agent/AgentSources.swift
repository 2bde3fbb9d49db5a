/// The agent's sources, each read on its own schedule: the kernel and configuration files often (and at once on
/// hotplug), the gateways slower, Asterisk on its events with a periodic resync. Each has a deadline; a read past
/// it makes its part of the report stale, not the whole agent.
public struct SourceSchedule: Sendable, Hashable, Codable {
    public var name: String
    /// Seconds between reads when nothing triggers one earlier.
    public var intervalSeconds: Double
    /// Seconds a read may take before the report says the source is overdue.
    public var deadlineSeconds: Double

    public init(name: String, intervalSeconds: Double, deadlineSeconds: Double) {
        self.name = name; self.intervalSeconds = intervalSeconds; self.deadlineSeconds = deadlineSeconds
    }

    public static let kernelName = "kernel", amiName = "ami", gatewaysName = "gateways"
}

/// What one source has done so far: `GET /v1/health` lists these, so "when did the agent last hear from the
/// gateways" has an answer.
public struct SourceActivity: Sendable, Hashable, Codable {
    public var name: String
    public var intervalSeconds: Double
    public var deadlineSeconds: Double
    public var runs = 0
    /// Unix seconds.
    public var lastStartedAt: Double?
    public var lastFinishedAt: Double?
    public var lastDurationSeconds: Double?
    /// Why the last read ran: "start", "interval", "hotplug: add dahdi_spans span-1", "ami event ContactStatus"...
    public var lastTrigger: String?
    /// Set while a read is running (Unix seconds of its start).
    public var runningSince: Double?

    public init(_ schedule: SourceSchedule) {
        name = schedule.name; intervalSeconds = schedule.intervalSeconds; deadlineSeconds = schedule.deadlineSeconds
    }

    public mutating func started(at time: Double, trigger: String) {
        runningSince = time; lastStartedAt = time; lastTrigger = trigger
    }

    public mutating func finished(at time: Double) {
        if let start = runningSince { lastDurationSeconds = max(0, time - start) }
        runningSince = nil; lastFinishedAt = time; runs += 1
    }

    /// The read running now has passed its deadline.
    public func isOverdue(now: Double) -> Bool {
        guard let since = runningSince else { return false }
        return now - since > deadlineSeconds
    }

    public func overdue(now: Double) -> OverdueSource? {
        guard isOverdue(now: now), let since = runningSince else { return nil }
        return OverdueSource(name: name, runningSince: since, deadlineSeconds: deadlineSeconds, lastAnswerAt: lastFinishedAt)
    }
}

/// The local part of an observation: what one read of the kernel source returns (the DAHDI readings, the
/// configuration files, the hardware, the Asterisk setup files, the container signs): an `Observer` observation
/// without AMI and gateways, which the other sources fill in when composing.
public struct KernelPart: Sendable, Hashable {
    public var observation: Observation
    public var observedAt: Double { observation.observedAt }

    public init(_ observation: Observation) { self.observation = observation }
}

/// The latest answer of every source, composed into one observation whenever any of them answers. Pure.
public struct ObservationParts: Sendable {
    public var kernel: KernelPart?
    /// Nil until AMI answered, or when AMI is not asked.
    public var asterisk: AsteriskObservation?
    /// Nil until the gateways answered, or when there is no gateway list.
    public var gateways: [GatewayObservation]?
    public var counters: CounterHistory

    public init(rateWindowSeconds: Double = CounterHistory.defaultWindow) {
        counters = CounterHistory(windowSeconds: rateWindowSeconds)
    }

    /// Records a kernel read, and its counters in the rate history.
    public mutating func record(kernel part: KernelPart) {
        var part = part
        // The module tree and kernel log are read on full reads only while the driver is up: keep the last reading.
        if part.observation.kernelModules == nil, case .opened = part.observation.dahdi.control {
            part.observation.kernelModules = kernel?.observation.kernelModules
        }
        kernel = part
        let dahdi = part.observation.dahdi
        if case .opened = dahdi.control {
            counters.append(CounterReading(at: part.observedAt, spans: dahdi.spans, proc: dahdi.proc))
        }
    }

    /// One observation of everything known now; nil before the first kernel read. Counter rises are measured
    /// against the reading one rate window earlier (or the oldest one kept, while the agent is younger than that).
    public func compose(generator: String, activities: [SourceActivity], now: Double) -> Observation? {
        guard let kernel else { return nil }
        var observation = kernel.observation
        observation.generator = generator
        observation.asterisk = asterisk
        observation.gateways = gateways
        if case .opened = observation.dahdi.control {
            observation.previousSample = counters.baseline(before: kernel.observedAt)
        }
        let overdue = activities.compactMap { $0.overdue(now: now) }
        observation.overdueSources = overdue.isEmpty ? nil : overdue
        return observation
    }
}

/// One reading of the cumulative span counters.
public struct CounterReading: Sendable, Hashable {
    public var at: Double
    public var spans: [SpanStatus]
    public var proc: [ProcSpan]

    public init(at: Double, spans: [SpanStatus], proc: [ProcSpan]) { self.at = at; self.spans = spans; self.proc = proc }
}

/// The agent's recent counter readings, enough to compare the newest against one a rate window older. Bounded:
/// every reading inside the window plus the newest one older than it.
public struct CounterHistory: Sendable, Hashable {
    public static let defaultWindow = 60.0

    public let windowSeconds: Double
    public private(set) var readings: [CounterReading] = []

    public init(windowSeconds: Double) { self.windowSeconds = max(0.001, windowSeconds) }

    public mutating func append(_ reading: CounterReading) {
        // A clock that went back (wall clock set) would make every later window wrong: start again.
        if let last = readings.last, reading.at < last.at { readings.removeAll() }
        readings.append(reading)
        // Keep one reading at least a window older than the newest, drop everything before it.
        if let keepFrom = readings.lastIndex(where: { reading.at - $0.at >= windowSeconds }), keepFrom > 0 {
            readings.removeFirst(keepFrom)
        }
    }

    /// The reading to compare one taken at `time` with: the newest at least a window older, else the oldest
    /// earlier one; nil when there is no earlier reading.
    public func baseline(before time: Double) -> CounterSample? {
        let earlier = readings.filter { $0.at < time }
        guard let chosen = earlier.last(where: { time - $0.at >= windowSeconds }) ?? earlier.first else { return nil }
        return CounterSample(intervalSeconds: time - chosen.at, spans: chosen.spans, proc: chosen.proc)
    }
}

/// AMI events that can change what the report says about Asterisk: a re-read follows each (debounced). Not
/// DeviceStateChange: it fires on every call, and an endpoint going unavailable also sends ContactStatus.
public enum AMIEventRelevance {
    public static let resyncEvents: Set<String> = [
        "contactstatus", "peerstatus", "registry", "fullybooted", "reload", "shutdown",
        "alarm", "alarmclear", "spanalarm", "spanalarmclear",
    ]

    public static func triggersResync(_ eventName: String) -> Bool { resyncEvents.contains(eventName.lowercased()) }
}
