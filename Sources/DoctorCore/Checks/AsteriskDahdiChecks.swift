/// chan_dahdi as Asterisk runs it (DAHDIShowChannels over AMI) against the kernel and chan_dahdi.conf.
public struct AsteriskDahdiChecks: CheckFamily {
    public static let chanDahdiNotLoaded = CheckDefinition(
        id: "chan-dahdi-not-loaded", family: "asterisk-dahdi", severity: .critical,
        title: "chan_dahdi not loaded in Asterisk",
        explanation: """
            DAHDI has configured channels but Asterisk does not know DAHDIShowChannels, which chan_dahdi provides: \
            chan_dahdi.so is not loaded. chan_dahdi declines to load when it cannot set up a channel chan_dahdi.conf \
            lists (a channel the kernel does not have, a signalling the line refuses) unless ignore_failed_channels \
            is yes; chan_dahdi's default is no. That cause is on the box when chan-dahdi-channel-missing or \
            chan-dahdi-signalling-mismatch is reported too, and this finding is folded under it: loading the module \
            again fails the same way until the file is fixed. Otherwise: noload => chan_dahdi.so in modules.conf, \
            /dev/dahdi missing when Asterisk started, or an Asterisk built without chan_dahdi. No DAHDI channel can \
            carry a call, and the kernel shows every channel closed (in use: no; see dahdi-channels-not-held). \
            Spans do not go NOTOPEN for this on analog and dynamic spans: only some T1/E1 drivers raise NOTOPEN.
            """,
        remediation: "read why chan_dahdi declined ('module load chan_dahdi.so' in the Asterisk CLI prints it); fix chan_dahdi.conf (or set ignore_failed_channels = yes in [channels]) first when a channel is missing or refused; check modules.conf for noload => chan_dahdi.so; then 'module load chan_dahdi.so'",
        faults: ["C22", "C30"])

    public static let channelNotInAsterisk = CheckDefinition(
        id: "dahdi-channel-not-in-asterisk", family: "asterisk-dahdi", severity: .critical,
        title: "DAHDI channel configured but Asterisk does not have it",
        explanation: """
            The kernel has the channel configured and chan_dahdi.conf lists it, but Asterisk's chan_dahdi has no such \
            channel: Asterisk started before DAHDI was configured (the span appeared later, a hotplugged Astribank), or \
            chan_dahdi refused it at load (signalling mismatch, open failure).
            """,
        remediation: "'dahdi restart' (or 'dahdi create channels') in the Asterisk CLI; make the asterisk service start after dahdi",
        faults: ["C30", "C08", "C09"])

    public static let channelGoneFromKernel = CheckDefinition(
        id: "asterisk-dahdi-channel-gone", family: "asterisk-dahdi", severity: .warning,
        title: "Asterisk has a DAHDI channel the kernel no longer has",
        explanation: "chan_dahdi still has a channel the kernel does not: its span was unassigned or its driver unloaded while Asterisk ran. The channel is dead in Asterisk until chan_dahdi is restarted.",
        remediation: "fix the span (assignment, driver), then 'dahdi restart' in the Asterisk CLI")

    public static let alarmDisagreement = CheckDefinition(
        id: "alarm-disagreement", family: "asterisk-dahdi", severity: .warning,
        title: "Asterisk and the kernel disagree on a channel's alarm",
        explanation: """
            chan_dahdi reports a different alarm state than the kernel for the channel. chan_dahdi learns alarms from \
            DAHDI events on the channel; a disagreement means one of them is stale (events lost across a driver \
            reload or a span reassignment) and Asterisk may refuse calls on a good line, or use a bad one.
            """,
        remediation: "'dahdi restart' in the Asterisk CLI re-reads every channel's state")

    public static let definitions = [chanDahdiNotLoaded, channelNotInAsterisk, channelGoneFromKernel, alarmDisagreement]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        guard let asterisk = context.observation.asterisk, asterisk.sessionFailure == nil, context.kernelReadable else { return [] }
        let source = "AMI \(asterisk.target) DAHDIShowChannels"
        let configuredInKernel = context.channels.values.filter(\.configured)
        if AsteriskView.chanDahdiNotLoaded(asterisk) {
            guard !configuredInKernel.isEmpty else { return [] }
            var evidence = [Evidence("DAHDIShowChannels", asterisk.dahdiChannels?.failure?.message ?? "unknown command", source: "AMI \(asterisk.target)"),
                            Evidence("configured DAHDI channels", "\(configuredInKernel.count)", source: "DAHDI_GET_PARAMS")]
            if asterisk.moduleLoaded("chan_dahdi.so") == false {
                evidence.append(Evidence("chan_dahdi.so", "Module not loaded", source: "AMI \(asterisk.target) ModuleCheck"))
            }
            // chan_dahdi declines to load on a channel it cannot set up (ignore_failed_channels = no): the cause.
            let decline = ChanDahdiChecks.declineCause(context)
            var remediation: String? = nil
            if let decline {
                evidence.append(Evidence("chan_dahdi.conf", decline.why, source: decline.source))
                remediation = decline.fix
            }
            return [Finding(Self.chanDahdiNotLoaded, subject: "chan_dahdi",
                            message: "\(configuredInKernel.count) DAHDI channel(s) are configured but chan_dahdi is not loaded in Asterisk"
                                + (decline != nil ? " (it declines to load: \(decline!.why))" : ""),
                            evidence: evidence, remediation: remediation,
                            key: AsteriskView.chanDahdiNotLoadedKey, causeKey: decline?.key)]
        }
        guard let channels = asterisk.dahdiChannels?.value else { return [] }
        let inAsterisk = Dictionary(channels.map { ($0.channel, $0) }, uniquingKeysWith: { a, _ in a })
        let listed = Set(context.observation.config.chanDahdi?.value?.channels.map(\.channel) ?? [])
        var findings: [Finding] = []

        let absent = configuredInKernel.map(\.number).filter { inAsterisk[$0] == nil && (listed.isEmpty || listed.contains($0)) }
        for run in NumberRuns.runs(absent) {
            let label = run.count == 1 ? context.channelSubject(run.lowerBound) : "channels \(run.lowerBound)-\(run.upperBound)"
            findings.append(Finding(Self.channelNotInAsterisk, subject: label,
                                    message: "\(label) configured in DAHDI but absent from Asterisk's chan_dahdi",
                                    evidence: [Evidence("Asterisk DAHDI channels", "\(channels.count)", source: source),
                                               Evidence("kernel", "configured", source: "DAHDI_GET_PARAMS")],
                                    causeKey: "chan-dahdi-mismatch:\(run.lowerBound)"))
        }
        let gone = channels.map(\.channel).filter { context.channels[$0] == nil }
        for run in NumberRuns.runs(gone) {
            let label = run.count == 1 ? "channel \(run.lowerBound)" : "channels \(run.lowerBound)-\(run.upperBound)"
            findings.append(Finding(Self.channelGoneFromKernel, subject: label,
                                    message: "Asterisk still has DAHDI \(label), which the kernel no longer has",
                                    evidence: [Evidence("Asterisk", "present", source: source),
                                               Evidence("kernel channels", ChannelConfigChecks.kernelRange(context), source: "DAHDI_SPANSTAT/GET_PARAMS")],
                                    causeKey: context.assignmentCauseKey))
        }
        var disagreements: [(Int, String, String)] = []
        for channel in configuredInKernel {
            guard let theirs = inAsterisk[channel.number], let alarm = theirs.alarm else { continue }
            let asteriskAlarmed = !["No Alarm", "None", ""].contains(alarm)
            let span = context.spans[channel.span]
            let kernelAlarmed = !channel.alarms.isEmpty || (span?.alarmBits ?? 0) & ~SpanAlarms.notOpen.rawValue != 0
            if asteriskAlarmed != kernelAlarmed {
                disagreements.append((channel.number, alarm, kernelAlarmed ? (channel.alarms + (span?.alarms ?? [])).joined(separator: " ") : "none"))
            }
        }
        // Span alarms: chan_dahdi's DAHDIShowStatus uses dahdi_scan's words (OK, UNCONFIGURED, RED, BLU/RED...).
        for theirs in asterisk.dahdiSpans?.value ?? [] {
            guard let span = context.spans[theirs.span], let text = theirs.alarms else { continue }
            let ours = span.alarmSummary.split(separator: "/").filter { $0 != "LFA" && $0 != "LMFA" }.joined(separator: "/")
            if text != ours && !(text == "OK" && ours.isEmpty) {
                findings.append(Finding(Self.alarmDisagreement, subject: context.spanSubject(theirs.span),
                                        message: "\(context.spanSubject(theirs.span)): Asterisk says \(text), the kernel says \(span.alarmSummary)",
                                        evidence: [Evidence("Asterisk", text, source: "AMI \(asterisk.target) DAHDIShowStatus"),
                                                   Evidence("kernel", span.alarmSummary, source: context.spanSource(theirs.span))],
                                        causeKey: CheckContext.spanAlarmKey(theirs.span)))
            }
        }
        for run in NumberRuns.runs(disagreements.map(\.0)) {
            let first = disagreements.first { $0.0 == run.lowerBound }!
            let label = run.count == 1 ? context.channelSubject(run.lowerBound) : "channels \(run.lowerBound)-\(run.upperBound)"
            findings.append(Finding(Self.alarmDisagreement, subject: label,
                                    message: "\(label): Asterisk says \(first.1), the kernel says \(first.2)",
                                    evidence: [Evidence("Asterisk", first.1, source: source),
                                               Evidence("kernel", first.2, source: context.channelSource(run.lowerBound))]))
        }
        return findings
    }
}
