import ArgumentParser
import DoctorCore
import DoctorAgentServer
import DoctorKernel
import DoctorNetwork
import DoctorSystem

/// This machine, as `check` and `metrics` observe it: the kernel and configuration files, Asterisk over AMI (or its
/// control socket when root has no AMI credentials), and
/// the gateways of the gateway list. Exits 3 (UNKNOWN) when the settings file is unusable.
func observeThisMachine(roots: RootOptions, configOptions: ConfigOptions, amiOptions: AMIOptions,
                        consoleOptions: ConsoleOptions, generator: String,
                        interval: Double?, probeGateways: Bool) throws -> Observation {
    let settings = try configOptions.loadSettings()
    var observation = Observer(roots: roots.dahdiRoots, etcRoot: configOptions.etcRoot, fsRoot: roots.fsRoot,
                               monitoringUser: amiOptions.monitoringUser(settings.ami)).observe(generator: generator, interval: interval)
    observation.config.gatewayEndpoints = Array(Set(settings.gateways.compactMap(\.endpoint) + configOptions.gatewayEndpoints)).sorted()
    observation.asterisk = amiOptions.read(settings.ami, gatewayEndpoints: observation.config.gatewayEndpoints)
    // No AMI credentials at all: root reads Asterisk through its control socket when it is there.
    if observation.asterisk == nil, !amiOptions.noAMI, settings.ami.enabled,
       let reader = consoleOptions.reader(etcRoot: configOptions.etcRoot, settings: settings.ami,
                                          gatewayEndpoints: observation.config.gatewayEndpoints) {
        observation.asterisk = reader.read()
    }
    if probeGateways && !settings.gateways.isEmpty {
        observation.gateways = GatewayObserver(gateways: settings.gateways, userAgent: generator.replacingSpace()).observe()
    }
    return observation
}

/// A saved observation (`check --save-observation`), or exit 3 with a one-line reason.
func loadObservation(_ path: String) throws -> Observation {
    let text: String
    do { text = try readFile(path) } catch {
        printError("dahdi-doctor: cannot read observation \(path): \(error)")
        throw ExitCode(3)
    }
    do {
        let observation = try JSONOutput.decode(Observation.self, from: text)
        guard observation.schemaVersion == Observation.currentSchemaVersion else {
            printError("dahdi-doctor: \(path) has observation schema_version \(observation.schemaVersion); this dahdi-doctor reads \(Observation.currentSchemaVersion)")
            throw ExitCode(3)
        }
        return observation
    } catch let error as ExitCode {
        throw error
    } catch {
        printError("dahdi-doctor: \(path) is not a dahdi-doctor observation: \(error)")
        throw ExitCode(3)
    }
}
