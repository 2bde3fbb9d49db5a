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
            A line of /etc/dahdi/assigned-spans.conf names a device (by hardware_id, @location or sysfs path) that is             not registered: the card was removed, moved to another slot (location changes) or replaced (hardware_id             changes). With auto_assign_spans=0 the device that replaced it gets no spans.
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

    func unassigned(_ context: CheckContext) -> [Finding] {
        let auto = context.inventory.driver.autoAssignSpans
        return context.inventory.devices.compactMap { device in
            let unassigned = device.spans.filter { $0.assignedSpan == nil }
            guard !unassigned.isEmpty else { return nil }
            var evidence = [Evidence("spans", "\(device.spanCount ?? device.spans.count)",
                                     source: "/sys/bus/dahdi_devices/devices/\(device.name)/span_count"),
                            Evidence("unassigned local spans", unassigned.map { "\($0.localSpan)" }.joined(separator: ","),
                                     source: "/sys/bus/dahdi_devices/devices/\(device.name)")]
            if let auto { evidence.append(Evidence("auto_assign_spans", auto ? "1" : "0", source: "/sys/module/dahdi/parameters/auto_assign_spans")) }
            if let conf = context.observation.config.assignedSpans {
                let matching = conf.value?.assignments.filter { $0.device.matches(hardwareId: device.hardwareId, location: device.location) } ?? []
                let value = conf.value == nil ? "absent" : matching.isEmpty
                    ? "no line matches hardware_id '\(device.hardwareId ?? "")' or '@\(device.location ?? "")'"
                    : "matched by line(s) " + Set(matching.map(\.line)).sorted().map(String.init).joined(separator: ",")
                evidence.append(Evidence("assigned-spans.conf", value, source: conf.path))
            }
            return Finding(Self.spansNotAssigned, subject: "device \(device.name)",
                           message: "\(unassigned.count) of \(device.spans.count) span(s) of \(device.name) (\(device.type ?? "unknown type")) are not assigned",
                           evidence: evidence, key: "unassigned:\(device.name)", causeKey: "driver")
        }
    }
}
