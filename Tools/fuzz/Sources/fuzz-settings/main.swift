import DoctorCore
import FuzzSupport

/// /etc/dahdi-doctor/dahdi-doctor.toml: the TOML subset, then the settings built on it. Never traps, errors name a
/// real line, deterministic.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = Fuzz.text(Fuzz.bytes(data, size))
    let last = Fuzz.maxLine(text)
    do {
        let table = try TOMLSubset.parse(text)
        for entry in table.entries { Fuzz.require(entry.line >= 1 && entry.line <= last, "TOML entry at line \(entry.line)") }
    } catch {
        Fuzz.require(error.line >= 0 && error.line <= last, "TOML error at line \(error.line): \(error.message)")
    }
    let file = "/etc/dahdi-doctor/dahdi-doctor.toml"
    let settings = SettingsParser.parse(text, file: file)
    Fuzz.require(settings == SettingsParser.parse(text, file: file), "two parses of the same text differ")
    if case .failure(let error) = settings { _ = error.description }
    return 0
}
