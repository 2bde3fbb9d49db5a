/// Why the DAHDI driver is not loaded, when the modules on disk say: built only for another kernel, never installed,
/// rejected by the kernel, or waiting for a reboot. These are the root of `driver-not-loaded` and replace its
/// generic fix with the one that applies. With the driver loaded: a newer installed kernel without the modules.
public struct KernelModuleChecks: CheckFamily {
    public static let otherKernel = CheckDefinition(
        id: "dahdi-modules-other-kernel", family: "kernel-modules", severity: .critical,
        title: "DAHDI modules built only for another kernel",
        explanation: """
            dahdi.ko exists under /lib/modules for another kernel but not for the running one, so modprobe cannot \
            find it. This is the usual state after a distribution kernel update when the out-of-tree modules were \
            not rebuilt: the kernel headers for the new kernel were not installed (DKMS cannot build without them), \
            DKMS did not run or its build failed (its make.log says why), or a RHEL weak-updates link points at a \
            module that is gone. The finding names both kernels and says which of these it is.
            """,
        remediation: "install the headers for the running kernel (linux-headers-$(uname -r)), then rebuild: dkms autoinstall -k $(uname -r) (or rebuild dahdi-linux from source), depmod -a, and start dahdi",
        faults: ["C02"])

    public static let notInstalled = CheckDefinition(
        id: "dahdi-modules-not-installed", family: "kernel-modules", severity: .critical,
        title: "DAHDI modules not installed for any kernel",
        explanation: """
            No dahdi.ko exists under /lib/modules for any installed kernel (updates/, extra/, dkms/, weak-updates/, \
            dahdi/ were searched), so the driver cannot load. The package that builds them (dahdi-dkms, \
            dahdi-source with module-assistant, a kmod-dahdi package, or dahdi-linux from source) is missing or its \
            build never succeeded.
            """,
        remediation: "install the DAHDI kernel modules for the running kernel (with its headers): a dahdi-dkms/kmod package, or build dahdi-linux from source; then depmod -a and start dahdi",
        faults: ["C01", "C02"])

    public static let rejected = CheckDefinition(
        id: "dahdi-module-rejected", family: "kernel-modules", severity: .critical,
        title: "the kernel refused to load a DAHDI module",
        explanation: """
            The module files are there for the running kernel, but the kernel log shows it refused them: a \
            signature Secure Boot does not accept ("Loading of unsigned module is rejected", "Key was rejected by \
            service"), a module built against other kernel sources ("disagrees about version of symbol", "version \
            magic", "Exec format error"), or symbols it needs that no loaded module exports ("Unknown symbol", \
            usually a card driver built from another DAHDI tree than the dahdi.ko that loaded).
            """,
        remediation: "rebuild the modules against this kernel's headers (dkms install --force dahdi/VERSION -k $(uname -r)); for a signature refusal, sign them with an enrolled key (mokutil --import the DKMS key) or disable Secure Boot",
        faults: ["C02"])

    public static let rebootPending = CheckDefinition(
        id: "dahdi-reboot-pending", family: "kernel-modules", severity: .critical,
        title: "DAHDI modules are built for a newer kernel: reboot pending",
        explanation: """
            The running kernel has no DAHDI modules, but a newer installed kernel has them (or the system says a \
            reboot is required): the update and the module build are done, the reboot into the new kernel is not.
            """,
        remediation: "reboot into the newer kernel (check that it is the boot default), then confirm with dahdi-doctor check",
        faults: ["C02"])

    public static let missingNextKernel = CheckDefinition(
        id: "dahdi-modules-missing-next-kernel", family: "kernel-modules", severity: .warning,
        title: "the newest installed kernel has no DAHDI modules",
        explanation: """
            DAHDI runs now, but a newer kernel is installed without dahdi.ko: the next reboot boots into it and the \
            box loses its telephony cards. DKMS did not build for it (no headers, or its build failed).
            """,
        remediation: "install the headers for the new kernel and build now: dkms autoinstall -k NEW_KERNEL (or rebuild dahdi-linux for it), before the next reboot",
        faults: ["C02"])

    public static let definitions = [otherKernel, notInstalled, rejected, rebootPending, missingNextKernel]

    /// The key the driver's own findings name as their cause.
    public static let key = "kernel-modules"

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        guard let modules = context.observation.kernelModules else { return [] }
        let driverMissing: Bool
        if case .missing = context.observation.dahdi.control, context.observation.dahdi.sysfs?.moduleLoaded != true {
            driverMissing = true
        } else {
            driverMissing = false
        }
        if driverMissing {
            guard context.dahdiConfigured || !(context.observation.dahdiDemand?.needs.isEmpty ?? true) else { return [] }
            return missingDriver(modules).map { [$0] } ?? []
        }
        // Loaded: a listed card driver the kernel refused, or the next kernel without modules.
        var findings: [Finding] = []
        let notLoaded = Set(context.observation.config.modules.filter { !$0.loaded }.map(\.name))
        let refusals = (modules.kernelLog ?? []).filter { $0.kind != .unsignedTainted && $0.kind != .interruptsNotDetected && notLoaded.contains($0.module ?? "") }
        if !refusals.isEmpty {
            findings.append(rejectedFinding(refusals, modules, subject: "modules " + Set(refusals.compactMap(\.module)).sorted().joined(separator: ", "),
                                            key: Self.key))
        }
        if case .opened = context.observation.dahdi.control, let running = modules.runningKernel,
           let newest = modules.kernels.last, newest.version != running, KernelVersion.less(running, newest.version),
           !newest.hasDahdiCore, modules.running?.hasDahdiCore == true {
            var evidence = [Evidence("running kernel", running, source: modules.runningKernelSource),
                            Evidence("newest installed kernel", newest.version + ": no dahdi.ko", source: modules.modulesRoot + "/" + newest.version),
                            Evidence("headers for \(newest.version)", newest.headers ? "installed" : "missing",
                                     source: newest.headersSource ?? modules.modulesRoot + "/" + newest.version + "/build")]
            evidence += dkmsEvidence(modules, kernel: newest.version)
            let fix = newest.headers
                ? "build for it now: dkms autoinstall -k \(newest.version) (or rebuild dahdi-linux for it), before the next reboot"
                : "install linux-headers-\(newest.version), then dkms autoinstall -k \(newest.version), before the next reboot"
            findings.append(Finding(Self.missingNextKernel, subject: "kernel \(newest.version)",
                                    message: "kernel \(newest.version) is installed without DAHDI modules (running \(running) has them): the next boot loses DAHDI",
                                    evidence: evidence, remediation: fix, key: "kernel-modules-next"))
        }
        return findings
    }

    func missingDriver(_ modules: KernelModulesObservation) -> Finding? {
        let running = modules.runningKernel ?? "?"
        let runningEntry = modules.running
        let base = [Evidence("running kernel", running, source: modules.runningKernelSource)]
        let headers = Evidence("headers for \(running)", runningEntry?.headers == true ? "installed" : "missing",
                               source: runningEntry?.headersSource ?? modules.modulesRoot + "/\(running)/build")
        if runningEntry?.hasDahdiCore == true {
            let refusals = (modules.kernelLog ?? []).filter { $0.kind != .unsignedTainted && $0.kind != .interruptsNotDetected }
            guard !refusals.isEmpty else { return nil }
            return rejectedFinding(refusals, modules, subject: "DAHDI", key: Self.key)
        }
        let others = modules.otherKernelsWithDahdi
        let newer = others.filter { KernelVersion.less(running, $0.version) }
        if let target = newer.last {
            var evidence = base + [Evidence("dahdi.ko for \(target.version)", target.modules.first { $0.name == "dahdi" }?.path ?? "present",
                                            source: modules.modulesRoot + "/" + target.version)]
            if let reboot = modules.rebootRequired {
                evidence.append(Evidence("reboot required", reboot.packages.isEmpty ? "yes" : reboot.packages.joined(separator: ", "), source: reboot.source))
            }
            return Finding(Self.rebootPending, subject: "DAHDI",
                           message: "DAHDI modules are built for kernel \(target.version), but the box still runs \(running): reboot pending",
                           evidence: evidence, remediation: "reboot into \(target.version) (check it is the boot default), then dahdi-doctor check",
                           key: Self.key)
        }
        if let other = others.last {
            var evidence = base + others.map { kernel in
                Evidence("dahdi.ko for \(kernel.version)", kernel.modules.first { $0.name == "dahdi" }?.path ?? "present",
                         source: modules.modulesRoot + "/" + kernel.version)
            }
            evidence.append(Evidence("dahdi.ko for \(running)", "absent", source: modules.modulesRoot + "/\(running)"))
            evidence.append(headers)
            evidence += dkmsEvidence(modules, kernel: running)
            let (why, fix) = rebuildAdvice(modules, kernel: running, headersInstalled: runningEntry?.headers == true)
            return Finding(Self.otherKernel, subject: "DAHDI",
                           message: "DAHDI modules are built for kernel \(other.version), not for the running \(running): \(why)",
                           evidence: evidence + weakUpdateEvidence(modules, kernel: running), remediation: fix, key: Self.key)
        }
        if modules.kernels.isEmpty && modules.runningKernel == nil { return nil }   // nothing was readable: no claim
        var evidence = base + [Evidence("dahdi.ko", "absent for every kernel (" + modules.kernels.map(\.version).joined(separator: ", ") + ")",
                                        source: modules.modulesRoot)]
        evidence.append(headers)
        evidence += dkmsEvidence(modules, kernel: running)
        let (why, fix) = modules.dkms.map { _ in rebuildAdvice(modules, kernel: running, headersInstalled: runningEntry?.headers == true) }
            ?? ("no DKMS tree for dahdi and no module installed",
                "install the DAHDI kernel modules for \(running): the distribution's dahdi-dkms (or kmod-dahdi) package with linux-headers-\(running), or build dahdi-linux from source; then depmod -a and start dahdi")
        return Finding(Self.notInstalled, subject: "DAHDI", message: "no DAHDI modules are installed for any kernel: \(why)",
                       evidence: evidence + weakUpdateEvidence(modules, kernel: running), remediation: fix, key: Self.key)
    }

    /// Which of the rebuild's causes it is, and the one fix: headers missing, DKMS build failed, DKMS not run, or
    /// no DKMS at all (a source install).
    func rebuildAdvice(_ modules: KernelModulesObservation, kernel: String, headersInstalled: Bool) -> (String, String) {
        if !headersInstalled {
            return ("the headers for \(kernel) are not installed, so nothing could build for it",
                    "install linux-headers-\(kernel) (kernel-devel-\(kernel) on RHEL), then dkms autoinstall -k \(kernel) (or rebuild dahdi-linux), depmod -a, and start dahdi")
        }
        guard let dkms = modules.dkms else {
            return ("no DKMS tree for dahdi: it was installed from source for the old kernel",
                    "rebuild dahdi-linux from source for \(kernel) (make && make install in its tree), depmod -a, and start dahdi")
        }
        if let version = dkms.versions.last, dkms.builds(for: kernel).isEmpty, dkms.makeLogs.contains(version) {
            return ("the DKMS build of dahdi \(version) left a make.log and no module for \(kernel): the build failed",
                    "read \(dkms.root)/\(version)/build/make.log for the error, fix it (often a DAHDI release older than the kernel), then dkms install dahdi/\(version) -k \(kernel)")
        }
        if let build = dkms.builds(for: kernel).first, !build.installed {
            return ("DKMS built dahdi \(build.version) for \(kernel) but did not install it",
                    "dkms install dahdi/\(build.version) -k \(kernel), then start dahdi")
        }
        return ("DKMS has dahdi \(dkms.versions.joined(separator: ", ")) but did not build it for \(kernel)",
                "dkms autoinstall -k \(kernel) (headers are installed), then start dahdi")
    }

    func dkmsEvidence(_ modules: KernelModulesObservation, kernel: String) -> [Evidence] {
        guard let dkms = modules.dkms else {
            return [Evidence("dkms", "no dahdi tree", source: "/var/lib/dkms/dahdi")]
        }
        let builds = dkms.builds.map { "\($0.version)/\($0.kernel)" + ($0.installed ? " installed" : " built") }
        var evidence = [Evidence("dkms dahdi", builds.isEmpty ? "added (" + dkms.versions.joined(separator: ", ") + "), built for no kernel" : builds.joined(separator: "; "),
                                 source: dkms.root)]
        for version in dkms.makeLogs where !dkms.builds.contains(where: { $0.version == version && $0.kernel == kernel }) {
            evidence.append(Evidence("dkms build log", "\(version): make.log without a module for \(kernel)", source: "\(dkms.root)/\(version)/build/make.log"))
        }
        return evidence
    }

    func weakUpdateEvidence(_ modules: KernelModulesObservation, kernel: String) -> [Evidence] {
        guard let entry = modules.kernels.first(where: { $0.version == kernel }) else { return [] }
        return entry.modules.filter { !$0.usable }.prefix(3).map {
            Evidence("weak-updates link", "\($0.name): target missing", source: $0.path)
        }
    }

    func rejectedFinding(_ refusals: [KernelLogEvent], _ modules: KernelModulesObservation, subject: String, key: String) -> Finding {
        let kinds = Set(refusals.map(\.kind))
        let running = modules.runningKernel ?? "$(uname -r)"
        let fix: String
        if kinds.contains(.signatureRejected) {
            fix = "Secure Boot refuses unsigned modules: enroll the DKMS signing key (mokutil --import /var/lib/dkms/mok.pub, then reboot and confirm) or disable Secure Boot; then modprobe dahdi"
        } else if kinds.contains(.wrongKernel) {
            fix = "the module was built for another kernel: rebuild it against linux-headers-\(running) (dkms install --force dahdi/VERSION -k \(running), or make install in dahdi-linux), depmod -a, modprobe dahdi"
        } else {
            fix = "the card drivers and dahdi.ko come from different builds, or dahdi.ko is not loaded first: rebuild all DAHDI modules from one tree for \(running), depmod -a, then modprobe dahdi before the card drivers"
        }
        let words = kinds.map(\.rawValue).sorted().joined(separator: ", ")
        return Finding(Self.rejected, subject: subject, message: "the kernel refused DAHDI modules (\(words))",
                       evidence: refusals.suffix(6).map { Evidence("kernel log", $0.message, source: modules.kernelLogSource ?? "kernel log") },
                       remediation: fix, key: key)
    }
}
