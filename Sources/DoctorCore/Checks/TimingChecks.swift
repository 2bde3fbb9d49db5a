/// Which span clocks the box. DAHDI picks the master among spans with a non-zero timing priority in system.conf.
public struct TimingChecks: CheckFamily {
    public static let noTimingSource = CheckDefinition(
        id: "no-timing-source", family: "timing", severity: .warning,
        title: "no span provides timing",
        explanation: """
            The box has hardware spans but none is DAHDI's sync master: nothing takes its clock from a line. Against a \
            carrier that expects us to follow its clock, frames slip (audio clicks, fax failures).
            """,
        remediation: "give the carrier-facing span a timing priority of 1 in its span= line (second field), then dahdi_cfg -vv",
        faults: ["C18"])

    public static let multipleMasters = CheckDefinition(
        id: "multiple-sync-masters", family: "timing", severity: .warning,
        title: "more than one span claims to be sync master",
        explanation: "More than one span reports is_sync_master: the timing hierarchy is ambiguous and spans will slip against each other.",
        remediation: "give exactly one carrier-facing span the best (lowest non-zero) timing priority in system.conf",
        faults: ["C18"])

    public static let definitions = [noTimingSource, multipleMasters]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        // Dynamic spans (dahdi_dynamic) clock themselves and never become master; only hardware spans count.
        let hardware = context.inventory.spans.filter { $0.type != "DYNAMIC" && $0.isDigital }
        guard !hardware.isEmpty else { return [] }
        let masters = hardware.filter { $0.isSyncMaster == true }
        if masters.count > 1 {
            return [Finding(Self.multipleMasters, subject: "timing",
                            message: "spans " + masters.map { "\($0.number)" }.joined(separator: ", ") + " all report is_sync_master",
                            evidence: masters.map { Evidence("is_sync_master", "1", source: "/sys/bus/dahdi_spans/devices/span-\($0.number)/is_sync_master") })]
        }
        let anySource = hardware.contains { ($0.syncSource ?? 0) > 0 } || !masters.isEmpty
        guard !anySource else { return [] }
        return [Finding(Self.noTimingSource, subject: "timing",
                        message: "none of the \(hardware.count) digital span(s) provides timing (all free-running)",
                        evidence: hardware.map { Evidence("span \($0.number) sync source", "\($0.syncSource ?? 0)", source: "DAHDI_SPANSTAT span \($0.number)") })]
    }
}
