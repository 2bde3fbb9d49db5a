/// `verify --write-manifest FILE`: this box as a manifest to edit. What is written is exactly what verify checks,
/// so verifying the box against a freshly written manifest passes: cards by model (by ID when the table does not
/// know the model) with their slot when there is one of a kind, the bound driver, the DAHDI totals, every span,
/// the channels grouped by signalling and port type, the FXO lines with battery, the gateways and endpoints seen,
/// and the findings present now as tolerated faults (each to remove once fixed).
public enum ManifestWriter {
    public static func write(observation: Observation, report: Report, name: String?, generator: String) -> String {
        let inventory = InventoryBuilder.build(observation.dahdi, generator: generator)
        var out: [String] = [
            "# dahdi-doctor verify manifest, captured by \(generator) from this box.",
            "# Edit it to what the box should be, then run: dahdi-doctor verify --manifest THIS_FILE",
            "# Format: see Config/manifest.example.toml and README.md (\"verify\").",
            "",
            "[manifest]",
            "name = \(quote(name ?? "captured box"))",
        ]

        if let hardware = observation.hardware {
            var groups: [(key: String, cards: [TelephonyCard])] = []
            for card in hardware.cards {
                let key = "\(card.bus.rawValue) \(card.id) \(card.model)"
                if let index = groups.firstIndex(where: { $0.key == key }) { groups[index].cards.append(card) } else { groups.append((key, [card])) }
            }
            for group in groups {
                let card = group.cards[0]
                out += ["", "[[card]]"]
                if card.expectedDriver != nil {
                    out.append("model = \(quote(card.model))" + pad(card.model) + "# \(card.maker), \(card.id)")
                } else {
                    out.append("id = \(quote(card.id))" + pad(card.id) + "# \(card.fullModel)")
                }
                out.append("bus = \(quote(card.bus.rawValue))")
                out.append("count = \(group.cards.count)")
                if group.cards.count == 1 { out.append("slot = \(quote(card.portPath ?? card.address))") }
                let drivers = Set(group.cards.map { $0.driver ?? "" })
                if drivers.count == 1, let driver = card.driver {
                    out.append("driver = \(quote(driver))")
                } else {
                    out.append("# no driver was bound when this was captured (or the cards differ): verify will ask for \(card.expectedDriver ?? "a driver")")
                }
                if let firmware = card.firmware, firmware.waiting {
                    out.append("# the unit was waiting for its firmware when this was captured")
                }
            }
        }

        let channels = inventory.spans.flatMap(\.channels)
        out += ["", "[dahdi]", "devices = \(inventory.devices.count)", "spans = \(inventory.spans.count)",
                "channels = \(inventory.spans.reduce(0) { $0 + $1.totalChannels })"]
        let voice = channels.filter { $0.configured && !$0.signalling.uppercased().contains("HDLC") && $0.signalling != "MTP2" }
        if !voice.isEmpty, let name = voice.first?.echoCanceller?.name, voice.allSatisfy({ $0.echoCanceller?.name == name }) {
            out.append("echo_canceller = \(quote(name))")
        }

        for span in inventory.spans {
            out += ["", "[[span]]", "number = \(span.number)" + pad(String(span.number), width: 24) + "# \(span.name)"]
            if let type = span.type { out.append("type = \(quote(type))") }
            if let framing = span.framing { out.append("framing = \(quote(framing))") }
            if let coding = span.coding { out.append("coding = \(quote(coding))") }
            if let master = span.isSyncMaster { out.append("sync_master = \(master)") }
            out.append("channels = \(span.totalChannels)")
        }

        // Channels by signalling and port type; a signalling with any channel of unknown port type is one group.
        var order: [String] = []
        var bySignalling: [String: [InventoryChannel]] = [:]
        for channel in channels {
            if bySignalling[channel.signalling] == nil { order.append(channel.signalling) }
            bySignalling[channel.signalling, default: []].append(channel)
        }
        for signalling in order {
            let group = bySignalling[signalling]!
            if group.contains(where: { $0.portType == nil }) {
                out += ["", "[[channels]]", "signalling = \(quote(signalling))", "count = \(group.count)"]
                continue
            }
            var ports: [String] = []
            for channel in group where !ports.contains(channel.portType!.rawValue) { ports.append(channel.portType!.rawValue) }
            for port in ports {
                let count = group.filter { $0.portType?.rawValue == port }.count
                out += ["", "[[channels]]", "signalling = \(quote(signalling))", "port = \(quote(port))", "count = \(count)"]
            }
        }

        let fxoPorts = channels.filter { $0.portType == .fxo }
        if !fxoPorts.isEmpty {
            out += ["", "[fxo]", "lines_with_battery = \(fxoPorts.filter { !$0.alarms.contains("RED") }.count)   # of \(fxoPorts.count) FXO port(s)"]
        }

        for gateway in observation.gateways ?? [] {
            out += ["", "[[gateway]]", "name = \(quote(gateway.name))"]
            if let options = gateway.options {
                out.append("reachable = \(options.outcome == .answered && (options.statusCode ?? 500) < 500)")
            }
            if let ports = gateway.status?.value?.ports, !ports.isEmpty {
                let registered = ports.filter { $0.registration == .registered }.count
                if registered == ports.count { out.append("registered = true") } else if registered == 0 { out.append("registered = false") }
            }
        }

        if let endpoints = observation.asterisk?.endpoints?.value {
            out += ["", "[asterisk]", "endpoints = [" + endpoints.map(\.name).sorted().map(quote).joined(separator: ", ") + "]"]
        }

        let present = report.findings.flatMap(\.flattened).filter { $0.severity != .info }
        var tolerated: [String] = []
        for finding in present where !tolerated.contains(finding.id) { tolerated.append(finding.id) }
        out += ["", "[faults]"]
        if !tolerated.isEmpty {
            out.append("# These findings were present when this was captured; remove each one that must be fixed before the box passes.")
        }
        out.append("tolerate = [" + tolerated.map(quote).joined(separator: ", ") + "]")
        out.append("fail_on = \"warning\"")
        return out.joined(separator: "\n") + "\n"
    }

    static func pad(_ value: String, width: Int = 34) -> String {
        String(repeating: " ", count: max(1, width - value.count - 2)) + " "
    }

    /// A TOML basic string.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
