import DoctorCore
import DoctorNetwork
import Synchronization

/// The agent's settings (dahdi-doctor.toml merged with the command line) and what is derived from them: read at
/// start, and again on SIGHUP. A file that cannot be used keeps the settings in force, with one journal line.
final class LiveSettings: Sendable {
    struct Current: Sendable {
        var settings: DoctorSettings
        var gatewayEndpoints: [String]
        var amiPlan: AMIOptions.Plan
        var monitoringUser: String?
    }

    private let generator: String
    private let commandLineEndpoints: [String]
    private let state: Mutex<Current>
    private let observer: Mutex<GatewayObserver>

    init(_ settings: DoctorSettings, options: ConfigOptions, ami: AMIOptions, generator: String) {
        self.generator = generator
        commandLineEndpoints = options.gatewayEndpoints
        let current = Self.derive(settings, commandLineEndpoints: options.gatewayEndpoints, ami: ami)
        state = Mutex(current)
        observer = Mutex(Self.gatewayObserver(settings.gateways, generator: generator))
    }

    var current: Current { state.withLock { $0 } }

    /// The gateway observer for the current gateway list (its web sessions are kept across reads).
    func gatewayObserver() -> GatewayObserver { observer.withLock { $0 } }

    /// Reads `path` again. True when the new settings are in force (the journal says so); false when the file was
    /// bad (the journal says where, once, and the previous settings stay).
    func reload(path: String, ami: AMIOptions) -> Bool {
        switch readDoctorSettings(path) {
        case .failure(let problem):
            printError("dahdi-doctor: agent: SIGHUP: keeping the previous settings: \(problem.message)")
            return false
        case .success(let settings):
            let before = current
            let next = Self.derive(settings, commandLineEndpoints: commandLineEndpoints, ami: ami)
            state.withLock { $0 = next }
            if settings.gateways != before.settings.gateways {
                observer.withLock { $0 = Self.gatewayObserver(settings.gateways, generator: generator) }
            }
            var note = ""
            if before.settings.gateways.isEmpty != settings.gateways.isEmpty || Self.asksAMI(before.amiPlan) != Self.asksAMI(next.amiPlan) {
                note = " (starting or stopping the AMI or gateway source takes a restart)"
            }
            printError("dahdi-doctor: agent: SIGHUP: settings reloaded from \(path)\(note)")
            return true
        }
    }

    private static func asksAMI(_ plan: AMIOptions.Plan) -> Bool {
        if case .notAsked = plan { return false }
        return true
    }

    private static func derive(_ settings: DoctorSettings, commandLineEndpoints: [String], ami: AMIOptions) -> Current {
        let endpoints = Array(Set(settings.gateways.compactMap(\.endpoint) + commandLineEndpoints)).sorted()
        return Current(settings: settings, gatewayEndpoints: endpoints,
                       amiPlan: ami.plan(settings.ami, gatewayEndpoints: endpoints),
                       monitoringUser: ami.monitoringUser(settings.ami))
    }

    private static func gatewayObserver(_ gateways: [GatewaySettings], generator: String) -> GatewayObserver {
        GatewayObserver(gateways: gateways, userAgent: generator.replacingSpace(), poller: GatewayWebPoller())
    }
}
