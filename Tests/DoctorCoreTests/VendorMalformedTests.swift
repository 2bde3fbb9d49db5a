import Testing
@testable import DoctorCore

/// Pages that are not what a profile expects: each must come back `.failed(.unparseable)` with a message saying
/// what was expected and where, and none may trap or take long.
@Suite struct VendorMalformedTests {
    struct Case: CustomStringConvertible, Sendable {
        var page: VendorFixtures.Page
        var name: String
        var description: String { "\(page.profile) \(name)" }
    }

    static func body(_ name: String, of page: VendorFixtures.Page) throws -> String {
        let sample = try Fixtures.read(page.relative)
        switch name {
        case "empty": return ""
        case "whitespace": return " \n\r\n\t "
        case "truncated": return String(decoding: Array(sample.utf8).prefix(sample.utf8.count / 2), as: UTF8.self)
        case "binary": return String(decoding: BrokenInput.randomBytes(count: 64 * 1024, seed: 7), as: UTF8.self)
        case "NULs": return String(repeating: "\u{0}", count: 4096)
        case "huge": return BrokenInput.huge(sample: sample)
        case "unclosed tags": return String(repeating: "<td <font color=", count: 20_000)
        default: // "wrong vendor: <profile>"
            let other = VendorFixtures.goodPages.first { name.hasSuffix($0.profile) }!
            return try Fixtures.read(other.relative)
        }
    }

    static let cases: [Case] = VendorFixtures.goodPages.flatMap { page in
        ["empty", "whitespace", "truncated", "binary", "NULs", "huge", "unclosed tags"].map { Case(page: page, name: $0) }
            + VendorFixtures.goodPages.filter { $0.profile != page.profile }
            .map { Case(page: page, name: "wrong vendor: \($0.profile)") }
    }

    @Test(arguments: cases)
    func unparseable(_ testCase: Case) throws {
        let page = GatewayPage(path: testCase.page.path, body: try Self.body(testCase.name, of: testCase.page))
        let result = testCase.page.adapter.parse(page)
        let failure = try #require(result.failure, "\(testCase) parsed: \(result)")
        #expect(failure.kind == .unparseable, "\(failure)")
        #expect(failure.message.hasPrefix("expected ") || failure.message.contains("cut short")
                || failure.message.contains("more than"), "\(failure.message)")
        #expect(failure.path == GatewayPathRedaction.redact(testCase.page.path))
        #expect(failure.message.count < 400)
    }

    /// The parser-wide corpus (CRLF, BOM, NULs inside, absurd numbers...): any answer but a trap.
    @Test(arguments: VendorFixtures.goodPages)
    func brokenInputNeverTraps(_ fixture: VendorFixtures.Page) throws {
        for broken in BrokenInput.cases(sample: try Fixtures.read(fixture.relative)) {
            switch fixture.adapter.parse(GatewayPage(path: fixture.path, body: broken.text)) {
            case .ok(let status): #expect(!status.ports.isEmpty, "\(broken.name)")
            case .failed(let failure): #expect([.unparseable, .authentication].contains(failure.kind), "\(broken.name)")
            }
        }
    }

    @Test func unparseableNeverQuotesThePage() {
        let page = GatewayPage(path: "/", body: "<html><body>Secret-Looking-Text-42</body></html>")
        for adapter in GatewayStatusAdapters.all {
            #expect(!"\(adapter.parse(page))".contains("Secret-Looking-Text-42"))
        }
    }
}
