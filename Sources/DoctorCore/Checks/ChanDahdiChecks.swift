/// chan_dahdi.conf (with dahdi-channels.conf) against DAHDI: Asterisk opens each `channel =>` and refuses one whose
/// signalling differs from the line's, or that DAHDI does not have.
public struct ChanDahdiChecks: CheckFamily {
    public static let signallingMismatch = CheckDefinition(
        id: "chan-dahdi-signalling-mismatch", family: "asterisk-config", severity: .critical,
        title: "chan_dahdi.conf signalling disagrees with DAHDI",
        explanation: """
            chan_dahdi.conf asks for a signalling the DAHDI channel is not configured with. Asterisk refuses the \
            channel at load ("Signalling requested on channel N is X but line is in Y signalling") and it carries no \
            calls. Usually one of the two files was edited or regenerated without the other (dahdi_genconf writes both: \
            fxsks in system.conf goes with fxs_ks in chan_dahdi.conf, fxoks with fxo_ks).
            """,
        remediation: "make the signalling= before the channel => line agree with system.conf (fxsks -> fxs_ks, fxoks -> fxo_ks, bchan -> pri_*), then 'module reload chan_dahdi.so' or 'dahdi restart' in Asterisk",
        faults: ["C08"])

    public static let channelMissing = CheckDefinition(
        id: "chan-dahdi-channel-missing", family: "asterisk-config", severity: .critical,
        title: "chan_dahdi.conf lists a channel DAHDI does not have",
        explanation: """
            chan_dahdi.conf configures a channel number no DAHDI span provides. Asterisk logs "Unable to open channel \
            N: No such device or address" and the channel does not exist for calls. The span may be unassigned, the \
            hardware missing, or the numbering changed after a card was added or moved.
            """,
        remediation: "fix the hardware or span assignment first; if the box changed, regenerate dahdi-channels.conf with dahdi_genconf and reload chan_dahdi",
        faults: ["C09"])

    public static let definitions = [signallingMismatch, channelMissing]

    public init() {}

    struct Mismatch {
        var entry: ChanDahdiChannel
        var reference: Signalling
        var source: String
    }

    public func run(_ context: CheckContext) -> [Finding] {
        guard let config = context.observation.config.chanDahdi?.value else { return [] }
        var mismatches: [Mismatch] = []
        var missing: [ChanDahdiChannel] = []
        for entry in config.channels {
            if context.kernelReadable {
                guard let channel = context.channels[entry.channel] else { missing.append(entry); continue }
                // What Asterisk meets when it opens the channel is the kernel's signalling, not the file's.
                guard let expected = entry.expectedSignalling, channel.configured else { continue }
                let kernel = Signalling(rawValue: channel.signallingBits ?? 0)
                if expected != kernel {
                    mismatches.append(Mismatch(entry: entry, reference: kernel, source: context.channelSource(entry.channel)))
                }
            } else if let expected = entry.expectedSignalling, let declared = context.systemConf?.channel(entry.channel),
                      declared.signalling != expected {
                mismatches.append(Mismatch(entry: entry, reference: declared.signalling, source: "system.conf line \(declared.line)"))
            }
        }
        // dahdi_genconf writes one `channel =>` line per channel, so runs are grouped across lines.
        let mismatchGroups = NumberRuns.groups(mismatches, number: { $0.entry.channel }) { a, b in
            a.entry.signalling == b.entry.signalling && a.reference == b.reference && a.entry.file == b.entry.file
        }
        let missingGroups = NumberRuns.groups(missing, number: { $0.channel }) { a, b in a.file == b.file && a.line == b.line }
        return mismatchGroups.map { mismatchFinding($0, context) } + missingGroups.map { missingFinding($0, context) }
    }

    func mismatchFinding(_ group: [Mismatch], _ context: CheckContext) -> Finding {
        let first = group[0]
        let subject = Self.label(group.map(\.entry.channel), context)
        let expectedName = first.entry.expectedSignallingName ?? first.entry.expectedSignalling?.kernelName ?? "?"
        let asked = first.entry.signalling ?? "?"
        // Point at the signalling= lines that set it, and at the channel => lines.
        let options = group.compactMap { m in m.entry.options.last { $0.key == "signalling" } }
        let optionFile = options.first?.file ?? first.entry.file
        let signallingLines = Set(options.filter { $0.file == optionFile }.map(\.line)).sorted().map(String.init)
        let channelLines = group.map { "\($0.entry.line)" }
        var evidence = [Evidence("chan_dahdi.conf", "signalling=\(asked)", source: signallingLines.isEmpty ? "\(first.entry.file):\(first.entry.line)"
                                 : "\(optionFile):" + signallingLines.prefix(8).joined(separator: ",") + (signallingLines.count > 8 ? ",..." : ""))]
        evidence.append(Evidence("channel => lines", channelLines.prefix(8).joined(separator: ",") + (channelLines.count > 8 ? ",..." : ""),
                                 source: first.entry.file))
        evidence.append(Evidence("DAHDI", first.reference.kernelName,
                                 source: group.count == 1 ? first.source : "DAHDI_GET_PARAMS channels \(group[0].entry.channel)-\(group[group.count - 1].entry.channel)"))
        let verb = group.count == 1 ? "the line is" : "the lines are"
        return Finding(Self.signallingMismatch, subject: subject,
                       message: "\(subject): chan_dahdi.conf asks for \(asked) (\(expectedName)) but \(verb) \(first.reference.kernelName)",
                       evidence: evidence, key: "chan-dahdi-mismatch:\(group[0].entry.channel)")
    }

    func missingFinding(_ group: [ChanDahdiChannel], _ context: CheckContext) -> Finding {
        let first = group[0]
        let numbers = group.map(\.channel)
        let label = numbers.count == 1 ? "channel \(numbers[0])" : "channels \(numbers[0])-\(numbers[numbers.count - 1])"
        var evidence = [Evidence("chan_dahdi.conf", "channel => " + (numbers.count == 1 ? "\(numbers[0])" : "\(numbers[0])-\(numbers[numbers.count - 1])"),
                                 source: "\(first.file):\(first.line)"),
                        Evidence("kernel channels", ChannelConfigChecks.kernelRange(context), source: "DAHDI_SPANSTAT/GET_PARAMS")]
        var message = "chan_dahdi.conf configures \(label) but DAHDI has no such channel"
        var remediation: String? = nil
        var key: String? = nil
        let ignore = Self.ignoreFailedChannels(first)
        if !ignore.enabled {
            evidence.append(Evidence("ignore_failed_channels", ignore.value, source: ignore.source))
            message += "; chan_dahdi refuses to load with this file (ignore_failed_channels = \(ignore.value))"
            remediation = Self.declineFix(first, context.observation.config.chanDahdi?.value)
            if Self.declineCause(context)?.channel == first.channel { key = Self.declineKey }
        }
        return Finding(Self.channelMissing, subject: label, message: message, evidence: evidence, remediation: remediation,
                       key: key, causeKey: ChannelConfigChecks.missingKey(for: first.channel, context) ?? context.assignmentCauseKey)
    }

    /// The key of the finding that makes chan_dahdi decline to load, so chan-dahdi-not-loaded folds under it.
    static let declineKey = "chan-dahdi-declines"

    /// chan_dahdi.c: a channel it cannot open aborts the whole load unless `ignore_failed_channels` is true in
    /// force for that channel; the field is absent from dahdi_chan_conf_default, so the default is no.
    static func ignoreFailedChannels(_ entry: ChanDahdiChannel) -> (enabled: Bool, value: String, source: String) {
        guard let option = entry.options.last(where: { $0.key.lowercased() == "ignore_failed_channels" }) else {
            return (false, "no, chan_dahdi's default", "\(entry.file) (not set)")
        }
        let enabled = ["yes", "true", "y", "t", "1", "on"].contains(String(option.value.lowercased().trimmingWhitespace()))
        return (enabled, option.value, "\(option.file):\(option.line)")
    }

    static func declineFix(_ entry: ChanDahdiChannel, _ config: ChanDahdiConfig?) -> String {
        // The channels created by the same line: 'channel => 49-52' is one line to fix.
        let same = (config?.channels ?? [entry]).filter { $0.file == entry.file && $0.line == entry.line }.map(\.channel)
        let range = same.count > 1 ? "\(same.min()!)-\(same.max()!)" : "\(entry.channel)"
        return "chan_dahdi will not load while chan_dahdi.conf lists a channel it cannot open: fix or remove the 'channel => \(range)' line at \(entry.file):\(entry.line) (or bring its span back), "
            + "or set ignore_failed_channels = yes in [channels]; then 'module load chan_dahdi.so' in the Asterisk CLI ('module reload' does not load a module that is not loaded)"
    }

    /// The first channel chan_dahdi cannot open and whose failure it does not ignore: why it declines to load.
    public static func declineCause(_ context: CheckContext) -> (channel: Int, key: String, why: String, source: String, fix: String)? {
        guard context.kernelReadable, let config = context.observation.config.chanDahdi?.value else { return nil }
        for entry in config.channels where context.channels[entry.channel] == nil && !ignoreFailedChannels(entry).enabled {
            return (entry.channel, declineKey, "channel \(entry.channel) is not in the kernel and ignore_failed_channels is \(ignoreFailedChannels(entry).value)",
                    "\(entry.file):\(entry.line)", declineFix(entry, config))
        }
        // A signalling the line refuses fails the channel the same way (mkintf: "Signalling requested on channel N
        // is X but line is in Y signalling"); the mismatch finding's key names its first channel.
        let mismatched = config.channels.filter { entry in
            guard let channel = context.channels[entry.channel], channel.configured, let expected = entry.expectedSignalling else { return false }
            return expected != Signalling(rawValue: channel.signallingBits ?? 0)
        }
        if let entry = mismatched.first(where: { !ignoreFailedChannels($0).enabled }) {
            let groupStart = NumberRuns.groups(mismatched, number: { $0.channel }) { a, b in
                a.signalling == b.signalling && a.file == b.file
                    && Signalling(rawValue: context.channels[a.channel]?.signallingBits ?? 0) == Signalling(rawValue: context.channels[b.channel]?.signallingBits ?? 0)
            }.first { $0.contains { $0.channel == entry.channel } }?.first?.channel ?? entry.channel
            return (entry.channel, "chan-dahdi-mismatch:\(groupStart)",
                    "channel \(entry.channel) asks for \(entry.signalling ?? "?") but the line is \(Signalling(rawValue: context.channels[entry.channel]?.signallingBits ?? 0).kernelName), and ignore_failed_channels is \(ignoreFailedChannels(entry).value)",
                    "\(entry.file):\(entry.line)",
                    "chan_dahdi will not load while a channel's signalling disagrees with the line: make signalling= agree with system.conf for 'channel => \(entry.channel)' at \(entry.file):\(entry.line), "
                        + "or set ignore_failed_channels = yes in [channels]; then 'module load chan_dahdi.so' in the Asterisk CLI")
        }
        return nil
    }

    static func label(_ numbers: [Int], _ context: CheckContext) -> String {
        numbers.count == 1 ? context.channelSubject(numbers[0]) : "channels \(numbers[0])-\(numbers[numbers.count - 1])"
    }
}
