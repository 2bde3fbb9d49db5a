import DoctorCore
import FuzzSupport

/// One /proc/dahdi/N file: never traps, deterministic, issues on real lines, the span encodable.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = Fuzz.text(Fuzz.bytes(data, size))
    let file = "/proc/dahdi/1"
    let (span, issues) = ProcDahdiParser.parse(text, file: file)
    let again = ProcDahdiParser.parse(text, file: file)
    Fuzz.require(span == again.span && issues == again.issues, "two parses of the same text differ")
    Fuzz.checkIssues(issues, text: text, file: file)
    if let span { _ = Fuzz.json(span, "ProcSpan") }
    return 0
}
