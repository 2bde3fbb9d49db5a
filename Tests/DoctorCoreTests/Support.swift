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
