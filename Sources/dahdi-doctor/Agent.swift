import ArgumentParser
import DoctorCore
import DoctorAgentServer
import DoctorKernel
import DoctorNetwork
import DoctorSystem
import Synchronization

/// The long-running agent: the same observation and diagnosis as `check`, every --interval seconds, served
/// read-only over a Unix socket and optionally written as the Prometheus textfile.
struct Agent: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the checks continuously and serve the result on a Unix socket (HTTP/1.1, read-only).",
        discussion: """
            Endpoints: GET /v1/health (200 when OK, else 503), /v1/report, /v1/events, /metrics. Root and the \
            agent's own user may always read the socket; others need --allow-uid, --allow-gid or membership of \
            --socket-group (checked with SO_PEERCRED and SO_PEERGROUPS). SIGTERM or SIGINT stops it within moments, removing the socket; exit 0. SIGHUP \
            reloads the settings file (a bad one keeps the old settings, with one line naming file:line). The ioctls are \
            read every --interval; sysfs, /proc/dahdi, the configuration files and the buses on an inotify or device \
            event, when the ioctls show a new structure, and every --full-read-interval.
            """)

    static let defaultSocket = "/run/dahdi-doctor/doctor.sock"
    /// The gateway loop's trigger when Asterisk reports a contact change: read the status pages at once.
    static let contactChangeTrigger = "ami contact change"

    @OptionGroup var roots: RootOptions
    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var amiOptions: AMIOptions

    @Option(help: "Seconds between reads of the kernel and configuration files (a hotplug event reads at once).")
    var interval: Double = 5

    @Option(name: .customLong("gateway-interval"), help: "Seconds between probes of the gateways.")
    var gatewayInterval: Double = 30

    @Option(name: .customLong("ami-resync"), help: "Seconds between full AMI re-reads; Asterisk's events trigger one sooner.")
    var amiResync: Double = 60

    @Option(name: .customLong("rate-window"), help: "Seconds over which error counters and slips must rise to be reported.")
    var rateWindow: Double = 60

    @Option(name: .customLong("kernel-deadline"), help: "Seconds a kernel read may take before the report calls it overdue.")
    var kernelDeadline: Double = 10

    @Option(name: .customLong("gateway-deadline"), help: "Seconds the gateway probes may take before the report calls them overdue.")
    var gatewayDeadline: Double = 20

    @Option(help: "The Unix socket to serve.")
    var socket = Agent.defaultSocket

    @Option(name: .customLong("socket-group"), help: "Group (name or gid) given the socket, mode 0660; its members may read it.")
    var socketGroup: String?

    @Option(name: .customLong("allow-uid"), help: "A uid allowed to read the socket (repeatable).")
    var allowUIDs: [UInt32] = []

    @Option(name: .customLong("allow-gid"), help: "A gid allowed to read the socket: the client's effective or a supplementary gid (repeatable).")
    var allowGIDs: [UInt32] = []

    @Option(name: .customLong("textfile-directory"), help: "Also write the Prometheus textfile here after every report.")
    var textfileDirectory: String?

    @Flag(name: .customLong("no-gateways"), help: "Do not probe the gateways of the gateway list.")
    var noGateways = false

    @Flag(name: .customLong("no-hotplug"), help: "Do not listen to udev/kernel device events.")
    var noHotplug = false

    @Option(name: .customLong("full-read-interval"), help: """
        Seconds between full reads (sysfs, /proc/dahdi, configuration and Asterisk setup files, PCI/USB buses) when \
        no inotify or device event asked for one sooner; the report and the textfile are refreshed at least every \
        minute, or this often if shorter.
        """)
    var fullReadInterval: Double = 60

    @Flag(name: .customLong("no-watch"), help: "Do not watch the configuration directories (inotify); edits are then seen by the next full read.")
    var noWatch = false

    func validate() throws {
        for (name, value) in [("--interval", interval), ("--gateway-interval", gatewayInterval), ("--ami-resync", amiResync),
                              ("--rate-window", rateWindow), ("--kernel-deadline", kernelDeadline), ("--gateway-deadline", gatewayDeadline),
                              ("--full-read-interval", fullReadInterval)] {
            guard value >= 0.1 && value <= 86400 else { throw ValidationError("\(name) must be between 0.1 and 86400 seconds") }
        }
    }

    func run() throws {
        // First, before any thread exists, so every thread inherits the blocked mask.
        let signals = ShutdownSignals.block()
        let generator = "dahdi-doctor \(DahdiDoctor.version)"
        // Read at start and again on SIGHUP (a bad file then keeps these settings).
        let live = LiveSettings(try configOptions.loadSettings(), options: configOptions, ami: amiOptions, generator: generator)
        var group: UInt32?
        if let socketGroup {
            guard let gid = AgentHost.groupID(socketGroup) else {
                printError("dahdi-doctor: agent: no such group: \(socketGroup)")
                throw ExitCode(AgentExit.cannotServe)
            }
            group = gid
        }
        let initial = live.current
        let probeGateways = !noGateways && !initial.settings.gateways.isEmpty

        var schedules = [SourceSchedule(name: SourceSchedule.kernelName, intervalSeconds: interval, deadlineSeconds: kernelDeadline)]
        if case .ready(let reader) = initial.amiPlan {
            schedules.append(SourceSchedule(name: SourceSchedule.amiName, intervalSeconds: amiResync,
                                            deadlineSeconds: reader.timeouts.overall.inSeconds + 5))
        } else if case .unusable = initial.amiPlan {
            schedules.append(SourceSchedule(name: SourceSchedule.amiName, intervalSeconds: amiResync, deadlineSeconds: 5))
        }
        if probeGateways {
            schedules.append(SourceSchedule(name: SourceSchedule.gatewaysName, intervalSeconds: gatewayInterval, deadlineSeconds: gatewayDeadline))
        }
        let runtime = AgentRuntime(generator: generator, schedules: schedules, rateWindowSeconds: rateWindow,
                                   textfileDirectory: textfileDirectory, refreshSeconds: min(60, fullReadInterval))

        // The socket's group may read it: the file mode lets its members connect, and the policy agrees.
        let policy = PeerAccessPolicy(allowedUIDs: Set(allowUIDs), allowedGIDs: Set(allowGIDs + (group.map { [$0] } ?? [])),
                                      ownUID: AgentHost.effectiveUID())
        let server: AgentSocketServer
        do {
            server = try AgentSocketServer(path: socket, group: group, policy: policy) { request in
                AgentRoutes.respond(to: request, state: runtime.store.snapshot(), generator: generator)
            }
        } catch {
            printError("dahdi-doctor: agent: \(error)")
            throw ExitCode(AgentExit.cannotServe)
        }
        // Bound before the first reads, so a second agent is refused at once; served once every source answered
        // (or passed its deadline), so the first client already gets a full report (connections wait meanwhile).
        defer { server.stop() }

        let loops: [SourceLoop]
        let amiWatcher = Mutex<AMIEventWatcher?>(nil)
        var startAMIWatcher: (@Sendable () -> Void)?
        let hotplug = HotplugMonitor()
        var configWatcher: ConfigWatcher?
        do {
            let roots = self.roots.dahdiRoots, etcRoot = configOptions.etcRoot, fsRoot = self.roots.fsRoot
            // The PCI/USB inventory changes only with a device event: enumerated at start, on hotplug, and once a
            // minute in case an event was missed (or every read when there are no hotplug events at all).
            let hardware = HardwareCache()
            let tiers = TierState(fullReadInterval: fullReadInterval)
            if !noWatch {
                do {
                    configWatcher = try ConfigWatcher(directories: ConfigWatcher.agentDirectories(
                        etcRoot: etcRoot, settingsFile: configOptions.config))
                } catch {
                    printError("dahdi-doctor: agent: no inotify (\(error)); configuration edits are seen by the full read every \(fullReadInterval) s")
                }
            }
            let watcher = configWatcher
            let kernel = try SourceLoop(schedule: schedules[0]) { trigger in
                // Configuration edits are not journalled (a FreePBX "Apply Config" rewrites dozens of files);
                // /v1/health's last_trigger names them.
                if trigger.hasPrefix("hotplug") { printError("dahdi-doctor: agent: rescanning after \(trigger)") }
                var readFully = false
                // A full read's transient allocations (every sysfs attribute as a string) go back to the kernel
                // once it is composed, so the resident size does not creep with each one.
                defer { if readFully { system_releaseFreeMemory() } }
                runtime.read(SourceSchedule.kernelName, trigger: trigger) {
                    let now = Clock.monotonic()
                    let settings = live.current
                    // Fast tier: the ioctls alone, merged into the last full read, unless something asked for a
                    // full read or the ioctls show the box's structure changed.
                    var (observed, fullReason) = tiers.fastRead(now: now, wall: Clock.wall()) {
                        DahdiScanner(roots: roots).readControl()
                    }
                    if let fullReason {
                        readFully = true
                        if fullReason.hasPrefix("structure") { printError("dahdi-doctor: agent: full read: \(fullReason)") }
                        let known = trigger.hasPrefix("hotplug") ? nil : hardware.inventory(now: now)
                        // /lib/modules, DKMS and the kernel log: read when the driver is missing, at start and then
                        // every ten minutes (parsing the kernel log is the costliest part of a full read on a big
                        // box), not in a hotplug storm.
                        let modules = !trigger.hasPrefix("hotplug") && tiers.kernelModulesDue(now: now)
                        let observation = Observer(roots: roots, etcRoot: etcRoot, fsRoot: fsRoot, monitoringUser: settings.monitoringUser,
                                                   kernelModules: modules ? .always : .whenDriverMissing)
                            .observe(generator: generator, interval: nil, knownHardware: known)
                        if known == nil { hardware.store(observation.hardware, now: now) }
                        tiers.storeFull(observation, now: now)
                        watcher?.ensureWatches()
                        observed = observation
                    }
                    observed.config.gatewayEndpoints = settings.gatewayEndpoints
                    let part = KernelPart(observed)
                    return { $0.record(kernel: part) }
                }
            }
            var all = [kernel]
            var amiLoop: SourceLoop?
            if let schedule = schedules.first(where: { $0.name == SourceSchedule.amiName }) {
                let loop = try SourceLoop(schedule: schedule, minimumGap: 1) { trigger in
                    runtime.read(SourceSchedule.amiName, trigger: trigger) {
                        let asterisk: AsteriskObservation?
                        switch live.current.amiPlan {
                        case .notAsked: asterisk = nil
                        case .unusable(let observation): asterisk = observation
                        case .ready(let reader): asterisk = reader.read()
                        }
                        return { $0.asterisk = asterisk }
                    }
                }
                all.append(loop)
                amiLoop = loop
            }
            var gatewayLoop: SourceLoop?
            if schedules.contains(where: { $0.name == SourceSchedule.gatewaysName }) {
                // OPTIONS every --gateway-interval; web status pages on each gateway's status_interval through kept
                // sessions, and at once when OPTIONS or Asterisk's view of a contact changes.
                let loop = try SourceLoop(schedule: schedules.first { $0.name == SourceSchedule.gatewaysName }!) { trigger in
                    runtime.read(SourceSchedule.gatewaysName, trigger: trigger) {
                        let gateways = live.gatewayObserver().observe(readStatusNow: trigger.hasPrefix(Self.contactChangeTrigger))
                        return { $0.gateways = gateways }
                    }
                }
                all.append(loop)
                gatewayLoop = loop
            }
            loops = all
            if let amiLoop {
                let gatewayLoop = gatewayLoop
                // (Re)starts the standing AMI session for the current settings; SIGHUP calls it again.
                startAMIWatcher = {
                    let everConnected = Atomic<Bool>(false)
                    let lastLoss = Mutex<String?>(nil)
                    amiWatcher.withLock { current in
                        current?.stop()
                        current = nil
                        guard case .ready(let reader) = live.current.amiPlan else { return }
                        let watcher = AMIEventWatcher(endpoint: reader.endpoint, credentials: reader.credentials, timeouts: reader.timeouts)
                        do {
                            try watcher.start { notice in
                                switch notice {
                                case .event(let name):
                                    amiLoop.trigger("ami event \(name)")
                                    if name == "ContactStatus" { gatewayLoop?.trigger("\(Self.contactChangeTrigger) \(name)") }
                                case .connected:
                                    // After a loss, what changed meanwhile was missed: read again.
                                    lastLoss.withLock { $0 = nil }
                                    if everConnected.exchange(true, ordering: .acquiringAndReleasing) {
                                        printError("dahdi-doctor: agent: AMI event session connected again")
                                        amiLoop.trigger("ami events reconnected")
                                    }
                                case .lost(let reason):
                                    // Once per outage and reason, not on every reconnect attempt.
                                    let isNew = lastLoss.withLock { last in defer { last = reason }; return last != reason }
                                    if isNew { printError("dahdi-doctor: agent: AMI event session lost: \(reason)") }
                                    amiLoop.trigger("ami event session lost")
                                }
                            }
                            current = watcher
                        } catch {
                            printError("dahdi-doctor: agent: cannot start the AMI event session: \(error)")
                        }
                    }
                }
                startAMIWatcher?()
            }
            if !noHotplug {
                do {
                    try hotplug.start { event in
                        tiers.requestFullRead()
                        kernel.trigger(event.description)
                    }
                    hardware.hotplugWorks.store(true, ordering: .releasing)
                } catch {
                    printError("dahdi-doctor: agent: no hotplug events (\(hotplug.source) netlink: \(error)); rescanning every \(interval) s only")
                }
            }
            if let watcher {
                do {
                    try watcher.start { reason in
                        tiers.requestFullRead()
                        kernel.trigger(reason)
                    }
                } catch {
                    printError("dahdi-doctor: agent: cannot watch the configuration directories: \(error)")
                }
            }
            for loop in loops { try loop.start() }
        } catch {
            printError("dahdi-doctor: agent: cannot start: \(error)")
            throw ExitCode(AgentExit.cannotServe)
        }
        defer {
            for loop in loops { loop.stop() }
            amiWatcher.withLock { $0?.stop() }
            hotplug.stop()
            configWatcher?.stop()
        }

        var hangupPending = false
        while !runtime.firstReadsSettled() {
            if let signal = signals.wait(seconds: 0.05) {
                if signal == ShutdownSignals.hangup { hangupPending = true; continue }
                return
            }
        }
        runtime.compose(readDuration: 0)
        do { try server.start() } catch {
            printError("dahdi-doctor: agent: \(error)")
            throw ExitCode(AgentExit.cannotServe)
        }
        // systemd (Type=notify): ready once the first report is served. The watchdog is pinged while the kernel
        // source keeps answering, so a read stuck past its deadline (and the watchdog's) gets the agent restarted.
        let systemd = SystemdNotifier.fromEnvironment()
        systemd.notify(["READY=1", "STATUS=serving \(socket)"])
        var lastPing = Clock.monotonic()
        let tick = min(1, systemd.watchdogPingInterval ?? 1)
        while true {
            if let signal = hangupPending ? ShutdownSignals.hangup : signals.wait(seconds: tick) {
                hangupPending = false
                guard signal == ShutdownSignals.hangup else { break }
                if live.reload(path: configOptions.config, ami: amiOptions) {
                    startAMIWatcher?()
                    for loop in loops { loop.trigger("settings reloaded") }
                }
                continue
            }
            runtime.recheckDeadlines()
            if let ping = systemd.watchdogPingInterval, Clock.monotonic() - lastPing >= ping,
               !runtime.isOverdue(SourceSchedule.kernelName) {
                systemd.notify(["WATCHDOG=1", "STATUS=" + (runtime.store.snapshot().report?.summary ?? "running")])
                lastPing = Clock.monotonic()
            }
        }
        systemd.notify(["STOPPING=1"])
    }
}

/// The kernel source's tiers: when the last full read was, and whether something asked for the next one.
private final class TierState: Sendable {
    let fullReadInterval: Double
    private let full = Mutex<(observation: Observation, at: Double)?>(nil)
    private let requested = Atomic<Bool>(true)
    /// Monotonic time of the last read of /lib/modules, DKMS and the kernel log.
    private let modulesReadAt = Mutex<Double?>(nil)
    static let kernelModulesInterval = 600.0

    init(fullReadInterval: Double) { self.fullReadInterval = fullReadInterval }

    /// True (and noted) when the module tree and kernel log are due: never read, or ten minutes ago.
    func kernelModulesDue(now: Double) -> Bool {
        modulesReadAt.withLock { last in
            guard last.map({ now - $0 >= Self.kernelModulesInterval }) ?? true else { return false }
            last = now
            return true
        }
    }

    /// An inotify or device event: the next read is a full one.
    func requestFullRead() { requested.store(true, ordering: .releasing) }

    func storeFull(_ observation: Observation, now: Double) { full.withLock { $0 = (observation, now) } }

    /// The fast tier's observation, or why a full read is due instead (then the observation is only a
    /// placeholder the caller replaces).
    func fastRead(now: Double, wall: Double, _ readControl: () -> DahdiReadings) -> (Observation, String?) {
        let last = full.withLock { $0 }
        let asked = requested.exchange(false, ordering: .acquiringAndReleasing)
        guard let last else { return (Observation(generator: "", observedAt: wall, dahdi: DahdiReadings(control: .missing(path: ""))), "first read") }
        if asked { return (last.observation, "asked") }
        if now - last.at >= fullReadInterval { return (last.observation, "resync") }
        let fast = readControl()
        if let change = KernelTiers.structuralChange(from: last.observation.dahdi, to: fast) {
            return (last.observation, "structure: \(change)")
        }
        return (KernelTiers.merge(full: last.observation, fast: fast, observedAt: wall), nil)
    }
}


/// The agent's last PCI/USB inventory. Served from here while hotplug events are heard and the inventory is under
/// a minute old; otherwise the buses are enumerated again.
private final class HardwareCache: Sendable {
    /// Set once the hotplug monitor runs; until then (and without it) the inventory is read every time.
    let hotplugWorks = Atomic<Bool>(false)
    private let cached = Mutex<(inventory: HardwareObservation?, at: Double)?>(nil)

    func inventory(now: Double) -> HardwareObservation? {
        guard hotplugWorks.load(ordering: .acquiring) else { return nil }
        return cached.withLock { entry in
            guard let entry, now - entry.at < 60 else { return nil }
            return entry.inventory
        }
    }

    func store(_ inventory: HardwareObservation?, now: Double) { cached.withLock { $0 = (inventory, now) } }
}

enum AgentExit {
    static let cannotServe: Int32 = 69   // EX_UNAVAILABLE: the socket cannot be served (or another agent serves it)
}
