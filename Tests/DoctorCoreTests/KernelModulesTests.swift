import Testing
@testable import DoctorCore

/// The parsers behind the kernel-modules, timing-only and interrupt checks, on fixture files with golden JSON.
@Suite struct KernelModulesParserTests {
    struct Golden<T: Encodable>: Encodable { var parsed: T }

    @Test(arguments: ["debian-updated-no-headers", "rhel-weak-updates", "source-install"])
    func modulesListing(name: String) throws {
        let kernels = ModulesTree.parse(listing: try Fixtures.read("kernel-modules/\(name).listing"), modulesRoot: "/lib/modules")
        try Fixtures.assertGolden(try JSONOutput.encode(kernels) + "\n", "kernel-modules/\(name).json")
    }

    @Test(arguments: ["dkms-build-failed", "dkms-built-not-installed"])
    func dkmsTree(name: String) throws {
        let state = DkmsState.parse(listing: try Fixtures.read("kernel-modules/\(name).dkms"), root: "/var/lib/dkms/dahdi")
        try Fixtures.assertGolden(try JSONOutput.encode(state) + "\n", "kernel-modules/\(name).json")
    }

    @Test(arguments: ["kmsg-rejected", "syslog-exec-format"])
    func kernelLog(name: String) throws {
        let events = KernelLogParser.parse(try Fixtures.read("kernel-modules/\(name).txt"))
        try Fixtures.assertGolden(try JSONOutput.encode(events) + "\n", "kernel-modules/\(name).json")
    }

    @Test(arguments: ["interrupts-a", "interrupts-b"])
    func interrupts(name: String) throws {
        let lines = ProcInterruptsParser.parse(try Fixtures.read("kernel-modules/\(name).txt"))
        try Fixtures.assertGolden(try JSONOutput.encode(lines) + "\n", "kernel-modules/\(name).json")
    }

    @Test(arguments: ["modules-allstar", "modules-freepbx-autoload"])
    func modulesConf(name: String) throws {
        let demand = DahdiDemand.parse(modulesConf: try Fixtures.read("kernel-modules/\(name).conf"), file: "/etc/asterisk/modules.conf",
                                       installed: ["app_meetme.so", "app_rpt.so", "chan_dahdi.so", "res_timing_timerfd.so"],
                                       installedSource: "/usr/lib/asterisk/modules")
        try Fixtures.assertGolden(try JSONOutput.encode(demand) + "\n", "kernel-modules/\(name).json")
    }

    @Test func debianKernelUpdateWithoutHeaders() throws {
        let kernels = ModulesTree.parse(listing: try Fixtures.read("kernel-modules/debian-updated-no-headers.listing"), modulesRoot: "/lib/modules")
        #expect(kernels.map(\.version) == ["6.1.0-9-amd64", "6.1.0-10-amd64"])   // numeric order, not text order
        #expect(kernels[0].hasDahdiCore && kernels[0].headers)
        #expect(!kernels[1].hasDahdiCore && !kernels[1].headers && kernels[1].modules.isEmpty)
        #expect(kernels[0].modules.map(\.name).contains("dahdi_echocan_mg2"))
        #expect(kernels[0].modules.allSatisfy { $0.place == "updates" })
    }

    @Test func weakUpdatesDanglingLinkIsNotAModule() throws {
        let kernels = ModulesTree.parse(listing: try Fixtures.read("kernel-modules/rhel-weak-updates.listing"), modulesRoot: "/lib/modules")
        let newer = try #require(kernels.last)
        #expect(newer.version == "4.18.0-513.5.1.el8_9.x86_64")
        #expect(!newer.hasDahdiCore)
        #expect(newer.modules.map(\.name) == ["dahdi", "wcte43x"] && newer.modules.map(\.usable) == [false, true])
        #expect(!kernels.contains { $0.version.hasPrefix(".") })
    }

    @Test func dkmsStates() throws {
        let failed = DkmsState.parse(listing: try Fixtures.read("kernel-modules/dkms-build-failed.dkms"), root: "r")
        #expect(failed.versions == ["3.1.0"] && failed.makeLogs == ["3.1.0"])
        #expect(failed.builds == [.init(version: "3.1.0", kernel: "6.1.0-9-amd64", arch: "x86_64", installed: true)])
        let notInstalled = DkmsState.parse(listing: try Fixtures.read("kernel-modules/dkms-built-not-installed.dkms"), root: "r")
        #expect(notInstalled.builds(for: "6.1.0-10-amd64").map(\.installed) == [false])
        #expect(notInstalled.builds(for: "6.1.0-9-amd64").map(\.installed) == [true])
    }

    /// Found by fuzz-kernel-modules: two builds of one version for one kernel (two arches) came out in hash order.
    @Test func dkmsBuildsOfOneKernelAreOrderedByArch() {
        let listing = "3.1.0/6.1.0-9-amd64/x86_64/module/dahdi.ko\n3.1.0/6.1.0-9-amd64/i686/module/dahdi.ko\n3.1.0/6.1.0-9-amd64/aarch64/module/dahdi.ko\n"
        for _ in 0..<20 {
            #expect(DkmsState.parse(listing: listing, root: "r").builds.map(\.arch) == ["aarch64", "i686", "x86_64"])
        }
    }

    @Test func kernelLogClassification() throws {
        let events = KernelLogParser.parse(try Fixtures.read("kernel-modules/kmsg-rejected.txt"))
        #expect(events.map(\.kind) == [.unsignedTainted, .wrongKernel, .unknownSymbol, .unknownSymbol, .signatureRejected, .signatureRejected])
        #expect(events.map(\.module) == ["dahdi", "wct4xxp", "wct4xxp", "wctdm24xxp", nil, nil])
        let syslog = KernelLogParser.parse(try Fixtures.read("kernel-modules/syslog-exec-format.txt"))
        #expect(syslog.map(\.kind) == [.wrongKernel, .wrongKernel, .interruptsNotDetected, .interruptsNotDetected])
        #expect(syslog.first?.message.hasPrefix("dahdi: version magic") == true)
        #expect(syslog[1].module == "dahdi")
    }

    @Test func interruptLines() throws {
        let lines = ProcInterruptsParser.parse(try Fixtures.read("kernel-modules/interrupts-a.txt"))
        let irq16 = try #require(lines.first { $0.irq == "16" })
        #expect(irq16.count == 1_765_556 && irq16.handlers == ["ehci_hcd:usb1", "wct4xxp"])
        #expect(lines.first { $0.irq == "24" }?.handlers == ["eth0"])
        #expect(lines.first { $0.irq == "ERR" }?.count == 0)
        #expect(lines.first { $0.irq == "LOC" }?.handlers == ["Local timer interrupts"] || lines.first { $0.irq == "LOC" } != nil)
    }

    @Test func modulesConfNeeds() throws {
        let allstar = DahdiDemand.parse(modulesConf: try Fixtures.read("kernel-modules/modules-allstar.conf"), file: "m", installed: nil, installedSource: "d")
        #expect(allstar.needs.map(\.module) == ["res_timing_dahdi.so", "app_rpt.so"])   // chan_dahdi is noloaded; [other] is not [modules]
        #expect(allstar.needs.map(\.source) == ["m:4", "m:5"])
        #expect(allstar.issues.map(\.line) == [9])
        let freepbx = DahdiDemand.parse(modulesConf: try Fixtures.read("kernel-modules/modules-freepbx-autoload.conf"), file: "m",
                                        installed: ["app_meetme.so", "app_rpt.so", "chan_dahdi.so"], installedSource: "d")
        #expect(freepbx.needs.map(\.module) == ["app_meetme.so"])   // autoloaded; app_rpt noloaded; chan_dahdi not a need by autoload
        #expect(DahdiDemand.parse(modulesConf: nil, file: "m", installed: ["app_meetme.so"], installedSource: "d").needs.isEmpty)
    }

    /// modules.conf goes through the Asterisk syntax layer: a FreePBX-style `#include` counts, a `;-- --;` block
    /// comment does not, and a refused include is an issue, not a silent "no demand".
    @Test func modulesConfIncludesAndBlockComments() {
        let files: [String: String] = [
            "/etc/asterisk/modules.conf": "[modules]\nautoload=no\n;--\nload => app_meetme.so\n--;\n#include modules_custom.conf\n#include missing.conf\n",
            "/etc/asterisk/modules_custom.conf": "load => res_timing_dahdi\n",
        ]
        let source = AsteriskConfigSource(configDirectory: "/etc/asterisk", read: { path in
            files[path].map { .success($0) } ?? .failure(SystemError(code: 2, name: "ENOENT", message: "No such file or directory"))
        })
        let demand = DahdiDemand.load(source: source, installed: nil, installedSource: "d")
        #expect(demand.needs.map(\.module) == ["res_timing_dahdi.so"])
        #expect(demand.needs.map(\.source) == ["/etc/asterisk/modules_custom.conf:1"])
        #expect(demand.issues.contains { $0.line == 7 && $0.message.contains("missing.conf") })
        let absent = DahdiDemand.load(source: AsteriskConfigSource(read: { _ in .failure(SystemError(code: 2, name: "ENOENT", message: "x")) }),
                                      installed: ["app_meetme.so"], installedSource: "d")
        #expect(absent.modulesConf == nil && absent.needs.isEmpty && absent.issues.isEmpty)
    }

    @Test func kernelVersionOrder() {
        #expect(KernelVersion.less("6.1.0-9-amd64", "6.1.0-10-amd64"))
        #expect(!KernelVersion.less("6.1.0-10-amd64", "6.1.0-9-amd64"))
        #expect(KernelVersion.less("4.18.0-477.10.1.el8_8.x86_64", "4.18.0-513.5.1.el8_9.x86_64"))
        #expect(KernelVersion.less("5.4.0-150-generic", "5.15.0-91-generic"))
    }

    @Test func survivesHostileInput() {
        let inputs = ["", "\n", "/", "//", " -> ", "a/b/c/d/e/f.ko -> x", String(repeating: "9", count: 5000) + "/x/y.ko",
                      "\u{0}\u{1}/\u{ff}", "6,1,2,-;", "kernel: [", "CPU0\n 1: 99999999999999999999999999 x", ":", "[modules]\nload=>\n=\n"]
        for input in inputs {
            _ = ModulesTree.parse(listing: input, modulesRoot: "/")
            _ = DkmsState.parse(listing: input, root: "/")
            _ = KernelLogParser.parse(input)
            _ = ProcInterruptsParser.parse(input)
            _ = DahdiDemand.parse(modulesConf: input, file: "f", installed: [input], installedSource: "d")
            _ = KernelVersion.less(input, input + "1")
        }
    }
}
