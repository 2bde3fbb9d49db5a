/// The agent's kernel source in two tiers. The fast tier runs every interval: DAHDI_SPANSTAT per span and
/// DAHDI_GET_PARAMS per channel (alarms, hook state, counters). The slow tier (sysfs, /proc/dahdi, the
/// configuration and Asterisk setup files, the PCI/USB buses: a full `Observer` read) runs only when something
/// changed: a configuration directory's inotify event, a device uevent, a structural change the fast tier sees,
/// and at least once every full-read interval in case a change was missed. Pure: the agent does the reading.
public enum KernelTiers {
    /// The last full observation with the fast tier's readings in place of its ioctl part: everything sysfs,
    /// /proc and the files said is kept from the full read; spans, channels, the driver version and the ioctl
    /// failures are the fast tier's.
    public static func merge(full: Observation, fast: DahdiReadings, observedAt: Double) -> Observation {
        var observation = full
        observation.observedAt = observedAt
        observation.dahdi.control = fast.control
        observation.dahdi.version = fast.version
        observation.dahdi.spans = fast.spans
        observation.dahdi.channels = fast.channels
        observation.dahdi.multiframeErrorsRising = fast.multiframeErrorsRising
        observation.dahdi.failures = full.dahdi.failures.filter { $0.source != "ioctl" } + fast.failures
        return observation
    }

    /// Why the fast tier's reading cannot be merged into the last full read: the control device appeared or went,
    /// the driver version, the span or channel count, a span's number, name, type, size or configuration, or a
    /// channel's signalling or name changed. Nil when only values (alarms, hook states, counters) moved.
    public static func structuralChange(from full: DahdiReadings, to fast: DahdiReadings) -> String? {
        switch (full.control, fast.control) {
        case (.opened, .opened): break
        default:
            if full.control != fast.control { return "control device: \(fast.control.summary)" }
            return nil
        }
        if full.version != fast.version { return "driver version changed" }
        if full.spans.count != fast.spans.count { return "span count \(full.spans.count) -> \(fast.spans.count)" }
        if full.channels.count != fast.channels.count {
            return "channel count \(full.channels.count) -> \(fast.channels.count)"
        }
        for (before, after) in zip(full.spans, fast.spans) {
            if before.number != after.number || before.totalChannels != after.totalChannels {
                return "span \(after.number) changed"
            }
            if before.name != after.name || before.spanType != after.spanType {
                return "span \(after.number) renamed or retyped (\(after.name), \(after.spanType))"
            }
            // dahdi_cfg ran: sysfs says the same things in its own words, so read it again.
            if before.configuredChannels != after.configuredChannels || before.lineConfig != after.lineConfig {
                return "span \(after.number) reconfigured"
            }
        }
        for (before, after) in zip(full.channels, fast.channels)
        where before.channel != after.channel || before.signalling != after.signalling || before.name != after.name {
            return "channel \(after.channel) reconfigured"
        }
        return nil
    }
}

extension ControlDeviceAccess {
    /// One word for the journal: opened, missing, denied...
    var summary: String {
        switch self {
        case .opened: return "opened"
        default: return "\(self)".split(separator: "(").first.map(String.init) ?? "\(self)"
        }
    }
}

extension Observation {
    /// This observation with every clock reading zeroed (when it was taken, the rate intervals, an overdue source's
    /// times): two observations that differ only there need no new diagnosis.
    public var withoutTimestamps: Observation {
        var observation = self
        observation.observedAt = 0
        observation.secondSample?.intervalSeconds = 0
        observation.previousSample?.intervalSeconds = 0
        observation.interrupts?.intervalSeconds = 0
        observation.overdueSources = overdueSources?.map { source in
            var source = source
            source.runningSince = 0
            source.lastAnswerAt = source.lastAnswerAt.map { _ in 0 }
            return source
        }
        return observation
    }
}
