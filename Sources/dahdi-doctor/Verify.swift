import ArgumentParser
import DoctorCore
import DoctorAgentServer
import DoctorKernel
import DoctorNetwork
import DoctorSystem

/// The exit codes of `verify` (README, "verify"); sysexits(3) values for the file errors.
enum VerifyExit {
    static let manifestInvalid: Int32 = 65   // EX_DATAERR: the manifest cannot be read or parsed
    static let cannotWrite: Int32 = 73       // EX_CANTCREAT: --junit or --write-manifest cannot be written
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",  // explicit: ArgumentParser otherwise derives it by reflection at every start
        abstract: "Check the box against a manifest of what it should be (install-time verification).",
        discussion: """
            Each expectation of the manifest (cards and their drivers and firmware, DAHDI devices, spans, channels, \
            FXO lines, gateways, Asterisk endpoints, tolerated faults) is checked with evidence. Exit codes: 0 every \
            expectation holds; 1 at least one does not; 2 none fails but at least one could not be checked (e.g. AMI \
            not reachable); 64 usage error; 65 the manifest cannot be read or is invalid (file:line named); 73 the \
            --junit or --write-manifest file cannot be written. --write-manifest captures this box instead.
            """)

    @OptionGroup var roots: RootOptions
    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var amiOptions: AMIOptions
    @OptionGroup var consoleOptions: ConsoleOptions

    @Option(help: "The manifest (TOML; see Config/manifest.example.toml).")
    var manifest: String?

    @Flag(help: "Print the result as JSON (schema_version 1, Config/verify.schema.v1.json).")
    var json = false

    @Option(help: "Also write the result as JUnit XML to this file (one testcase per expectation).")
    var junit: String?

    @Option(name: .customLong("write-manifest"), help: "Capture this box as a manifest to edit, written to this file, instead of verifying.")
    var writeManifest: String?

    @Option(help: "Verify a saved observation (check --save-observation) instead of this machine.")
    var observation: String?

    @Flag(name: .customLong("no-gateways"), help: "Do not probe the gateways of the gateway list.")
    var noGateways = false

    func validate() throws {
        if manifest == nil && writeManifest == nil { throw ValidationError("give --manifest FILE to verify, or --write-manifest FILE to capture this box") }
        if manifest != nil && writeManifest != nil { throw ValidationError("--manifest and --write-manifest cannot be used together") }
        if writeManifest != nil && (json || junit != nil) { throw ValidationError("--json and --junit go with --manifest") }
    }

    func run() throws {
        let generator = "dahdi-doctor \(DahdiDoctor.version)"
        // The manifest first: a broken manifest is reported before anything is probed.
        var parsed: Manifest?
        if let path = manifest {
            let text: String
            do { text = try FileIO.read(path, limit: 4 << 20) } catch {
                printError("dahdi-doctor: cannot read manifest \(path): \(error)")
                throw ExitCode(VerifyExit.manifestInvalid)
            }
            switch ManifestParser.parse(text, file: path) {
            case .success(let value): parsed = value
            case .failure(let error):
                printError("dahdi-doctor: \(error)")
                throw ExitCode(VerifyExit.manifestInvalid)
            }
        }
        let observed: Observation
        if let path = observation {
            observed = try loadObservation(path)
        } else {
            observed = try observeThisMachine(roots: roots, configOptions: configOptions, amiOptions: amiOptions, consoleOptions: consoleOptions,
                                              generator: generator, interval: nil, probeGateways: !noGateways)
        }
        let report = Diagnosis.run(observed, generator: generator)

        if let path = writeManifest {
            let text = ManifestWriter.write(observation: observed, report: report, name: Host.name(), generator: generator)
            do { try FileIO.write(path, text) } catch {
                printError("dahdi-doctor: cannot write \(path): \(error)")
                throw ExitCode(VerifyExit.cannotWrite)
            }
            print("dahdi-doctor: wrote \(path); edit it, then run: dahdi-doctor verify --manifest \(path)")
            return
        }

        guard let parsed, let path = manifest else { return }
        let result = Verifier.verify(parsed, file: path, observation: observed, report: report, generator: generator)
        if json {
            print(try JSONOutput.encode(result))
        } else {
            print(VerifyText.render(result), terminator: "")
        }
        if let junit {
            do { try FileIO.write(junit, VerifyJUnit.render(result, hostname: Host.name())) } catch {
                printError("dahdi-doctor: cannot write \(junit): \(error)")
                throw ExitCode(VerifyExit.cannotWrite)
            }
        }
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }
}
