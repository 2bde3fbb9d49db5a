import Testing
@testable import DoctorCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Helpers shared by the configuration parser tests.
enum ConfigFixtures {
    static func assertGolden<T: Encodable>(_ value: T, _ relative: String,
                                           sourceLocation: SourceLocation = #_sourceLocation) throws {
        try Fixtures.assertGolden(try JSONOutput.encode(value) + "\n", relative, sourceLocation: sourceLocation)
    }

    /// Issues the way dahdi_cfg prints its errors: `line <n>: <message>`.
    static func lines(_ issues: [ParseIssue]) -> [String] {
        issues.map { "line \($0.line): \($0.message)" }
    }

    /// A system file that may not be installed (Debian's samples); tests using it are skipped without it.
    static func systemFile(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }
}

/// The hostile inputs every parser must survive: it returns issues, it never crashes, and it stays linear.
enum BrokenInput {
    struct Case: CustomStringConvertible {
        var name: String
        var text: String
        var description: String { name }
    }

    /// Deterministic pseudo-random bytes (a fixed LCG), so a failure reproduces.
    static func randomBytes(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    /// Cases derived from one valid sample of the format, plus format-free garbage.
    static func cases(sample: String) -> [Case] {
        let bytes = Array(sample.utf8)
        let half = String(decoding: bytes.prefix(bytes.count / 2 + 3), as: UTF8.self)
        let invalidUTF8 = String(decoding: bytes + [0xC3, 0x28, 0xFF, 0xFE, 0xED, 0xA0, 0x80, 0x0A] + bytes,
                                 as: UTF8.self)
        return [
            Case(name: "empty", text: ""),
            Case(name: "newlines only", text: "\n\n\r\n\n"),
            Case(name: "truncated mid-line", text: half),
            Case(name: "random bytes", text: String(decoding: randomBytes(count: 64 * 1024, seed: 42), as: UTF8.self)),
            Case(name: "NULs", text: sample.replacing("=", with: "=\u{0}") + "\u{0}\u{0}\n\u{0}"),
            Case(name: "invalid UTF-8", text: invalidUTF8),
            Case(name: "absurd numbers", text: sample.replacing("1", with: "99999999999999999999")),
            Case(name: "CRLF", text: sample.replacing("\n", with: "\r\n")),
            Case(name: "UTF-8 BOM", text: "\u{FEFF}" + sample),
            Case(name: "no final newline", text: String(sample.dropLast())),
            Case(name: "one huge line", text: String(repeating: "a=b,c-d:e;f#g[h](i) ", count: 50_000)),
            Case(name: "control characters", text: String(decoding: (0..<32).map { UInt8($0) } + [0x7F], as: UTF8.self)),
        ]
    }

    /// About 5 MB and at least 100 000 lines made of the sample repeated: parsing must finish (linearly).
    static func huge(sample: String) -> String {
        let lines = max(1, sample.split(separator: "\n", omittingEmptySubsequences: false).count)
        let copies = max(100_000 / lines + 1, 5_000_000 / max(1, sample.utf8.count) + 1)
        return String(repeating: sample, count: copies)
    }
}

/// Asterisk configuration sources for tests: files come from a fixture directory or from memory, and are seen
/// by the parser under /etc/asterisk, as on a real box.
enum TestConfigSources {
    static let notFound = SystemError(code: 2, name: "ENOENT", message: "No such file or directory")
    static let configDirectory = "/etc/asterisk"

    static func relative(_ path: String) -> String? {
        guard path.hasPrefix(configDirectory + "/") else { return nil }
        return String(path.dropFirst(configDirectory.count + 1))
    }

    /// Files from `Fixtures/config/<directory>`; globs with one `*` in the file name are expanded.
    static func fixtures(_ directory: String) -> AsteriskConfigSource {
        let root = Fixtures.directory + "/config/" + directory
        return AsteriskConfigSource(
            configDirectory: configDirectory,
            read: { path in
                guard let name = relative(path),
                      let text = try? String(contentsOfFile: root + "/" + name, encoding: .utf8)
                else { return .failure(notFound) }
                return .success(text)
            },
            expandGlob: { pattern in
                guard let name = relative(pattern), let star = name.firstIndex(of: "*"),
                      let entries = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
                let (prefix, suffix) = (name[..<star], name[name.index(after: star)...])
                return entries.filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) && $0.count >= name.count - 1 }
                    .map { configDirectory + "/" + $0 }
            })
    }

    /// Files held in memory by name (relative to /etc/asterisk).
    static func memory(_ files: [String: String]) -> AsteriskConfigSource {
        AsteriskConfigSource(configDirectory: configDirectory, read: { path in
            guard let name = relative(path), let text = files[name] else { return .failure(notFound) }
            return .success(text)
        })
    }
}
