import DoctorCore
import FuzzSupport

/// chan_dahdi.conf through the Asterisk config layer: `%%% name` lines in the input start further files, so
/// #include, #tryinclude, globs, cycles, templates and (+) are all in reach. Never traps, deterministic.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let files = VirtualConfigFiles(Fuzz.text(Fuzz.bytes(data, size)), topLevel: "chan_dahdi.conf")
    let source = files.source
    let parsed = ChanDahdiConfParser.parse(files.topLevelText, file: files.topLevelPath, source: source)
    let loaded = ChanDahdiConfParser.load("chan_dahdi.conf", source: source)
    if files.topLevelPath == VirtualConfigFiles.directory + "/chan_dahdi.conf" {
        Fuzz.require(parsed == loaded, "parse(text) and load(name) of the same file differ")
    }
    Fuzz.require(parsed == ChanDahdiConfParser.parse(files.topLevelText, file: files.topLevelPath, source: source),
                 "two parses of the same text differ")
    Fuzz.checkIssues(parsed.issues, text: files.topLevelText, file: files.topLevelPath)
    _ = Fuzz.json(parsed, "ChanDahdiConfig")
    return 0
}
