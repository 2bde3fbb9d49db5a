import DoctorCore
import DoctorSystem

/// Reads where the DAHDI modules are installed and what the kernel said about them, every path under an injectable
/// root: `fsRoot` for /lib/modules, /usr/src, /var/lib/dkms, /run/reboot-required and /var/log; `procfsRoot` for the
/// running kernel's release; `devfsRoot` for /dev/kmsg. It writes listings that the pure parsers in DoctorCore read.
public struct KernelModulesReader: Sendable {
    public var fsRoot: String
    public var procfsRoot: String
    public var devfsRoot: String

    public init(fsRoot: String = "/", procfsRoot: String = "/proc", devfsRoot: String = "/dev") {
        self.fsRoot = fsRoot; self.procfsRoot = procfsRoot; self.devfsRoot = devfsRoot
    }

    /// Entries walked per out-of-tree directory, so a damaged tree cannot make a read slow.
    static let walkLimit = 4000

    public func read(kernelLog: Bool = true) -> KernelModulesObservation {
        let osrelease = joinPath(procfsRoot, "sys/kernel/osrelease")
        let running = (try? system_readSmallFile(osrelease, limit: 512).get())
            .map { String($0.trimmingCharacters()) }.flatMap { $0.isEmpty ? nil : $0 }
        let modulesRoot = joinPath(fsRoot, "lib/modules")
        var observation = KernelModulesObservation(runningKernel: running, runningKernelSource: osrelease,
                                                   kernels: ModulesTree.parse(listing: modulesListing(modulesRoot), modulesRoot: modulesRoot),
                                                   modulesRoot: modulesRoot)
        observation.dkms = dkms()
        observation.dahdiTools = dahdiTools()
        if kernelLog { readKernelLog(into: &observation) }
        for directory in ["run", "var/run"] {
            let marker = joinPath(fsRoot, directory + "/reboot-required")
            guard system_exists(marker) else { continue }
            let packages = (try? system_readSmallFile(marker + ".pkgs", limit: 1 << 16).get()).map(RebootRequired.parsePackages) ?? []
            observation.rebootRequired = RebootRequired(source: marker, packages: packages)
            break
        }
        return observation
    }

    /// `K/`, `K/build` when the headers resolve, and every DAHDI module file under K's out-of-tree directories.
    func modulesListing(_ modulesRoot: String) -> String {
        guard case .success(let versions) = system_listDirectory(modulesRoot) else { return "" }
        var lines: [String] = []
        for version in versions.prefix(200) where system_isDirectory(joinPath(modulesRoot, version)) {
            lines.append(version + "/")
            let build = joinPath(modulesRoot, version + "/build")
            if system_isDirectory(build) {
                lines.append(version + "/build")
            } else if system_isDirectory(joinPath(fsRoot, "usr/src/linux-headers-" + version)) {
                lines.append(version + "/build")
            }
            for place in ModulesTree.outOfTreeDirectories {
                walk(joinPath(modulesRoot, version + "/" + place), relative: version + "/" + place, into: &lines)
            }
        }
        return lines.joined(separator: "\n")
    }

    func walk(_ directory: String, relative: String, into lines: inout [String]) {
        var pending = [(directory, relative)]
        var visited = 0
        while let (current, name) = pending.popLast(), visited < Self.walkLimit {
            guard case .success(let entries) = system_listDirectory(current) else { continue }
            for entry in entries {
                visited += 1
                let path = current + "/" + entry, rel = name + "/" + entry
                if ModulesTree.moduleName(entry) != nil {
                    if system_isSymlink(path) {
                        let target = system_readLink(path) ?? "?"
                        lines.append(rel + " -> " + target + (system_exists(path) ? "" : " (dangling)"))
                    } else {
                        lines.append(rel)
                    }
                } else if !system_isSymlink(path) && system_isDirectory(path) {
                    pending.append((path, rel))
                }
            }
        }
    }

    func dkms() -> DkmsState? {
        let root = joinPath(fsRoot, "var/lib/dkms/dahdi")
        guard case .success(let top) = system_listDirectory(root) else { return nil }
        var lines: [String] = []
        for entry in top.prefix(200) {
            let path = root + "/" + entry
            if system_isSymlink(path) {
                lines.append(entry + " -> " + (system_readLink(path) ?? "?"))
                continue
            }
            guard system_isDirectory(path) else { continue }
            lines.append(entry + "/")
            if system_exists(path + "/build/make.log") { lines.append(entry + "/build/make.log") }
            guard case .success(let kernels) = system_listDirectory(path) else { continue }
            for kernel in kernels.prefix(100) where kernel != "build" && kernel != "source" {
                guard case .success(let arches) = system_listDirectory(path + "/" + kernel) else { continue }
                for arch in arches.prefix(8) {
                    guard case .success(let files) = system_listDirectory(path + "/" + kernel + "/" + arch + "/module") else { continue }
                    for file in files.prefix(200) { lines.append([entry, kernel, arch, "module", file].joined(separator: "/")) }
                }
            }
        }
        return DkmsState.parse(listing: lines.joined(separator: "\n"), root: root)
    }

    /// The dahdi-tools scripts that read the span-type attribute (under fsRoot's /usr/sbin, /usr/local/sbin, /sbin),
    /// which name each reads, and the dpkg package that installed them (when one reads only the old name). Nil when no such script is installed.
    func dahdiTools() -> DahdiToolsObservation? {
        var scripts: [DahdiToolsScript] = []
        for directory in SpanTypeAttribute.directories {
            for name in SpanTypeAttribute.scripts {
                let path = joinPath(fsRoot, directory + "/" + name)
                // /sbin is often a symlink to /usr/sbin: the same script is listed once.
                guard !scripts.contains(where: { $0.path.hasSuffix("/" + name) && directory == "sbin" }),
                      case .success(let text) = system_readSmallFile(path, limit: 1 << 20) else { continue }
                scripts.append(DahdiToolsScript(path: path, spanTypeNames: SpanTypeAttribute.namesRead(byScript: text)))
            }
        }
        guard !scripts.isEmpty else { return nil }
        var tools = DahdiToolsObservation(scripts: scripts)
        // The version only goes into span-type-attribute-unread's evidence: dpkg's status (megabytes) is read only
        // when a script could be blind to the kernel's name.
        guard scripts.contains(where: { $0.readsOldNameOnly && SpanTypeAttribute.decidingScripts.contains($0.name) }) else { return tools }
        let status = joinPath(fsRoot, "var/lib/dpkg/status")
        if case .success(let text) = system_readSmallFile(status, limit: 64 << 20),
           let package = DpkgStatus.installed(SpanTypeAttribute.packages, in: text) {
            tools.packageName = package.name; tools.packageVersion = package.version; tools.packageSource = status
        }
        return tools
    }

    /// /dev/kmsg (the kernel's ring buffer since boot), else the end of the syslog's kernel log.
    func readKernelLog(into observation: inout KernelModulesObservation) {
        let kmsg = joinPath(devfsRoot, "kmsg")
        var reasons: [String] = []
        switch system_readKernelLog(kmsg, maxBytes: 4 << 20) {
        case .success(let text):
            observation.kernelLog = KernelLogParser.parse(text); observation.kernelLogSource = kmsg; return
        case .failure(let error): reasons.append("\(kmsg): \(error.description)")
        }
        for file in ["var/log/kern.log", "var/log/messages"] {
            let path = joinPath(fsRoot, file)
            switch system_readFileTail(path, maxBytes: 2 << 20) {
            case .success(let text):
                observation.kernelLog = KernelLogParser.parse(text); observation.kernelLogSource = path; return
            case .failure(let error): reasons.append("\(path): \(error.description)")
            }
        }
        observation.kernelLogUnavailable = reasons.joined(separator: "; ")
    }
}

/// Two /proc/interrupts readings `interval` seconds apart (a live card's IRQ grows by about 1000 a second).
public struct InterruptsReader: Sendable {
    public var procfsRoot: String
    public init(procfsRoot: String = "/proc") { self.procfsRoot = procfsRoot }

    public var path: String { joinPath(procfsRoot, "interrupts") }

    public func sample() -> (lines: [InterruptLine], at: Double)? {
        guard case .success(let text) = system_readSmallFile(path, limit: 1 << 20) else { return nil }
        return (ProcInterruptsParser.parse(text), system_monotonicSeconds())
    }
}

private extension String {
    func trimmingCharacters() -> Substring {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == " " || last == "\r" || last == "\0" { text = text.dropLast() }
        while let first = text.first, first == " " { text = text.dropFirst() }
        return text
    }
}
