import ArgumentParser
import DoctorCore
import DoctorAgentServer
import DoctorKernel
import DoctorNetwork
import DoctorSystem


struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",  // explicit: ArgumentParser otherwise derives it by reflection at every start
        abstract: "Diagnose the box: what is wrong, the evidence, and the fix, ordered by root cause.",
        discussion: """
            Exit codes follow the monitoring-plugin convention, so check doubles as a Nagios/Icinga plugin: \
            0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (a part could not be looked at, e.g. no permission).
            """).parsedDirectlyByDahdiDoctor()

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, nagios
    }

    @OptionGroup var roots: RootOptions
    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var amiOptions: AMIOptions
    @OptionGroup var consoleOptions: ConsoleOptions

    @Option(help: "Output format: text (colour on a terminal), json (schema_version 1) or nagios (one line with perfdata).")
    var format: Format = .text

    @Flag(help: "Same as --format json.")
    var json = false

    @Option(help: "Take a second sample of the span counters after this many seconds, to see whether errors, slips and IRQ misses are rising.")
    var interval: Double?

    @Option(name: .customLong("save-observation"), help: "Write everything observed to this JSON file (no secrets), for replay with --observation.")
    var saveObservation: String?

    @Option(help: "Diagnose a saved observation instead of this machine.")
    var observation: String?

    @Flag(name: .customLong("no-gateways"), help: "Do not probe the gateways of the gateway list.")
    var noGateways = false

    @Flag(help: "Never colour the text output (colour is also off when NO_COLOR is set or stdout is not a terminal).")
    var noColor = false

    func validate() throws {
        if let interval, !(interval > 0 && interval <= 3600) {
            throw ValidationError("--interval must be between 0 and 3600 seconds")
        }
        if observation != nil && interval != nil {
            throw ValidationError("--interval cannot be used with --observation (a saved observation has its samples)")
        }
    }

    func run() throws {
        let generator = "dahdi-doctor \(DahdiDoctor.version)"
        let observed: Observation
        if let path = observation {
            observed = try loadObservation(path)
        } else {
            observed = try observeThisMachine(roots: roots, configOptions: configOptions, amiOptions: amiOptions, consoleOptions: consoleOptions,
                                              generator: generator, interval: interval, probeGateways: !noGateways)
        }
        if let path = saveObservation {
            try writeFile(path, try JSONOutput.encode(observed) + "\n")
        }
        let report = Diagnosis.run(observed, generator: generator)
        switch json ? .json : format {
        case .text:
            print(ReportText(colour: !noColor && Terminal.wantsColour()).render(report), terminator: "")
        case .json:
            print(try JSONOutput.encode(report))
        case .nagios:
            print(NagiosOutput.render(report), terminator: "")
        }
        if report.status != .ok { throw ExitCode(report.status.exitCode) }
    }
}
