/// Devices registered but spans not assigned: Debian's dahdi defaults to auto_assign_spans=0, so spans only
/// appear once dahdi_span_assignments assigns them from /etc/dahdi/assigned-spans.conf.
public struct AssignmentChecks: CheckFamily {
    public static let spansNotAssigned = CheckDefinition(
        id: "spans-not-assigned", family: "assignment", severity: .critical,
        title: "device spans not assigned",
        explanation: """
            A DAHDI device is registered but some of its spans have no span number, so they have no channels: \
            dahdi_cfg fails with "DAHDI_CHANCONFIG failed on channel N: Invalid argument" and chan_dahdi cannot open \
            them. With auto_assign_spans=0 (Debian's default) spans are assigned by dahdi_span_assignments from \
            /etc/dahdi/assigned-spans.conf; a card moved to another slot or a changed hardware id no longer matches.
            """,
        remediation: "run 'dahdi_span_assignments auto' (or 'add'), then 'dahdi_genconf assignedspans' to pin the result, then dahdi_cfg -vv",
        faults: ["C11", "C04"])

    public static let staleAssignment = CheckDefinition(
        id: "assigned-spans-stale", family: "assignment", severity: .warning,
        title: "assigned-spans.conf line matches no device",
        explanation: """
            A line of /etc/dahdi/assigned-spans.conf names a device (by hardware_id, @location or sysfs path) that is \
            not registered: the card was removed, moved to another slot (location changes) or replaced (hardware_id \
            changes). With auto_assign_spans=0 the device that replaced it gets no spans.
            """,
        remediation: "run 'dahdi_span_assignments matched' and 'unmatched', then regenerate with 'dahdi_genconf assignedspans'",
        faults: ["C11", "C12"])

    public static let definitions = [spansNotAssigned, staleAssignment]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        unassigned(context) + stale(context)
    }

    /// Lines that match no registered device. Only judged when the kernel answered (else no device is visible).
    func stale(_ context: CheckContext) -> [Finding] {
        guard context.kernelReadable, let part = context.observation.config.assignedSpans, let conf = part.value,
              !context.inventory.devices.isEmpty else { return [] }
        var seen = Set<String>()
        return conf.assignments.compactMap { assignment in
            guard assignment.device.kind != .devpath, !seen.contains(assignment.device.text) else { return nil }
            seen.insert(assignment.device.text)
            let matched = context.inventory.devices.contains { assignment.device.matches(hardwareId: $0.hardwareId, location: $0.location) }
            guard !matched else { return nil }
            let known = context.inventory.devices.map { "\($0.hardwareId ?? "-") @\($0.location ?? "-")" }.joined(separator: "; ")
            return Finding(Self.staleAssignment, subject: "\(part.path):\(assignment.line)",
                           message: "assigned-spans.conf line \(assignment.line) names '\(assignment.device.text)', which matches no registered device",
                           evidence: [Evidence("line", assignment.device.text, source: "\(part.path):\(assignment.line)"),
                                      Evidence("registered devices", known, source: "/sys/bus/dahdi_devices/devices")])
        }
    }

    /// The key of the spans-not-assigned finding, which explains missing channels.
    public static let unassignedKey = "unassigned"

    /// One finding for the box: on a four-card box, four identical roots would hide the one cause
    /// (auto_assign_spans=0 and an assigned-spans.conf that does not match). Each device is one line of evidence.
    func unassigned(_ context: CheckContext) -> [Finding] {
        let devices = context.inventory.devices.filter { $0.spans.contains { $0.assignedSpan == nil } }
        guard !devices.isEmpty else { return [] }
        let auto = context.inventory.driver.autoAssignSpans
        let unassignedCount = devices.reduce(0) { $0 + $1.spans.filter { $0.assignedSpan == nil }.count }
        let totalCount = devices.reduce(0) { $0 + $1.spans.count }
        var evidence: [Evidence] = []
        if let auto { evidence.append(Evidence("auto_assign_spans", auto ? "1" : "0", source: "/sys/module/dahdi/parameters/auto_assign_spans")) }
        let conf = context.observation.config.assignedSpans
        for device in devices {
            let unassigned = device.spans.filter { $0.assignedSpan == nil }.map { "\($0.localSpan)" }.joined(separator: ",")
            var value = "local span(s) \(unassigned) of \(device.spans.count) unassigned; hardware_id '\(device.hardwareId ?? "")', location '\(device.location ?? "")'"
            if let conf {
                let matching = conf.value?.assignments.filter { $0.device.matches(hardwareId: device.hardwareId, location: device.location) } ?? []
                value += conf.value == nil ? "; assigned-spans.conf absent"
                    : matching.isEmpty ? "; no assigned-spans.conf line matches it"
                    : "; assigned-spans.conf line(s) " + Set(matching.map(\.line)).sorted().map(String.init).joined(separator: ",") + " match it"
            }
            evidence.append(Evidence("device \(device.name)", value, source: "/sys/bus/dahdi_devices/devices/\(device.name)"))
        }
        let message = "\(unassignedCount) of \(totalCount) span(s) on \(devices.count) device(s) are not assigned"
            + (auto == false ? " (auto_assign_spans=0)" : "")
        return [Finding(Self.spansNotAssigned, subject: devices.count == 1 ? "device \(devices[0].name)" : "\(devices.count) devices",
                        message: message, evidence: evidence, key: Self.unassignedKey, causeKey: "driver")]
    }
}
