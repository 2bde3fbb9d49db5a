import DoctorCore
import DoctorSystem

/// One look at Asterisk over AMI: log in with `Events: off`, run CoreSettings and the six reads, log off. It never
/// throws: every read ends up in the observation as its value or its typed failure.
/// - A failed action does not stop the others (a permission missing for PJSIP still lets chan_dahdi answer).
/// - A dead connection (closed, timed out, garbage, TLS) marks every read not yet made as failed with its cause.
/// - Everything, Logoff included, ends by `timeouts.overall`.
/// - No retry: a check must answer within its deadline (an agent uses `AMIClient` with a `ReconnectPolicy`).
public struct AsteriskReader: Sendable {
    public enum DahdiShowStatusRequest: Sendable, Hashable {
        /// Only when CoreSettings' version has it (or the version is unknown); otherwise `.failed(unsupported)`.
        case whenSupported
        /// Ask whatever the version says.
        case always
    }

    public var endpoint: AMIEndpoint
    public var credentials: AMICredentials
    public var timeouts: AMITimeouts
    public var dahdiShowStatus: DahdiShowStatusRequest

    /// Endpoints looked up one by one with PJSIPShowEndpoint (the gateway list's).
    public var detailEndpoints: [String]

    public init(endpoint: AMIEndpoint, credentials: AMICredentials, timeouts: AMITimeouts = AMITimeouts(),
                dahdiShowStatus: DahdiShowStatusRequest = .whenSupported, detailEndpoints: [String] = []) {
        self.endpoint = endpoint; self.credentials = credentials; self.timeouts = timeouts
        self.dahdiShowStatus = dahdiShowStatus; self.detailEndpoints = detailEndpoints
    }

    /// Modules whose presence a check needs (ModuleCheck): chan_sip for the sip.conf leftovers, res_pjsip and
    /// chan_dahdi to tell a module not loaded from an old Asterisk.
    public static let checkedModules = AsteriskModules.checked

    public func read() -> AsteriskObservation {
        var session = Session(reader: self)
        return session.run()
    }
}

/// One run of the reader: the client, the observation being filled, and the failure that ended the connection.
private struct Session {
    let reader: AsteriskReader
    let deadline: ContinuousClock.Instant
    var observation: AsteriskObservation
    var client: AMIClient?
    /// The action during which the connection died, and why.
    var lost: (action: String, failure: AMIFailure)?
    var anythingRead = false

    init(reader: AsteriskReader) {
        self.reader = reader
        deadline = .now + reader.timeouts.overall
        observation = AsteriskObservation(target: reader.endpoint.target, tls: reader.endpoint.tls != nil,
                                          tlsVerified: reader.endpoint.tls.map(\.verifyCertificate))
    }

    mutating func run() -> AsteriskObservation {
        do {
            client = try AMIClient.connect(to: reader.endpoint, credentials: reader.credentials, events: false,
                                           timeouts: reader.timeouts, sessionDeadline: deadline)
        } catch {
            lost = (error.action ?? "the connection", error)
        }
        defer { client?.logoff() }
        readCoreSettings()
        observation.coreStatus = single(AMIAction("CoreStatus"), decode: AsteriskCoreStatus.decode)
        observation.moduleChecks = AsteriskReader.checkedModules.map { module in
            let answer = single(AMIAction("ModuleCheck", ["Module": module]), decode: { _ in true })
            return AsteriskModuleCheck(module: module, loaded: answer.failure.map(AsteriskModuleCheck.interpret) ?? answer)
        }
        observation.endpoints = list(AMIAction("PJSIPShowEndpoints"), decode: AsteriskEndpoint.decode)
        observation.contacts = list(AMIAction("PJSIPShowContacts"), decode: AsteriskContact.decode)
        observation.aors = list(AMIAction("PJSIPShowAors"), decode: AsteriskAor.decode)
        observation.outboundRegistrations = list(AMIAction("PJSIPShowRegistrationsOutbound"),
                                                 decode: AsteriskOutboundRegistration.decode)
        observation.dahdiChannels = list(AMIAction("DAHDIShowChannels"), decode: AsteriskDahdiChannel.decode)
            .mapFailure(Self.explainDahdiShowChannels)
        observation.dahdiSpans = readDahdiSpans()
        if !reader.detailEndpoints.isEmpty {
            var lookups: [AsteriskEndpointLookup] = []
            for name in reader.detailEndpoints {
                let items = list(AMIAction("PJSIPShowEndpoint", ["Endpoint": name]), decode: AsteriskEndpointDetailItem.decode)
                switch items {
                case .ok(let found): lookups.append(AsteriskEndpointLookup(name: name, detail: .ok(AsteriskEndpointDetailItem.assemble(found, name: name))))
                case .failed(let failure): lookups.append(AsteriskEndpointLookup(name: name, detail: .failed(failure)))
                }
            }
            observation.endpointDetails = lookups
        }
        if !anythingRead, let lost { observation.sessionFailure = lost.failure }
        observation = observation.derivingStaticContacts()
        return observation
    }

    private mutating func readCoreSettings() {
        guard let client, lost == nil else { return }
        do {
            let settings = AsteriskCoreSettings.decode(try client.action(AMIAction("CoreSettings")))
            observation.asteriskVersion = settings.asteriskVersion
            observation.amiVersion = settings.amiVersion ?? client.banner.version
            anythingRead = true
        } catch {
            // Without CoreSettings (a user without `system`/`reporting`), the banner still gives the AMI version.
            observation.amiVersion = client.banner.version
            note(error, during: "CoreSettings")
        }
    }

    /// A one-reply action (CoreStatus, ModuleCheck), failures kept like a list's.
    private mutating func single<Value>(_ action: AMIAction, decode: (AMIMessage) -> Value) -> AMIResult<Value> {
        if let refusal = notAsked(action.name) { return .failed(refusal) }
        guard let client else { return .failed(AMIFailure(kind: .closed, action: action.name, message: "no session")) }
        do {
            let value = decode(try client.action(action))
            anythingRead = true
            return .ok(value)
        } catch {
            note(error, during: action.name)
            return .failed(error)
        }
    }

    private mutating func list<Item>(_ action: AMIAction,
                                     decode: @escaping (AMIMessage) throws(AMIFailure) -> Item?) -> AMIResult<[Item]> {
        if let refusal = notAsked(action.name) { return .failed(refusal) }
        guard let client else { return .failed(AMIFailure(kind: .closed, action: action.name, message: "no session")) }
        do {
            let items = try client.list(action, decode: decode).items
            anythingRead = true
            return .ok(items)
        } catch {
            note(error, during: action.name)
            return .failed(error.kind == .permission && action.name.hasPrefix("PJSIP") ? Self.explainPermission(error) : error)
        }
    }

    private mutating func readDahdiSpans() -> AMIResult<[AsteriskDahdiSpan]> {
        let action = "DAHDIShowStatus"
        if let refusal = notAsked(action) { return .failed(refusal) }
        if reader.dahdiShowStatus == .whenSupported,
           case .absent(let reason) = DahdiShowStatusSupport.of(asteriskVersion: observation.asteriskVersion) {
            return .failed(AMIFailure(kind: .unsupported, action: action, message: reason))
        }
        let chanDahdiMissing = observation.dahdiChannels?.failure?.kind == .unsupported
        return list(AMIAction(action), decode: AsteriskDahdiSpan.decode).mapFailure { failure in
            switch failure.kind {
            case .unsupported where chanDahdiMissing:
                return AMIFailure(kind: .unsupported, action: action,
                                  message: "chan_dahdi is not loaded in Asterisk (\(failure.message))")
            case .unsupported:
                let version = observation.asteriskVersion.map { "Asterisk \($0)" } ?? "this Asterisk"
                return AMIFailure(kind: .unsupported, action: action,
                                  message: "\(version) has no DAHDIShowStatus (needs 21.3.0, 20.8.0 or 18.23.0): \(failure.message)")
            case .error where failure.message == "No DAHDI detected":
                return AMIFailure(kind: .error, action: action,
                                  message: "chan_dahdi cannot open /dev/dahdi/ctl (Asterisk answered: No DAHDI detected)")
            default:
                return failure
            }
        }
    }

    /// Why an action is not even sent: the connection died earlier, or the overall deadline has passed.
    private func notAsked(_ action: String) -> AMIFailure? {
        if let lost {
            let why = client == nil ? "no AMI session (\(lost.action) failed)" : "the AMI session ended during \(lost.action)"
            return AMIFailure(kind: lost.failure.kind, action: action, message: "not asked: \(why): \(lost.failure.message)")
        }
        if deadline <= .now {
            return AMIFailure(kind: .timeout, action: action,
                              message: "not asked: the overall deadline of \(reader.timeouts.overall.shortDescription) had passed")
        }
        return nil
    }

    private mutating func note(_ failure: AMIFailure, during action: String) {
        if lost == nil, client?.isUsable == false || failure.kind == .timeout {
            // A timed-out action may still be answering: its late events would only make the next read wait.
            lost = (action, failure)
            client?.close()
        }
    }

    static func explainDahdiShowChannels(_ failure: AMIFailure) -> AMIFailure {
        guard failure.kind == .unsupported else { return failure }
        return AMIFailure(kind: .unsupported, action: failure.action,
                          message: "chan_dahdi is not loaded in Asterisk (\(failure.message))")
    }

    /// manager.c checks an action against the user's *write* classes (process_message: `writeperm & authority`).
    static func explainPermission(_ failure: AMIFailure) -> AMIFailure {
        let classes = failure.action == "PJSIPShowRegistrationsOutbound" ? "`system` or `reporting`" : "`system`"
        return AMIFailure(kind: .permission, action: failure.action,
                          message: "\(failure.message): the AMI user's write= classes in manager.conf lack \(classes)")
    }
}

extension AMIResult {
    func mapFailure(_ transform: (AMIFailure) -> AMIFailure) -> AMIResult {
        switch self {
        case .ok: self
        case .failed(let failure): .failed(transform(failure))
        }
    }
}
