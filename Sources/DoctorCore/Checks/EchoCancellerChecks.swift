/// Software echo cancellers declared in system.conf (`echocanceller=NAME,chans`) but not attached in the kernel.
public struct EchoCancellerChecks: CheckFamily {
    public static let notAttached = CheckDefinition(
        id: "echo-canceller-not-attached", family: "configuration", severity: .warning,
        title: "echo canceller declared but not attached",
        explanation: """
            system.conf asks for an echo canceller on these channels, but the kernel shows none attached: the \
            dahdi_echocan_NAME module is not loaded (DAHDI_GETVERSION lists the registered ones), hardware echo \
            cancellation firmware failed to load (VPM: "firmware not available from userspace"), or dahdi_cfg has not \
            run since. Calls on these channels will have echo. (INACTIVE alone is normal on an idle channel.)
            """,
        remediation: "modprobe dahdi_echocan_NAME (or install the card's VPM firmware into /lib/firmware and reload the driver), then dahdi_cfg -vv",
        faults: ["C25"])

    public static let definitions = [notAttached]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        guard let config = context.systemConf, context.kernelReadable else { return [] }
        let file = context.observation.config.systemConf?.path ?? "/etc/dahdi/system.conf"
        let registered = Set(context.inventory.driver.echoCancellers.map { $0.uppercased() })
        var findings: [Finding] = []
        for declaration in config.echoCancellers {
            // Only channels the kernel has and sysfs/proc could describe; missing channels are reported elsewhere.
            let lacking = declaration.channels.filter { number in
                guard let channel = context.channels[number], channel.configured else { return false }
                return channel.echoCanceller == nil
            }
            guard !lacking.isEmpty else { continue }
            let name = declaration.name.uppercased()
            let moduleMissing = name != "HWEC" && !registered.contains(name)
            let label = NumberRuns.text(lacking)
            findings.append(Finding(Self.notAttached, subject: "channels \(label)",
                                    message: "echo canceller \(declaration.name) is declared for channels \(label) but none is attached"
                                        + (moduleMissing ? " (\(declaration.name) is not registered: dahdi_echocan_\(declaration.name.lowercased()) not loaded?)" : ""),
                                    evidence: [Evidence("declared", "echocanceller=\(declaration.name)", source: "\(file):\(declaration.line)"),
                                               Evidence("registered echo cancellers", registered.isEmpty ? "none" : registered.sorted().joined(separator: ", "), source: "DAHDI_GETVERSION"),
                                               Evidence("attached", "none on \(lacking.count) channel(s)", source: "sysfs ec_factory / /proc/dahdi")],
                                    remediation: moduleMissing
                                        ? "modprobe dahdi_echocan_\(declaration.name.lowercased()) (add it to /etc/dahdi/modules), then dahdi_cfg -vv"
                                        : "\(declaration.name) is registered, so the line was probably added after the last dahdi_cfg: run dahdi_cfg -vv (for hardware echo cancellers check the VPM firmware in dmesg)"))
        }
        return findings
    }
}
