import DoctorCore
import FuzzSupport

/// manager.conf, http.conf, ari.conf, sip.conf and asterisk.conf through the Asterisk config layer (`%%% name`
/// lines start further files, so one input can hold all five and their includes), summarised the way the exposure,
/// legacy and container checks read them. Besides never trapping: every `secret`/`password` value is replaced by a
/// marker that must appear in no summary (secrets are classified while parsing, never kept).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let original = Fuzz.text(Fuzz.bytes(data, size))
    guard !original.contains(Fuzz.secretMarker) else { return 0 }
    let (text, marked) = markSecrets(original)
    let files = VirtualConfigFiles(text, topLevel: "manager.conf")
    let source = files.source
    let manager = AsteriskSetupParsers.manager(source: source)
    Fuzz.require(manager == AsteriskSetupParsers.manager(source: source), "two parses of the same manager.conf differ")
    let http = AsteriskSetupParsers.http(source: source)
    let ari = AsteriskSetupParsers.ari(source: source)
    let sip = AsteriskSetupParsers.sip(source: source)
    let asterisk = AsteriskSetupParsers.asteriskConf(source: source)
    let outputs = [Fuzz.json(manager, "ManagerConfSummary"), Fuzz.json(http, "HttpConfSummary"), Fuzz.json(ari, "AriConfSummary"),
                   Fuzz.json(sip, "SipConfSummary"), Fuzz.json(asterisk, "AsteriskConfSummary"),
                   String(reflecting: manager), String(reflecting: ari)]
    if marked {
        for output in outputs {
            Fuzz.require(!output.contains(Fuzz.secretMarker), "a secret leaked into a summary: \(output.prefix(2000))")
        }
    }
    return 0
}

/// Replaces the value of each `secret = ...` / `password = ...` line (any case, `=` or `=>`) by the marker.
func markSecrets(_ text: String) -> (String, Bool) {
    var marked = false
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
        guard let equals = line.firstIndex(of: "=") else { return line }
        let key = line[..<equals].trimmingCharacters(in: " \t").lowercased()
        guard key == "secret" || key == "password" else { return line }
        marked = true
        var value = line[line.index(after: equals)...]
        if value.first == ">" { value = value.dropFirst() }
        return line[..<value.startIndex] + Fuzz.secretMarker
    }
    return (lines.joined(separator: "\n"), marked)
}

extension Substring {
    func trimmingCharacters(in set: String) -> Substring {
        var slice = self
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return slice
    }
}
