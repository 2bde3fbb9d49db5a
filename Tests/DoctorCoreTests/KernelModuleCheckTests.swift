import Testing
@testable import DoctorCore

/// The kernel-modules, timing-only and interrupt checks on observations built from the parsers' fixtures.
@Suite struct KernelModuleCheckTests {
    let unloadedModules = ConfigObservation(modules: [ModuleState(name: "wct4xxp", loaded: false, line: 3)])

    func missingDriver(_ modules: KernelModulesObservation?, config: ConfigObservation? = nil) -> Observation {
        var observed = observation(spans: [], control: .missing(path: "/dev/dahdi/ctl"), sysfs: SysfsSnapshot(moduleLoaded: false),
                                   config: config ?? unloadedModules)
        observed.kernelModules = modules
        return observed
    }

    func modules(_ listing: String, running: String, dkms: String? = nil, log: String? = nil,
                 reboot: RebootRequired? = nil) throws -> KernelModulesObservation {
        KernelModulesObservation(
            runningKernel: running, runningKernelSource: "/proc/sys/kernel/osrelease",
            kernels: ModulesTree.parse(listing: try Fixtures.read("kernel-modules/\(listing).listing"), modulesRoot: "/lib/modules"),
            modulesRoot: "/lib/modules",
            dkms: try dkms.map { DkmsState.parse(listing: try Fixtures.read("kernel-modules/\($0).dkms"), root: "/var/lib/dkms/dahdi") },
            kernelLog: try log.map { KernelLogParser.parse(try Fixtures.read("kernel-modules/\($0).txt")) },
            kernelLogSource: log == nil ? nil : "/dev/kmsg", rebootRequired: reboot)
    }

    @Test func otherKernelWithoutHeadersIsTheRootOfDriverNotLoaded() throws {
        let report = Diagnosis.run(missingDriver(try modules("debian-updated-no-headers", running: "6.1.0-10-amd64",
                                                             dkms: "dkms-build-failed")), generator: "t")
        #expect(ids(report) == ["dahdi-modules-other-kernel"])
        let root = try #require(report.findings.first)
        #expect(root.message.contains("6.1.0-9-amd64") && root.message.contains("6.1.0-10-amd64"))   // both kernels, one root
        #expect(root.message.hasSuffix("the headers for 6.1.0-10-amd64 are not installed, so nothing could build for it"))
        #expect(root.remediation.hasPrefix("install linux-headers-6.1.0-10-amd64"))
        #expect(root.consequences.map(\.id) == ["driver-not-loaded"])
        #expect(root.consequences[0].consequences.map(\.id) == ["module-not-loaded"])
        #expect(root.evidence.contains { $0.label == "dahdi.ko for 6.1.0-9-amd64" && $0.value == "/lib/modules/6.1.0-9-amd64/updates/dkms/dahdi.ko" })
        #expect(root.evidence.contains { $0.label == "headers for 6.1.0-10-amd64" && $0.value == "missing" })
    }

    @Test func headersInstalledThenTheDkmsStateDecides() throws {
        var state = try modules("debian-updated-no-headers", running: "6.1.0-10-amd64", dkms: "dkms-build-failed")
        state.kernels[1].headers = true
        let failed = Diagnosis.run(missingDriver(state), generator: "t")
        #expect(failed.findings.first?.remediation.hasPrefix("read /var/lib/dkms/dahdi/3.1.0/build/make.log") == true)

        state.dkms = DkmsState.parse(listing: try Fixtures.read("kernel-modules/dkms-built-not-installed.dkms"), root: "/var/lib/dkms/dahdi")
        let built = Diagnosis.run(missingDriver(state), generator: "t")
        #expect(built.findings.first?.remediation == "dkms install dahdi/3.4.0 -k 6.1.0-10-amd64, then start dahdi")

        state.dkms = DkmsState(root: "/var/lib/dkms/dahdi", versions: ["3.4.0"], builds: [], makeLogs: [])
        let notRun = Diagnosis.run(missingDriver(state), generator: "t")
        #expect(notRun.findings.first?.remediation.hasPrefix("dkms autoinstall -k 6.1.0-10-amd64") == true)

        state.dkms = nil
        let source = Diagnosis.run(missingDriver(state), generator: "t")
        #expect(source.findings.first?.remediation.hasPrefix("rebuild dahdi-linux from source for 6.1.0-10-amd64") == true)
    }

    @Test func newerKernelWithModulesMeansRebootPending() throws {
        let report = Diagnosis.run(missingDriver(try modules("debian-updated-no-headers", running: "6.1.0-8-amd64",
                                                             reboot: RebootRequired(source: "/run/reboot-required", packages: ["linux-image-6.1.0-9-amd64"]))),
                                   generator: "t")
        #expect(ids(report) == ["dahdi-reboot-pending"])
        #expect(report.findings[0].remediation.hasPrefix("reboot into 6.1.0-9-amd64"))
        #expect(report.findings[0].evidence.contains { $0.value == "linux-image-6.1.0-9-amd64" && $0.source == "/run/reboot-required" })
    }

    @Test func weakUpdatesLinkToAGoneModule() throws {
        let report = Diagnosis.run(missingDriver(try modules("rhel-weak-updates", running: "4.18.0-513.5.1.el8_9.x86_64")), generator: "t")
        #expect(ids(report) == ["dahdi-modules-other-kernel"])
        #expect(report.findings[0].evidence.contains { $0.label == "weak-updates link" && $0.value == "dahdi: target missing" })
    }

    @Test func noModulesAnywhere() throws {
        let none = KernelModulesObservation(runningKernel: "6.1.0-10-amd64", runningKernelSource: "p",
                                            kernels: [InstalledKernel(version: "6.1.0-10-amd64", modules: [], headers: true)], modulesRoot: "/lib/modules")
        let report = Diagnosis.run(missingDriver(none), generator: "t")
        #expect(ids(report) == ["dahdi-modules-not-installed"])
        #expect(report.findings[0].consequences.map(\.id) == ["driver-not-loaded"])
    }

    @Test func modulesPresentButRefusedByTheKernel() throws {
        let report = Diagnosis.run(missingDriver(try modules("debian-updated-no-headers", running: "6.1.0-9-amd64", log: "kmsg-rejected")),
                                   generator: "t")
        #expect(ids(report) == ["dahdi-module-rejected"])
        #expect(report.findings[0].remediation.contains("Secure Boot"))
        // Present and nothing in the log: no claim beyond the driver's own finding.
        let quiet = Diagnosis.run(missingDriver(try modules("debian-updated-no-headers", running: "6.1.0-9-amd64")), generator: "t")
        #expect(ids(quiet) == ["driver-not-loaded"])
    }

    @Test func loadedDriverAndANewKernelWithoutModules() throws {
        var observed = observation(spans: [sampleSpan(1), sampleSpan(2)])
        observed.kernelModules = try modules("debian-updated-no-headers", running: "6.1.0-9-amd64")
        let report = Diagnosis.run(observed, generator: "t")
        #expect(ids(report) == ["dahdi-modules-missing-next-kernel"])
        #expect(report.findings[0].remediation.hasPrefix("install linux-headers-6.1.0-10-amd64, then dkms autoinstall -k 6.1.0-10-amd64"))
        #expect(report.status == .warning)
    }

    @Test func timingOnlyBoxes() throws {
        let demand = DahdiDemand.parse(modulesConf: try Fixtures.read("kernel-modules/modules-allstar.conf"), file: "/etc/asterisk/modules.conf",
                                       installed: nil, installedSource: "d")
        let noCards = ConfigObservation(systemConf: .absent(path: "/etc/dahdi/system.conf", reason: "ENOENT"))
        // Loaded, no card, no span: healthy information, not no-dahdi-devices.
        var loaded = observation(spans: [], sysfs: SysfsSnapshot(moduleLoaded: true), config: noCards)
        loaded.dahdiDemand = demand
        let nodes = ["ctl", "channel", "pseudo", "timer"].map {
            ContainerObservation.DeviceNode(path: "/dev/dahdi/" + $0, uid: 0, gid: 0, mode: 0o660, isCharacterDevice: true)
        }
        loaded.container = ContainerObservation(deviceNodes: nodes)
        let healthy = Diagnosis.run(loaded, generator: "t")
        #expect(ids(healthy) == ["dahdi-timing-only"] && healthy.status == .ok)

        loaded.container = ContainerObservation(deviceNodes: Array(nodes.prefix(2)))
        let missingNodes = Diagnosis.run(loaded, generator: "t")
        #expect(ids(missingNodes) == ["dahdi-timing-devices-missing"] && missingNodes.status == .critical)
        #expect(missingNodes.findings[0].evidence.map(\.label).prefix(2) == ["/dev/dahdi/pseudo", "/dev/dahdi/timer"])

        // Not loaded: not "DAHDI not in use" but timing unavailable, with the module state as its cause.
        var absent = observation(spans: [], control: .missing(path: "/dev/dahdi/ctl"), sysfs: SysfsSnapshot(moduleLoaded: false), config: noCards)
        absent.dahdiDemand = demand
        #expect(ids(Diagnosis.run(absent, generator: "t")) == ["dahdi-timing-unavailable"])
        absent.kernelModules = KernelModulesObservation(runningKernel: "6.1.0-10-amd64", runningKernelSource: "p",
                                                        kernels: [InstalledKernel(version: "6.1.0-10-amd64", modules: [], headers: false)], modulesRoot: "/lib/modules")
        let rooted = Diagnosis.run(absent, generator: "t")
        #expect(ids(rooted) == ["dahdi-modules-not-installed"] && rooted.findings[0].consequences.map(\.id) == ["dahdi-timing-unavailable"])

        // Nothing needs DAHDI: the old answer stands.
        absent.dahdiDemand = DahdiDemand()
        absent.kernelModules = nil
        #expect(ids(Diagnosis.run(absent, generator: "t")) == ["dahdi-not-in-use"])
    }

    @Test func deadInterruptLineIsTheRootOfTheSpanAlarms() throws {
        let a = ProcInterruptsParser.parse(try Fixtures.read("kernel-modules/interrupts-a.txt"))
        let b = ProcInterruptsParser.parse(try Fixtures.read("kernel-modules/interrupts-b.txt"))
        func box(growing: Bool) -> Observation {
            var observed = observation(spans: [sampleSpan(1, alarms: [.red]), sampleSpan(2, alarms: [.red])])
            let pci = [PCIDeviceRecord(address: "0000:03:04.0", vendor: 0xd161, device: 0x1420, driver: "wct4xxp")]
            observed.hardware = HardwareObservation.build(pci: pci, pciSource: SourceStatus(name: "pci", available: true, detail: ""),
                                                          usb: [], usbSource: SourceStatus(name: "usb", available: true, detail: ""),
                                                          dahdiDevices: ["pci:0000:03:04.0"])
            // The fixture's wct4xxp shares IRQ 16 with ehci: it grows in b. A copy of a stands for a dead line.
            observed.interrupts = InterruptSamples(source: "/proc/interrupts", first: a, second: growing ? b : a, intervalSeconds: 0.05)
            return observed
        }
        let dead = Diagnosis.run(box(growing: false), generator: "t")
        #expect(ids(dead) == ["card-interrupts-not-delivered"])
        let root = try #require(dead.findings.first)
        #expect(root.subject == "IRQ 16 (wct4xxp)")
        #expect(root.consequences.map(\.id) == ["span-red-alarm", "span-red-alarm"])
        #expect(root.evidence.first?.value.hasPrefix("1765556 then 1765556 over 0.05 s") == true)
        let live = Diagnosis.run(box(growing: true), generator: "t")
        #expect(ids(live) == ["span-red-alarm", "span-red-alarm"])
    }

    @Test func aCardNoDriverClaimedExplainsTheMissingChannels() throws {
        let system = SystemConfParser.parse("span=1,1,0,esf,b8zs\nbchan=1-23\ndchan=24\n", file: "/etc/dahdi/system.conf")
        var observed = observation(spans: [], sysfs: SysfsSnapshot(moduleLoaded: true),
                                   config: ConfigObservation(systemConf: .present(path: "/etc/dahdi/system.conf", value: system)))
        let pci = [PCIDeviceRecord(address: "0000:05:01.0", vendor: 0xe159, device: 0x0001, subVendor: 0x6159, subDevice: 0x0000)]
        observed.hardware = HardwareObservation.build(pci: pci, pciSource: SourceStatus(name: "pci", available: true, detail: ""),
                                                      usb: [], usbSource: SourceStatus(name: "usb", available: true, detail: ""))
        let report = Diagnosis.run(observed, generator: "t")
        let card = try #require(report.findings.first { $0.id == "card-without-driver" })
        #expect(card.message.contains("restored in DAHDI 3.4.0"))
        #expect(card.remediation.hasPrefix("install DAHDI 3.4.0 or later (its wct1xxp is back)"))
        #expect(card.consequences.map(\.id).contains("channel-missing-in-kernel"))
    }
}
