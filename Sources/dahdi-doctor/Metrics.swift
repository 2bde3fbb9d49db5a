import ArgumentParser
import DoctorCore
import DoctorAgentServer
import DoctorKernel
import DoctorNetwork
import DoctorSystem

/// One run of the checks written as Prometheus metrics for node_exporter's textfile collector, from cron or a
/// systemd timer. The metrics carry the health, so the exit code only says whether they were written.
struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",  // explicit: ArgumentParser otherwise derives it by reflection at every start
        abstract: "Observe and diagnose the box once and write the result as Prometheus metrics (node_exporter textfile).",
        discussion: """
            Writes <dir>/\(PrometheusTextfile.fileName) atomically (a temporary file in the same directory, fsync, \
            rename), or prints the metrics with --stdout. Exits 0 when written, whatever the box's health; \
            \(MetricsExit.cannotWrite) (EX_CANTCREAT) with one line on stderr when the file cannot be written.
            """).parsedDirectlyByDahdiDoctor()

    @OptionGroup var roots: RootOptions
    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var amiOptions: AMIOptions
    @OptionGroup var consoleOptions: ConsoleOptions

    @Option(name: .customLong("textfile-directory"), help: "node_exporter's --collector.textfile.directory.")
    var textfileDirectory = PrometheusTextfile.defaultDirectory

    @Flag(help: "Print the metrics to standard output instead of writing the textfile.")
    var stdout = false

    @Flag(name: .customLong("no-gateways"), help: "Do not probe the gateways of the gateway list.")
    var noGateways = false

    @Option(help: "Render a saved observation instead of observing this machine.")
    var observation: String?

    func run() throws {
        let generator = "dahdi-doctor \(DahdiDoctor.version)"
        let clock = ContinuousClock()
        let start = clock.now
        let observed = try observation.map(loadObservation)
            ?? observeThisMachine(roots: roots, configOptions: configOptions, amiOptions: amiOptions, consoleOptions: consoleOptions,
                                  generator: generator, interval: nil, probeGateways: !noGateways)
        let report = Diagnosis.run(observed, generator: generator)
        let seconds = start.duration(to: clock.now).inSeconds
        let text = PrometheusText.render(observation: observed, report: report, runDurationSeconds: seconds)
        if stdout {
            print(text, terminator: "")
            return
        }
        do {
            try PrometheusTextfile.write(text, directory: textfileDirectory)
        } catch {
            printError("dahdi-doctor: cannot write metrics: \(error)")
            throw ExitCode(MetricsExit.cannotWrite)
        }
    }
}

enum MetricsExit {
    static let cannotWrite: Int32 = 73   // EX_CANTCREAT
}
