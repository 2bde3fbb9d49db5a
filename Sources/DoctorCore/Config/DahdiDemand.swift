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

    /// modules.conf read as Asterisk's loader reads it (main/loader.c: the `[modules]` category of the parsed
    /// file, so `#include`, block comments and templates count): `autoload`, `load`, `preload`, `require`,
    /// `preload-require`, `noload`. A missing modules.conf is no demand and no issue.
    /// `installed`: Asterisk module files present (names only); nil when the module directory was not found.
    public static func load(source: AsteriskConfigSource, installed: [String]?, installedSource: String) -> DahdiDemand {
        let path = source.path(for: "modules.conf")
        guard case .success(let text) = source.read(path) else {
            return evaluate(nil, file: path, installed: installed, installedSource: installedSource)
        }
        return evaluate(AsteriskConfigReader.read(text, file: path, source: source), file: path,
                        installed: installed, installedSource: installedSource)
    }

    /// The same for a modules.conf given as text (tests, fuzzing): its `#include`s are reported unreadable.
    public static func parse(modulesConf text: String?, file: String, installed: [String]?, installedSource: String) -> DahdiDemand {
        let directory = file.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let source = AsteriskConfigSource(configDirectory: directory.isEmpty ? "/" : directory,
                                          read: { _ in .failure(SystemError(code: 2, name: "ENOENT", message: "No such file or directory")) })
        return evaluate(text.map { AsteriskConfigReader.read($0, file: file, source: source) }, file: file,
                        installed: installed, installedSource: installedSource)
    }

    private static func evaluate(_ config: AsteriskConfig?, file: String, installed: [String]?, installedSource: String) -> DahdiDemand {
        var demand = DahdiDemand(modulesConf: config == nil ? nil : file, issues: config?.issues ?? [])
        var autoload = false
        var loads: [AsteriskVariable] = []
        var noload = Set<String>()
        for category in config?.categories ?? [] where !category.isTemplate && category.name.lowercased() == "modules" {
            for variable in category.variables {
                let name = normalise(variable.value)
                switch variable.name.lowercased() {
                case "autoload": autoload = ["yes", "true", "on", "1", "y", "t"].contains(variable.value.lowercased())
                case "load", "preload", "require", "preload-require": loads.append(variable)
                case "noload": noload.insert(name)
                default: break
                }
            }
        }
        var seen = Set<String>()
        for variable in loads {
            let name = normalise(variable.value)
            guard dahdiModules.contains(name), !noload.contains(name), seen.insert(name).inserted else { continue }
            demand.needs.append(Need(module: name, reason: "\(variable.name.lowercased()) => in modules.conf",
                                     source: "\(variable.file):\(variable.line)"))
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
