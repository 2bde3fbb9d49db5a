import ArgumentParser
import DoctorCore
import DoctorAgentServer
import DoctorKernel
import DoctorNetwork
import DoctorSystem


struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",  // explicit: ArgumentParser otherwise derives it by reflection at every start
        abstract: "Inventory every DAHDI device, span and channel (what dahdi_scan and lsdahdi show, in one place).",
        discussion: """
            Reads /dev/dahdi/ctl (DAHDI_GETVERSION, DAHDI_SPANSTAT, DAHDI_GET_PARAMS only; no channel is opened), \
            sysfs and /proc/dahdi, and lists the telephony cards on the PCI (libudev) and USB (libusb) buses with the \
            driver each needs and the one bound. Exit codes: 0 read; 69 DAHDI unavailable (driver not loaded, no control device, \
            no device, no span assigned); 77 permission denied on the control device.
            """).parsedDirectlyByDahdiDoctor()

    @OptionGroup var roots: RootOptions

    @Flag(help: "Print the inventory as JSON (schema_version 1).")
    var json = false

    /// Hidden, for Tools/bench: time N reads in this process instead of printing the inventory (see ScanBenchmark).
    @Option(name: .customLong("bench-reads"), help: .hidden)
    var benchReads: Int?

    func validate() throws {
        if let benchReads, !(1...100_000).contains(benchReads) {
            throw ValidationError("--bench-reads must be between 1 and 100000")
        }
    }

    /// What the parsed options ask for.
    var request: ScanRequest {
        ScanRequest(sysfsRoot: roots.sysfsRoot, procfsRoot: roots.procfsRoot, devfsRoot: roots.devfsRoot,
                    fsRoot: roots.fsRoot, json: json, benchReads: benchReads)
    }

    func run() throws { try Self.run(request) }

    static func run(_ request: ScanRequest) throws {
        let roots = DahdiRoots(sysfs: request.sysfsRoot, procfs: request.procfsRoot, devfs: request.devfsRoot)
        if let benchReads = request.benchReads {
            print(ScanBenchmark.run(roots: roots, reads: benchReads), terminator: "")
            return
        }
        let scanner = DahdiScanner(roots: roots)
        let readings = scanner.read()
        var inventory = InventoryBuilder.build(readings, generator: "dahdi-doctor \(DahdiDoctor.version)")
        inventory.hardware = HardwareReader(sysfsRoot: request.sysfsRoot).read(dahdiDevices: readings.sysfs?.devices.map(\.name) ?? [])
        if request.json {
            print(try JSONOutput.encode(inventory))
        } else {
            print(ScanText.render(inventory), terminator: "")
        }
        let code = InventoryExit.code(for: inventory.status.code)
        if code != 0 {
            // One line a technician can act on, on stderr, whatever the output format.
            printError("dahdi-doctor: \(inventory.status.message)")
            throw ExitCode(code)
        }
    }
}
