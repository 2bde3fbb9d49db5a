import DoctorCore
import DoctorSystem

extension ConfigReader {
    /// manager.conf, http.conf, ari.conf, sip.conf and asterisk.conf under etcRoot/asterisk, through the Asterisk
    /// syntax layer, plus the mtime of every Asterisk file read (these and chan_dahdi.conf/pjsip.conf with their
    /// includes). A missing file is recorded as absent with the reason.
    /// The files an Asterisk configuration reads (itself and its includes), for their mtimes. pjsip.conf's summary
    /// does not keep them, so the syntax layer lists them again.
    func includedFiles(_ name: String) -> [String] {
        AsteriskSetupParsers.files(name, source: asteriskSource(joinPath(etcRoot, "asterisk")))
    }

    public func asteriskSetup(otherFiles: [String], monitoringUser: String?) -> AsteriskSetupObservation {
        let directory = joinPath(etcRoot, "asterisk")
        let source = asteriskSource(directory)
        func part<Value>(_ name: String, _ parse: (String, AsteriskConfigSource) -> Value) -> ConfigPart<Value> {
            let path = joinPath(directory, name)
            if case .failure(let error) = access.read(path, limit: 1) { return .absent(path: path, reason: error.description) }
            return .present(path: path, value: parse(name, source))
        }
        var setup = AsteriskSetupObservation(monitoringUser: monitoringUser, utcOffsetSeconds: system_utcOffsetSeconds())
        setup.manager = part("manager.conf") { AsteriskSetupParsers.manager($0, source: $1) }
        setup.http = part("http.conf") { AsteriskSetupParsers.http($0, source: $1) }
        setup.ari = part("ari.conf") { AsteriskSetupParsers.ari($0, source: $1) }
        setup.sip = part("sip.conf") { AsteriskSetupParsers.sip($0, source: $1) }
        setup.asteriskConf = part("asterisk.conf") { AsteriskSetupParsers.asteriskConf($0, source: $1) }
        var seen = Set<String>()
        for path in otherFiles + setup.files where seen.insert(path).inserted {
            if case .success(let status) = system_pathStatus(path) {
                setup.fileTimes.append(ConfigFileTime(path: path, modified: status.modified))
            }
        }
        return setup
    }
}
