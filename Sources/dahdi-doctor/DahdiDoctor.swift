import ArgumentParser
import DoctorCore
import DoctorLinux

@main
struct DahdiDoctor: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "dahdi-doctor",
        abstract: "Diagnose DAHDI telephony hardware, its configuration and the gateways around it.",
        version: version,
        subcommands: [Check.self, Scan.self, Explain.self],
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

    var dahdiRoots: DahdiRoots { DahdiRoots(sysfs: sysfsRoot, procfs: procfsRoot, devfs: devfsRoot) }
}

/// Where the configuration files are (/etc/dahdi, /etc/asterisk, /etc/fxotune.conf).
struct ConfigOptions: ParsableArguments {
    @Option(name: .customLong("etc-root"), help: "Directory holding dahdi/, asterisk/ and fxotune.conf.")
    var etcRoot = "/etc"
}
