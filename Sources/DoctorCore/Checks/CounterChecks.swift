/// Error counters, timing slips and IRQ misses are cumulative since the driver loaded, so only their rise between
/// two samples says something is wrong now. `check --interval N` takes the second sample; the agent has history.
public struct CounterChecks: CheckFamily {
    public static let errorsRising = CheckDefinition(
        id: "span-errors-rising", family: "counters", severity: .warning,
        title: "span line errors rising",
        explanation: """
            Bipolar violations, CRC4, E-bit, FAS, framing, coding or bit errors increased between two samples: the \
            line is degraded (cabling, wrong line build-out) or the coding differs from the carrier's (AMI vs \
            B8ZS/HDB3). Calls may have noise, drop, or fail to set up.
            """,
        remediation: "compare the span= coding and LBO with the carrier's, check cabling and the demarc; ask the carrier for a line test",
        faults: ["C17"])

    public static let slipsRising = CheckDefinition(
        id: "timing-slips-rising", family: "counters", severity: .warning,
        title: "timing slips rising",
        explanation: """
            The span slips frames: its clock and the far end's differ. Usually the timing hierarchy is wrong (both \
            sides master, every span timing 0, several free-running cards). Audio clicks, fax and modems fail.
            """,
        remediation: "give the carrier-facing span timing priority 1 (take clock from the line) and internal links 0 in system.conf; only one master",
        faults: ["C18"])

    public static let irqMissesRising = CheckDefinition(
        id: "irq-misses-rising", family: "counters", severity: .warning,
        title: "IRQ misses rising",
        explanation: """
            The card's driver missed interrupts between two samples: a shared IRQ line or another driver holding \
            interrupts off too long. Audio has gaps; the card may lose timing.
            """,
        remediation: "move the card to a slot with its own interrupt, check /proc/interrupts for sharing, review irqbalance",
        faults: ["C19"])

    public static let countersNonzero = CheckDefinition(
        id: "span-counters-nonzero", family: "counters", severity: .info,
        title: "span counters are non-zero (single sample)",
        explanation: """
            Error counters, timing slips or IRQ misses are non-zero. They count since the driver loaded, so one sample \
            cannot tell old errors from a current fault.
            """,
        remediation: "run 'dahdi-doctor check --interval 10' to measure whether they are still rising")

    public static let definitions = [errorsRising, slipsRising, irqMissesRising, countersNonzero]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        let observation = context.observation
        // `check --interval`: this reading, then a later one. The agent: its reading from the rate window ago, then
        // this one.
        if let second = observation.secondSample {
            return rises(context, before: observation.dahdi.spans, procBefore: observation.dahdi.proc,
                         after: second.spans, procAfter: second.proc, interval: second.intervalSeconds)
        }
        if let previous = observation.previousSample {
            return rises(context, before: previous.spans, procBefore: previous.proc,
                         after: observation.dahdi.spans, procAfter: observation.dahdi.proc, interval: previous.intervalSeconds)
        }
        return singleSample(context)
    }

    func rises(_ context: CheckContext, before beforeSpans: [SpanStatus], procBefore procBeforeList: [ProcSpan],
               after afterSpans: [SpanStatus], procAfter procAfterList: [ProcSpan], interval: Double) -> [Finding] {
        var findings: [Finding] = []
        let before = Dictionary(beforeSpans.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        let procBefore = Dictionary(procBeforeList.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        let procAfter = Dictionary(procAfterList.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        var irqDevicesReported = Set<String>()
        for after in afterSpans {
            guard let first = before[after.number] else { continue }
            let subject = context.spanSubject(after.number)
            let source = "DAHDI_SPANSTAT span \(after.number), \(Self.format(interval)) s apart"
            let deltas = Self.counterDeltas(first.counters, after.counters)
            if !deltas.isEmpty {
                findings.append(Finding(Self.errorsRising, subject: subject,
                                        message: "\(subject): " + deltas.map { "\($0.name) +\($0.delta)" }.joined(separator: ", ") + " in \(Self.format(interval)) s",
                                        evidence: deltas.map { Evidence($0.name, "\($0.before) -> \($0.after)", source: source) },
                                        causeKey: CheckContext.spanAlarmKey(after.number)))
            }
            if let p0 = procBefore[after.number], let p1 = procAfter[after.number], p1.timingSlips > p0.timingSlips {
                findings.append(Finding(Self.slipsRising, subject: subject,
                                        message: "\(subject): \(p1.timingSlips - p0.timingSlips) timing slip(s) in \(Self.format(interval)) s",
                                        evidence: [Evidence("timing slips", "\(p0.timingSlips) -> \(p1.timingSlips)", source: "/proc/dahdi/\(after.number)")],
                                        causeKey: CheckContext.spanAlarmKey(after.number)))
            }
            // irqmisses counts per device: report it once per device.
            let device = context.spans[after.number]?.device ?? "span \(after.number)"
            if after.irqMisses > first.irqMisses && !irqDevicesReported.contains(device) {
                irqDevicesReported.insert(device)
                findings.append(Finding(Self.irqMissesRising, subject: "device \(device)",
                                        message: "\(device): \(after.irqMisses - first.irqMisses) IRQ miss(es) in \(Self.format(interval)) s",
                                        evidence: [Evidence("IRQ misses", "\(first.irqMisses) -> \(after.irqMisses)", source: source)]))
            }
        }
        return findings
    }

    static func nonZeroCounters(_ span: InventorySpan) -> [String] {
        var parts: [String] = []
        if let c = span.counters {
            let all: [(String, UInt32?)] = [("bpv", c.bipolarViolations), ("crc4", c.crc4Errors), ("ebit", c.eBitErrors),
                                            ("fas", c.framingAlignmentErrors), ("fe", c.framingErrors), ("cv", c.codingViolations),
                                            ("be", c.bitErrors)]
            parts += all.compactMap { name, value in (value ?? 0) > 0 ? "\(name)=\(value ?? 0)" : nil }
        }
        if let slips = span.timingSlips, slips > 0 { parts.append("timing slips=\(slips)") }
        if let irq = span.irqMisses, irq > 0 { parts.append("irq misses=\(irq)") }
        return parts
    }

    func singleSample(_ context: CheckContext) -> [Finding] {
        context.inventory.spans.compactMap { span in
            let parts = Self.nonZeroCounters(span)
            guard !parts.isEmpty else { return nil }
            let subject = context.spanSubject(span.number)
            return Finding(Self.countersNonzero, subject: subject, message: "\(subject): " + parts.joined(separator: ", ") + " since the driver loaded",
                           evidence: parts.map { Evidence("counter", $0, source: context.spanSource(span.number)) },
                           causeKey: CheckContext.spanAlarmKey(span.number))
        }
    }

    struct Delta { var name: String; var before: UInt32; var after: UInt32; var delta: UInt32 }

    static func counterDeltas(_ a: SpanCounters, _ b: SpanCounters) -> [Delta] {
        let pairs: [(String, UInt32?, UInt32?)] = [
            ("bipolar violations", a.bipolarViolations, b.bipolarViolations), ("CRC4 errors", a.crc4Errors, b.crc4Errors),
            ("E-bit errors", a.eBitErrors, b.eBitErrors), ("FAS errors", a.framingAlignmentErrors, b.framingAlignmentErrors),
            ("framing errors", a.framingErrors, b.framingErrors), ("coding violations", a.codingViolations, b.codingViolations),
            ("bit errors", a.bitErrors, b.bitErrors),
        ]
        // A counter that went down was reset (dahdi_maint, driver reload): not a rise.
        return pairs.compactMap { name, x, y in
            guard let x, let y, y > x else { return nil }
            return Delta(name: name, before: x, after: y, delta: y - x)
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
