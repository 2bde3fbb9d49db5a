/// Where the DAHDI modules are installed, for which kernels, and what the kernel said when it tried to load them:
/// the evidence for "driver not loaded" that says which of the field's usual causes it is (modules built for
/// another kernel, never installed, rejected by the kernel, or a reboot still pending).
public struct KernelModulesObservation: Sendable, Hashable, Codable {
    /// The running kernel (`/proc/sys/kernel/osrelease`); nil when unreadable.
    public var runningKernel: String?
    public var runningKernelSource: String
    /// Every `/lib/modules/<K>` directory, newest name last.
    public var kernels: [InstalledKernel]
    public var modulesRoot: String
    /// DKMS's state for dahdi (`/var/lib/dkms/dahdi`); nil when DKMS has no dahdi tree.
    public var dkms: DkmsState?
    /// The kernel's log lines about DAHDI modules; nil when no log was readable (with the reason in `kernelLogUnavailable`).
    public var kernelLog: [KernelLogEvent]?
    public var kernelLogSource: String?
    public var kernelLogUnavailable: String?
    /// A reboot-required marker (Debian/Ubuntu `/run/reboot-required`), with the packages it names.
    public var rebootRequired: RebootRequired?
    /// The installed dahdi-tools scripts that read the devices' span-type attribute; nil when none is installed.
    public var dahdiTools: DahdiToolsObservation?

    public init(runningKernel: String?, runningKernelSource: String, kernels: [InstalledKernel], modulesRoot: String,
                dkms: DkmsState? = nil, kernelLog: [KernelLogEvent]? = nil, kernelLogSource: String? = nil,
                kernelLogUnavailable: String? = nil, rebootRequired: RebootRequired? = nil,
                dahdiTools: DahdiToolsObservation? = nil) {
        self.runningKernel = runningKernel; self.runningKernelSource = runningKernelSource; self.kernels = kernels
        self.modulesRoot = modulesRoot; self.dkms = dkms; self.kernelLog = kernelLog; self.kernelLogSource = kernelLogSource
        self.kernelLogUnavailable = kernelLogUnavailable; self.rebootRequired = rebootRequired
        self.dahdiTools = dahdiTools
    }

    public var running: InstalledKernel? { runningKernel.flatMap { name in kernels.first { $0.version == name } } }

    /// Kernels other than the running one that have dahdi.ko.
    public var otherKernelsWithDahdi: [InstalledKernel] {
        kernels.filter { $0.version != runningKernel && $0.hasDahdiCore }
    }
}

/// One `/lib/modules/<K>` directory: the DAHDI modules under it and whether it can build modules.
public struct InstalledKernel: Sendable, Hashable, Codable {
    public var version: String
    /// DAHDI module files, relative to `/lib/modules/<K>` (e.g. `updates/dkms/dahdi.ko.xz`).
    public var modules: [ModuleFile]
    /// `/lib/modules/<K>/build` resolves (or `/usr/src/linux-headers-<K>` exists): DKMS can build for it.
    public var headers: Bool
    public var headersSource: String?

    public init(version: String, modules: [ModuleFile], headers: Bool, headersSource: String? = nil) {
        self.version = version; self.modules = modules; self.headers = headers; self.headersSource = headersSource
    }

    public var hasDahdiCore: Bool { modules.contains { $0.name == "dahdi" && $0.usable } }
}

public struct ModuleFile: Sendable, Hashable, Codable {
    /// The module name as modprobe knows it (`dahdi`, `wct4xxp`), '-' written as '_'.
    public var name: String
    public var path: String
    /// updates, extra, dkms, weak-updates, dahdi (dahdi-linux's own `make install`), misc, kernel, other.
    public var place: String
    /// A weak-updates symlink whose target is gone is not usable.
    public var usable: Bool

    public init(name: String, path: String, place: String, usable: Bool = true) {
        self.name = name; self.path = path; self.place = place; self.usable = usable
    }
}

/// One line of a module listing: a path relative to `/lib/modules`, and `-> target` for a symlink whose target
/// is missing (`dangling`). The reader writes such a listing; `ModulesTree.parse` turns it into kernels.
public enum ModulesTree {
    /// Subdirectories of /lib/modules/<K> where out-of-tree modules are installed, in modprobe's search order.
    public static let outOfTreeDirectories = ["updates", "extra", "weak-updates", "dkms", "dahdi", "misc"]

    /// Whether a module file name (`wct4xxp.ko.xz`) belongs to DAHDI: the core, its drivers and echo cancellers.
    public static func moduleName(_ file: String) -> String? {
        guard let range = file.firstRange(of: ".ko") else { return nil }
        let rest = file[range.upperBound...]
        guard rest.isEmpty || [".xz", ".gz", ".zst"].contains(String(rest)) else { return nil }
        let name = String(file[..<range.lowerBound]).map { $0 == "-" ? "_" : $0 }
        let text = String(name)
        guard !text.isEmpty else { return nil }
        return isDahdiModule(text) ? text : nil
    }

    public static func isDahdiModule(_ name: String) -> Bool {
        let prefixes = ["dahdi", "wct", "wcte", "wctdm", "wcb4xxp", "wcfxo", "wcaxx", "wctc4xxp", "xpp", "xpd_", "tor2",
                        "pciradio", "opvxa", "opvxd", "zaphfc", "oct612x"]
        return prefixes.contains { name.hasPrefix($0) } || knownDrivers.contains(name)
    }

    static let knownDrivers: Set<String> = Set(KnownHardware.table.map(\.driver))
    /// `listing`: one entry per line, `K/relative/path.ko[.xz]`, optionally followed by ` -> TARGET (dangling)`
    /// for a broken symlink; `K/` alone names a kernel directory; `K/build` a kernel with headers. Lines that fit
    /// none of these are ignored (the reader writes the listing, nothing else does).
    public static func parse(listing: String, modulesRoot: String) -> [InstalledKernel] {
        var kernels: [String: InstalledKernel] = [:]
        for raw in listing.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            var line = String(raw)
            var usable = true
            if let arrow = line.firstRange(of: " -> ") {
                usable = !line[arrow.upperBound...].hasSuffix("(dangling)")
                line = String(line[..<arrow.lowerBound])
            }
            let parts = line.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            guard let version = parts.first, !version.hasPrefix("."), version.count <= 200 else { continue }
            var kernel = kernels[version] ?? InstalledKernel(version: version, modules: [], headers: false)
            if parts.count == 2 && parts[1] == "build" {
                kernel.headers = usable
                kernel.headersSource = modulesRoot + "/" + line
            } else if parts.count >= 3, let name = moduleName(parts[parts.count - 1]) {
                let place = outOfTreeDirectories.contains(parts[1]) ? parts[1] : (parts[1] == "kernel" ? "kernel" : "other")
                kernel.modules.append(ModuleFile(name: name, path: modulesRoot + "/" + line, place: place, usable: usable))
            }
            kernels[version] = kernel
        }
        return kernels.values.map { kernel in
            var sorted = kernel
            sorted.modules.sort { ($0.name, $0.path) < ($1.name, $1.path) }
            return sorted
        }.sorted { KernelVersion.less($0.version, $1.version) }
    }
}

/// Orders kernel release names the way a person reads them: 6.1.0-9-amd64 before 6.1.0-10-amd64.
public enum KernelVersion {
    public static func less(_ a: String, _ b: String) -> Bool {
        let x = numbers(a), y = numbers(b)
        for (p, q) in zip(x, y) where p != q { return p < q }
        return x.count != y.count ? x.count < y.count : a < b
    }

    static func numbers(_ text: String) -> [Int] {
        var result: [Int] = []
        var current = ""
        for character in text {
            if character.isASCII && character.isNumber { current.append(character) } else if !current.isEmpty {
                result.append(Int(current.prefix(18)) ?? 0); current = ""
            }
        }
        if !current.isEmpty { result.append(Int(current.prefix(18)) ?? 0) }
        return result
    }
}

/// DKMS's tree for dahdi: `/var/lib/dkms/dahdi/<version>/<kernel>/<arch>/module/*.ko` is a build; a
/// `kernel-<kernel>-<arch>` symlink beside the versions marks it installed; `<version>/build/make.log` without a
/// module for a kernel is the last failed (or unfinished) build.
public struct DkmsState: Sendable, Hashable, Codable {
    public struct Build: Sendable, Hashable, Codable {
        public var version: String
        public var kernel: String
        public var arch: String
        public var installed: Bool
        public init(version: String, kernel: String, arch: String, installed: Bool) {
            self.version = version; self.kernel = kernel; self.arch = arch; self.installed = installed
        }
    }

    public var root: String
    /// Source versions DKMS knows (`dkms add`).
    public var versions: [String]
    public var builds: [Build]
    /// Versions with a build/make.log (a build was attempted; DKMS keeps it after a failure).
    public var makeLogs: [String]

    public init(root: String, versions: [String], builds: [Build], makeLogs: [String]) {
        self.root = root; self.versions = versions; self.builds = builds; self.makeLogs = makeLogs
    }

    public func builds(for kernel: String) -> [Build] { builds.filter { $0.kernel == kernel } }

    /// `listing`: paths relative to `/var/lib/dkms/dahdi`, one a line, a symlink as `NAME -> TARGET`.
    public static func parse(listing: String, root: String) -> DkmsState {
        var versions = Set<String>(), installedLinks = Set<String>(), makeLogs = Set<String>()
        var built: [String: (String, String, String)] = [:]
        for raw in listing.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = String(raw)
            if line.hasPrefix("kernel-"), let arrow = line.firstRange(of: " -> ") {
                // kernel-6.1.0-9-amd64-x86_64 -> 3.1.0/6.1.0-9-amd64/x86_64
                let target = line[arrow.upperBound...].split(separator: "/").map(String.init).filter { $0 != ".." }
                if target.count >= 3 { installedLinks.insert(target.suffix(3).joined(separator: "/")) }
                continue
            }
            let parts = line.split(separator: "/").map(String.init)
            guard let version = parts.first, !version.isEmpty, !version.hasPrefix("kernel-"), !version.contains(" ") else { continue }
            if version == "source" || version == "original_module" { continue }
            versions.insert(version)
            if parts.count >= 3 && parts[1] == "build" && parts[2] == "make.log" { makeLogs.insert(version) }
            if parts.count >= 5 && parts[1] != "build" && parts[1] != "source" && parts[3] == "module",
               ModulesTree.moduleName(parts[4]) != nil {
                built[parts[0...2].joined(separator: "/")] = (parts[0], parts[1], parts[2])
            }
        }
        let builds = built.map { key, value in
            Build(version: value.0, kernel: value.1, arch: value.2, installed: installedLinks.contains(key))
        }.sorted { ($0.version, $0.kernel, $0.arch, $0.installed ? 1 : 0) < ($1.version, $1.kernel, $1.arch, $1.installed ? 1 : 0) }
        return DkmsState(root: root, versions: versions.sorted(), builds: builds, makeLogs: makeLogs.sorted())
    }
}

/// A kernel log line about a DAHDI module, classified.
public struct KernelLogEvent: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// "disagrees about version of symbol", "version magic ... should be", "Exec format error",
        /// "Invalid module format": built for another kernel.
        case wrongKernel = "wrong-kernel"
        /// "Unknown symbol X": a dependency missing, or built against other headers.
        case unknownSymbol = "unknown-symbol"
        /// Secure Boot / lockdown refused an unsigned module ("Loading of unsigned module is rejected",
        /// "Key was rejected by service", "Lockdown: ... unsigned module loading is restricted").
        case signatureRejected = "signature-rejected"
        /// "module verification failed: signature and/or required key missing - tainting kernel": it loaded anyway.
        case unsignedTainted = "unsigned-tainted"
        /// "Interrupts not detected" (wct4xxp and others): the card's IRQ never fired.
        case interruptsNotDetected = "interrupts-not-detected"
    }

    public var kind: Kind
    public var module: String?
    /// The line's message text (the kernel's words), at most 300 characters.
    public var message: String

    public init(kind: Kind, module: String?, message: String) {
        self.kind = kind; self.module = module; self.message = message
    }
}

public enum KernelLogParser {
    /// Classifies the DAHDI-related lines of a kernel log: `/dev/kmsg` records (`6,123,456,-;dahdi: ...`), dmesg
    /// lines (`[   12.3] dahdi: ...`) or syslog lines (`... kernel: [12.3] dahdi: ...`). Keeps the last 50 events,
    /// one per distinct message.
    public static func parse(_ text: String) -> [KernelLogEvent] {
        var events: [KernelLogEvent] = []
        var seen = Set<String>()
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            guard raw.utf8.count < 4096, !cannotClassify(raw) else { continue }
            let message = messageText(String(raw))
            guard let event = classify(message), seen.insert(event.message).inserted else { continue }
            events.append(event)
        }
        return Array(events.suffix(50))
    }

    /// Every phrase `classify` looks for, lowercased (ASCII). A boot log has thousands of lines and a handful of
    /// them matter: under QEMU TCG, lowercasing and searching every line as Strings was a fifth of `check`.
    static let phrases: [[UInt8]] = [
        "interrupts not detected", "module verification failed", "loading of unsigned module is rejected",
        "key was rejected by service", "unsigned module", "required key not available",
        "disagrees about version of symbol", "version magic", "exec format error", "invalid module format",
        "no symbol version for", "unknown symbol",
    ].map { Array($0.utf8) }

    /// True when `classify` would certainly return nil: an all-ASCII line that contains none of `phrases`, in
    /// any case. Lines with other bytes go the slow way (Unicode lowercasing could produce an ASCII letter).
    static func cannotClassify(_ line: Substring) -> Bool {
        var lower: [UInt8] = []
        lower.reserveCapacity(line.utf8.count)
        for byte in line.utf8 {
            guard byte < 0x80 else { return false }
            lower.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        return !phrases.contains { phrase in contains(lower, phrase) }
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count, let first = needle.first else { return needle.isEmpty }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }

    /// The message part of a record: after kmsg's `;`, syslog's `kernel: ` and dmesg's `[ time]`.
    static func messageText(_ line: String) -> String {
        var text = Substring(line)
        if let semicolon = text.firstIndex(of: ";"), text[..<semicolon].allSatisfy({ $0.isNumber || $0 == "," || $0 == "-" || $0 == "c" }),
           text[..<semicolon].contains(",") {
            text = text[text.index(after: semicolon)...]
        }
        if let kernel = text.firstRange(of: "kernel: ") { text = text[kernel.upperBound...] }
        let trimmed = text.drop { $0 == " " }
        if trimmed.first == "[", let close = trimmed.firstIndex(of: "]") {
            text = trimmed[trimmed.index(after: close)...]
        }
        return String(text.drop { $0 == " " })
    }

    static func classify(_ message: String) -> KernelLogEvent? {
        let lower = message.lowercased()
        let kind: KernelLogEvent.Kind
        if lower.contains("interrupts not detected") {
            kind = .interruptsNotDetected
        } else if lower.contains("module verification failed") {
            kind = .unsignedTainted
        } else if lower.contains("loading of unsigned module is rejected") || lower.contains("key was rejected by service")
                    || (lower.contains("lockdown") && lower.contains("unsigned module")) || lower.contains("required key not available") {
            kind = .signatureRejected
        } else if lower.contains("disagrees about version of symbol") || lower.contains("version magic")
                    || lower.contains("exec format error") || lower.contains("invalid module format")
                    || lower.contains("no symbol version for") {
            kind = .wrongKernel
        } else if lower.contains("unknown symbol") {
            kind = .unknownSymbol
        } else {
            return nil
        }
        let module = moduleOf(message)
        // A line must name a DAHDI module, except Secure Boot's refusal, which never names the module it refused.
        guard module != nil || kind == .signatureRejected else { return nil }
        return KernelLogEvent(kind: kind, module: module, message: String(message.prefix(300)))
    }

    /// The DAHDI module a line is about: its `name:` prefix, or a quoted module name (`could not insert 'dahdi'`),
    /// or a module file name.
    static func moduleOf(_ message: String) -> String? {
        if let colon = message.firstIndex(of: ":") {
            let prefix = message[..<colon].trimmingCharacters(" ")
            if let name = prefix.split(separator: " ").last.map(String.init), ModulesTree.isDahdiModule(name.replacingDash()) {
                return name.replacingDash()
            }
        }
        for word in message.split(whereSeparator: { " '\"`,()/".contains($0) }) {
            let name = String(word)
            if let module = ModulesTree.moduleName(name) { return module }
            if name.count >= 4, name.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == "-" }),
               ModulesTree.isDahdiModule(name.replacingDash()) { return name.replacingDash() }
        }
        return nil
    }
}

private extension Substring {
    func trimmingCharacters(_ set: String) -> Substring {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return text
    }
}

private extension String {
    func replacingDash() -> String { String(map { $0 == "-" ? "_" : $0 }) }
}

/// `/run/reboot-required` exists (Debian/Ubuntu update-notifier), with the packages in `reboot-required.pkgs`.
public struct RebootRequired: Sendable, Hashable, Codable {
    public var source: String
    public var packages: [String]
    public init(source: String, packages: [String]) { self.source = source; self.packages = packages }

    public static func parsePackages(_ text: String) -> [String] {
        var seen = Set<String>()
        return text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingCharacters(" \t") }
            .filter { !$0.isEmpty && $0.count <= 200 }.map(String.init).filter { seen.insert($0).inserted }.prefix(100).map { $0 }
    }
}
