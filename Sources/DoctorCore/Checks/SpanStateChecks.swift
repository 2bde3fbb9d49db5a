/// Span alarms and configuration state, as the kernel reports them (DAHDI_SPANSTAT, or sysfs without ioctls).
public struct SpanStateChecks: CheckFamily {
    public static let unconfigured = CheckDefinition(
        id: "span-unconfigured", family: "span", severity: .warning,
        title: "span has no configured channel",
        explanation: """
            The span exists but none of its channels has a signalling (dahdi_scan shows UNCONFIGURED): dahdi_cfg has \
            not run since the span appeared, or /etc/dahdi/system.conf has no lines for it. It carries no calls.
            """,
        remediation: "add the span's channels to /etc/dahdi/system.conf (dahdi_genconf system) and run dahdi_cfg -vv; make sure the dahdi service runs dahdi_cfg at boot",
        faults: ["C10"])

    public static let red = CheckDefinition(
        id: "span-red-alarm", family: "span", severity: .critical,
        title: "span in RED alarm (no signal or no framing)",
        explanation: """
            RED: the span receives no signal (LOS) or cannot find framing (LFA): cable unplugged or wrong pinout, \
            framing/coding different from the carrier's, or the carrier is down. Every channel on the span is down. \
            On BRI spans with point-to-multipoint providers, layer 1 may drop between calls, so RED while idle can be normal.
            """,
        remediation: "check the cable (a loopback plug should clear RED), then compare the span= line's framing and coding with what the carrier provisioned; call the carrier if both are right",
        faults: ["C13", "C29"])

    public static let yellow = CheckDefinition(
        id: "span-yellow-alarm", family: "span", severity: .critical,
        title: "span in YELLOW alarm (remote alarm)",
        explanation: """
            YELLOW (RAI): the far end reports that it cannot frame what we send: our transmit pair, our framing, or the \
            far end's receive side is wrong. Often paired with a RED alarm at the other end.
            """,
        remediation: "check the transmit pair and the span= framing/coding; check the 'yellow' option and the far end's alarm state",
        faults: ["C14"])

    public static let blue = CheckDefinition(
        id: "span-blue-alarm", family: "span", severity: .critical,
        title: "span in BLUE alarm (AIS)",
        explanation: """
            BLUE (AIS): the span receives unframed all-ones, which a carrier sends when it has a fault upstream. The \
            problem is on the carrier's side.
            """,
        remediation: "call the carrier with the span and circuit id; note dahdi_tool and Asterisk may not show BLUE correctly",
        faults: ["C15"])

    public static let loopback = CheckDefinition(
        id: "span-loopback", family: "span", severity: .warning,
        title: "span in loopback",
        explanation: "The span is in a maintenance loopback (dahdi_maint, or a carrier loop-up): it carries no calls while looped.",
        remediation: "dahdi_maint -s SPAN --loopback off, or ask the carrier to release its loop",
        faults: ["C21"])

    public static let recovering = CheckDefinition(
        id: "span-recovering", family: "span", severity: .warning,
        title: "span recovering from an alarm",
        explanation: "The span is in the recovery period after an alarm cleared; it should return to OK within seconds. If it keeps coming back here, the line is flapping.",
        remediation: "watch it for a minute; if it flaps, treat it as the underlying alarm (cable, framing, carrier)")

    public static let notOpen = CheckDefinition(
        id: "span-not-open", family: "span", severity: .warning,
        title: "span configured but not opened (NOTOPEN)",
        explanation: """
            The span reports DAHDI_ALARM_NOTOPEN. Only some T1/E1 drivers raise it (wct4xxp, wcte12xp and their \
            relatives), and only when the span's line configuration asks for it (the 'yellow' option of span= in \
            system.conf sets DAHDI_CONFIG_NOTOPEN) and none of its channels is open: then the driver keeps the line \
            in alarm towards the far end until Asterisk opens a channel. The kernel also raises it on a span that \
            is disabled or being unassigned. Analog and dynamic spans never raise it, so a span without NOTOPEN \
            says nothing about whether its channels are open: that is each channel's in-use state \
            (dahdi-channels-not-held reports configured channels nobody holds).
            """,
        remediation: "start Asterisk and check 'module show like chan_dahdi' (chan_dahdi opens the channels); if the span was disabled or is being unassigned, assign it again; then 'dahdi show status' in the Asterisk CLI",
        faults: ["C22"])

    public static let crc4Mismatch = CheckDefinition(
        id: "span-crc4-mismatch", family: "span", severity: .warning,
        title: "E1 multiframe errors rising without an alarm (CRC4 mismatch)",
        explanation: """
            The span has CRC4 enabled and shows no alarm, but its framing-error count keeps rising (dahdi_scan prints \
            LMFA/OK): the carrier does not send CRC4 multiframes, or sends them while we do not expect them.
            """,
        remediation: "match the carrier: add or remove 'crc4' on the span= line in /etc/dahdi/system.conf, then dahdi_cfg -vv",
        faults: ["C16"])

    public static let definitions = [unconfigured, red, yellow, blue, loopback, recovering, notOpen, crc4Mismatch]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        var findings: [Finding] = []
        for span in context.inventory.spans {
            let alarms = SpanAlarms(rawValue: span.alarmBits)
            let subject = context.spanSubject(span.number)
            let source = context.spanSource(span.number)
            let alarmEvidence = Evidence("alarms", span.alarmSummary + " (bits 0x" + String(span.alarmBits, radix: 16) + ")", source: source)
            if let (definition, word) = Self.mostSevere(alarms) {
                var severity: Severity? = nil
                var message = "\(subject) is in \(word) alarm"
                if definition == Self.red, let type = span.type, type.hasPrefix("BRI") {
                    severity = .warning
                    message += " (BRI: layer 1 may drop between calls on point-to-multipoint lines)"
                }
                // NOTOPEN on a span whose channels chan_dahdi would open is explained by chan_dahdi not being loaded,
                // or (no AMI answer about it) by nothing holding the channels chan_dahdi.conf lists. Other alarms of a
                // card whose interrupts never arrive are explained by that.
                let cause = definition != Self.notOpen ? InterruptChecks.causeKey(context, span: span.number)
                    : AsteriskView.chanDahdiNotLoaded(context.observation.asterisk) ? AsteriskView.chanDahdiNotLoadedKey
                    : ChannelHoldChecks.key
                findings.append(Finding(definition, subject: subject, message: message,
                                        evidence: [alarmEvidence] + Self.spanFacts(span),
                                        key: CheckContext.spanAlarmKey(span.number), causeKey: cause,
                                        severity: severity))
            } else if span.configuredChannels == 0 && span.totalChannels > 0 {
                findings.append(Finding(Self.unconfigured, subject: subject,
                                        message: "none of the \(span.totalChannels) channels of \(subject) is configured",
                                        evidence: [Evidence("configured channels", "0 of \(span.totalChannels)", source: source)],
                                        key: "span-unconfigured:\(span.number)",
                                        causeKey: context.systemConf.map { $0.issues.isEmpty } == false ? ConfigSyntaxChecks.systemConfInvalidKey : nil))
            }
            if context.observation.dahdi.multiframeErrorsRising.contains(span.number) {
                findings.append(Finding(Self.crc4Mismatch, subject: subject,
                                        message: "\(subject) has CRC4 on and its framing errors rose within 1 s while it showed no alarm",
                                        evidence: [alarmEvidence, Evidence("framing", span.framing ?? "-", source: source),
                                                   Evidence("framing errors", span.counters?.framingErrors.map { "\($0)" } ?? "-", source: source)]))
            }
        }
        return findings
    }

    /// One finding per span, named after its most severe alarm; the evidence lists them all.
    static func mostSevere(_ alarms: SpanAlarms) -> (CheckDefinition, String)? {
        if alarms.contains(.red) || alarms.contains(.lossOfSignal) || alarms.contains(.lossOfFrameAlignment) { return (red, "RED") }
        if alarms.contains(.blue) { return (blue, "BLUE") }
        if alarms.contains(.yellow) { return (yellow, "YELLOW") }
        if alarms.contains(.loopback) { return (loopback, "LOOPBACK") }
        if alarms.contains(.notOpen) { return (notOpen, "NOTOPEN") }
        if alarms.contains(.recovering) { return (recovering, "RECOVERING") }
        if !alarms.isEmpty { return (red, "an unknown (0x\(String(alarms.rawValue, radix: 16)))") }
        return nil
    }

    /// What a technician looks at next: the type, the line configuration (hardware spans only: dynamic spans have
    /// none) and any non-zero error counter.
    static func spanFacts(_ span: InventorySpan) -> [Evidence] {
        var facts: [Evidence] = []
        if let type = span.type { facts.append(Evidence("type", type, source: "sysfs span-\(span.number)/spantype")) }
        if span.type != "DYNAMIC", let framing = span.framing {
            facts.append(Evidence("framing/coding", framing + "/" + (span.coding ?? "-"), source: "DAHDI_SPANSTAT span \(span.number) lineconfig"))
        }
        let counters = CounterChecks.nonZeroCounters(span)
        if !counters.isEmpty {
            facts.append(Evidence("counters since load", counters.joined(separator: ", "), source: "DAHDI_SPANSTAT span \(span.number), /proc/dahdi/\(span.number)"))
        }
        return facts
    }
}
