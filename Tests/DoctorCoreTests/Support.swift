import Testing
@testable import DoctorCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Fixture files live next to the tests; golden outputs sit beside their inputs (`x.txt` -> `x.json`).
/// Set UPDATE_GOLDEN=1 to rewrite goldens after a deliberate change, then review the diff.
enum Fixtures {
    static let directory: String = {
        let file = #filePath
        return String(file[..<file.lastIndex(of: "/")!]) + "/Fixtures"
    }()

    static func read(_ relative: String) throws -> String {
        try String(contentsOfFile: directory + "/" + relative, encoding: .utf8)
    }

    static func assertGolden(_ actual: String, _ relative: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = directory + "/" + relative
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(actual == expected, "golden \(relative) differs", sourceLocation: sourceLocation)
    }
}

/// SplitMix64: a tiny generator with a fixed seed, so what a test generates (a SIP request's branch, tag and
/// Call-ID; lists of keys) is the same on every run and toolchain.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64 = 0x5EED_0F_D0C7) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
