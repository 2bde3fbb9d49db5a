import DoctorCore
import FuzzSupport

/// /etc/dahdi/system.conf (the dahdi_cfg grammar): never traps, deterministic, issues on real lines, encodable.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = Fuzz.text(Fuzz.bytes(data, size))
    let file = "/etc/dahdi/system.conf"
    let config = SystemConfParser.parse(text, file: file)
    Fuzz.require(config == SystemConfParser.parse(text, file: file), "two parses of the same text differ")
    Fuzz.checkIssues(config.issues, text: text, file: file)
    let last = Fuzz.maxLine(text)
    for span in config.spans { Fuzz.require(span.line >= 1 && span.line <= last, "span at line \(span.line)") }
    _ = Fuzz.json(config, "SystemConfig")
    return 0
}
