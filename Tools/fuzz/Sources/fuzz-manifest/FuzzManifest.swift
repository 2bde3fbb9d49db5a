import DoctorCore
import FuzzSupport

/// `dahdi-doctor verify --manifest`: the TOML subset, then the manifest built on it. Never traps, deterministic, and
/// an error always names the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = Fuzz.text(Fuzz.bytes(data, size))
    let file = "/etc/dahdi-doctor/site.toml"
    let manifest = ManifestParser.parse(text, file: file)
    Fuzz.require(manifest == ManifestParser.parse(text, file: file), "two parses of the same text differ")
    if case .failure(let error) = manifest {
        Fuzz.require(error.file == file && !error.message.isEmpty, "an error without its file or message: \(error)")
        _ = error.description
    }
    return 0
}
