import DoctorCore
import FuzzSupport

/// The kernel-modules family's parsers on one input: the /lib/modules and DKMS listings, the kernel log, two
/// /proc/interrupts samples (the input split in half) and modules.conf. Never traps, deterministic, encodable;
/// every module found is a DAHDI module and every interrupt line keeps its handlers inside its description.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = Fuzz.text(Fuzz.bytes(data, size))
    let kernels = ModulesTree.parse(listing: text, modulesRoot: "/lib/modules")
    Fuzz.require(kernels == ModulesTree.parse(listing: text, modulesRoot: "/lib/modules"), "two module listings differ")
    for kernel in kernels {
        for module in kernel.modules {
            Fuzz.require(ModulesTree.isDahdiModule(module.name), "module \(module.name) is not DAHDI's")
        }
    }
    for (a, b) in zip(kernels, kernels.dropFirst()) {
        Fuzz.require(!KernelVersion.less(b.version, a.version), "kernels out of order: \(a.version) \(b.version)")
    }
    _ = Fuzz.json(kernels, "InstalledKernel")
    let dkms = DkmsState.parse(listing: text, root: "/var/lib/dkms/dahdi")
    Fuzz.require(dkms == DkmsState.parse(listing: text, root: "/var/lib/dkms/dahdi"), "two DKMS parses differ")
    _ = Fuzz.json(dkms, "DkmsState")
    let events = KernelLogParser.parse(text)
    Fuzz.require(events.count <= 50 && events.allSatisfy { $0.message.count <= 300 }, "kernel log events unbounded")
    _ = Fuzz.json(events, "KernelLogEvent")
    let half = text.index(text.startIndex, offsetBy: text.count / 2)
    let first = ProcInterruptsParser.parse(String(text[..<half])), second = ProcInterruptsParser.parse(String(text[half...]))
    for line in first + second {
        Fuzz.require(line.handlers.allSatisfy { line.description.contains($0) }, "handler outside its description")
    }
    _ = Fuzz.json(InterruptSamples(source: "/proc/interrupts", first: first, second: second, intervalSeconds: 0.05), "InterruptSamples")
    let demand = DahdiDemand.parse(modulesConf: text, file: "/etc/asterisk/modules.conf", installed: ["app_meetme.so"], installedSource: "d")
    Fuzz.require(demand.needs.allSatisfy { DahdiDemand.dahdiModules.contains($0.module) }, "a need that is not a DAHDI module")
    Fuzz.checkIssues(demand.issues, text: text, file: "/etc/asterisk/modules.conf")
    _ = Fuzz.json(demand, "DahdiDemand")
    return 0
}
