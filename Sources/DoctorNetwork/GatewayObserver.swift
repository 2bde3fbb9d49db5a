import Dispatch
import DoctorCore
import DoctorSystem
import Synchronization

/// Observes every gateway of the gateway list: SIP OPTIONS to all of them at once (one slow gateway never delays
/// the others), then each one's vendor status page.
public struct GatewayObserver: Sendable {
    public var gateways: [GatewaySettings]
    public var userAgent: String
    public var deadline: Duration

    public init(gateways: [GatewaySettings], userAgent: String, deadline: Duration = .seconds(4)) {
        self.gateways = gateways; self.userAgent = userAgent; self.deadline = deadline
    }

    public func observe() -> [GatewayObservation] {
        guard !gateways.isEmpty else { return [] }
        let targets = gateways.map { gateway in
            SipProbeTarget("\(Self.bracketed(gateway.address)):\(gateway.sipPort)", transport: gateway.transport == .tcp ? .tcp : .udp)
        }
        let prober = SipOptionsProber(settings: SipProbeSettings(deadline: deadline, userAgent: userAgent))
        let results = prober.probe(targets)
        let statuses = readStatusPages()
        return gateways.indices.map { index in
            let gateway = gateways[index]
            return GatewayObservation(name: gateway.name, address: gateway.address, profile: gateway.profile, endpoint: gateway.endpoint,
                                      options: results[index], status: statuses[index])
        }
    }

    /// Every gateway's web status page, in parallel (each read has its own deadline, so a dead web interface only
    /// costs its own timeout). Profile "none" has no page and is not asked.
    func readStatusPages() -> [Int: GatewayStatusResult] {
        let results = Mutex<[Int: GatewayStatusResult]>([:])
        let gateways = self.gateways
        DispatchQueue.concurrentPerform(iterations: gateways.count) { index in
            let gateway = gateways[index]
            guard GatewayStatusAdapters.adapter(forProfile: gateway.profile)?.profile != "none" else { return }
            let reader = GatewayStatusReader(host: gateway.address, port: gateway.webPort)
            // The credentials file passes the same rules as the AMI's (0600, owner) before it is used.
            var credentials: GatewayStatusReader.Credentials = .none
            if let path = gateway.credentialsFile {
                let text: String
                do throws(AMICredentialError) {
                    text = try AMICredentialLoader.readPrivateFile(path)
                } catch {
                    results.withLock { $0[index] = .failed(GatewayStatusFailure(kind: .authentication, message: error.description)) }
                    return
                }
                switch GatewayCredentials.parse(file: text) {
                case .success(let value): credentials = .value(value)
                case .failure(let error):
                    results.withLock { $0[index] = .failed(GatewayStatusFailure(kind: .authentication, message: "\(path): \(error)")) }
                    return
                }
            }
            let result = reader.read(profile: gateway.profile, credentials: credentials)
            results.withLock { $0[index] = result }
        }
        return results.withLock { $0 }
    }

    /// An IPv6 literal needs brackets before ":port".
    static func bracketed(_ address: String) -> String {
        address.contains(":") && !address.hasPrefix("[") ? "[\(address)]" : address
    }
}
