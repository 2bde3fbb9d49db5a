/// Parses dahdi-doctor.toml into `DoctorSettings`. Unknown keys are errors (a typo must not silently disable a
/// check); every error names the line and the key path.
public enum SettingsParser {
    /// The vendor profiles the status adapters know (their aliases are accepted too).
    public static var profiles: Set<String> { Set(GatewayStatusAdapters.profileNames) }

    public static func parse(_ text: String, file: String) -> Result<DoctorSettings, SettingsError> {
        do {
            return .success(try settings(try TOMLSubset.parse(text), file: file))
        } catch let error as TOMLSubset.ParseError {
            return .failure(SettingsError(file: file, location: "line \(error.line)", message: error.message))
        } catch let error as SettingsError {
            return .failure(error)
        } catch {
            return .failure(SettingsError(file: file, location: "?", message: "\(error)"))
        }
    }

    static func settings(_ root: TOMLSubset.Table, file: String) throws -> DoctorSettings {
        var keys = Keys(root, path: "", file: file)
        var settings = DoctorSettings()
        if let ami = try keys.table("ami") {
            var a = Keys(ami, path: "ami", file: file)
            settings.ami.enabled = try a.bool("enabled") ?? true
            settings.ami.host = try a.string("host") ?? settings.ami.host
            settings.ami.tls = try a.bool("tls") ?? false
            settings.ami.port = try a.int("port", range: 1...65535) ?? (settings.ami.tls ? 5039 : 5038)
            settings.ami.caFile = try a.string("ca_file")
            settings.ami.credentialsFile = try a.string("credentials") ?? settings.ami.credentialsFile
            settings.ami.timeout = try a.double("timeout", range: 0.1...300) ?? settings.ami.timeout
            try a.finish()
        }
        for (index, gateway) in try keys.tables("gateway").enumerated() {
            var g = Keys(gateway, path: "gateway[\(index + 1)]", file: file)
            let name = try g.required(g.string("name"), "name")
            let address = try g.required(g.string("address"), "address")
            var entry = GatewaySettings(name: name, address: address)
            entry.sipPort = try g.int("sip_port", range: 1...65535) ?? 5060
            if let transport = try g.string("transport") {
                guard let value = GatewaySettings.Transport(rawValue: transport.lowercased()) else {
                    throw g.error("transport", "must be udp or tcp, not '\(transport)'")
                }
                entry.transport = value
            }
            entry.profile = try g.string("profile") ?? "none"
            guard GatewayStatusAdapters.adapter(forProfile: entry.profile) != nil else {
                throw g.error("profile", "unknown profile '\(entry.profile)'; known: " + profiles.sorted().joined(separator: ", "))
            }
            let scheme = try g.string("web_scheme")?.lowercased() ?? "http"
            guard scheme == "http" || scheme == "https" else { throw g.error("web_scheme", "must be http or https, not '\(scheme)'") }
            let fingerprintText = try g.string("web_tls_fingerprint")
            let insecure = try g.bool("web_tls_insecure") ?? false
            let caFile = try g.string("web_ca_file")
            if scheme == "https" {
                var tls = GatewayWebTLS(caFile: caFile, insecure: insecure)
                if let fingerprintText {
                    guard let bytes = GatewayWebTLS.parseFingerprint(fingerprintText) else {
                        throw g.error("web_tls_fingerprint", "must be a SHA-256 fingerprint (64 hex digits, colons allowed)")
                    }
                    tls.fingerprintSHA256 = bytes
                }
                if insecure && (tls.fingerprintSHA256 != nil || caFile != nil) {
                    throw g.error("web_tls_insecure", "cannot be combined with web_tls_fingerprint or web_ca_file")
                }
                entry.webTLS = tls
            } else if fingerprintText != nil || insecure || caFile != nil {
                throw g.error("web_scheme", "web_tls_fingerprint, web_tls_insecure and web_ca_file need web_scheme = \"https\"")
            }
            entry.webPort = try g.int("web_port", range: 1...65535) ?? (scheme == "https" ? 443 : 80)
            entry.statusInterval = try g.double("status_interval", range: 10...86400)
            entry.endpoint = try g.string("endpoint")
            entry.credentialsFile = try g.string("credentials")
            for (portIndex, port) in try g.tables("port").enumerated() {
                var p = Keys(port, path: "gateway[\(index + 1)].port[\(portIndex + 1)]", file: file)
                let number = try p.required(p.int("number", range: 1...1024), "number")
                let kindText = try p.string("kind") ?? "unknown"
                let kind: GatewayPortStatus.Kind
                switch kindText.uppercased() {
                case "FXO": kind = .fxo
                case "FXS": kind = .fxs
                case "UNKNOWN": kind = .unknown
                default: throw p.error("kind", "must be FXO or FXS, not '\(kindText)'")
                }
                entry.ports.append(GatewaySettings.Port(number: number, kind: kind, carries: try p.string("carries")))
                try p.finish()
            }
            try g.finish()
            if settings.gateways.contains(where: { $0.name == name }) { throw g.error("name", "gateway '\(name)' is listed twice") }
            settings.gateways.append(entry)
        }
        try keys.finish()
        return settings
    }

    /// Typed access to one table that remembers which keys were read, so leftovers are reported as unknown.
    struct Keys {
        let table: TOMLSubset.Table
        let path: String
        let file: String
        var used: Set<String> = []

        init(_ table: TOMLSubset.Table, path: String, file: String) { self.table = table; self.path = path; self.file = file }

        func line(_ key: String) -> Int { table.entries.last { $0.key == key }?.line ?? table.line }

        func error(_ key: String, _ message: String) -> SettingsError {
            SettingsError(file: file, location: "line \(line(key)), " + (path.isEmpty ? key : "\(path).\(key)"), message: message)
        }

        func required<T>(_ value: T?, _ key: String) throws -> T {
            guard let value else {
                throw SettingsError(file: file, location: "line \(table.line), " + (path.isEmpty ? key : "\(path).\(key)"), message: "is required")
            }
            return value
        }

        mutating func string(_ key: String) throws -> String? {
            used.insert(key)
            guard let value = table[key] else { return nil }
            guard case .string(let text) = value else { throw error(key, "must be a string") }
            return text
        }

        mutating func bool(_ key: String) throws -> Bool? {
            used.insert(key)
            guard let value = table[key] else { return nil }
            guard case .boolean(let flag) = value else { throw error(key, "must be true or false") }
            return flag
        }

        mutating func int(_ key: String, range: ClosedRange<Int>) throws -> Int? {
            used.insert(key)
            guard let value = table[key] else { return nil }
            guard case .integer(let number) = value else { throw error(key, "must be an integer") }
            guard range.contains(number) else { throw error(key, "must be between \(range.lowerBound) and \(range.upperBound), not \(number)") }
            return number
        }

        mutating func double(_ key: String, range: ClosedRange<Double>) throws -> Double? {
            used.insert(key)
            guard let value = table[key] else { return nil }
            let number: Double
            switch value {
            case .float(let f): number = f
            case .integer(let i): number = Double(i)
            default: throw error(key, "must be a number")
            }
            guard range.contains(number) else { throw error(key, "must be between \(range.lowerBound) and \(range.upperBound)") }
            return number
        }

        mutating func table(_ key: String) throws -> TOMLSubset.Table? {
            used.insert(key)
            guard let value = table[key] else { return nil }
            guard case .table(let inner) = value else { throw error(key, "must be a table ([\(key)])") }
            return inner
        }

        mutating func tables(_ key: String) throws -> [TOMLSubset.Table] {
            used.insert(key)
            guard let value = table[key] else { return [] }
            guard case .tables(let list) = value else { throw error(key, "must be an array of tables ([[\(key)]])") }
            return list
        }

        func finish() throws {
            let unknown = table.keys.filter { !used.contains($0) }
            if let first = unknown.first {
                throw error(first, "unknown key" + (unknown.count > 1 ? " (also: " + unknown.dropFirst().joined(separator: ", ") + ")" : ""))
            }
        }
    }
}
