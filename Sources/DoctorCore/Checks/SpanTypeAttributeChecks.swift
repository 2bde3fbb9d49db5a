/// dahdi-tools that look for a DAHDI device's span types under the other sysfs name than the kernel's. DAHDI
/// 3.0.0-3.4.0 (and Debian's 2.11.1), built for a kernel >= 4.13, name the device attribute `dahdi_spantype`;
/// dahdi-tools releases up to 3.4.0 read only `spantype`. The tools then see no spans on the device, and say so
/// only as a `cat`/`cut` error that udev and dahdi_genconf swallow.
public struct SpanTypeAttributeChecks: CheckFamily {
    public static let unread = CheckDefinition(
        id: "span-type-attribute-unread", family: "kernel-modules", severity: .warning,
        title: "dahdi-tools read `spantype`, the kernel exposes `dahdi_spantype`",
        explanation: """
            Each DAHDI device lists its spans and their types (E1, T1, J1, FXS...) in one sysfs attribute. DAHDI \
            3.0.0 to 3.4.0, and Debian's 2.11.1 snapshot, built for a kernel 4.13 or newer, name that attribute \
            dahdi_spantype; on older kernels, and in dahdi-linux's git master since August 2024, it is spantype. \
            Every dahdi-tools release up to 3.4.0 reads only spantype. With such a pair, dahdi_span_types cannot \
            list, dump or set span types (the E1/T1/J1 lines of /etc/dahdi/span-types.conf are never applied, so a \
            span stays at the driver's default line mode and may sit in alarm), dahdi_genconf writes an empty \
            span-types.conf and assigned-spans.conf, and dahdi_span_assignments lists no spans \
            (dahdi_waitfor_span_assignments, if it also reads only spantype, stops waiting at once). The only trace is a "spantype: No \
            such file or directory" error that udev and the boot scripts do not show. The finding names the \
            attribute the kernel has, the scripts that read the other name, and both versions. Distribution \
            packages that patched dahdi_span_types and dahdi_span_assignments but not \
            dahdi_waitfor_span_assignments (Debian's 1:3.1.0-2) give no finding.
            """,
        remediation: "install dahdi-tools that read both names: the distribution's dahdi package (Debian's dahdi 1:3.1.0-2 is patched for it), or dahdi-tools from git master (commit 18ebbd1, merged in March 2026; no release up to 3.4.0 has it); or build dahdi-tools and dahdi-linux from the same source. Then rerun dahdi_genconf and dahdi_span_types set")

    public static let definitions = [unread]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        guard let sysfs = context.observation.dahdi.sysfs, sysfs.moduleLoaded,
              let tools = context.observation.kernelModules?.dahdiTools else { return [] }
        let exposing = sysfs.devices.filter { $0.spanTypeAttribute == SpanTypeAttribute.newName }
        // Only a device that has `dahdi_spantype` and no `spantype` is certain: the builder reads `spantype` only
        // when `dahdi_spantype` is absent, so the recorded name is the only one there.
        // dahdi_span_types and dahdi_span_assignments decide: blind, they lose the span types and listings.
        // dahdi_waitfor_span_assignments alone does not (Debian's 1:3.1.0-2 left it unpatched): blind, it stops
        // waiting at once, and its only caller is the Astribank registration, so it is only listed alongside.
        let blind = tools.scripts.filter { $0.readsOldNameOnly && SpanTypeAttribute.decidingScripts.contains($0.name) }
        guard !exposing.isEmpty, !blind.isEmpty else { return [] }
        let alsoBlind = tools.scripts.filter { $0.readsOldNameOnly && !SpanTypeAttribute.decidingScripts.contains($0.name) }
        let devicesRoot = "/sys/bus/dahdi_devices/devices"
        var evidence = exposing.prefix(4).map {
            Evidence("device \($0.name)", "has \(SpanTypeAttribute.newName), no \(SpanTypeAttribute.oldName)",
                     source: "\(devicesRoot)/\($0.name)/\(SpanTypeAttribute.newName)")
        }
        let kernelVersion = "DAHDI " + (sysfs.moduleVersion ?? "(version not shown)")
            + (context.observation.kernelModules?.runningKernel.map { " on kernel " + $0 } ?? "")
        evidence.append(Evidence("kernel side", kernelVersion, source: "/sys/module/dahdi/version"))
        evidence += (blind + alsoBlind).map { Evidence("reads \(SpanTypeAttribute.oldName) only", $0.path, source: $0.path) }
        let toolsVersion: String
        if let name = tools.packageName, let version = tools.packageVersion {
            toolsVersion = "package \(name) \(version)"
            evidence.append(Evidence("dahdi-tools", toolsVersion, source: tools.packageSource ?? "/var/lib/dpkg/status"))
        } else {
            toolsVersion = "not installed by dpkg, version unknown"
            evidence.append(Evidence("dahdi-tools", toolsVersion, source: "/var/lib/dpkg/status"))
        }
        if let types = context.observation.config.spanTypes?.value, !types.entries.isEmpty {
            // span-types.conf asks for E1/T1/J1 that dahdi_span_types cannot write.
            evidence.append(Evidence("span-types.conf", "\(types.entries.count) line(s) that dahdi_span_types cannot apply",
                                     source: context.observation.config.spanTypes?.path ?? "/etc/dahdi/span-types.conf"))
        }
        let names = (blind + alsoBlind).map(\.name)
        let unique = names.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return [Finding(Self.unread, subject: "dahdi-tools",
                        message: "\(kernelVersion) exposes \(SpanTypeAttribute.newName), but the installed dahdi-tools (\(toolsVersion)) read only \(SpanTypeAttribute.oldName) in \(unique.joined(separator: ", ")): span types and span listings come back empty",
                        evidence: evidence)]
    }
}
