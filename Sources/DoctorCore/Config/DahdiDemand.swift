/// What on this box needs DAHDI even without a card: Asterisk modules that open DAHDI's pseudo channels or its
/// timer (MeetMe, app_rpt for AllStarLink, res_timing_dahdi, the DAHDI apps), read from modules.conf and the
/// modules installed beside Asterisk. A box where something needs DAHDI is not "DAHDI not in use".
public struct DahdiDemand: Sendable, Hashable, Codable {
    public struct Need: Sendable, Hashable, Codable {
        /// The Asterisk module, e.g. `app_meetme.so`.
        public var module: String
        /// Why it counts: `load =>` line, or autoload with the module installed.
        public var reason: String
        public var source: String
        public init(module: String, reason: String, source: String) { self.module = module; self.reason = reason; self.source = source }
    }

    public var needs: [Need]
    public var modulesConf: String?
    public var issues: [ParseIssue]

    public init(needs: [Need] = [], modulesConf: String? = nil, issues: [ParseIssue] = []) {
        self.needs = needs; self.modulesConf = modulesConf; self.issues = issues
    }

    /// Modules that cannot work without DAHDI's core (pseudo channels, the timer, or DAHDI channels).
    public static let dahdiModules: Set<String> = [
        "chan_dahdi.so", "res_timing_dahdi.so", "app_meetme.so", "app_rpt.so", "app_dahdiras.so", "app_dahdibarge.so",
        "app_dahdiscan.so", "codec_dahdi.so", "app_flash.so",
    ]
    /// Of those, the ones that are a need when merely autoloaded: conferencing and radio linking run on pseudo
    /// channels whatever else the box has. (chan_dahdi and res_timing_dahdi autoload on most installs and decline
    /// quietly without DAHDI; they count only when loaded by name.)
    public static let autoloadNeeds: Set<String> = ["app_meetme.so", "app_rpt.so"]

    /// modules.conf: `[modules]`, `autoload=yes|no`, `load =>`, `preload =>`, `require =>`, `noload =>`.
    /// `installed`: Asterisk module files present (names only); nil when the module directory was not found.
    public static func parse(modulesConf text: String?, file: String, installed: [String]?, installedSource: String) -> DahdiDemand {
        var demand = DahdiDemand(modulesConf: text == nil ? nil : file)
        var autoload = false
        var loads: [(String, Int, String)] = []
        var noload = Set<String>()
        var section = ""
        if let text {
            for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" }).enumerated() {
                var line = Substring(raw)
                if let semicolon = line.firstIndex(of: ";") { line = line[..<semicolon] }
                let trimmed = line.trimmingWhitespace()
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                if trimmed.hasPrefix("[") {
                    section = String(trimmed.dropFirst().prefix { $0 != "]" }).lowercased()
                    continue
                }
                guard section == "modules" else { continue }
                guard let equals = trimmed.firstIndex(of: "=") else {
                    demand.issues.append(ParseIssue(file: file, line: index + 1, text: String(trimmed.prefix(80)), message: "not a key = value line"))
                    continue
                }
                let key = trimmed[..<equals].trimmingWhitespace().lowercased()
                var value = trimmed[trimmed.index(after: equals)...]
                if value.first == ">" { value = value.dropFirst() }
                let raw = String(value.trimmingWhitespace())
                let name = normalise(raw)
                switch key {
                case "autoload": autoload = ["yes", "true", "on", "1"].contains(raw.lowercased())
                case "load", "preload", "require", "preload-require": loads.append((name, index + 1, key))
                case "noload": noload.insert(name)
                default: break
                }
            }
        }
        var seen = Set<String>()
        for (name, line, key) in loads where dahdiModules.contains(name) && !noload.contains(name) && seen.insert(name).inserted {
            demand.needs.append(Need(module: name, reason: "\(key) => in modules.conf", source: "\(file):\(line)"))
        }
        if autoload, let installed {
            for name in installed.map(normalise).sorted() where autoloadNeeds.contains(name) && !noload.contains(name) && seen.insert(name).inserted {
                demand.needs.append(Need(module: name, reason: "installed, and modules.conf autoloads", source: installedSource + "/" + name))
            }
        }
        return demand
    }

    /// `app_meetme` and `app_meetme.so` name the same module.
    static func normalise(_ name: String) -> String {
        let trimmed = name.trimmingCharacters(inSet: " \t\"")
        return trimmed.hasSuffix(".so") ? trimmed : trimmed + ".so"
    }
}

private extension String {
    func trimmingCharacters(inSet set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
