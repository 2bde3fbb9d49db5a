/// PJSIPShowEndpoint answers with a list of mixed events: EndpointDetail, AuthDetail (with the password in clear:
/// never decoded), TransportDetail, AorDetail, ContactStatusDetail. Only the endpoint and its contacts are kept.
public enum AsteriskEndpointDetailItem: Sendable, Hashable, Codable {
    case endpoint(name: String, deviceState: String?, aors: [String])
    case contact(AsteriskContactStatus)

    public static func decode(_ event: AMIMessage) throws(AMIFailure) -> AsteriskEndpointDetailItem? {
        if event.isEvent("EndpointDetail") {
            return .endpoint(name: try event.required("ObjectName", in: "EndpointDetail", action: "PJSIPShowEndpoint"),
                             deviceState: event.text("DeviceState"), aors: event.list("Aors"))
        }
        if event.isEvent("ContactStatusDetail") {
            return .contact(AsteriskContactStatus(aor: event.text("AOR") ?? "", uri: try event.required("URI", in: "ContactStatusDetail", action: "PJSIPShowEndpoint"),
                                                  status: event.text("Status"), roundtripUsec: event.int("RoundtripUsec")))
        }
        return nil
    }

    public static func assemble(_ items: [AsteriskEndpointDetailItem], name: String) -> AsteriskEndpointDetail {
        var detail = AsteriskEndpointDetail(name: name)
        for item in items {
            switch item {
            case .endpoint(let endpointName, let state, let aors):
                detail.name = endpointName; detail.deviceState = state; detail.aors = aors
            case .contact(let contact):
                detail.contacts.append(contact)
            }
        }
        return detail
    }
}
