/// CoreStatus' answer (manager.c, action_corestatus): when Asterisk started and last reloaded, in the local time of
/// the Asterisk box (`ast_localtime` of `ast_startuptime`/`ast_lastreloadtime`, printed as `%Y-%m-%d` and
/// `%H:%M:%S`), without a zone.
public struct AsteriskCoreStatus: Sendable, Hashable, Codable {
    public var startupDate: String?
    public var startupTime: String?
    public var reloadDate: String?
    public var reloadTime: String?
    public var currentCalls: Int?
    /// Over the console (`core show uptime seconds`): when Asterisk started and last reloaded, as Unix seconds,
    /// counted back from the moment its answer arrived by the seconds it printed. Zone-free, unlike the text above.
    public var startupAt: Double?
    public var reloadAt: Double?

    public init(startupDate: String? = nil, startupTime: String? = nil, reloadDate: String? = nil, reloadTime: String? = nil,
                currentCalls: Int? = nil, startupAt: Double? = nil, reloadAt: Double? = nil) {
        self.startupDate = startupDate; self.startupTime = startupTime; self.reloadDate = reloadDate
        self.reloadTime = reloadTime; self.currentCalls = currentCalls; self.startupAt = startupAt; self.reloadAt = reloadAt
    }

    public static func decode(_ reply: AMIMessage) -> AsteriskCoreStatus {
        AsteriskCoreStatus(startupDate: reply.text("CoreStartupDate"), startupTime: reply.text("CoreStartupTime"),
                           reloadDate: reply.text("CoreReloadDate"), reloadTime: reply.text("CoreReloadTime"),
                           currentCalls: reply.int("CoreCurrentCalls"))
    }

    /// The last reload as Unix seconds: the console's zone-free moment, else the wall-clock text read with the
    /// given UTC offset (seconds east; nil when unknown).
    public func reloadEpoch(utcOffsetSeconds: Int?) -> Double? {
        if let reloadAt { return reloadAt }
        guard let reloadDate, let reloadTime, let utcOffsetSeconds else { return nil }
        return Self.epoch(date: reloadDate, time: reloadTime, utcOffsetSeconds: utcOffsetSeconds)
    }

    /// "2026-11-21" + "05:07:49" at UTC+offset -> Unix seconds (proleptic Gregorian, days_from_civil).
    public static func epoch(date: String, time: String, utcOffsetSeconds: Int) -> Double? {
        let d = date.trimmingBlanks().split(separator: "-").compactMap { Int($0) }
        let t = time.trimmingBlanks().split(separator: ":").compactMap { Int($0) }
        guard d.count == 3, t.count == 3, (1...12).contains(d[1]), (1...31).contains(d[2]),
              (0...23).contains(t[0]), (0...59).contains(t[1]), (0...60).contains(t[2]) else { return nil }
        let y = d[1] <= 2 ? d[0] - 1 : d[0]
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (d[1] + 9) % 12
        let doy = (153 * mp + 2) / 5 + d[2] - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return Double(days * 86400 + t[0] * 3600 + t[1] * 60 + t[2] - utcOffsetSeconds)
    }
}

/// ModuleCheck (manager.c, manager_modulecheck): whether a module is loaded. Asterisk answers Success (with a
/// `Version` line) when it is, and `Response: Error` / `Message: Module not loaded` when it is not.
public struct AsteriskModuleCheck: Sendable, Hashable, Codable {
    public var module: String
    public var loaded: AMIResult<Bool>

    public init(module: String, loaded: AMIResult<Bool>) { self.module = module; self.loaded = loaded }

    public static let notLoadedMessage = "module not loaded"

    /// Error replies other than "Module not loaded" (permission, unknown action) stay failures.
    public static func interpret(_ failure: AMIFailure) -> AMIResult<Bool> {
        failure.kind == .error && failure.message.lowercased() == notLoadedMessage ? .ok(false) : .failed(failure)
    }
}

extension AsteriskObservation {
    /// The ModuleCheck answer for a module, if asked.
    public func moduleLoaded(_ module: String) -> Bool? {
        moduleChecks?.first { $0.module == module }?.loaded.value
    }
}
