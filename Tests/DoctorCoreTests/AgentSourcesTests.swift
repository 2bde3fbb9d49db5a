import Testing
@testable import DoctorCore

/// The agent's pure scheduling parts: the counter rate window, source deadlines, composing the parts, flapping.
@Suite struct AgentSourcesTests {
    func reading(_ at: Double, fe: UInt32) -> CounterReading {
        CounterReading(at: at, spans: [sampleSpan(1, fe: fe)], proc: [])
    }

    @Test func counterHistoryComparesAgainstOneWindowEarlier() throws {
        var history = CounterHistory(windowSeconds: 60)
        #expect(history.baseline(before: 0) == nil)
        for t in stride(from: 0.0, through: 120, by: 5) { history.append(reading(t, fe: UInt32(t))) }
        // Bounded: the newest reading at least 60 s older than the newest (t=60) and everything after it.
        #expect(history.readings.first?.at == 60 && history.readings.count == 13)
        let baseline = try #require(history.baseline(before: 120))
        #expect(baseline.intervalSeconds == 60 && baseline.spans.first?.counters.framingErrors == 60)
    }

    @Test func youngHistoryUsesItsOldestReadingAndAClockJumpRestarts() throws {
        var history = CounterHistory(windowSeconds: 60)
        history.append(reading(100, fe: 1))
        history.append(reading(105, fe: 2))
        #expect(try #require(history.baseline(before: 105)).intervalSeconds == 5)
        history.append(reading(50, fe: 3))   // wall clock set back
        #expect(history.readings.count == 1 && history.baseline(before: 50) == nil)
    }

    @Test func composedObservationsMeasureRisesOverTheWindow() throws {
        var parts = ObservationParts(rateWindowSeconds: 60)
        func kernel(_ at: Double, fe: UInt32) -> KernelPart {
            var base = observation(spans: [sampleSpan(1, fe: fe)])
            base.observedAt = at
            return KernelPart(base)
        }
        #expect(parts.compose(generator: "t", activities: [], now: 0) == nil)
        parts.record(kernel: kernel(1000, fe: 0))
        let first = try #require(parts.compose(generator: "t", activities: [], now: 1000))
        #expect(first.previousSample == nil)
        #expect(!Diagnosis.run(first, generator: "t").findings.contains { $0.id == "span-errors-rising" })
        parts.record(kernel: kernel(1005, fe: 7))
        let second = try #require(parts.compose(generator: "t", activities: [], now: 1005))
        #expect(second.previousSample?.intervalSeconds == 5)
        let rising = try #require(Diagnosis.run(second, generator: "t").findings.flatMap(\.flattened).first { $0.id == "span-errors-rising" })
        #expect(rising.message.contains("framing errors +7 in 5 s"))
        // Errors stop: the rise stays visible until it leaves the window, then clears.
        parts.record(kernel: kernel(1030, fe: 7))
        #expect(Diagnosis.run(parts.compose(generator: "t", activities: [], now: 1030)!, generator: "t").findings.flatMap(\.flattened)
            .contains { $0.id == "span-errors-rising" })
        parts.record(kernel: kernel(1070, fe: 7))
        parts.record(kernel: kernel(1095, fe: 7))
        let later = try #require(parts.compose(generator: "t", activities: [], now: 1095))
        #expect(later.previousSample?.intervalSeconds == 65)
        #expect(!Diagnosis.run(later, generator: "t").findings.flatMap(\.flattened).contains { $0.id == "span-errors-rising" })
    }

    @Test func aReadPastItsDeadlineIsAnUnknownFinding() throws {
        var activity = SourceActivity(SourceSchedule(name: "ami", intervalSeconds: 60, deadlineSeconds: 10))
        activity.started(at: 1000, trigger: "start")
        activity.finished(at: 1002)
        #expect(activity.runs == 1 && activity.lastDurationSeconds == 2 && !activity.isOverdue(now: 5000))
        activity.started(at: 1060, trigger: "ami event ContactStatus")
        #expect(!activity.isOverdue(now: 1070) && activity.isOverdue(now: 1070.5))

        var parts = ObservationParts()
        var base = observation(spans: [sampleSpan(1)])
        base.observedAt = 1070.5
        parts.record(kernel: KernelPart(base))
        let composed = try #require(parts.compose(generator: "t", activities: [activity], now: 1070.5))
        #expect(composed.overdueSources == [OverdueSource(name: "ami", runningSince: 1060, deadlineSeconds: 10, lastAnswerAt: 1002)])
        let report = Diagnosis.run(composed, generator: "t")
        let finding = try #require(report.findings.first { $0.id == "source-overdue" })
        #expect(report.status == .unknown && finding.subject == "source ami")
        #expect(finding.message == "the ami read has not finished within its 10 s deadline; its last answer is 69 s old")
        #expect(finding.evidence.first?.value == "1970-01-01T00:17:40Z")
    }

    @Test func flappingNeedsTwoFullCyclesInTheWindow() {
        let finding = Finding(CounterChecks.errorsRising, subject: "span 1", message: "m", evidence: [])
        let other = Finding(SpanStateChecks.definitions[0], subject: "span 2", message: "m", evidence: [])
        var transitions: [Transition] = []
        for (index, kind) in [Transition.Kind.raised, .cleared, .raised, .cleared, .raised].enumerated() {
            transitions.append(Transition(kind: kind, finding: finding, at: Double(index * 60)))
        }
        transitions.append(Transition(kind: .raised, finding: other, at: 300))
        let flaps = Flap.detect(transitions, windowSeconds: 3600, minimumTransitions: 4)
        #expect(flaps.count == 1 && flaps.first?.transitions == 5 && flaps.first?.raisedNow == true)
        #expect(flaps.first?.firstAt == 0 && flaps.first?.lastAt == 240)
        // Outside the window, the same bounces are history, not flapping.
        #expect(Flap.detect(transitions, windowSeconds: 120, minimumTransitions: 4).isEmpty)
    }

    @Test func onlyEventsThatCanChangeTheReportTriggerAResync() {
        #expect(AMIEventRelevance.triggersResync("ContactStatus") && AMIEventRelevance.triggersResync("SpanAlarmClear"))
        #expect(!AMIEventRelevance.triggersResync("DeviceStateChange") && !AMIEventRelevance.triggersResync("Newchannel"))
    }
}
