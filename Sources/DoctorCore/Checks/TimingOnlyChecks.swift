/// Boxes that use DAHDI without a card: MeetMe conferences, app_rpt (AllStarLink) and res_timing_dahdi run on
/// DAHDI's pseudo channels and its timer. The DAHDI core ticks them from its own kernel timer when no span
/// provides timing (dahdi-base.c's core timer, compiled in by default), so a loaded dahdi.ko with no span is a
/// healthy timing source; what breaks such a box is the driver missing or the device nodes missing.
public struct TimingOnlyChecks: CheckFamily {
    public static let unavailable = CheckDefinition(
        id: "dahdi-timing-unavailable", family: "timing-only", severity: .critical,
        title: "Asterisk needs DAHDI timing, and DAHDI is not loaded",
        explanation: """
            modules.conf loads Asterisk modules that open DAHDI's pseudo channels or its timer (MeetMe, app_rpt for \
            AllStarLink, res_timing_dahdi, the DAHDI apps), but the dahdi module is not loaded. Such a box needs no \
            card: dahdi.ko alone provides the timing. Without it those modules decline to load or conferences have \
            no audio.
            """,
        remediation: "modprobe dahdi (and add it to /etc/modules or enable the dahdi service so it loads at boot); if modprobe fails, see the kernel-modules finding for the rebuild",
        faults: ["C01"])

    public static let devicesMissing = CheckDefinition(
        id: "dahdi-timing-devices-missing", family: "timing-only", severity: .critical,
        title: "/dev/dahdi/pseudo or /dev/dahdi/timer missing",
        explanation: """
            DAHDI is loaded and Asterisk needs its pseudo channels or timer, but the device nodes are missing or are \
            not character devices, so Asterisk cannot open them. udev (with DAHDI's rules) or devtmpfs did not \
            create them. (When they exist but Asterisk's user cannot open them, dahdi-device-access-denied says so.)
            """,
        remediation: "check that udev runs and DAHDI's udev rules are installed (/lib/udev/rules.d/*dahdi*.rules), then reload the dahdi module (or udevadm trigger)",
        faults: ["C01"])

    public static let timingOnly = CheckDefinition(
        id: "dahdi-timing-only", family: "timing-only", severity: .info,
        title: "DAHDI provides timing only (no card)",
        explanation: """
            DAHDI is loaded with no card and no span, and Asterisk uses it for pseudo channels or timing. The DAHDI \
            core ticks from its own kernel timer in this case, and /proc/dahdi is empty because there is no span. \
            This is a healthy conferencing or AllStarLink box.
            """,
        remediation: "nothing to do")

    public static let definitions = [unavailable, devicesMissing, timingOnly]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        guard let demand = context.observation.dahdiDemand, !demand.needs.isEmpty else { return [] }
        let needEvidence = demand.needs.prefix(6).map { Evidence("needs DAHDI", "\($0.module) (\($0.reason))", source: $0.source) }
        let dahdi = context.observation.dahdi
        switch dahdi.control {
        case .missing(let path):
            // A box configured for cards gets driver-not-loaded; this is the card-less box.
            guard dahdi.sysfs?.moduleLoaded != true, !Self.cardsExpected(context) else { return [] }
            return [Finding(Self.unavailable, subject: "DAHDI timing",
                            message: "Asterisk loads " + demand.needs.map(\.module).joined(separator: ", ") + " but DAHDI is not loaded",
                            evidence: needEvidence + [Evidence("dahdi module", "absent", source: "/sys/module/dahdi"),
                                                      Evidence("control device", "absent", source: path)],
                            key: "driver", causeKey: KernelModuleChecks.key)]
        case .opened:
            var findings: [Finding] = []
            if let nodes = context.observation.container?.deviceNodes {
                let devfs = context.observation.container?.devfsRoot ?? "/dev"
                var bad: [Evidence] = []
                for name in ["pseudo", "timer"] {
                    let path = devfs + "/dahdi/" + name
                    if let node = nodes.first(where: { $0.path == path || $0.path.hasSuffix("/dahdi/" + name) }) {
                        if !node.isCharacterDevice { bad.append(Evidence("/dev/dahdi/\(name)", "not a character device", source: node.path)) }
                    } else {
                        bad.append(Evidence("/dev/dahdi/\(name)", "absent", source: path))
                    }
                }
                if !bad.isEmpty {
                    findings.append(Finding(Self.devicesMissing, subject: "DAHDI timing",
                                            message: "Asterisk needs DAHDI's pseudo channels or timer, but " + bad.map(\.label).joined(separator: " and ") + " cannot be opened",
                                            evidence: bad + needEvidence, causeKey: ContainerChecks.causeKey(context)))
                }
            }
            if findings.isEmpty && dahdi.spans.isEmpty && context.inventory.devices.isEmpty && !Self.cardsExpected(context) {
                findings.append(Finding(Self.timingOnly, subject: "DAHDI timing",
                                        message: "DAHDI \(dahdi.version?.version ?? "") provides timing from its core timer for " + demand.needs.map(\.module).joined(separator: ", ") + " (no card, no span)",
                                        evidence: needEvidence + [Evidence("spans", "0", source: "DAHDI_SPANSTAT 1..127")]))
            }
            return findings
        default:
            return []
        }
    }

    /// Whether the configuration asks for a card: spans or channels in system.conf, or card drivers in
    /// /etc/dahdi/modules (the core and echo cancellers alone do not count).
    public static func cardsExpected(_ context: CheckContext) -> Bool {
        if let system = context.systemConf, !(system.channels.isEmpty && system.spans.isEmpty && system.dynamicSpans.isEmpty) { return true }
        return context.observation.config.modules.contains { !($0.name == "dahdi" || $0.name.hasPrefix("dahdi_echocan")) }
    }
}
