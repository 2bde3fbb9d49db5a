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

    public static let definitions = [spansNotAssigned]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        let auto = context.inventory.driver.autoAssignSpans
        return context.inventory.devices.compactMap { device in
            let unassigned = device.spans.filter { $0.assignedSpan == nil }
            guard !unassigned.isEmpty else { return nil }
            var evidence = [Evidence("spans", "\(device.spanCount ?? device.spans.count)",
                                     source: "/sys/bus/dahdi_devices/devices/\(device.name)/span_count"),
                            Evidence("unassigned local spans", unassigned.map { "\($0.localSpan)" }.joined(separator: ","),
                                     source: "/sys/bus/dahdi_devices/devices/\(device.name)")]
            if let auto { evidence.append(Evidence("auto_assign_spans", auto ? "1" : "0", source: "/sys/module/dahdi/parameters/auto_assign_spans")) }
            return Finding(Self.spansNotAssigned, subject: "device \(device.name)",
                           message: "\(unassigned.count) of \(device.spans.count) span(s) of \(device.name) (\(device.type ?? "unknown type")) are not assigned",
                           evidence: evidence, key: "unassigned:\(device.name)", causeKey: "driver")
        }
    }
}
