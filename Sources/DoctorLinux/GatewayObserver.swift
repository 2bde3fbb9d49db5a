import DoctorCore

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
        return zip(gateways, results).map { gateway, result in
            GatewayObservation(name: gateway.name, address: gateway.address, profile: gateway.profile, endpoint: gateway.endpoint,
                               options: result, status: nil)
        }
    }

    /// An IPv6 literal needs brackets before ":port".
    static func bracketed(_ address: String) -> String {
        address.contains(":") && !address.hasPrefix("[") ? "[\(address)]" : address
    }
}
