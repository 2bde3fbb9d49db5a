import ArgumentParser
import DoctorCore
import DoctorAgentServer
import DoctorKernel
import DoctorNetwork
import DoctorSystem

/// How `check` reaches Asterisk's AMI. Settings come from dahdi-doctor.toml's [ami]; these options override them.
struct AMIOptions: ParsableArguments {
    @Flag(name: .customLong("no-ami"), help: "Do not ask Asterisk (skips the Asterisk and PJSIP checks).")
    var noAMI = false

    @Option(name: .customLong("ami-host"), help: "AMI host (default from settings, else 127.0.0.1).")
    var host: String?

    @Option(name: .customLong("ami-port"), help: "AMI port (default 5038, 5039 with --ami-tls).")
    var port: Int?

    @Flag(name: .customLong("ami-tls"), help: "Use TLS (manager.conf tlsenable); the certificate is verified.")
    var tls = false

    @Option(name: .customLong("ami-ca-file"), help: "CA bundle to verify the AMI TLS certificate.")
    var caFile: String?

    @Flag(name: .customLong("ami-tls-insecure"), help: "TLS without verifying the certificate (reported as a finding).")
    var insecure = false

    @Option(name: .customLong("ami-credentials"), help: "0600 file with 'username = ...' and 'secret = ...' (default: dahdi-doctor/ami.conf under --etc-root; DAHDI_DOCTOR_AMI_USER/SECRET win).")
    var credentials: String?

    /// How AMI would be asked: not at all (off, or never set up), not usable (the credentials), or ready.
    enum Plan {
        case notAsked
        case unusable(AsteriskObservation)
        case ready(AsteriskReader)
    }

    /// Reads Asterisk's state, or nil when AMI is off or no credentials are configured at all (then the report says
    /// "ami not asked"). Unusable credentials are a session failure, so the report says why.
    func read(_ settings: AMISettings, gatewayEndpoints: [String]) -> AsteriskObservation? {
        switch plan(settings, gatewayEndpoints: gatewayEndpoints) {
        case .notAsked: return nil
        case .unusable(let observation): return observation
        case .ready(let reader): return reader.read()
        }
    }

    func plan(_ settings: AMISettings, gatewayEndpoints: [String]) -> Plan {
        guard !noAMI, settings.enabled else { return .notAsked }
        let useTLS = tls || settings.tls
        let tlsOptions = useTLS ? AMITLSOptions(caFile: caFile ?? settings.caFile, verifyCertificate: !insecure) : nil
        let endpoint = AMIEndpoint(host: host ?? settings.host, port: port ?? (port == nil && !tls ? settings.port : nil), tls: tlsOptions)
        let target = "\(endpoint.host):\(endpoint.port)"
        let credentials: AMICredentials
        do {
            if Environment.has(AMICredentials.userVariable) || Environment.has(AMICredentials.secretVariable) {
                credentials = try AMICredentialLoader.fromEnvironment()
            } else {
                let file = self.credentials ?? settings.credentialsFile
                // The default file missing means AMI was never set up: not asked, not a failure.
                if self.credentials == nil && !FileIO.exists(file) { return .notAsked }
                credentials = try AMICredentialLoader.load(file: file)
            }
        } catch {
            return .unusable(AsteriskObservation(target: target, tls: useTLS,
                                                 sessionFailure: AMIFailure(kind: .error, action: "credentials", message: error.description)))
        }
        let seconds = Duration.seconds(settings.timeout)
        return .ready(AsteriskReader(endpoint: endpoint, credentials: credentials,
                                     timeouts: AMITimeouts(connect: .seconds(3), request: seconds, overall: seconds * 4 + .seconds(Double(gatewayEndpoints.count))),
                                     detailEndpoints: gatewayEndpoints))
    }

    /// The AMI user name dahdi-doctor logs in as (for the exposure checks), or nil when there are no usable credentials.
    func monitoringUser(_ settings: AMISettings) -> String? {
        guard !noAMI, settings.enabled else { return nil }
        if Environment.has(AMICredentials.userVariable) || Environment.has(AMICredentials.secretVariable) {
            return try? AMICredentialLoader.fromEnvironment().username
        }
        let file = self.credentials ?? settings.credentialsFile
        guard FileIO.exists(file) else { return nil }
        return try? AMICredentialLoader.load(file: file).username
    }
}
