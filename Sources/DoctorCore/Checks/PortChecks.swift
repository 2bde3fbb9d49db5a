/// Per-channel hardware state: ports that failed to initialise, FXO lines without battery, other channel alarms.
public struct PortChecks: CheckFamily {
    public static let broken = CheckDefinition(
        id: "port-broken", family: "ports", severity: .critical,
        title: "port failed to initialise",
        explanation: """
            The driver marked the port as failed (sigcap bit 31; dahdi_scan prints FAILED). On analog cards this is \
            almost always the auxiliary power cable (Molex/SATA) not connected: the FXS modules cannot power up \
            ("ProSLIC on module N failed to powerup ... DID YOU REMEMBER TO PLUG IN THE HD POWER CABLE").
            """,
        remediation: "power off, connect the card's auxiliary power connector, boot, and check dmesg for the module's init",
        faults: ["C06"])

    public static let fxoNoBattery = CheckDefinition(
        id: "fxo-no-battery", family: "ports", severity: .critical,
        title: "FXO line has no battery",
        explanation: """
            The channel is an FXO port (a PSTN line plugs in) and the driver raised a RED channel alarm: it measures \
            no loop voltage, so the line is unplugged or dead (wctdm24xxp raises RED after battalarm ms without \
            battery). Calls on this line fail.
            """,
        remediation: "check the RJ11 cable and the line with a phone; if the line is live, check the card's battery thresholds (battdebounce, battalarm)",
        faults: ["C23"])

    public static let channelAlarm = CheckDefinition(
        id: "channel-alarm", family: "ports", severity: .warning,
        title: "channel in alarm",
        explanation: "The kernel reports an alarm on this channel while its span shows none (channel alarms follow span alarm transitions, and analog drivers set them per port).",
        remediation: "look at the channel's port and line; 'dahdi show channel N' in Asterisk shows the same alarm")

    public static let definitions = [broken, fxoNoBattery, channelAlarm]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        var findings: [Finding] = []
        for span in context.inventory.spans {
            for channel in span.channels {
                let subject = context.channelSubject(channel.number)
                let source = context.channelSource(channel.number)
                if channel.broken {
                    findings.append(Finding(Self.broken, subject: subject, message: "\(subject) failed to initialise (FAILED)",
                                            evidence: [Evidence("sigcap", channel.capabilityBits.map { "0x" + String($0, radix: 16) } ?? "-", source: source)]))
                    continue
                }
                // The kernel copies span alarms onto unused channels too; only configured ports matter.
                guard !channel.alarms.isEmpty, channel.configured else { continue }
                let evidence = [Evidence("channel alarms", channel.alarms.joined(separator: " "), source: source),
                                Evidence("span alarms", span.alarmSummary, source: context.spanSource(span.number))]
                if channel.portType == .fxo && channel.alarms.contains("RED") && !span.alarms.contains("RED") {
                    findings.append(Finding(Self.fxoNoBattery, subject: subject, message: "\(subject): FXO line without battery (RED)",
                                            evidence: evidence + [Evidence("port", "FXO", source: source)]))
                } else {
                    findings.append(Finding(Self.channelAlarm, subject: subject,
                                            message: "\(subject) is in alarm: " + channel.alarms.joined(separator: " "),
                                            evidence: evidence, causeKey: CheckContext.spanAlarmKey(span.number)))
                }
            }
        }
        return findings
    }
}
