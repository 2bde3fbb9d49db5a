import ArgumentParser
import DoctorCore
import DoctorLinux
import Synchronization

/// The long-running agent: the same observation and diagnosis as `check`, every --interval seconds, served
/// read-only over a Unix socket and optionally written as the Prometheus textfile.
struct Agent: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the checks continuously and serve the result on a Unix socket (HTTP/1.1, read-only).",
        discussion: """
            Endpoints: GET /v1/health (200 when OK, else 503), /v1/report, /v1/events, /metrics. Root and the \
            agent's own user may always read the socket; others need --allow-uid or --allow-gid (checked with \
            SO_PEERCRED). SIGTERM or SIGINT stops it within moments, removing the socket; exit 0.
            """)

    static let defaultSocket = "/run/dahdi-doctor/doctor.sock"

    @OptionGroup var roots: RootOptions
    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var amiOptions: AMIOptions

    @Option(help: "Seconds between runs.")
    var interval: Double = 5

    @Option(help: "The Unix socket to serve.")
    var socket = Agent.defaultSocket

    @Option(name: .customLong("socket-group"), help: "Group (name or gid) given the socket; its mode is 0660.")
    var socketGroup: String?

    @Option(name: .customLong("allow-uid"), help: "A uid allowed to read the socket (repeatable).")
    var allowUIDs: [UInt32] = []

    @Option(name: .customLong("allow-gid"), help: "A gid allowed to read the socket: the client's effective gid (repeatable).")
    var allowGIDs: [UInt32] = []

    @Option(name: .customLong("textfile-directory"), help: "Also write the Prometheus textfile here after every run.")
    var textfileDirectory: String?

    @Flag(name: .customLong("no-gateways"), help: "Do not probe the gateways of the gateway list.")
    var noGateways = false

    func validate() throws {
        guard interval >= 0.1 && interval <= 86400 else { throw ValidationError("--interval must be between 0.1 and 86400 seconds") }
    }

    func run() throws {
        // First, before any thread exists, so every thread inherits the blocked mask.
        let signals = ShutdownSignals.block()
        let generator = "dahdi-doctor \(DahdiDoctor.version)"
        var group: UInt32?
        if let socketGroup {
            guard let gid = AgentHost.groupID(socketGroup) else {
                printError("dahdi-doctor: agent: no such group: \(socketGroup)")
                throw ExitCode(AgentExit.cannotServe)
            }
            group = gid
        }
        let state = AgentStateStore()
        let policy = PeerAccessPolicy(allowedUIDs: Set(allowUIDs), allowedGIDs: Set(allowGIDs), ownUID: AgentHost.effectiveUID())
        let server: AgentSocketServer
        do {
            server = try AgentSocketServer(path: socket, group: group, policy: policy) { request in
                AgentRoutes.respond(to: request, state: state.snapshot(), generator: generator)
            }
        } catch {
            printError("dahdi-doctor: agent: \(error)")
            throw ExitCode(AgentExit.cannotServe)
        }
        // Bound before the first run, so a second agent is refused at once; the first run is done before
        // accepting, so the first client already gets a report (connections wait in the backlog meanwhile).
        defer { server.stop() }
        do { try runOnce(state: state, generator: generator) } catch {
            printError("dahdi-doctor: agent: the first run failed; not serving")
            throw error
        }
        do { try server.start() } catch {
            printError("dahdi-doctor: agent: \(error)")
            throw ExitCode(AgentExit.cannotServe)
        }
        // systemd (Type=notify): ready once the first report is served; a watchdog ping after every cycle, so a
        // cycle stuck beyond WatchdogSec gets the agent restarted. The wait is shortened to keep the pings due.
        let systemd = SystemdNotifier.fromEnvironment()
        systemd.notify(["READY=1", "STATUS=serving \(socket)"])
        let wait = systemd.watchdogPingInterval.map { min(interval, $0) } ?? interval
        while signals.wait(seconds: wait) == nil {
            // A later failure (the settings file broken while running) keeps serving the last report.
            try? runOnce(state: state, generator: generator)
            systemd.notify(["WATCHDOG=1", "STATUS=" + (state.snapshot().report?.summary ?? "running")])
        }
        systemd.notify(["STOPPING=1"])
    }

    private func runOnce(state: AgentStateStore, generator: String) throws {
        let clock = ContinuousClock()
        let start = clock.now
        let observed = try observeThisMachine(roots: roots, configOptions: configOptions, amiOptions: amiOptions,
                                              generator: generator, interval: nil, probeGateways: !noGateways)
        let report = Diagnosis.run(observed, generator: generator)
        let elapsed = start.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let metrics = PrometheusText.render(observation: observed, report: report, runDurationSeconds: seconds)
        state.record(report, metrics: metrics, runDuration: seconds)
        if let textfileDirectory {
            do { try PrometheusTextfile.write(metrics, directory: textfileDirectory) } catch {
                printError("dahdi-doctor: agent: cannot write metrics: \(error)")
            }
        }
    }
}

/// The one place the agent's state lives: the run loop writes it, connection threads copy it. A class so that a
/// connection thread still finishing after the run loop returned holds the state alive with it.
private final class AgentStateStore: Sendable {
    private let state = Mutex(AgentState())
    func snapshot() -> AgentState { state.withLock { $0 } }
    func record(_ report: Report, metrics: String, runDuration: Double) {
        state.withLock { $0.record(report, metrics: metrics, runDuration: runDuration) }
    }
}

enum AgentExit {
    static let cannotServe: Int32 = 69   // EX_UNAVAILABLE: the socket cannot be served (or another agent serves it)
}
