// Typed decoders for the PJSIP list events. Each returns nil for an event of another type in the same list (the
// AuthDetail events PJSIPShowRegistrationsOutbound interleaves are skipped, never read), and throws
// `protocolError` when an event of its own type lacks the name that identifies it.

extension AsteriskEndpoint {
    /// PJSIPShowEndpoints `EndpointList` (res_pjsip/pjsip_configuration.c, format_ami_endpoints).
    public static func decode(_ event: AMIMessage) throws(AMIFailure) -> AsteriskEndpoint? {
        guard event.isEvent("EndpointList") else { return nil }
        return AsteriskEndpoint(
            name: try event.required("ObjectName", in: "EndpointList", action: "PJSIPShowEndpoints"),
            transport: event.text("Transport"), aors: event.list("Aor"), auths: event.list("Auths"),
            outboundAuths: event.list("OutboundAuths"), contacts: event.list("Contacts"),
            deviceState: event.text("DeviceState"), activeChannels: event.int("ActiveChannels"))
    }
}

extension AsteriskContact {
    /// PJSIPShowContacts `ContactList` (res_pjsip/pjsip_options.c, ami_contact_cb). It has no AOR field: the AOR is
    /// the contact's id up to `;@` (registered) or `@@` (static), location.c's naming scheme.
    public static func decode(_ event: AMIMessage) throws(AMIFailure) -> AsteriskContact? {
        guard event.isEvent("ContactList") else { return nil }
        let id = try event.required("ObjectName", in: "ContactList", action: "PJSIPShowContacts")
        let aor = id.firstRange(of: ";@").map { String(id[..<$0.lowerBound]) }
            ?? id.firstRange(of: "@@").map { String(id[..<$0.lowerBound]) } ?? id
        return AsteriskContact(
            uri: try event.required("Uri", in: "ContactList", action: "PJSIPShowContacts"), aor: aor,
            endpoint: event.text("Endpoint"), status: event.text("Status"), roundtripUsec: event.int("RoundtripUsec"),
            userAgent: event.text("UserAgent"), qualifyFrequency: event.int("QualifyFrequency"),
            expirationTime: event.int("ExpirationTime"), viaAddress: viaAddress(event))
    }

    private static func viaAddress(_ event: AMIMessage) -> String? {
        guard let address = event.text("ViaAddr") else { return nil }
        guard let port = event.text("ViaPort"), port != "0" else { return address }
        return address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}

extension AsteriskAor {
    /// PJSIPShowAors `AorList` (res_pjsip/location.c, format_ami_aor_handler). `Contacts` holds `aor/uri` items,
    /// static and registered alike; `staticContacts` is derived later against PJSIPShowContacts.
    public static func decode(_ event: AMIMessage) throws(AMIFailure) -> AsteriskAor? {
        guard event.isEvent("AorList") else { return nil }
        let name = try event.required("ObjectName", in: "AorList", action: "PJSIPShowAors")
        let contacts = event.list("Contacts").map { item in
            item.hasPrefix(name + "/") ? String(item.dropFirst(name.count + 1)) : item
        }
        return AsteriskAor(name: name, maxContacts: event.int("MaxContacts"), qualifyFrequency: event.int("QualifyFrequency"),
                           qualifyTimeout: event.double("QualifyTimeout"), contacts: contacts)
    }
}

extension AsteriskOutboundRegistration {
    /// PJSIPShowRegistrationsOutbound `OutboundRegistrationDetail` (res_pjsip_outbound_registration.c,
    /// ami_outbound_registration_task). The `AuthDetail` events that follow each one carry the password in clear
    /// text: they are not decoded (and their credential fields were already dropped by the framer).
    public static func decode(_ event: AMIMessage) throws(AMIFailure) -> AsteriskOutboundRegistration? {
        guard event.isEvent("OutboundRegistrationDetail") else { return nil }
        return AsteriskOutboundRegistration(
            name: try event.required("ObjectName", in: "OutboundRegistrationDetail", action: "PJSIPShowRegistrationsOutbound"),
            serverUri: event.text("ServerUri"), clientUri: event.text("ClientUri"), endpoint: event.text("Endpoint"),
            status: event.text("Status"), nextReg: event.int("NextReg"), transport: event.text("Transport"),
            outboundAuth: event.text("OutboundAuth"), retryInterval: event.int("RetryInterval"),
            expiration: event.int("Expiration"))
    }
}

extension AsteriskObservation {
    /// Fills each AOR's `staticContacts`: its contacts that PJSIPShowContacts (registered contacts only) does not
    /// list. Left empty when either read failed, since nothing can be told apart then.
    public func derivingStaticContacts() -> AsteriskObservation {
        guard case .ok(var aors)? = aors, case .ok(let contacts)? = contacts else { return self }
        for index in aors.indices {
            let registered = Set(contacts.filter { $0.aor == aors[index].name }.map(\.uri))
            aors[index].staticContacts = aors[index].contacts.filter { !registered.contains($0) }
        }
        var copy = self
        copy.aors = .ok(aors)
        return copy
    }
}
