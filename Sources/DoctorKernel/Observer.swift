import DoctorCore
import DoctorSystem

/// Builds an `Observation` of this machine: the DAHDI readings, optionally a second counter sample `interval`
/// seconds later, and the configuration files under `etcRoot`.
public struct Observer: Sendable {
    public var roots: DahdiRoots
    public var etcRoot: String
    /// The file system root where container markers (/.dockerenv, /run/.containerenv) are looked for.
    public var fsRoot: String
    /// The AMI user dahdi-doctor logs in as, whose classes the exposure checks audit (a name, never a secret).
    public var monitoringUser: String?
    /// When to list /lib/modules, DKMS and the kernel log: on every read (`check`), or only when the driver is
    /// missing or a listed module is not loaded (the agent's fast cycle, unless it asks for a full read).
    public var kernelModules: KernelModulesPolicy

    public enum KernelModulesPolicy: Sendable { case always, whenDriverMissing }

    public init(roots: DahdiRoots, etcRoot: String = "/etc", fsRoot: String = "/", monitoringUser: String? = nil,
                kernelModules: KernelModulesPolicy = .always) {
        self.roots = roots
        self.etcRoot = etcRoot
        self.fsRoot = fsRoot
        self.monitoringUser = monitoringUser
        self.kernelModules = kernelModules
    }

    /// - Parameter knownHardware: the PCI/USB inventory from an earlier read, used instead of enumerating the buses
    ///   again (the agent re-reads it only at start, on hotplug and once a minute: the buses change only then).
    public func observe(generator: String, interval: Double?, knownHardware: HardwareObservation? = nil) -> Observation {
        let observedAt = system_wallClockSeconds()
        let interrupts = InterruptsReader(procfsRoot: roots.procfs)
        let firstInterrupts = interrupts.sample()
        let readings = DahdiScanner(roots: roots).read()
        var second: CounterSample?
        if let interval, case .opened = readings.control {
            system_sleep(seconds: interval)
            second = counterSample(interval: interval, spans: readings.spans.map(\.number))
        }
        let reader = ConfigReader(etcRoot: etcRoot, sysfsRoot: roots.sysfs)
        let config = reader.read()
        var observation = Observation(generator: generator, observedAt: observedAt, dahdi: readings, secondSample: second,
                                      config: config)
        let setup = reader.asteriskSetup(otherFiles: (config.chanDahdi?.value?.files ?? []) + (config.pjsip?.value.map { _ in reader.includedFiles("pjsip.conf") } ?? []),
                                         monitoringUser: monitoringUser)
        observation.asteriskSetup = setup
        observation.container = ContainerReader(fsRoot: fsRoot, roots: roots, etcRoot: etcRoot).read(asteriskConf: setup.asteriskConf?.value)
        observation.hardware = knownHardware
            ?? HardwareReader(sysfsRoot: roots.sysfs).read(dahdiDevices: readings.sysfs?.devices.map(\.name) ?? [])
        let driverMissing: Bool
        if case .missing = readings.control { driverMissing = true } else { driverMissing = config.modules.contains { !$0.loaded } }
        if kernelModules == .always || driverMissing {
            observation.kernelModules = KernelModulesReader(fsRoot: fsRoot, procfsRoot: roots.procfs, devfsRoot: roots.devfs)
                .read(kernelLog: driverMissing || kernelModules == .always)
        }
        observation.dahdiDemand = dahdiDemand(reader)
        observation.configAccess = reader.access.recorded   // after the last configuration read (modules.conf)
        // A card's IRQ grows by about 1000 a second; 50 ms between samples tells a dead line from a live one.
        // Only hardware spans have one (dynamic spans are clocked by their peer or a timer).
        if let first = firstInterrupts, readings.spans.contains(where: { !$0.name.hasPrefix("DYN/") && !$0.spanType.uppercased().hasPrefix("DYN") }) {
            let elapsed = system_monotonicSeconds() - first.at
            if elapsed < 0.05 { system_sleep(seconds: 0.05 - elapsed) }
            if let second = interrupts.sample() {
                observation.interrupts = InterruptSamples(source: interrupts.path, first: first.lines, second: second.lines,
                                                          intervalSeconds: second.at - first.at)
            }
        }
        return observation
    }

    /// modules.conf and the Asterisk modules installed (the usual module directories under `fsRoot`).
    func dahdiDemand(_ reader: ConfigReader) -> DahdiDemand {
        var installed: [String]?
        var installedSource = "/usr/lib/asterisk/modules"
        for directory in ["usr/lib/asterisk/modules", "usr/lib/x86_64-linux-gnu/asterisk/modules", "usr/lib64/asterisk/modules",
                          "usr/lib/aarch64-linux-gnu/asterisk/modules"] {
            let full = joinPath(fsRoot, directory)
            if case .success(let names) = system_listDirectory(full) {
                installed = names; installedSource = full; break
            }
        }
        return DahdiDemand.load(source: reader.asteriskSource(joinPath(etcRoot, "asterisk")), installed: installed, installedSource: installedSource)
    }

    /// Re-reads only what counters need: SPANSTAT for the same spans and /proc/dahdi (timing slips).
    func counterSample(interval: Double, spans: [Int]) -> CounterSample? {
        guard case .success(let control) = LinuxDahdiControl.open(devfsRoot: roots.devfs) else { return nil }
        let statuses = spans.compactMap { try? control.spanStatus($0) }
        return CounterSample(intervalSeconds: interval, spans: statuses, proc: ProcDahdiReader(root: roots.procfs).read().spans)
    }
}

/// Reads the configuration inputs of the checks. Missing files are recorded as absent with the reason.
public struct ConfigReader: Sendable {
    public var etcRoot: String
    public var sysfsRoot: String
    /// Reads that were refused, for the report (config-unreadable): never taken as an absent file.
    public let access = ConfigAccess()

    public init(etcRoot: String, sysfsRoot: String) {
        self.etcRoot = etcRoot
        self.sysfsRoot = sysfsRoot
    }

    /// Config files larger than this are read only this far (and the parsers see a truncated last line).
    static let fileLimit = 16 << 20

    public func read() -> ConfigObservation {
        var config = ConfigObservation()
        config.systemConf = parse("dahdi/system.conf", SystemConfParser.parse)
        config.assignedSpans = parse("dahdi/assigned-spans.conf", AssignedSpansParser.parse)
        config.spanTypes = parse("dahdi/span-types.conf", SpanTypesParser.parse)
        config.dahdiModules = parse("dahdi/modules", DahdiModulesParser.parse)
        config.chanDahdi = chanDahdi()
        config.pjsip = pjsip()
        config.modules = (config.dahdiModules?.value?.modules ?? []).map { entry in
            ModuleState(name: entry.name, loaded: system_isDirectory(joinPath(sysfsRoot, "module/" + entry.name.replacingDashes())),
                        line: entry.line)
        }
        let fxotune = joinPath(etcRoot, "fxotune.conf")
        switch access.read(fxotune, limit: 1 << 20) {
        case .success(let text): config.fxotune = .present(path: fxotune, value: FileFacts(size: text.utf8.count))
        case .failure(let error): config.fxotune = .absent(path: fxotune, reason: error.description)
        }
        return config
    }
}

extension ConfigReader {
    /// chan_dahdi.conf through the Asterisk syntax layer: #include resolved against the Asterisk config directory,
    /// with glob(3) as Asterisk does.
    func chanDahdi() -> ConfigPart<ChanDahdiConfig> {
        let directory = joinPath(etcRoot, "asterisk")
        let path = joinPath(directory, "chan_dahdi.conf")
        if case .failure(let error) = access.read(path, limit: 1) {
            return .absent(path: path, reason: error.description)
        }
        return .present(path: path, value: ChanDahdiConfParser.load("chan_dahdi.conf", source: asteriskSource(directory)))
    }

    func pjsip() -> ConfigPart<PjsipSummary> {
        let directory = joinPath(etcRoot, "asterisk")
        let path = joinPath(directory, "pjsip.conf")
        if case .failure(let error) = access.read(path, limit: 1) {
            return .absent(path: path, reason: error.description)
        }
        return .present(path: path, value: PjsipSummary(PjsipConfParser.load("pjsip.conf", source: asteriskSource(directory))))
    }

    func asteriskSource(_ directory: String) -> AsteriskConfigSource {
        let access = self.access
        return AsteriskConfigSource(configDirectory: directory, read: { access.read($0, limit: ConfigReader.fileLimit) },
                                    expandGlob: { access.glob($0) })
    }

    func parse<Value>(_ relative: String, _ parser: (String, String) -> Value) -> ConfigPart<Value> {
        let path = joinPath(etcRoot, relative)
        switch access.read(path, limit: Self.fileLimit) {
        case .success(let text): return .present(path: path, value: parser(text, path))
        case .failure(let error): return .absent(path: path, reason: error.description)
        }
    }
}

extension String {
    /// The kernel lists modules under /sys/module with '-' written as '_'.
    func replacingDashes() -> String { String(map { $0 == "-" ? "_" : $0 }) }
}

/// Whole-file reads and writes for the command line (observations, manifests).
public enum FileIO {
    public static func read(_ path: String, limit: Int = 64 << 20) throws(SystemError) -> String {
        try system_readSmallFile(path, limit: limit).get()
    }

    public static func write(_ path: String, _ text: String) throws(SystemError) {
        try system_writeFile(path, text).get()
    }

    public static func exists(_ path: String) -> Bool { system_exists(path) }
}

public enum Environment {
    public static func has(_ name: String) -> Bool { system_envSet(name) }
}

public enum Terminal {
    /// Colour on a terminal unless NO_COLOR is set (no-color.org) or TERM is dumb.
    public static func wantsColour() -> Bool { system_stdoutIsTerminal() && !system_envSet("NO_COLOR") && system_env("TERM") != "dumb" }
}

public enum Host {
    /// This machine's host name (for a captured manifest's name and JUnit's hostname attribute).
    public static func name() -> String? { system_hostname() }
}
