/// Parses a verify manifest (TOML, through the project's strict `TOMLSubset`). Unknown keys, wrong types, unknown
/// check IDs and impossible combinations are errors naming the file, the line and the key: a typo must not turn an
/// expectation off silently.
public enum ManifestParser {
    public static func parse(_ text: String, file: String) -> Result<Manifest, ManifestError> {
        do {
            return .success(try manifest(try TOMLSubset.parse(text), file: file))
        } catch let error as TOMLSubset.ParseError {
            return .failure(ManifestError(file: file, location: "line \(error.line)", message: error.message))
        } catch let error as SettingsError {
            return .failure(ManifestError(file: file, location: error.location, message: error.message))
        } catch {
            return .failure(ManifestError(file: file, location: "?", message: "\(error)"))
        }
    }

    static let portTypes = ["FXS", "FXO", "FXS/FXO", "DIGITAL", "NONE"]

    static func manifest(_ root: TOMLSubset.Table, file: String) throws -> Manifest {
        var keys = SettingsParser.Keys(root, path: "", file: file)
        var manifest = Manifest()
        if let table = try keys.table("manifest") {
            var m = SettingsParser.Keys(table, path: "manifest", file: file)
            manifest.name = try m.string("name")
            try m.finish()
        }
        for (index, table) in try keys.tables("card").enumerated() {
            var c = SettingsParser.Keys(table, path: "card[\(index + 1)]", file: file)
            var card = CardExpectation(line: table.line)
            card.model = try c.string("model")
            if let id = try c.string("id") {
                guard let parsed = KnownHardware.parseID(id), parsed.2 == nil else {
                    throw c.error("id", "must be vendor:device in hex, such as \"d161:1420\", not '\(id)'")
                }
                card.id = hex4(parsed.0) + ":" + hex4(parsed.1)
            }
            if let bus = try c.string("bus") {
                guard let value = KnownHardware.Bus(rawValue: bus.lowercased()) else { throw c.error("bus", "must be pci or usb, not '\(bus)'") }
                card.bus = value
            }
            guard (card.model == nil) != (card.id == nil) else {
                throw SettingsError(file: file, location: "line \(table.line), card[\(index + 1)]", message: "needs exactly one of model or id")
            }
            card.count = try c.int("count", range: 0...64) ?? 1
            card.slot = try c.string("slot")
            if card.slot != nil && card.count != 1 { throw c.error("slot", "a pinned slot needs count = 1") }
            card.driver = try c.string("driver")
            try c.finish()
            manifest.cards.append(card)
        }
        if let table = try keys.table("dahdi") {
            var d = SettingsParser.Keys(table, path: "dahdi", file: file)
            var dahdi = DahdiExpectation(line: table.line)
            dahdi.devices = try d.int("devices", range: 0...256)
            dahdi.spans = try d.int("spans", range: 0...1024)
            dahdi.channels = try d.int("channels", range: 0...65536)
            dahdi.echoCanceller = try d.string("echo_canceller")
            try d.finish()
            manifest.dahdi = dahdi
        }
        for (index, table) in try keys.tables("span").enumerated() {
            var s = SettingsParser.Keys(table, path: "span[\(index + 1)]", file: file)
            var span = SpanExpectation(number: try s.required(s.int("number", range: 1...1024), "number"), line: table.line)
            span.type = try s.string("type")
            span.framing = try s.string("framing")
            span.coding = try s.string("coding")
            span.syncMaster = try s.bool("sync_master")
            span.channels = try s.int("channels", range: 0...1024)
            try s.finish()
            if manifest.spans.contains(where: { $0.number == span.number }) { throw s.error("number", "span \(span.number) is listed twice") }
            manifest.spans.append(span)
        }
        for (index, table) in try keys.tables("channels").enumerated() {
            var c = SettingsParser.Keys(table, path: "channels[\(index + 1)]", file: file)
            let signalling = try c.required(c.string("signalling"), "signalling")
            guard Signalling(kernelName: signalling[...]) != nil
                    || Signalling.kernelNames.contains(where: { $0.1.lowercased() == signalling.lowercased() }) || signalling.lowercased() == "unconfigured" else {
                throw c.error("signalling", "unknown signalling '\(signalling)'; use the kernel's names: "
                              + (Signalling.kernelNames.map(\.1) + ["Unconfigured"]).joined(separator: ", "))
            }
            let port = try c.string("port")
            if let port, !portTypes.contains(port.uppercased()) {
                throw c.error("port", "must be one of FXS, FXO, FXS/FXO, digital, none, not '\(port)'")
            }
            let count = try c.required(c.int("count", range: 0...65536), "count")
            try c.finish()
            manifest.channels.append(ChannelGroupExpectation(signalling: signalling, port: port, count: count, line: table.line))
        }
        if let table = try keys.table("fxo") {
            var f = SettingsParser.Keys(table, path: "fxo", file: file)
            let lines = try f.required(f.int("lines_with_battery", range: 0...4096), "lines_with_battery")
            try f.finish()
            manifest.fxo = FXOExpectation(linesWithBattery: lines, line: table.line)
        }
        for (index, table) in try keys.tables("gateway").enumerated() {
            var g = SettingsParser.Keys(table, path: "gateway[\(index + 1)]", file: file)
            var gateway = GatewayExpectation(name: try g.required(g.string("name"), "name"), line: table.line)
            gateway.reachable = try g.bool("reachable") ?? true
            gateway.registered = try g.bool("registered")
            try g.finish()
            manifest.gateways.append(gateway)
        }
        if let table = try keys.table("asterisk") {
            var a = SettingsParser.Keys(table, path: "asterisk", file: file)
            let endpoints = try a.strings("endpoints") ?? []
            try a.finish()
            manifest.asterisk = AsteriskExpectation(endpoints: endpoints, line: table.line)
        }
        if let table = try keys.table("faults") {
            var f = SettingsParser.Keys(table, path: "faults", file: file)
            manifest.faults.line = table.line
            manifest.faults.tolerate = try f.strings("tolerate") ?? []
            let known = Set(CheckCatalogue.definitions.map(\.id))
            if let unknown = manifest.faults.tolerate.first(where: { !known.contains($0.lowercased()) }) {
                throw f.error("tolerate", "'\(unknown)' is not a check ID (dahdi-doctor explain lists them)")
            }
            manifest.faults.tolerate = manifest.faults.tolerate.map { $0.lowercased() }
            if let failOn = try f.string("fail_on") {
                switch failOn.lowercased() {
                case "warning": manifest.faults.failOn = .warning
                case "critical": manifest.faults.failOn = .critical
                default: throw f.error("fail_on", "must be warning or critical, not '\(failOn)'")
                }
            }
            try f.finish()
        }
        try keys.finish()
        return manifest
    }
}

extension SettingsParser.Keys {
    /// A one-line array of strings.
    mutating func strings(_ key: String) throws -> [String]? {
        used.insert(key)
        guard let value = table[key] else { return nil }
        guard case .array(let items) = value else { throw error(key, "must be an array of strings") }
        return try items.map { item in
            guard case .string(let text) = item else { throw error(key, "must be an array of strings") }
            return text
        }
    }
}
