// From the CLI output of one console look at Asterisk to the same AsteriskObservation the AMI reader makes, so the
// checks do not care how Asterisk was read. Pure: the transcript (command -> output or transport failure) in, the
// observation out; the reader in DoctorNetwork only runs the commands this file asks for.

/// What each command printed, or why it could not be run.
public struct AsteriskConsoleTranscript: Sendable, Hashable {
    public var replies: [String: AMIResult<String>]
    /// When each answer ended, as Unix seconds (for `core show uptime seconds`, which counts back from then).
    public var answeredAt: [String: Double]

    public init(replies: [String: AMIResult<String>] = [:], answeredAt: [String: Double] = [:]) {
        self.replies = replies; self.answeredAt = answeredAt
    }

    public subscript(command: String) -> AMIResult<String>? {
        get { replies[command] }
        set { replies[command] = newValue }
    }
}

public enum AsteriskConsoleReading {
    /// The modules the checks ask about (AsteriskModules.checked, ModuleCheck over AMI).
    public static let checkedModules = AsteriskModules.checked

    /// Read commands only; each is sent as "cli quit after COMMAND" on its own connection.
    public static let firstCommands = ["core show version", uptimeCommand] + checkedModules.map { "module show like \($0)" } + [
        "pjsip show endpoints", "pjsip show contacts", "pjsip show aors", "pjsip show registrations",
        "dahdi show channels", "dahdi show status",
    ]

    /// Startup and last reload, as seconds before the answer: what CoreStatus gives over AMI.
    public static let uptimeCommand = "core show uptime seconds"

    /// At most this many `pjsip show aor NAME` per look (qualify settings and static contacts of the AORs that carry
    /// contacts or belong to gateways and trunks).
    public static let aorDetailLimit = 200

    /// The AMI action each command stands for, so failures read the same in the checks.
    public static func action(for command: String) -> String {
        switch command {
        case "core show version": return "CoreSettings"
        case uptimeCommand: return "CoreStatus"
        case _ where command.hasPrefix("module show like"): return "ModuleCheck"
        case "pjsip show endpoints": return "PJSIPShowEndpoints"
        case "pjsip show contacts": return "PJSIPShowContacts"
        case _ where command.hasPrefix("pjsip show aor"): return "PJSIPShowAors"
        case _ where command.hasPrefix("pjsip show registration"): return "PJSIPShowRegistrationsOutbound"
        case "dahdi show channels": return "DAHDIShowChannels"
        case "dahdi show status": return "DAHDIShowStatus"
        default: return command
        }
    }

    /// Commands still needed given what the transcript holds: each registration's details (for its endpoint), then
    /// the AORs whose qualify settings and static contacts the checks read. Call until it returns nothing.
    public static func detailCommands(_ transcript: AsteriskConsoleTranscript, gatewayEndpoints: [String]) -> [String] {
        var wanted: [String] = []
        let registrations = parsedRegistrations(transcript)
        for registration in registrations.lines {
            wanted.append("pjsip show registration \(registration.name)")
        }
        let registrationDetails = wanted.filter { transcript[$0] == nil }
        if !registrationDetails.isEmpty { return registrationDetails }
        for aor in aorsNeedingDetail(transcript, gatewayEndpoints: gatewayEndpoints).prefix(aorDetailLimit) {
            let command = "pjsip show aor \(aor)"
            if transcript[command] == nil { wanted.append(command) }
        }
        return wanted.filter { transcript[$0] == nil }
    }

    static func parsedRegistrations(_ transcript: AsteriskConsoleTranscript) -> (lines: [ConsoleRegistrationLine], endpoints: Set<String>) {
        guard case .ok(let text)? = transcript["pjsip show registrations"],
              case .ok(let lines) = ConsolePjsipParsers.registrations(text).result else { return ([], []) }
        var endpoints: Set<String> = []
        for line in lines {
            let command = "pjsip show registration \(line.name)"
            if case .ok(let detail)? = transcript[command],
               case .ok(let values) = ConsolePjsipParsers.objectSet(detail, command: command, action: action(for: command)).result,
               let endpoint = values["endpoint"]?.last, !endpoint.isEmpty {
                endpoints.insert(endpoint)
            }
        }
        return (lines, endpoints)
    }

    /// AORs with a contact in `pjsip show aors`, and every AOR of a gateway, of an endpoint with an outbound auth, or
    /// of an endpoint an outbound registration names: the ones PjsipChecks reads qualify_frequency and static contacts of.
    static func aorsNeedingDetail(_ transcript: AsteriskConsoleTranscript, gatewayEndpoints: [String]) -> [String] {
        var names: [String] = []
        if case .ok(let text)? = transcript["pjsip show aors"], case .ok(let aors) = ConsolePjsipParsers.aors(text).result {
            names += aors.filter { !$0.contacts.isEmpty }.map(\.name)
        }
        let registrationEndpoints = parsedRegistrations(transcript).endpoints
        let gateways = Set(gatewayEndpoints)
        if case .ok(let text)? = transcript["pjsip show endpoints"], case .ok(let blocks) = ConsolePjsipParsers.endpoints(text).result {
            for block in blocks where gateways.contains(block.endpoint.name) || !block.endpoint.outboundAuths.isEmpty
                || registrationEndpoints.contains(block.endpoint.name) {
                names += block.endpoint.aors
            }
        }
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }

    /// The observation, as AsteriskReader would have made it over AMI.
    public static func observation(target: String, banner: AsteriskConsoleBanner?, transcript: AsteriskConsoleTranscript,
                                   gatewayEndpoints: [String], sessionFailure: AMIFailure? = nil) -> AsteriskObservation {
        var builder = Builder(transcript: transcript)
        return builder.build(target: target, banner: banner, gatewayEndpoints: gatewayEndpoints, sessionFailure: sessionFailure)
    }

    struct Builder {
        let transcript: AsteriskConsoleTranscript
        var unrecognised: [AsteriskUnrecognisedLine] = []

        init(transcript: AsteriskConsoleTranscript) { self.transcript = transcript }

        /// A command's parse, with its unrecognised lines kept; a transport failure passes through.
        mutating func read<Value>(_ command: String, _ parse: (String) -> ConsoleParsed<Value>) -> AMIResult<Value>? {
            guard let reply = transcript[command] else { return nil }
            switch reply {
            case .failed(let failure): return .failed(failure)
            case .ok(let text):
                let parsed = parse(text)
                unrecognised += parsed.unrecognised.map { AsteriskUnrecognisedLine(command: command, line: $0) }
                return parsed.result
            }
        }

        mutating func build(target: String, banner: AsteriskConsoleBanner?, gatewayEndpoints: [String],
                            sessionFailure: AMIFailure?) -> AsteriskObservation {
            var observation = AsteriskObservation(target: target)
            observation.via = .console
            if let sessionFailure {
                observation.sessionFailure = sessionFailure
                return observation
            }
            let version = read("core show version", ConsoleCoreParsers.version)
            observation.asteriskVersion = version?.value ?? banner?.version
            let checks = checkedModules.compactMap { module in
                read("module show like \(module)", { ConsoleCoreParsers.moduleLoaded($0, module: module) })
                    .map { AsteriskModuleCheck(module: module, loaded: $0) }
            }
            if !checks.isEmpty { observation.moduleChecks = checks }
            let answeredAt = transcript.answeredAt[uptimeCommand]
            observation.coreStatus = read(uptimeCommand, ConsoleCoreParsers.uptime)?.map { uptime in
                AsteriskCoreStatus(startupAt: answeredAt.flatMap { at in uptime.systemSeconds.map { at - Double($0) } },
                                   reloadAt: answeredAt.flatMap { at in uptime.lastReloadSeconds.map { at - Double($0) } })
            }

            // PJSIP: the listings, completed by the AOR and registration details.
            let blocks = read("pjsip show endpoints", ConsolePjsipParsers.endpoints)
            let listed = read("pjsip show contacts", ConsolePjsipParsers.contacts)
            let aorBlocks = read("pjsip show aors", ConsolePjsipParsers.aors)
            let registrations = read("pjsip show registrations", ConsolePjsipParsers.registrations)
            var aorDetails: [String: [String: [String]]] = [:]
            for aor in aorBlocks?.value ?? [] {
                let command = "pjsip show aor \(aor.name)"
                switch read(command, { ConsolePjsipParsers.objectSet($0, command: command, action: "PJSIPShowAors") }) {
                case .ok(let values)?: aorDetails[aor.name] = values
                case .failed(let failure)?: note(command, "not read: \(failure.message)")
                case nil: break
                }
            }
            let uris = Self.fullURIs([blocks?.value?.flatMap(\.contacts), listed?.value, aorBlocks?.value?.flatMap(\.contacts)]
                .compactMap { $0 }.flatMap { $0 })
            func uri(_ line: ConsoleContactLine) -> String { uris[line.hash].flatMap { $0.hasPrefix(line.uri) ? $0 : nil } ?? line.uri }
            // `pjsip show aor NAME` prints in `contact` every contact of the AOR, registered ones too (location.c
            // contacts_to_str; seen in the lab: gateway-fxo-1's registered contact is there). An AOR with max_contacts 0
            // accepts no registration, so its contacts are all static; one that accepts registrations is read as
            // having none (a static contact there reads as registered: a known gap, docs/asterisk.md).
            func staticContacts(_ aor: String) -> Set<String>? {
                guard let values = aorDetails[aor] else { return nil }
                guard (values["max_contacts"]?.last.flatMap { Int($0) } ?? 0) == 0 else { return [] }
                return Set((values["contact"] ?? []).flatMap { $0.split(separator: ",").map { ConsoleText.trimmed($0) } }.filter { !$0.isEmpty })
            }

            observation.endpoints = blocks?.map { $0.map { block in
                var endpoint = block.endpoint
                endpoint.contacts = block.contacts.map { "\($0.aor)/\(uri($0))" }
                return endpoint
            } }
            let endpointOfAor = Dictionary((blocks?.value ?? []).flatMap { block in block.endpoint.aors.map { ($0, block.endpoint.name) } },
                                           uniquingKeysWith: { a, _ in a })
            observation.contacts = listed?.map { lines in
                lines.compactMap { line -> AsteriskContact? in
                    let full = uri(line)
                    // PJSIPShowContacts lists registered contacts only; the CLI lists static ones too.
                    if let statics = staticContacts(line.aor), statics.contains(full) { return nil }
                    if staticContacts(line.aor) == nil, aorBlocks?.value?.contains(where: { $0.name == line.aor }) == true {
                        note("pjsip show contacts", "cannot tell whether \(line.aor)/\(full) is static: 'pjsip show aor \(line.aor)' was not read")
                    }
                    return AsteriskContact(uri: full, aor: line.aor, endpoint: endpointOfAor[line.aor], status: line.status,
                                           roundtripUsec: line.roundtripUsec,
                                           qualifyFrequency: aorDetails[line.aor]?["qualify_frequency"]?.last.flatMap { Int($0) })
                }
            }
            observation.aors = aorBlocks?.map { blocks in
                blocks.map { block in
                    let details = aorDetails[block.name]
                    return AsteriskAor(name: block.name, maxContacts: details?["max_contacts"]?.last.flatMap { Int($0) } ?? block.maxContacts,
                                       qualifyFrequency: details?["qualify_frequency"]?.last.flatMap { Int($0) },
                                       qualifyTimeout: details?["qualify_timeout"]?.last.flatMap { Double($0) },
                                       contacts: block.contacts.map(uri))
                }
            }
            observation.outboundRegistrations = registrations?.map { lines in
                lines.map { line in
                    let command = "pjsip show registration \(line.name)"
                    var values: [String: [String]] = [:]
                    switch read(command, { ConsolePjsipParsers.objectSet($0, command: command, action: "PJSIPShowRegistrationsOutbound") }) {
                    case .ok(let found)?: values = found
                    case .failed(let failure)?: note(command, "not read: \(failure.message)")
                    case nil: break
                    }
                    func value(_ name: String) -> String? { values[name]?.last.flatMap { $0.isEmpty ? nil : $0 } }
                    return AsteriskOutboundRegistration(
                        name: line.name, serverUri: value("server_uri") ?? line.serverUri, clientUri: value("client_uri"),
                        endpoint: value("endpoint"), status: line.status, transport: value("transport"),
                        outboundAuth: value("outbound_auth") ?? line.auth, retryInterval: value("retry_interval").flatMap { Int($0) },
                        expiration: value("expiration").flatMap { Int($0) })
                }
            }
            if !gatewayEndpoints.isEmpty, let blocks {
                observation.endpointDetails = gatewayEndpoints.map { name in
                    switch blocks {
                    case .failed(let failure):
                        return AsteriskEndpointLookup(name: name, detail: .failed(failure))
                    case .ok(let found):
                        guard let block = found.first(where: { $0.endpoint.name == name }) else {
                            return AsteriskEndpointLookup(name: name, detail: .failed(AMIFailure(
                                kind: .error, action: "PJSIPShowEndpoint",
                                message: "Unable to retrieve endpoint \(name) (not listed by 'pjsip show endpoints')")))
                        }
                        return AsteriskEndpointLookup(name: name, detail: .ok(AsteriskEndpointDetail(
                            name: name, deviceState: block.endpoint.deviceState, aors: block.endpoint.aors,
                            contacts: block.contacts.map { AsteriskContactStatus(aor: $0.aor, uri: uri($0), status: $0.status,
                                                                                 roundtripUsec: $0.roundtripUsec) })))
                    }
                }
            }

            // chan_dahdi.
            observation.dahdiChannels = read("dahdi show channels", ConsoleDahdiParsers.channels)
            let chanDahdiMissing = observation.dahdiChannels?.failure?.kind == .unsupported
            observation.dahdiSpans = read("dahdi show status", { ConsoleDahdiParsers.status($0, asteriskVersion: observation.asteriskVersion) })?
                .mapFailure { failure in
                    guard chanDahdiMissing, failure.kind == .unsupported else { return failure }
                    return AMIFailure(kind: .unsupported, action: failure.action, message: "chan_dahdi is not loaded in Asterisk (\(failure.message))")
                }
            observation.unrecognised = unrecognised
            return observation.derivingStaticContacts()
        }

        mutating func note(_ command: String, _ text: String) {
            unrecognised.append(AsteriskUnrecognisedLine(command: command, line: "(\(text))"))
        }

        /// The longest URI printed for each contact hash: a narrower column cuts what a wider one shows whole.
        static func fullURIs(_ lines: [ConsoleContactLine]) -> [String: String] {
            var longest: [String: String] = [:]
            for line in lines where (longest[line.hash]?.count ?? -1) < line.uri.count { longest[line.hash] = line.uri }
            return longest
        }
    }
}

extension AMIResult {
    func map<Other>(_ transform: (Value) -> Other) -> AMIResult<Other> {
        switch self {
        case .ok(let value): .ok(transform(value))
        case .failed(let failure): .failed(failure)
        }
    }

    func mapFailure(_ transform: (AMIFailure) -> AMIFailure) -> AMIResult {
        switch self {
        case .ok: self
        case .failed(let failure): .failed(transform(failure))
        }
    }
}
