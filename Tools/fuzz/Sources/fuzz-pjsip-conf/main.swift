import DoctorCore
import FuzzSupport

/// pjsip.conf through the Asterisk config layer (`%%% name` lines start further files), then the summary the checks
/// use. Besides never trapping: the value of every credential line (`password = ...`, `\md5_cred += ...`) is
/// replaced by a marker, and the marker must appear in no output: JSON, description, dump, issues, summary.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let original = Fuzz.text(Fuzz.bytes(data, size))
    guard !original.contains(Fuzz.secretMarker) else { return 0 }
    let (text, marked) = markCredentials(original)
    let files = VirtualConfigFiles(text, topLevel: "pjsip.conf")
    let config = PjsipConfParser.parse(files.topLevelText, file: files.topLevelPath, source: files.source)
    Fuzz.require(config == PjsipConfParser.parse(files.topLevelText, file: files.topLevelPath, source: files.source),
                 "two parses of the same text differ")
    Fuzz.checkIssues(config.issues, text: files.topLevelText, file: files.topLevelPath)
    let summary = PjsipSummary(config)
    var outputs = [Fuzz.json(config, "PjsipConfig"), Fuzz.json(summary, "PjsipSummary"), String(describing: config),
                   String(reflecting: config), String(describing: summary)]
    if marked {
        var dumped = ""
        dump(config, to: &dumped)
        outputs.append(dumped)
        outputs += config.issues.map { "\($0.text) \($0.message) \($0)" }
        for object in config.objects {
            outputs += object.properties.map { "\($0.value) \(String(reflecting: $0.value)) \($0)" }
        }
        for output in outputs {
            Fuzz.require(!output.contains(Fuzz.secretMarker), "a credential leaked into output: \(output.prefix(2000))")
        }
    }
    return 0
}

/// Replaces the value of each `key = value` line whose key is a credential (a plain name, optionally `\`-escaped,
/// optionally `+=`) by the marker. Returns whether any line was marked.
func markCredentials(_ text: String) -> (String, Bool) {
    var marked = false
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
        guard let equals = line.firstIndex(of: "=") else { return line }
        var key = line[..<equals].drop { $0 == " " || $0 == "\t" }
        while key.last == " " || key.last == "\t" { key = key.dropLast() }
        if key.last == "+" { key = key.dropLast() }
        while key.last == " " || key.last == "\t" { key = key.dropLast() }
        if key.first == "\\" { key = key.dropFirst() }
        guard !key.isEmpty, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }),
              PjsipSecrets.isSecret(key: String(key)) else { return line }
        marked = true
        return line[...equals] + Fuzz.secretMarker
    }
    return (lines.joined(separator: "\n"), marked)
}
