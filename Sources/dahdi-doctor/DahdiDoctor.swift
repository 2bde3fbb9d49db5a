import ArgumentParser
import DoctorCore
import DoctorAgentServer
import DoctorKernel
import DoctorNetwork
import DoctorSystem

@main
struct DahdiDoctor: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "dahdi-doctor",
        abstract: "Diagnose DAHDI telephony hardware, its configuration and the gateways around it.",
        version: version,
        subcommands: [Check.self, Scan.self, Verify.self, Explain.self, Metrics.self, Agent.self, Status.self, Setup.self],
        defaultSubcommand: Check.self)
}

/// Where the readers look: injectable so the same binary runs against fixture trees, containers and umockdev.
struct RootOptions: ParsableArguments {
    @Option(name: .customLong("sysfs-root"), help: "sysfs mount point.")
    var sysfsRoot = "/sys"

    @Option(name: .customLong("procfs-root"), help: "procfs mount point.")
    var procfsRoot = "/proc"

    @Option(name: .customLong("devfs-root"), help: "Directory holding dahdi/ctl.")
    var devfsRoot = "/dev"

    @Option(name: .customLong("fs-root"), help: "File system root where container markers (/.dockerenv, /run/.containerenv) are looked for.")
    var fsRoot = "/"

    var dahdiRoots: DahdiRoots { DahdiRoots(sysfs: sysfsRoot, procfs: procfsRoot, devfs: devfsRoot) }
}

/// Where the configuration files are (/etc/dahdi, /etc/asterisk, /etc/fxotune.conf) and dahdi-doctor's own settings.
struct ConfigOptions: ParsableArguments {
    @Option(name: .customLong("etc-root"), help: "Directory holding dahdi/, asterisk/, fxotune.conf and dahdi-doctor/ami.conf (the default AMI credentials).")
    var etcRoot = "/etc"

    @Option(help: "dahdi-doctor's settings (AMI, gateway list); a missing file means the defaults.")
    var config = "/etc/dahdi-doctor/dahdi-doctor.toml"

    @Option(name: .customLong("gateway-endpoint"), help: "A PJSIP endpoint that is a gateway (repeatable; adds to the gateway list).")
    var gatewayEndpoints: [String] = []

    /// The settings file, or exit 3 (UNKNOWN) naming the file, line and key: dahdi-doctor cannot know what to check.
    /// The default AMI credentials file is the one under --etc-root (where `setup ami --etc-root` writes it).
    func loadSettings() throws -> DoctorSettings {
        var settings = try loadDoctorSettings(config)
        settings.ami.credentialsFile = settings.ami.credentialsFile(etcRoot: etcRoot)
        return settings
    }
}

/// Reads the settings file at `path` (absent: the defaults), or exits 3 naming the file, line and key.
func loadDoctorSettings(_ path: String) throws -> DoctorSettings {
    switch readDoctorSettings(path) {
    case .success(let settings): return settings
    case .failure(let problem):
        printError("dahdi-doctor: \(problem.message)")
        throw ExitCode(3)
    }
}

/// Why the settings file could not be used, as one line: "cannot read FILE: ..." or "FILE: line N: ...".
struct SettingsProblem: Error {
    var message: String
}

/// The settings file at `path` (absent: the defaults), or why it cannot be used.
func readDoctorSettings(_ path: String) -> Result<DoctorSettings, SettingsProblem> {
    let text: String
    do { text = try FileIO.read(path, limit: 1 << 20) } catch {
        if error.isNotFound { return .success(DoctorSettings()) }
        return .failure(SettingsProblem(message: "cannot read \(path): \(error)"))
    }
    return SettingsParser.parse(text, file: path).mapError { SettingsProblem(message: "\($0)") }
}
