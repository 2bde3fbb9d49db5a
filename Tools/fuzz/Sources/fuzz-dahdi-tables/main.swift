import DoctorCore
import FuzzSupport

/// The small dahdi tables, each given the same input: /etc/dahdi/assigned-spans.conf, span-types.conf and
/// /etc/dahdi/modules. Never trap, deterministic, issues on real lines, entries encodable.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = Fuzz.text(Fuzz.bytes(data, size))
    let last = Fuzz.maxLine(text)

    let assignedFile = "/etc/dahdi/assigned-spans.conf"
    let assigned = AssignedSpansParser.parse(text, file: assignedFile)
    Fuzz.require(assigned == AssignedSpansParser.parse(text, file: assignedFile), "assigned-spans: two parses differ")
    Fuzz.checkIssues(assigned.issues, text: text, file: assignedFile)
    for entry in assigned.assignments { Fuzz.require(entry.line >= 1 && entry.line <= last, "assignment at line \(entry.line)") }
    _ = Fuzz.json(assigned, "AssignedSpansConfig")

    let typesFile = "/etc/dahdi/span-types.conf"
    let types = SpanTypesParser.parse(text, file: typesFile)
    Fuzz.require(types == SpanTypesParser.parse(text, file: typesFile), "span-types: two parses differ")
    Fuzz.checkIssues(types.issues, text: text, file: typesFile)
    for entry in types.entries { Fuzz.require(entry.line >= 1 && entry.line <= last, "span type at line \(entry.line)") }
    _ = Fuzz.json(types, "SpanTypesConfig")

    let modulesFile = "/etc/dahdi/modules"
    let modules = DahdiModulesParser.parse(text, file: modulesFile)
    Fuzz.require(modules == DahdiModulesParser.parse(text, file: modulesFile), "modules: two parses differ")
    Fuzz.checkIssues(modules.issues, text: text, file: modulesFile)
    for entry in modules.modules {
        Fuzz.require(!entry.name.isEmpty && entry.line >= 1 && entry.line <= last, "module entry \(entry)")
    }
    _ = Fuzz.json(modules, "DahdiModulesConfig")
    return 0
}
