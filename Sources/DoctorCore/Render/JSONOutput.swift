#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The one JSON style of every dahdi-doctor document: snake_case keys, sorted, pretty, no escaped slashes.
/// Optional values that a source could not provide are omitted.
public enum JSONOutput {
    /// Through `JSONDocumentEncoder`, which writes exactly what `foundationEncode` does, at a fraction of the cost.
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        try JSONDocumentEncoder().encode(value)
    }

    /// The same document through Foundation's JSONEncoder: the reference `JSONDocumentEncoder` is tested against.
    public static func foundationEncode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: Data(text.utf8))
    }
}
