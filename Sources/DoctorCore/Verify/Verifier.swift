/// The result of `dahdi-doctor verify`: every expectation of the manifest, held or not, with the evidence.
/// Encoded as JSON with `schema_version` (JSON Schema: Config/verify.schema.v1.json).
public struct VerifyResult: Sendable, Hashable, Codable {
    public static let currentSchemaVersion = 1

    public enum Status: String, Sendable, Hashable, Codable {
        case pass, fail
        /// Could not be looked at (AMI not asked, a gateway not in the gateway list, the kernel unreadable).
        case unknown
    }

    public struct Counts: Sendable, Hashable, Codable {
        public var pass = 0, fail = 0, unknown = 0
    }

    public var schemaVersion: Int
    public var generator: String
    /// The manifest file and its `[manifest] name`.
    public var manifest: String
    public var name: String?
    public var observedAt: Double
    /// fail if any expectation fails; else unknown if any could not be checked; else pass.
    public var status: Status
    public var summary: String
    public var counts: Counts
    public var expectations: [ExpectationResult]

    public init(generator: String, manifest: String, name: String?, observedAt: Double, expectations: [ExpectationResult]) {
        self.schemaVersion = Self.currentSchemaVersion
        self.generator = generator; self.manifest = manifest; self.name = name; self.observedAt = observedAt
        self.expectations = expectations
        var counts = Counts()
        for expectation in expectations {
            switch expectation.status {
            case .pass: counts.pass += 1
            case .fail: counts.fail += 1
            case .unknown: counts.unknown += 1
            }
        }
        self.counts = counts
        if counts.fail > 0 {
            status = .fail
            summary = "\(counts.fail) of \(expectations.count) expectation(s) do not hold"
        } else if counts.unknown > 0 {
            status = .unknown
            summary = "\(counts.unknown) of \(expectations.count) expectation(s) could not be checked"
        } else {
            status = .pass
            summary = "all \(expectations.count) expectation(s) hold"
        }
    }

    /// verify's exit code (README, "verify"): 0 all hold, 1 one fails, 2 none fails but one could not be checked.
    public var exitCode: Int32 {
        switch status {
        case .pass: return 0
        case .fail: return 1
        case .unknown: return 2
        }
    }
}

/// One expectation of the manifest and what was found.
public struct ExpectationResult: Sendable, Hashable, Codable {
    /// Stable within a manifest: "card[1].count", "dahdi.spans", "span[2]", "channels[1]", "faults".
    public var id: String
    /// What was expected, in words.
    public var expected: String
    public var status: VerifyResult.Status
    /// What was found, in words.
    public var found: String
    public var evidence: [Evidence]
    /// The manifest line the expectation was written on (0: implied, such as the faults check without [faults]).
    public var line: Int

    public init(id: String, expected: String, status: VerifyResult.Status, found: String, evidence: [Evidence], line: Int) {
        self.id = id; self.expected = expected; self.status = status; self.found = found; self.evidence = evidence
        self.line = line
    }
}

/// Checks a manifest against an observation and the report the check catalogue made of it. Pure.
public enum Verifier {
    public static func verify(_ manifest: Manifest, file: String, observation: Observation, report: Report,
                              generator: String) -> VerifyResult {
        let inventory = InventoryBuilder.build(observation.dahdi, generator: generator)
        var results: [ExpectationResult] = []
        for (index, card) in manifest.cards.enumerated() {
            results += verifyCard(card, id: "card[\(index + 1)]", hardware: observation.hardware)
        }
        if let dahdi = manifest.dahdi { results += verifyDahdi(dahdi, inventory: inventory) }
        for (index, span) in manifest.spans.enumerated() {
            results.append(verifySpan(span, id: "span[\(index + 1)]", inventory: inventory))
        }
        for (index, group) in manifest.channels.enumerated() {
            results.append(verifyChannels(group, id: "channels[\(index + 1)]", inventory: inventory))
        }
        if let fxo = manifest.fxo { results.append(verifyFXO(fxo, inventory: inventory)) }
        for (index, gateway) in manifest.gateways.enumerated() {
            results += verifyGateway(gateway, id: "gateway[\(index + 1)]", observation: observation)
        }
        if let asterisk = manifest.asterisk { results += verifyEndpoints(asterisk, observation: observation) }
        results.append(verifyFaults(manifest.faults, report: report))
        return VerifyResult(generator: generator, manifest: file, name: manifest.name, observedAt: observation.observedAt,
                            expectations: results)
    }

    static func status(_ holds: Bool) -> VerifyResult.Status { holds ? .pass : .fail }

    // MARK: - Cards

    static func matches(_ card: TelephonyCard, _ expectation: CardExpectation) -> Bool {
        if let bus = expectation.bus, card.bus != bus { return false }
        if let id = expectation.id { return card.id == id }
        guard let model = expectation.model?.lowercased() else { return false }
        return card.model.lowercased() == model || card.fullModel.lowercased() == model
    }

    static func cardEvidence(_ card: TelephonyCard) -> Evidence {
        var value = "\(card.fullModel) (\(card.id))"
        if let driver = card.driver { value += ", driver \(driver)" } else { value += ", no driver bound" }
        if let firmware = card.firmware { value += ", firmware \(firmware.rawValue)" }
        return Evidence("card", value, source: card.bus == .pci ? "PCI \(card.address) (libudev)" : "USB \(card.address) port \(card.portPath ?? "?") (libusb)")
    }

    static func verifyCard(_ expectation: CardExpectation, id: String, hardware: HardwareObservation?) -> [ExpectationResult] {
        let label = expectation.label
        guard let hardware else {
            return [ExpectationResult(id: id + ".count", expected: "\(expectation.count) x \(label)", status: .unknown,
                                      found: "the PCI and USB buses were not read", evidence: [], line: expectation.line)]
        }
        let busSources = hardware.sources.map { Evidence("bus", $0.available ? $0.detail : "unavailable: \($0.detail)", source: $0.name) }
        var found = hardware.cards.filter { matches($0, expectation) }
        let inSlot: [TelephonyCard]
        if let slot = expectation.slot {
            inSlot = found.filter { $0.address == slot || $0.portPath == slot }
        } else {
            inSlot = found
        }
        var results: [ExpectationResult] = []
        let where_ = expectation.slot.map { " in slot \($0)" } ?? ""
        let countHolds = inSlot.count == expectation.count
        var countFound = "\(inSlot.count) found" + where_
        if expectation.slot != nil && found.count > inSlot.count {
            countFound += "; elsewhere: " + found.filter { !inSlot.contains($0) }.map(\.location).joined(separator: ", ")
        }
        let unavailable = hardware.sources.filter { !$0.available }
        results.append(ExpectationResult(
            id: id + ".count", expected: "\(expectation.count) x \(label)" + where_,
            status: countHolds ? .pass : (unavailable.isEmpty || inSlot.count > expectation.count ? .fail : .unknown),
            found: countFound,
            evidence: found.isEmpty ? busSources + [Evidence("telephony cards", hardware.cards.isEmpty ? "none" : hardware.cards.map { "\($0.fullModel) (\($0.id)) at \($0.location)" }.joined(separator: "; "), source: "PCI and USB buses")]
                                    : found.map(cardEvidence),
            line: expectation.line))
        found = inSlot
        guard !found.isEmpty else { return results }

        // Driver bound: the one the manifest names, or the table's.
        let driverProblems = found.compactMap { card -> String? in
            let wanted = expectation.driver ?? card.expectedDriver
            guard let bound = card.driver else {
                return "\(card.location): no driver bound" + (card.supportDropped.map { " (\($0))" } ?? "")
                    + (card.firmware?.waiting == true ? " (waiting for firmware)" : "")
            }
            if let wanted, !KnownHardware.driverMatches(expected: wanted, bound: bound) { return "\(card.location): \(bound) bound, \(wanted) expected" }
            return nil
        }
        let wanted = expectation.driver ?? found.first?.expectedDriver
        results.append(ExpectationResult(
            id: id + ".driver", expected: "driver \(wanted ?? "(any)") bound",
            status: status(driverProblems.isEmpty),
            found: driverProblems.isEmpty ? "bound on \(found.count) card(s)" : driverProblems.joined(separator: "; "),
            evidence: found.map { card in
                Evidence("driver", card.driver ?? "none",
                         source: card.bus == .pci ? "/sys/bus/pci/devices/\(card.address)/driver" : "/sys/bus/usb/devices/\(card.portPath ?? "?"):1.0/driver")
            },
            line: expectation.line))

        // Firmware: Astribanks tell it by their USB ID.
        let withFirmware = found.filter { $0.firmware != nil }
        if !withFirmware.isEmpty {
            let waiting = withFirmware.filter { $0.firmware?.waiting == true }
            results.append(ExpectationResult(
                id: id + ".firmware", expected: "firmware loaded",
                status: status(waiting.isEmpty),
                found: waiting.isEmpty ? "loaded on \(withFirmware.count) unit(s)"
                                       : waiting.map { "\($0.location): " + HardwareState.of($0).text }.joined(separator: "; "),
                evidence: withFirmware.map { Evidence("USB ID", "\($0.id): firmware \($0.firmware?.rawValue ?? "?")", source: "USB \($0.address) (libusb)") },
                line: expectation.line))
        }
        return results
    }

    // MARK: - DAHDI

    static func verifyDahdi(_ expectation: DahdiExpectation, inventory: Inventory) -> [ExpectationResult] {
        var results: [ExpectationResult] = []
        let sources = inventory.sources.map { "\($0.name) \($0.available ? "ok" : "unavailable")" }.joined(separator: ", ")
        if let devices = expectation.devices {
            results.append(ExpectationResult(
                id: "dahdi.devices", expected: "\(devices) DAHDI device(s)", status: status(inventory.devices.count == devices),
                found: "\(inventory.devices.count) DAHDI device(s)",
                evidence: [Evidence("devices", inventory.devices.isEmpty ? "none" : inventory.devices.map { "\($0.name) (\($0.type ?? "?"))" }.joined(separator: ", "),
                                    source: "/sys/bus/dahdi_devices/devices")],
                line: expectation.line))
        }
        if let spans = expectation.spans {
            results.append(ExpectationResult(
                id: "dahdi.spans", expected: "\(spans) span(s)", status: status(inventory.spans.count == spans),
                found: "\(inventory.spans.count) span(s)",
                evidence: [Evidence("spans", inventory.spans.isEmpty ? "none" : inventory.spans.map { "\($0.number) \($0.name) (\($0.type ?? $0.scanType ?? "?"))" }.joined(separator: ", "),
                                    source: "DAHDI spans (\(sources))")],
                line: expectation.line))
        }
        if let channels = expectation.channels {
            let total = inventory.spans.reduce(0) { $0 + $1.totalChannels }
            results.append(ExpectationResult(
                id: "dahdi.channels", expected: "\(channels) channel(s)", status: status(total == channels),
                found: "\(total) channel(s)",
                evidence: inventory.spans.map { Evidence("span \($0.number)", "\($0.totalChannels) channel(s)", source: "span \($0.number) \($0.name)") },
                line: expectation.line))
        }
        if let name = expectation.echoCanceller {
            // Voice channels only: a D-channel (HDLC) never has an echo canceller.
            let voice = inventory.spans.flatMap(\.channels).filter { $0.configured && !$0.signalling.uppercased().contains("HDLC") && $0.signalling != "MTP2" }
            let with = voice.filter { $0.echoCanceller?.name.uppercased() == name.uppercased() }
            let others = Dictionary(grouping: voice.filter { $0.echoCanceller?.name.uppercased() != name.uppercased() },
                                    by: { $0.echoCanceller?.name ?? "none" })
            results.append(ExpectationResult(
                id: "dahdi.echo_canceller", expected: "echo canceller \(name) on every configured voice channel",
                status: status(!voice.isEmpty && with.count == voice.count),
                found: voice.isEmpty ? "no configured voice channel" : "\(with.count) of \(voice.count) voice channel(s) have \(name)",
                evidence: others.keys.sorted().map { key in
                    Evidence("echo canceller \(key)", NumberRuns.text(others[key]!.map(\.number)), source: "channel ec_factory")
                } + (with.isEmpty ? [] : [Evidence("echo canceller \(name)", NumberRuns.text(with.map(\.number)), source: "channel ec_factory")]),
                line: expectation.line))
        }
        return results
    }

    static func verifySpan(_ expectation: SpanExpectation, id: String, inventory: Inventory) -> ExpectationResult {
        var wanted: [String] = []
        if let type = expectation.type { wanted.append(type) }
        if let framing = expectation.framing { wanted.append(framing) }
        if let coding = expectation.coding { wanted.append(coding) }
        if let master = expectation.syncMaster { wanted.append(master ? "sync master" : "not sync master") }
        if let channels = expectation.channels { wanted.append("\(channels) channel(s)") }
        let expected = "span \(expectation.number)" + (wanted.isEmpty ? " present" : ": " + wanted.joined(separator: ", "))
        guard let span = inventory.spans.first(where: { $0.number == expectation.number }) else {
            return ExpectationResult(id: id, expected: expected, status: .fail, found: "no span \(expectation.number)",
                                     evidence: [Evidence("spans", inventory.spans.isEmpty ? "none" : inventory.spans.map { String($0.number) }.joined(separator: ", "), source: "DAHDI spans")],
                                     line: expectation.line)
        }
        let source = "span \(span.number) (\(span.name))"
        var mismatches: [String] = []
        var evidence: [Evidence] = []
        func compare(_ label: String, _ want: String?, _ have: String?) {
            guard let want else { return }
            evidence.append(Evidence(label, have ?? "-", source: source))
            if want.uppercased() != (have ?? "").uppercased() { mismatches.append("\(label) \(have ?? "-"), not \(want)") }
        }
        compare("type", expectation.type, span.type)
        compare("framing", expectation.framing, span.framing)
        compare("coding", expectation.coding, span.coding)
        if let master = expectation.syncMaster {
            let have = span.isSyncMaster
            evidence.append(Evidence("sync master", have.map { $0 ? "yes" : "no" } ?? "-", source: source))
            if have != master { mismatches.append(have == nil ? "sync master unknown" : (have! ? "is sync master" : "is not sync master")) }
        }
        if let channels = expectation.channels {
            evidence.append(Evidence("channels", "\(span.totalChannels)", source: source))
            if span.totalChannels != channels { mismatches.append("\(span.totalChannels) channel(s), not \(channels)") }
        }
        return ExpectationResult(id: id, expected: expected, status: status(mismatches.isEmpty),
                                 found: mismatches.isEmpty ? "\(span.name): as expected" : "\(span.name): " + mismatches.joined(separator: "; "),
                                 evidence: evidence, line: expectation.line)
    }

    static func verifyChannels(_ expectation: ChannelGroupExpectation, id: String, inventory: Inventory) -> ExpectationResult {
        let all = inventory.spans.flatMap(\.channels)
        let matching = all.filter { channel in
            guard channel.signalling.uppercased() == expectation.signalling.uppercased() else { return false }
            guard let port = expectation.port else { return true }
            return channel.portType?.rawValue.uppercased() == port.uppercased()
        }
        let portText = expectation.port.map { " on \($0) ports" } ?? ""
        let sameSignalling = all.filter { $0.signalling.uppercased() == expectation.signalling.uppercased() }
        var evidence = [Evidence("channels", matching.isEmpty ? "none" : NumberRuns.text(matching.map(\.number)), source: "channel signalling and port type")]
        if expectation.port != nil, sameSignalling.count != matching.count {
            let byPort = Dictionary(grouping: sameSignalling.filter { !matching.contains($0) }, by: { $0.portType?.rawValue ?? "unknown port" })
            evidence += byPort.keys.sorted().map { Evidence("\(expectation.signalling) on \($0)", NumberRuns.text(byPort[$0]!.map(\.number)), source: "channel port type") }
        }
        return ExpectationResult(id: id, expected: "\(expectation.count) channel(s) \(expectation.signalling)\(portText)",
                                 status: status(matching.count == expectation.count),
                                 found: "\(matching.count) channel(s)", evidence: evidence, line: expectation.line)
    }

    static func verifyFXO(_ expectation: FXOExpectation, inventory: Inventory) -> ExpectationResult {
        let ports = inventory.spans.flatMap(\.channels).filter { $0.portType == .fxo }
        let battery = ports.filter { !$0.alarms.contains("RED") }
        let dead = ports.filter { $0.alarms.contains("RED") }
        var evidence = [Evidence("FXO ports", ports.isEmpty ? "none" : NumberRuns.text(ports.map(\.number)), source: "channel port type")]
        if !battery.isEmpty { evidence.append(Evidence("with battery", NumberRuns.text(battery.map(\.number)), source: "channel alarms (no RED)")) }
        if !dead.isEmpty { evidence.append(Evidence("without battery (RED)", NumberRuns.text(dead.map(\.number)), source: "channel alarms")) }
        return ExpectationResult(id: "fxo.lines_with_battery", expected: "\(expectation.linesWithBattery) FXO line(s) with battery",
                                 status: status(battery.count == expectation.linesWithBattery),
                                 found: "\(battery.count) of \(ports.count) FXO port(s) with battery", evidence: evidence, line: expectation.line)
    }

    // MARK: - Gateways and Asterisk

    static func verifyGateway(_ expectation: GatewayExpectation, id: String, observation: Observation) -> [ExpectationResult] {
        guard let gateway = observation.gateways?.first(where: { $0.name == expectation.name }) else {
            return [ExpectationResult(id: id + ".reachable", expected: "gateway \(expectation.name) reachable", status: .unknown,
                                      found: "\(expectation.name) is not in the gateway list of the settings (or gateways were not probed)",
                                      evidence: [], line: expectation.line)]
        }
        var results: [ExpectationResult] = []
        let options = gateway.options
        let answered = options?.outcome == .answered && (options?.statusCode ?? 500) < 500
        let optionsText = options.map { o in
            o.outcome == .answered ? "\(o.statusCode ?? 0) \(o.reason ?? "")" : (o.outcome.rawValue + (o.error.map { ": \($0)" } ?? ""))
        } ?? "not probed"
        results.append(ExpectationResult(
            id: id + ".reachable", expected: "gateway \(expectation.name) \(expectation.reachable ? "answers" : "does not answer") SIP OPTIONS",
            status: options == nil ? .unknown : status(answered == expectation.reachable), found: optionsText,
            evidence: [Evidence("OPTIONS", optionsText, source: options?.target ?? gateway.address)], line: expectation.line))
        if let registered = expectation.registered {
            guard let ports = gateway.status?.value?.ports else {
                results.append(ExpectationResult(
                    id: id + ".registered", expected: "gateway \(expectation.name) ports registered", status: .unknown,
                    found: gateway.status?.failure.map { "status page: \($0.message)" } ?? "no status page (profile \(gateway.profile))",
                    evidence: [], line: expectation.line))
                return results
            }
            let notRegistered = ports.filter { $0.registration != .registered }
            let holds = registered ? notRegistered.isEmpty && !ports.isEmpty : notRegistered.count == ports.count
            results.append(ExpectationResult(
                id: id + ".registered", expected: "gateway \(expectation.name) ports \(registered ? "" : "not ")registered",
                status: status(holds),
                found: "\(ports.count - notRegistered.count) of \(ports.count) port(s) registered",
                evidence: ports.map { Evidence("port \($0.port)", $0.registrationText ?? $0.registration.rawValue, source: "\(gateway.name) status page") },
                line: expectation.line))
        }
        return results
    }

    static func verifyEndpoints(_ expectation: AsteriskExpectation, observation: Observation) -> [ExpectationResult] {
        expectation.endpoints.enumerated().map { index, name in
            let id = "asterisk.endpoints[\(index + 1)]"
            guard let asterisk = observation.asterisk else {
                return ExpectationResult(id: id, expected: "PJSIP endpoint \(name) present", status: .unknown,
                                         found: "AMI not asked (no credentials, or --no-ami)", evidence: [], line: expectation.line)
            }
            guard let endpoints = asterisk.endpoints?.value else {
                let reason = asterisk.sessionFailure?.message ?? asterisk.endpoints?.failure?.message ?? "PJSIPShowEndpoints not read"
                return ExpectationResult(id: id, expected: "PJSIP endpoint \(name) present", status: .unknown, found: reason,
                                         evidence: [], line: expectation.line)
            }
            let present = endpoints.contains { $0.name == name }
            return ExpectationResult(id: id, expected: "PJSIP endpoint \(name) present", status: status(present),
                                     found: present ? "present" : "absent (\(endpoints.count) endpoint(s) in Asterisk)",
                                     evidence: [Evidence("endpoint", present ? name : "absent", source: "AMI PJSIPShowEndpoints \(asterisk.target)")],
                                     line: expectation.line)
        }
    }

    // MARK: - Faults

    /// A tolerated finding tolerates everything folded under it (a tolerated RED alarm explains its channels'
    /// alarms); a consequence can also be tolerated by its own ID. Evidence lists each root once, with how many
    /// findings it explains.
    static func verifyFaults(_ policy: FaultPolicy, report: Report) -> ExpectationResult {
        let tolerated = Set(policy.tolerate)
        func fails(_ finding: Finding) -> Bool {
            !tolerated.contains(finding.id) && (finding.severity == .critical || (finding.severity == .warning && policy.failOn == .warning))
        }
        var failing: [Finding] = [], unknown: [Finding] = [], toleratedSeen: [Finding] = []
        for root in report.findings {
            if tolerated.contains(root.id) {
                if root.severity != .info { toleratedSeen.append(root) }
                continue
            }
            let subtree = root.flattened
            if subtree.contains(where: fails) {
                failing.append(root)
            } else if subtree.contains(where: { !tolerated.contains($0.id) && $0.severity == .unknown }) {
                unknown.append(root)
            } else if subtree.contains(where: { tolerated.contains($0.id) && $0.severity != .info }) {
                toleratedSeen.append(root)
            }
        }
        func line(_ finding: Finding, _ prefix: String) -> Evidence {
            let folded = finding.flattened.count - 1
            return Evidence(finding.id, "\(prefix)\(finding.message)" + (folded > 0 ? " (explains \(folded) more)" : ""), source: finding.subject)
        }
        var evidence = failing.map { line($0, "\($0.severity.rawValue): ") }
        evidence += unknown.map { line($0, "unknown: ") }
        evidence += toleratedSeen.map { line($0, "tolerated: ") }
        let expected = "no \(policy.failOn == .warning ? "warning or critical" : "critical") finding"
            + (policy.tolerate.isEmpty ? "" : " (tolerated: " + policy.tolerate.joined(separator: ", ") + ")")
        let status: VerifyResult.Status = !failing.isEmpty ? .fail : (unknown.isEmpty ? .pass : .unknown)
        let found: String
        switch status {
        case .pass: found = toleratedSeen.isEmpty ? "none" : "only tolerated: " + Set(toleratedSeen.map(\.id)).sorted().joined(separator: ", ")
        case .fail: found = "\(failing.count) problem(s): " + Set(failing.map(\.id)).sorted().joined(separator: ", ")
        case .unknown: found = "could not look: " + Set(unknown.map(\.id)).sorted().joined(separator: ", ")
        }
        return ExpectationResult(id: "faults", expected: expected, status: status, found: found, evidence: evidence, line: policy.line)
    }
}
