import Testing
@testable import DoctorCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `JSONDocumentEncoder` (what `JSONOutput.encode` uses) against Foundation's JSONEncoder with the same settings
/// (`JSONOutput.foundationEncode`): the same bytes for every real document and for generated hostile values.
@Suite struct JSONDocumentEncoderTests {
    static let observations = ["healthy", "no-driver", "driver-not-loaded", "unassigned", "red-yellow", "unconfigured",
                               "inverted-signalling", "chan-dahdi-mismatch", "missing-channels", "demo"]

    private func assertSame<T: Encodable>(_ value: T, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ours = try JSONOutput.encode(value)
        let reference = try JSONOutput.foundationEncode(value)
        #expect(ours == reference, "\(what): JSONDocumentEncoder differs from JSONEncoder", sourceLocation: sourceLocation)
        if ours != reference {
            let a = Array(ours.utf8), b = Array(reference.utf8)
            let at = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
            Issue.record("first difference at byte \(at): ours …\(String(decoding: a[max(0, at - 60)..<min(a.count, at + 40)], as: UTF8.self))… reference …\(String(decoding: b[max(0, at - 60)..<min(b.count, at + 40)], as: UTF8.self))…")
        }
    }

    /// Every lab observation, its report, and the scan inventory of its DAHDI readings: the three documents
    /// dahdi-doctor writes most.
    @Test(arguments: observations)
    func labDocumentsAreByteIdentical(name: String) throws {
        let observation = try JSONOutput.decode(Observation.self, from: try Fixtures.read("observations/lab-\(name).json"))
        try assertSame(observation, "observation \(name)")
        try assertSame(Diagnosis.run(observation, generator: "dahdi-doctor test"), "report \(name)")
        try assertSame(InventoryBuilder.build(observation.dahdi, generator: "dahdi-doctor test"), "inventory \(name)")
    }

    @Test func gatewayObservationIsByteIdentical() throws {
        let observation = try JSONOutput.decode(Observation.self, from: try Fixtures.read("observations/gateway-box.json"))
        try assertSame(observation, "gateway-box observation")
        try assertSame(Diagnosis.run(observation, generator: "dahdi-doctor test"), "gateway-box report")
    }

    @Test func escapes() throws {
        var everyControl = ""
        for value in 0..<0x20 { everyControl.unicodeScalars.append(Unicode.Scalar(UInt8(value))) }
        let strings = ["", "plain", "quote \" and backslash \\", "slash / and //", everyControl, "\u{7F} DEL",
                       "é ü 中文 🎛️ e\u{301}", "\r\n", "tab\there", "\u{2028}\u{2029}", "trailing \\"]
        try assertSame(strings, "strings")
        try assertSame(Dictionary(uniqueKeysWithValues: strings.enumerated().map { ("k\($0.offset)\($0.element)", $0.element) }),
                       "string-keyed dictionary (keys kept, sorted by UTF-8)")
    }

    @Test func numbers() throws {
        try assertSame([Int.min, -1, 0, 1, 9, 10, 99, 100, Int.max], "Int")
        try assertSame([UInt64.max, 0, 1_000_000], "UInt64")
        try assertSame([Int8.min, Int8.max], "Int8")
        try assertSame([UInt8.max], "UInt8")
        try assertSame([Int32.min, Int32.max], "Int32")
        try assertSame([0.0, -0.0, 1.0, -1.5, 0.1, 1e20, 1e-7, 123456789.125, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 5e-324],
                       "Double")
        try assertSame([Float(0.1), 1, 3.4e38, 1e-45], "Float")
        #expect(throws: EncodingError.self) { try JSONOutput.encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try JSONOutput.encode(["x": Double.infinity]) }
    }

    @Test func shapes() throws {
        try assertSame([[Int]](), "empty array")
        try assertSame([[Int]()], "nested empty array")
        try assertSame([String: Int](), "empty object")
        try assertSame(["a": [String: [Int]]()], "nested empty object")
        try assertSame([1, nil, 3] as [Int?], "optionals in an array")
        try assertSame([1: "one", 20: "twenty", 3: "three"], "Int-keyed dictionary")
        try assertSame(["camelKey": ["innerCamelKey": 1]], "String-keyed dictionaries: keys kept")
        try assertSame([RepresentableKey.someKey: 1, .otherURLKey: 2], "CodingKeyRepresentable keys: converted")
        try assertSame(["outerKey": [RepresentableKey.someKey: ["innerKey": 1]]], "mixed dictionaries")
        try assertSame(["inside": Nothing()], "a value that encodes nothing")
        #expect(throws: EncodingError.self) { try JSONOutput.foundationEncode(Nothing()) }
        #expect(throws: EncodingError.self) { try JSONOutput.encode(Nothing()) }
        try assertSame(Twice(), "a key written twice")
        try assertSame(Nested(), "nested containers and superEncoder")
        try assertSame(Optional<Int>.none, "top-level nil")
        try assertSame("top-level string", "fragment")
    }

    /// Keys through a keyed container (so converted to snake_case), generated from a fixed seed: camelCase, runs of
    /// capitals, digits, underscores, leading capitals, non-ASCII letters.
    @Test func generatedKeysAndValues() throws {
        var random = SeededRandom(seed: 0xD4D1)
        let pieces = ["a", "b", "x", "URL", "Id", "ID", "id", "Span", "span", "2", "10", "_", "__", "A", "Z", "é", "É",
                      "ß", "Ω", "ω", "snake_case", "HTTPServer", "rx", "Bits", "MFA", "s", " ", "-"]
        for round in 0..<300 {
            var entries: [(String, String)] = []
            for _ in 0..<Int(random.next() % 8) {
                let key = (0..<Int(1 + random.next() % 5)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
                let value = String(decoding: (0..<Int(random.next() % 12)).map { _ in UInt8(random.next() % 128) }, as: UTF8.self)
                entries.append((key, value))
            }
            try assertSame(DynamicKeys(entries: entries), "generated object \(round)")
        }
        for round in 0..<100 {
            let doubles = (0..<8).map { _ in Double(bitPattern: random.next()) }.filter(\.isFinite)
            try assertSame(doubles, "generated doubles \(round)")
            try assertSame((0..<8).map { _ in Int64(bitPattern: random.next()) >> (random.next() % 64) }, "generated integers \(round)")
        }
    }

    @Test func snakeCaseFollowsFoundation() {
        #expect(JSONEncodingContext.snakeCase("myURLProperty") == "my_url_property")
        #expect(JSONEncodingContext.snakeCase("rxIsOffHook") == "rx_is_off_hook")
        #expect(JSONEncodingContext.snakeCase("schemaVersion") == "schema_version")
        #expect(JSONEncodingContext.snakeCase("lmfa") == "lmfa")
        #expect(JSONEncodingContext.snakeCase("") == "")
        // The ASCII fast path and the scalar path agree on every generated ASCII key.
        var random = SeededRandom(seed: 17)
        let pieces = ["a", "B", "cd", "EF", "g1", "H2", "_", "URL", "Id", "x", "YZ", "9", "-"]
        for _ in 0..<2000 {
            let key = (0..<Int(1 + random.next() % 6)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            #expect(JSONEncodingContext.asciiSnakeCase(key) == JSONEncodingContext.scalarSnakeCase(key), "\(key)")
        }
    }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

private struct DynamicKeys: Encodable {
    var entries: [(String, String)]
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        for (key, value) in entries { try container.encode(value, forKey: AnyKey(stringValue: key)) }
    }
}

private enum RepresentableKey: String, CodingKeyRepresentable, Hashable, Encodable {
    case someKey, otherURLKey
}

private struct Nothing: Encodable {
    func encode(to encoder: any Encoder) throws {}
}

private struct Twice: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(1, forKey: AnyKey(stringValue: "sameKey"))
        try container.encode("b", forKey: AnyKey(stringValue: "other"))
        try container.encode(2, forKey: AnyKey(stringValue: "sameKey"))
    }
}

private struct Nested: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        var inner = container.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey(stringValue: "innerObject"))
        try inner.encode(true, forKey: AnyKey(stringValue: "flagValue"))
        var list = container.nestedUnkeyedContainer(forKey: AnyKey(stringValue: "innerList"))
        try list.encode("x")
        var deeper = list.nestedContainer(keyedBy: AnyKey.self)
        try deeper.encodeNil(forKey: AnyKey(stringValue: "nothingHere"))
        var sub = list.nestedUnkeyedContainer()
        try sub.encode(1.5)
        let parent = container.superEncoder()
        var single = parent.singleValueContainer()
        try single.encode("from super")
        let keyed = container.superEncoder(forKey: AnyKey(stringValue: "superKeyed"))
        var keyedContainer = keyed.container(keyedBy: AnyKey.self)
        try keyedContainer.encode(UInt8(7), forKey: AnyKey(stringValue: "sevenValue"))
    }
}
