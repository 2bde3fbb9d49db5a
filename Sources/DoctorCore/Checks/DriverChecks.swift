/// Is DAHDI there and readable at all? A failure here explains everything below it.
public struct DriverChecks: CheckFamily {
    public static let driverNotLoaded = CheckDefinition(
        id: "driver-not-loaded", family: "driver", severity: .critical,
        title: "DAHDI driver not loaded",
        explanation: """
            Neither /sys/module/dahdi nor /dev/dahdi/ctl exists, so the DAHDI core module is not loaded. Without it \
            no card driver can register spans and Asterisk's chan_dahdi has no channels ("No DAHDI found. Unable to \
            open /dev/dahdi/ctl"). After a kernel update the out-of-tree modules may not have been rebuilt for the \
            running kernel (DKMS).
            """,
        remediation: "modprobe dahdi and the card drivers listed in /etc/dahdi/modules; if modprobe fails, rebuild the modules for the running kernel (dkms status, install linux-headers-$(uname -r))",
        faults: ["C01", "C02"])

    public static let controlDeviceMissing = CheckDefinition(
        id: "control-device-missing", family: "driver", severity: .critical,
        title: "dahdi module loaded but /dev/dahdi/ctl missing",
        explanation: """
            The dahdi module is loaded (sysfs shows it) but its control device node does not exist. udev (or \
            devtmpfs) did not create the nodes, or this runs in a container that was not given the devices.
            """,
        remediation: "check that udev runs and /lib/udev/rules.d/60-dahdi*.rules exist; in a container pass --device /dev/dahdi/ctl (and the channel nodes) or run privileged",
        faults: ["C01"])

    public static let controlDeviceDenied = CheckDefinition(
        id: "control-device-denied", family: "driver", severity: .unknown,
        title: "no permission to read /dev/dahdi/ctl",
        explanation: """
            /dev/dahdi/ctl exists but cannot be opened by this user, so spans and channels cannot be read and the \
            DAHDI state is unknown (not necessarily broken).
            """,
        remediation: "run as root, or add the user to the group owning /dev/dahdi/ctl (asterisk or dialout on Debian)")

    public static let controlDeviceError = CheckDefinition(
        id: "control-device-error", family: "driver", severity: .unknown,
        title: "/dev/dahdi/ctl does not answer DAHDI requests",
        explanation: """
            The control device could be opened but DAHDI requests on it fail (for example ENOTTY: it is not a DAHDI \
            device), so the kernel's state is unknown.
            """,
        remediation: "check what /dev/dahdi/ctl is (ls -l /dev/dahdi; it should be character device 196:0)")

    public static let moduleNotLoaded = CheckDefinition(
        id: "module-not-loaded", family: "driver", severity: .warning,
        title: "a module in /etc/dahdi/modules is not loaded",
        explanation: """
            /etc/dahdi/modules lists the card drivers the dahdi service loads at boot. One of them is not loaded: its \
            card will have no spans. The module may have failed to load (missing firmware, dropped hardware support) \
            or the card is absent.
            """,
        remediation: "modprobe the module and read dmesg; remove it from /etc/dahdi/modules if the card is gone",
        faults: ["C01", "C03"])

    public static let noDevices = CheckDefinition(
        id: "no-dahdi-devices", family: "driver", severity: .critical,
        title: "DAHDI loaded but no device registered",
        explanation: """
            The DAHDI core is loaded and answers, but no card driver registered a device. Either the card's driver is \
            not loaded, it does not support this card (DAHDI 3.x dropped the TDM800P, AEX800, TDM410P and AEX410), or \
            the hardware is missing.
            """,
        remediation: "check lspci/lsusb and dahdi_hardware for the card and its driver; load the driver or install one that supports the card",
        faults: ["C03"])

    public static let notInUse = CheckDefinition(
        id: "dahdi-not-in-use", family: "driver", severity: .info,
        title: "DAHDI is not used on this box",
        explanation: "The DAHDI driver is not loaded and nothing configures it (no channels in /etc/dahdi/system.conf, no modules in /etc/dahdi/modules): a gateway-only or SIP-only box. DAHDI checks are skipped.",
        remediation: "nothing to do, unless this box should have a DAHDI card")

    public static let procUnparsed = CheckDefinition(
        id: "proc-dahdi-unparsed", family: "driver", severity: .unknown,
        title: "a /proc/dahdi line was not understood",
        explanation: """
            /proc/dahdi/N is the only place the kernel prints timing slips, and its channel lines say which channels \
            Asterisk holds and their echo canceller. A line or word there that no rule of dahdi-doctor recognises \
            (a driver newer than the versions read, a patched driver, a name with a space) is not guessed at: what \
            it would have said is unknown. Channels of that span are read from sysfs instead where sysfs has them.
            """,
        remediation: "compare the quoted line with the driver's version (cat /sys/module/dahdi/version) and report it to dahdi-doctor's maintainers with that version")

    public static let definitions = [notInUse, driverNotLoaded, controlDeviceMissing, controlDeviceDenied, controlDeviceError,
                                     moduleNotLoaded, noDevices, procUnparsed]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        let readings = context.observation.dahdi
        var findings: [Finding] = []
        switch readings.control {
        case .missing(let path):
            if readings.sysfs?.moduleLoaded == true {
                findings.append(Finding(Self.controlDeviceMissing, subject: "DAHDI", message: "dahdi is loaded but \(path) does not exist",
                                        evidence: [Evidence("control device", "absent", source: path),
                                                   Evidence("dahdi module", "loaded", source: "/sys/module/dahdi")],
                                        key: "driver", causeKey: ContainerChecks.causeKey(context)))
            } else if !context.dahdiConfigured && !(context.observation.dahdiDemand?.needs.isEmpty == false) {
                findings.append(Finding(Self.notInUse, subject: "DAHDI", message: "DAHDI is not loaded and not configured on this box",
                                        evidence: [Evidence("dahdi module", "absent", source: "/sys/module/dahdi"),
                                                   Evidence("system.conf", context.observation.config.systemConf?.value == nil ? "absent" : "no channels",
                                                            source: context.observation.config.systemConf?.path ?? "/etc/dahdi/system.conf")],
                                        key: "driver"))
            } else if context.dahdiConfigured {
                let modules = context.observation.config.modules.map(\.name)
                var evidence = [Evidence("dahdi module", "absent", source: "/sys/module/dahdi"),
                                Evidence("control device", "absent", source: path)]
                if let system = context.systemConf, !system.channels.isEmpty {
                    evidence.append(Evidence("system.conf", "\(system.channels.count) channel(s) configured",
                                             source: context.observation.config.systemConf?.path ?? "/etc/dahdi/system.conf"))
                }
                findings.append(Finding(Self.driverNotLoaded, subject: "DAHDI", message: "the DAHDI driver is not loaded",
                                        evidence: evidence,
                                        remediation: modules.isEmpty ? nil : "modprobe dahdi " + modules.joined(separator: " ")
                                            + " (the modules /etc/dahdi/modules lists); if modprobe fails, rebuild them for the running kernel (dkms status, linux-headers-$(uname -r))",
                                        key: "driver", causeKey: KernelModuleChecks.key))
            }
        case .permissionDenied(let path, let error):
            findings.append(Finding(Self.controlDeviceDenied, subject: "DAHDI", message: "cannot open \(path): \(error.message)",
                                    evidence: [Evidence("open", error.description, source: path)], key: "driver",
                                    causeKey: ContainerChecks.causeKey(context)))
        case .failed(let path, let error):
            findings.append(Finding(Self.controlDeviceError, subject: "DAHDI", message: "\(path) fails: \(error)",
                                    evidence: [Evidence("open", error.description, source: path)], key: "driver"))
        case .opened(let path):
            let failures = readings.failures.filter { $0.error.endsTheWalk && !$0.error.isNotFound }
            if let first = failures.first, readings.spans.isEmpty {
                findings.append(Finding(Self.controlDeviceError, subject: "DAHDI", message: "\(path) answers \(first.error.name) to \(first.what)",
                                        evidence: failures.map { Evidence($0.what, $0.error.description, source: path) },
                                        key: "driver"))
            } else if context.inventory.devices.isEmpty && readings.spans.isEmpty
                        && !(context.observation.dahdiDemand?.needs.isEmpty == false && !TimingOnlyChecks.cardsExpected(context)) {
                // (A card-less box whose Asterisk uses DAHDI only for timing is dahdi-timing-only, not a fault.)
                findings.append(Finding(Self.noDevices, subject: "DAHDI", message: "DAHDI \(readings.version?.version ?? "") is loaded but no device is registered",
                                        evidence: [Evidence("devices", "0", source: "/sys/bus/dahdi_devices/devices"),
                                                   Evidence("spans", "0", source: "DAHDI_SPANSTAT 1..127")],
                                        key: "driver"))
            }
        }
        // One finding per /proc/dahdi file with lines not understood, quoting the first few.
        for (file, issues) in Dictionary(grouping: readings.parseIssues, by: \.file).sorted(by: { $0.key < $1.key }) {
            let first = issues[0]
            findings.append(Finding(Self.procUnparsed, subject: file,
                                    message: "\(issues.count) line(s) of \(file) not understood, first line \(first.line): \(first.message): \"\(first.text.trimmingWhitespace())\"",
                                    evidence: issues.prefix(5).map { Evidence("line \($0.line)", "\($0.message): \($0.text.trimmingWhitespace())", source: "\(file):\($0.line)") },
                                    key: "proc-unparsed:\(file)"))
        }
        let modulesFile = context.observation.config.dahdiModules?.path ?? "/etc/dahdi/modules"
        for module in context.observation.config.modules where !module.loaded {
            findings.append(Finding(Self.moduleNotLoaded, subject: "module \(module.name)",
                                    message: "\(module.name) is listed in \(modulesFile) but not loaded",
                                    evidence: [Evidence("listed", "line \(module.line)", source: "\(modulesFile):\(module.line)"),
                                               Evidence("loaded", "no", source: "/sys/module/\(module.name)")],
                                    causeKey: "driver"))
        }
        return findings
    }
}
