/// /etc/dahdi/system.conf against what the kernel runs: channels it declares that do not exist, channels configured
/// differently (edited but dahdi_cfg not re-run, or dahdi_cfg failed), signalling the port cannot carry.
public struct ChannelConfigChecks: CheckFamily {
    public static let missingInKernel = CheckDefinition(
        id: "channel-missing-in-kernel", family: "configuration", severity: .critical,
        title: "system.conf configures a channel the kernel does not have",
        explanation: """
            /etc/dahdi/system.conf declares a channel number no DAHDI span provides: the card (or one of its modules) \
            is missing or its driver did not load, spans are not assigned, or span numbering changed (a card added \
            or moved). dahdi_cfg fails on it ("DAHDI_CHANCONFIG failed on channel N: Invalid argument", kernel: \
            "dahdi_ioctl_chanconfig: No channel for number N") and stops configuring the channels after it.
            """,
        remediation: "fix the hardware, driver or span assignment first; if the box really changed, regenerate with 'dahdi_genconf system' (and chan_dahdi's dahdi-channels.conf) and run dahdi_cfg -vv",
        faults: ["C04"])

    public static let drift = CheckDefinition(
        id: "channel-config-drift", family: "configuration", severity: .warning,
        title: "kernel channel signalling differs from system.conf",
        explanation: """
            The kernel runs a channel with a different signalling than /etc/dahdi/system.conf declares: the file was \
            edited (or regenerated, e.g. by FreePBX's DAHDI module) and dahdi_cfg was not run again, or dahdi_cfg \
            failed part-way. After the next reboot or 'dahdi restart' the box will behave differently than it does now.
            """,
        remediation: "decide which is right; then run dahdi_cfg -vv to apply system.conf (and restart chan_dahdi), or fix the file",
        faults: ["C31", "C10"])

    public static let inverted = CheckDefinition(
        id: "signalling-inverted", family: "configuration", severity: .critical,
        title: "FXS/FXO signalling inverted for the port",
        explanation: """
            DAHDI names signalling after the far end: an FXS port (a phone plugs in) needs FXO signalling (fxoks), an \
            FXO port (a PSTN line plugs in) needs FXS signalling (fxsks). system.conf gives this port the opposite \
            family, so dahdi_cfg fails with "FXS signaling is being used on a FXS interface (use a FXO signaling \
            variant)" and the port stays unconfigured.
            """,
        remediation: "FXS port -> fxoks=N, FXO port -> fxsks=N in /etc/dahdi/system.conf (and fxo_ks / fxs_ks in chan_dahdi.conf), then dahdi_cfg -vv",
        faults: ["C07"])

    public static let unsupported = CheckDefinition(
        id: "signalling-unsupported", family: "configuration", severity: .critical,
        title: "signalling the port cannot carry",
        explanation: """
            The signalling system.conf declares is not among the channel's capabilities (sigcap): e.g. RBS on an E1 \
            CCS span, e&m on E1 (use e&me1), hardhdlc where the card wants dchan, signalling on channel 16 of an E1 \
            CAS span. dahdi_cfg rejects it with "Selected signaling not supported".
            """,
        remediation: "use a signalling listed in the channel's capabilities (dahdi-doctor scan shows them), then dahdi_cfg -vv",
        faults: ["C07"])

    public static let emptySlot = CheckDefinition(
        id: "port-empty-slot", family: "configuration", severity: .warning,
        title: "system.conf configures an empty module slot",
        explanation: "The channel has no capabilities at all (sigcap 0; /proc/dahdi shows it Reserved, dahdi_scan shows port type none): the analog card has no module in that socket, but system.conf configures it.",
        remediation: "remove the channel from system.conf and chan_dahdi.conf, or fit the module",
        faults: ["C32"])

    public static let definitions = [missingInKernel, drift, inverted, unsupported, emptySlot]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        guard let config = context.systemConf, context.kernelReadable else { return [] }
        let file = context.observation.config.systemConf?.path ?? "/etc/dahdi/system.conf"
        var findings: [Finding] = []
        var missing: [SystemConfChannel] = []
        var drifted: [Drift] = []
        for declared in config.channels {
            let where_ = "\(file):\(declared.line)"
            guard let channel = context.channels[declared.channel] else {
                missing.append(declared)
                continue
            }
            let subject = context.channelSubject(declared.channel)
            let source = context.channelSource(declared.channel)
            let declaredEvidence = Evidence("system.conf", "\(declared.keyword) (\(declared.signalling.kernelName))", source: where_)
            let kernelEvidence = Evidence("kernel signalling", channel.signalling, source: source)
            let capabilities = channel.capabilityBits ?? 0
            let accepted = Signalling.acceptedCapabilities(capabilities)
            let wanted = declared.signalling.rawValue
            if declared.signalling != .none, channel.capabilityBits != nil, capabilities & ~Signalling.brokenBit == 0 {
                findings.append(Finding(Self.emptySlot, subject: subject, message: "\(subject) is an empty slot but system.conf configures it as \(declared.keyword)",
                                        evidence: [declaredEvidence, Evidence("capabilities", "none (sigcap 0)", source: source)]))
                continue
            }
            if declared.signalling != .none && declared.signalling != .slave, channel.capabilityBits != nil,
               accepted & wanted != wanted {
                let port = PortType(sigcap: capabilities)
                let isFXS = wanted & (1 << 13) != 0, isFXO = wanted & (1 << 12) != 0
                let capEvidence = Evidence("capabilities", Signalling.capabilityNames(capabilities).joined(separator: " "), source: source)
                if (isFXS && port == .fxs) || (isFXO && port == .fxo) {
                    let right = isFXS ? declared.keyword.replacingFirst("fxs", with: "fxo") : declared.keyword.replacingFirst("fxo", with: "fxs")
                    findings.append(Finding(Self.inverted, subject: subject,
                                            message: "\(subject) is an \(port.rawValue) port but system.conf gives it \(declared.keyword): use \(right)",
                                            evidence: [declaredEvidence, Evidence("port", port.rawValue, source: source), capEvidence],
                                            key: "sig:\(declared.channel)"))
                } else {
                    findings.append(Finding(Self.unsupported, subject: subject,
                                            message: "\(subject) cannot carry \(declared.keyword) (\(declared.signalling.kernelName))",
                                            evidence: [declaredEvidence, capEvidence], key: "sig:\(declared.channel)"))
                }
                continue
            }
            let kernel = channel.signallingBits.map(Signalling.init(rawValue:)) ?? .none
            if kernel != declared.signalling {
                drifted.append(Drift(declared: declared, kernel: kernel, span: channel.span))
            }
        }
        findings += driftFindings(drifted, context: context, file: file)
        // One finding per contiguous run of missing channels: "49-60" reads better than twelve findings.
        for run in NumberRuns.runs(missing.map(\.channel)) {
            let first = missing.first { $0.channel == run.lowerBound }!
            let label = run.count == 1 ? "channel \(run.lowerBound)" : "channels \(run.lowerBound)-\(run.upperBound)"
            let lines = Set(missing.filter { run.contains($0.channel) }.map(\.line)).sorted()
            findings.append(Finding(Self.missingInKernel, subject: label,
                                    message: "system.conf configures \(label) but the kernel has no such channel"
                                        + (context.inventory.spans.isEmpty ? "" : " (the kernel has channels \(Self.kernelRange(context)))"),
                                    evidence: [Evidence("declared", "\(first.keyword) \(label)", source: "\(file):" + lines.map(String.init).joined(separator: ",")),
                                               Evidence("kernel channels", Self.kernelRange(context), source: "DAHDI_SPANSTAT/GET_PARAMS")],
                                    key: Self.missingKey(run), causeKey: context.assignmentCauseKey))
        }
        return findings
    }

    static func missingKey(_ run: ClosedRange<Int>) -> String { "missing:\(run.lowerBound)-\(run.upperBound)" }

    /// The key of the channel-missing-in-kernel finding that covers `channel`, if system.conf declares it too.
    static func missingKey(for channel: Int, _ context: CheckContext) -> String? {
        guard context.kernelReadable, let config = context.systemConf else { return nil }
        let missing = config.channels.map(\.channel).filter { context.channels[$0] == nil }
        return NumberRuns.runs(missing).first { $0.contains(channel) }.map(missingKey)
    }

    struct Drift {
        var declared: SystemConfChannel
        var kernel: Signalling
        var span: Int
    }

    /// One finding per run of consecutive channels with the same declaration line, kernel signalling and span:
    /// "channels 1-8 run FXSKS but system.conf line 8 says fxoks" rather than eight findings.
    func driftFindings(_ drifted: [Drift], context: CheckContext, file: String) -> [Finding] {
        let groups = NumberRuns.groups(drifted, number: { $0.declared.channel }) { a, b in
            a.declared.line == b.declared.line && a.kernel == b.kernel && a.span == b.span
        }
        return groups.map { group in
            let first = group[0], last = group[group.count - 1]
            let subject = group.count == 1 ? context.channelSubject(first.declared.channel)
                : "channels \(first.declared.channel)-\(last.declared.channel)"
            let verb = group.count == 1 ? "runs" : "run"
            let running = first.kernel == .none ? "unconfigured" : first.kernel.kernelName
            return Finding(Self.drift, subject: subject,
                           message: "\(subject) \(verb) \(running) but system.conf says \(first.declared.keyword) (\(first.declared.signalling.kernelName))",
                           evidence: [Evidence("system.conf", "\(first.declared.keyword) (\(first.declared.signalling.kernelName))", source: "\(file):\(first.declared.line)"),
                                      Evidence("kernel signalling", running, source: group.count == 1 ? context.channelSource(first.declared.channel)
                                                    : "DAHDI_GET_PARAMS channels \(first.declared.channel)-\(last.declared.channel)")],
                           key: "drift:\(first.declared.channel)", causeKey: "span-unconfigured:\(first.span)")
        }
    }

    static func kernelRange(_ context: CheckContext) -> String {
        let numbers = context.channels.keys.sorted()
        guard !numbers.isEmpty else { return "none" }
        return NumberRuns.text(numbers)
    }
}

extension String {
    func replacingFirst(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
