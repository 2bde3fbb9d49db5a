/// Profile "none": the gateway is only probed with SIP OPTIONS; there is no web status to read.
public struct NoStatusAdapter: GatewayStatusAdapter {
    public init() {}

    public var profile: String { "none" }
    public var login: GatewayLoginPlan { .none }

    public func statusRequest(credentials: GatewayCredentials?, sessionToken: String?, after pages: [GatewayPage])
        -> GatewayHTTPRequest? { nil }

    public func parse(_ page: GatewayPage) -> GatewayStatusResult { .failed(Self.unsupported) }

    public static let unsupported = GatewayStatusFailure(
        kind: .unsupported, message: "profile none has no status page; the gateway is checked with SIP OPTIONS only")
}
