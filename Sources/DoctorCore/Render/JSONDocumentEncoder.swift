#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The JSON encoder of every dahdi-doctor document (`JSONOutput.encode`): byte for byte what Foundation's
/// `JSONEncoder` writes with `keyEncodingStrategy = .convertToSnakeCase` and
/// `outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]`, at a fraction of its cost.
///
/// What it reproduces (Tests/DoctorCoreTests/JSONDocumentEncoderTests.swift checks each against `JSONEncoder`):
/// - keys of keyed containers converted to snake_case by Foundation's rule (a word starts at an upper-case letter;
///   a run of capitals is one word: `myURLProperty` -> `my_url_property`), keys of `[String: V]` dictionaries kept
///   as they are; objects sorted by the keys' UTF-8 bytes; the last value wins for a key written twice;
/// - strings escaped as `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t` and `\u00XX` (lower-case hex) for the other
///   control characters; `/` and everything from 0x7F up written as is;
/// - integers in decimal; `Double`/`Float` as their `description` without a trailing `.0`; NaN and infinity are an
///   error (JSONEncoder's default `.throw`);
/// - two-space indentation, `" : "` between key and value, `[\n\n]`/`{\n\n}` (indented) for empty containers;
/// - a value that encodes nothing is `{}`; `Date`, `Data`, `URL` and `Decimal` (which JSONEncoder special-cases;
///   no dahdi-doctor document has one) are handed to JSONEncoder itself.
///
/// Why: under QEMU TCG, `scan --json` on 992 channels spent more in JSONEncoder than in reading the box.
/// JSONEncoder boxes every value into an enum keyed by a Dictionary, converts every key again at every use and
/// casts every value against its special cases. Here keys are converted once per distinct key, integers are
/// written without an intermediate String, and objects are small arrays sorted once when written.
public struct JSONDocumentEncoder {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> String {
        let context = JSONEncodingContext()
        let root: JSONNode
        if JSONEncodingContext.isFoundationSpecial(T.self) {
            root = try JSONEncodingContext.fragment(value)
        } else {
            let encoder = JSONNodeEncoder(context: context, parent: nil, step: .root)
            try value.encode(to: encoder)
            // As JSONEncoder: a top-level value must encode something.
            guard let node = encoder.node else {
                throw EncodingError.invalidValue(value, EncodingError.Context(
                    codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
            }
            context.settleDictionaryKeys(node, of: value)
            root = node
        }
        var writer = JSONTextWriter(context: context)
        try writer.write(root, depth: 0)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

// MARK: - The tree

/// One encoded value. Containers are boxes because an `Encoder` hands out containers that are filled after the
/// call that created them returns.
enum JSONNode {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    /// Already formatted (floating point).
    case number(String)
    case string(String)
    /// A fragment JSONEncoder wrote (Date, Data, URL, Decimal), re-indented when written.
    case fragment(String)
    case array(JSONArrayBox)
    case object(JSONObjectBox)
    /// An encoder handed out by `superEncoder`: whatever it holds when the document is written.
    case deferred(JSONNodeEncoder)
}

// The tree's growing arrays (items, keys, values, an encoder's node) skip the runtime's dynamic exclusivity checks:
// one encode call builds and then reads its own tree on one thread, and no access to them overlaps another (each
// append or assignment returns before the next access begins; nothing holds an inout reference to them across a
// call). The checks were a tenth of encoding a 768-channel inventory.
final class JSONArrayBox {
    @exclusivity(unchecked) var items: [JSONNode] = []
}

final class JSONObjectBox {
    /// Filled by a `Dictionary` (keyed by the standard library's dictionary key type): keys kept as given until
    /// `settleDictionaryKeys` knows whether the dictionary's keys are Strings.
    var dictionaryKeys = false
    /// The keys are written as they are (a `[String: V]`); otherwise the writer converts them to snake_case.
    var keepKeys = false
    /// The CodingKey type that filled it: objects of one type usually have the same keys in the same order, so
    /// the writer sorts them once per type.
    var keyType: ObjectIdentifier?
    @exclusivity(unchecked) var keys: [String] = []
    @exclusivity(unchecked) var values: [JSONNode] = []

    func set(_ key: String, _ value: JSONNode) {
        keys.append(key)
        values.append(value)
    }
}

/// What one `encode` call shares: the snake_case conversions done so far.
final class JSONEncodingContext {
    private var converted: [String: String] = [:]

    func convert(_ raw: String) -> String {
        if let known = converted[raw] { return known }
        let snake = Self.snakeCase(raw)
        converted[raw] = snake
        return snake
    }

    /// Foundation's convertToSnakeCase: split before an upper-case letter that follows a lower-case run, and
    /// before the last capital of a run of capitals followed by a lower-case letter; lower-case each word; join
    /// with `_`. The first character never starts a word.
    static func snakeCase(_ key: String) -> String {
        key.utf8.allSatisfy({ $0 < 0x80 }) ? asciiSnakeCase(key) : scalarSnakeCase(key)
    }

    /// `snakeCase` on Unicode scalars (upper and lower case by their Unicode properties).
    static func scalarSnakeCase(_ key: String) -> String {
        let scalars = Array(key.unicodeScalars)
        guard !scalars.isEmpty else { return key }
        let words = snakeCaseWords(count: scalars.count, isUpper: { scalars[$0].properties.isUppercase },
                                   isLower: { scalars[$0].properties.isLowercase })
        return words.map { range in
            var word = String.UnicodeScalarView()
            word.append(contentsOf: scalars[range])
            return String(word).lowercased()
        }.joined(separator: "_")
    }

    /// `snakeCase` for an all-ASCII key (every key dahdi-doctor has), on bytes: the same rule, where upper case is
    /// A-Z and lower case a-z. Every document converts each of its keys once, so this is most of a small document's
    /// fixed cost.
    static func asciiSnakeCase(_ key: String) -> String {
        let bytes = Array(key.utf8)
        guard !bytes.isEmpty else { return key }
        let upper: ClosedRange<UInt8> = 0x41...0x5A, lower: ClosedRange<UInt8> = 0x61...0x7A
        let words = snakeCaseWords(count: bytes.count, isUpper: { upper.contains(bytes[$0]) },
                                   isLower: { lower.contains(bytes[$0]) })
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 4)
        for (n, range) in words.enumerated() {
            if n > 0 { out.append(UInt8(ascii: "_")) }
            for byte in bytes[range] { out.append(upper.contains(byte) ? byte | 0x20 : byte) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The word boundaries of `snakeCase` over `count` characters, whichever way a character is classified.
    private static func snakeCaseWords(count end: Int, isUpper: (Int) -> Bool, isLower: (Int) -> Bool) -> [Range<Int>] {
        func first(from start: Int, _ predicate: (Int) -> Bool) -> Int? {
            var i = start
            while i < end {
                if predicate(i) { return i }
                i += 1
            }
            return nil
        }
        var words: [Range<Int>] = []
        var wordStart = 0
        var searchStart = 1
        while let upper = first(from: searchStart, isUpper) {
            words.append(wordStart..<upper)
            searchStart = upper
            guard let lower = first(from: searchStart, isLower) else {
                wordStart = searchStart
                break
            }
            if lower == upper + 1 {
                wordStart = upper
            } else {
                words.append(upper..<(lower - 1))
                wordStart = lower - 1
            }
            searchStart = lower + 1
        }
        words.append(wordStart..<end)
        return words
    }

    func value<T: Encodable>(of value: T, parent: JSONNodeEncoder?, step: JSONPathStep) throws -> JSONNode {
        if JSONEncodingContext.isFoundationSpecial(T.self) {
            return try Self.fragment(value)
        }
        if T.self == [String].self {
            // The most common array (capabilities, alarms, sources...): its nodes directly, as Array.encode(to:)
            // would make them through an encoder and an unkeyed container.
            let box = JSONArrayBox()
            box.items = unsafeBitCast(value, to: [String].self).map { .string($0) }
            return .array(box)
        }
        let encoder = JSONNodeEncoder(context: self, parent: parent, step: step)
        try value.encode(to: encoder)
        guard let node = encoder.node else { return .object(JSONObjectBox()) }
        if case .object(let box) = node, let type = box.keyType { capacityHints[type] = box.keys.count }
        settleDictionaryKeys(node, of: value)
        return node
    }

    /// Per CodingKey type, how many keys its last object had: the next object of that type reserves as many.
    var capacityHints: [ObjectIdentifier: Int] = [:]

    /// JSONEncoder keeps the keys of a `[String: V]` as they are and converts those of any other dictionary that
    /// encodes as an object (Int keys, CodingKeyRepresentable keys). Asking every value whether it is a
    /// `[String: V]` costs a protocol-conformance lookup per type (a scan of every conformance record in the
    /// binary, slow under emulation); only values that encoded as a dictionary are asked here.
    func settleDictionaryKeys<T>(_ node: JSONNode, of value: T) {
        guard case .object(let box) = node, box.dictionaryKeys else { return }
        box.dictionaryKeys = false
        box.keepKeys = value is any JSONStringKeyedDictionary
    }

    /// The standard library's (internal) key type of `Dictionary.encode(to:)`, found once by encoding a dictionary.
    static let dictionaryKeyType: ObjectIdentifier? = {
        let probe = JSONNodeEncoder(context: JSONEncodingContext(), parent: nil, step: .root)
        probe.probing = true
        try? ["": 0].encode(to: probe)
        return probe.keyedBy
    }()

    /// Date, Data, URL and Decimal, which JSONEncoder encodes its own way. By static type: a metatype comparison
    /// costs nothing, where a dynamic cast per value did (an existential `any Encodable` holding one of them would
    /// not be seen; no dahdi-doctor document has either).
    static func isFoundationSpecial<T>(_ type: T.Type) -> Bool {
        type == Date.self || type == Data.self || type == URL.self || type == Decimal.self
    }

    /// JSONEncoder's own rendering of a value it special-cases, as a fragment to splice in.
    static func fragment<T: Encodable>(_ value: T) throws -> JSONNode {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return .fragment(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// `[String: V]`: JSONEncoder writes its keys as they are, without the snake_case conversion.
protocol JSONStringKeyedDictionary {}

extension Dictionary: JSONStringKeyedDictionary where Key == String, Value: Encodable {}

struct JSONPlainKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ string: String) { stringValue = string; intValue = nil }
    init?(stringValue: String) { self.stringValue = stringValue; intValue = nil }
    init?(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
    init(index: Int) { stringValue = "Index \(index)"; intValue = index }
    static let superKey = JSONPlainKey("super")
}

// MARK: - Encoder and containers

/// Where a value sits in its parent: a key, an array index (turned into a key only if a coding path is asked
/// for, as in an error), or nothing (the root).
enum JSONPathStep {
    case root
    case key(any CodingKey)
    case index(Int)

    var codingKey: (any CodingKey)? {
        switch self {
        case .root: return nil
        case .key(let key): return key
        case .index(let index): return JSONPlainKey(index: index)
        }
    }
}

final class JSONNodeEncoder: Encoder {
    let context: JSONEncodingContext
    let parent: JSONNodeEncoder?
    let step: JSONPathStep
    @exclusivity(unchecked) var node: JSONNode?
    /// The key type of the last keyed container asked for (for `JSONEncodingContext.dictionaryKeyType`).
    var keyedBy: ObjectIdentifier?
    /// Set only while `dictionaryKeyType` is being found (which must not ask for itself).
    var probing = false

    init(context: JSONEncodingContext, parent: JSONNodeEncoder?, step: JSONPathStep) {
        self.context = context; self.parent = parent; self.step = step
    }

    var codingPath: [any CodingKey] {
        var path: [any CodingKey] = []
        var current: JSONNodeEncoder? = self
        while let encoder = current {
            if let key = encoder.step.codingKey { path.append(key) }
            current = encoder.parent
        }
        return path.reversed()
    }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: JSONObjectBox
        if case .object(let existing) = node {
            box = existing
        } else {
            box = JSONObjectBox()
            node = .object(box)
        }
        let keyType = ObjectIdentifier(Key.self)
        keyedBy = keyType
        if box.keyType == nil, let hint = context.capacityHints[keyType] {
            box.keys.reserveCapacity(hint)
            box.values.reserveCapacity(hint)
        }
        box.keyType = keyType
        if !probing, keyType == JSONEncodingContext.dictionaryKeyType { box.dictionaryKeys = true }
        return KeyedEncodingContainer(JSONKeyedContainer<Key>(encoder: self, box: box))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: JSONArrayBox
        if case .array(let existing) = node {
            box = existing
        } else {
            box = JSONArrayBox()
            node = .array(box)
        }
        return JSONUnkeyedContainer(encoder: self, box: box)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { JSONSingleValueContainer(encoder: self) }
}

func jsonFloat<F: BinaryFloatingPoint & CustomStringConvertible>(_ value: F, encoder: JSONNodeEncoder,
                                                                   key: (any CodingKey)?) throws -> JSONNode {
    guard value.isFinite else {
        let path = encoder.codingPath + (key.map { [$0] } ?? [])
        throw EncodingError.invalidValue(value, EncodingError.Context(
            codingPath: path, debugDescription: "Unable to encode \(F.self).\(value) directly in JSON."))
    }
    var text = value.description
    if text.hasSuffix(".0") { text.removeLast(2) }
    return .number(text)
}

struct JSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: JSONNodeEncoder
    let box: JSONObjectBox

    var codingPath: [any CodingKey] { encoder.codingPath }

    private func set(_ key: Key, _ value: JSONNode) {
        box.set(key.stringValue, value)
    }

    mutating func encodeNil(forKey key: Key) throws { set(key, .null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(key, .bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(key, .string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(key, try jsonFloat(value, encoder: encoder, key: key)) }
    mutating func encode(_ value: Float, forKey key: Key) throws { set(key, try jsonFloat(value, encoder: encoder, key: key)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(key, .int(Int64(value))) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(key, .int(Int64(value))) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(key, .int(Int64(value))) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(key, .int(Int64(value))) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(key, .int(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(key, .uint(UInt64(value))) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(key, .uint(UInt64(value))) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(key, .uint(UInt64(value))) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(key, .uint(UInt64(value))) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(key, .uint(value)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        set(key, try encoder.context.value(of: value, parent: encoder, step: .key(key)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONObjectBox()
        set(key, .object(nested))
        let child = JSONNodeEncoder(context: encoder.context, parent: encoder, step: .key(key))
        return KeyedEncodingContainer(JSONKeyedContainer<NestedKey>(encoder: child, box: nested))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = JSONArrayBox()
        set(key, .array(nested))
        return JSONUnkeyedContainer(encoder: JSONNodeEncoder(context: encoder.context, parent: encoder, step: .key(key)), box: nested)
    }

    mutating func superEncoder() -> any Encoder {
        let child = JSONNodeEncoder(context: encoder.context, parent: encoder, step: .key(JSONPlainKey.superKey))
        box.set(JSONPlainKey.superKey.stringValue, .deferred(child))
        return child
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = JSONNodeEncoder(context: encoder.context, parent: encoder, step: .key(key))
        set(key, .deferred(child))
        return child
    }
}

struct JSONUnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: JSONNodeEncoder
    let box: JSONArrayBox

    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { box.items.count }

    private func append(_ value: JSONNode) { box.items.append(value) }

    mutating func encodeNil() throws { append(.null) }
    mutating func encode(_ value: Bool) throws { append(.bool(value)) }
    mutating func encode(_ value: String) throws { append(.string(value)) }
    mutating func encode(_ value: Double) throws {
        append(try jsonFloat(value, encoder: encoder, key: JSONPathStep.index(count).codingKey))
    }
    mutating func encode(_ value: Float) throws {
        append(try jsonFloat(value, encoder: encoder, key: JSONPathStep.index(count).codingKey))
    }
    mutating func encode(_ value: Int) throws { append(.int(Int64(value))) }
    mutating func encode(_ value: Int8) throws { append(.int(Int64(value))) }
    mutating func encode(_ value: Int16) throws { append(.int(Int64(value))) }
    mutating func encode(_ value: Int32) throws { append(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { append(.int(value)) }
    mutating func encode(_ value: UInt) throws { append(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { append(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { append(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { append(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { append(.uint(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        append(try encoder.context.value(of: value, parent: encoder, step: .index(count)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONObjectBox()
        let child = JSONNodeEncoder(context: encoder.context, parent: encoder, step: .index(count))
        append(.object(nested))
        return KeyedEncodingContainer(JSONKeyedContainer<NestedKey>(encoder: child, box: nested))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = JSONArrayBox()
        let child = JSONNodeEncoder(context: encoder.context, parent: encoder, step: .index(count))
        append(.array(nested))
        return JSONUnkeyedContainer(encoder: child, box: nested)
    }

    mutating func superEncoder() -> any Encoder {
        let child = JSONNodeEncoder(context: encoder.context, parent: encoder, step: .index(count))
        append(.deferred(child))
        return child
    }
}

struct JSONSingleValueContainer: SingleValueEncodingContainer {
    let encoder: JSONNodeEncoder

    var codingPath: [any CodingKey] { encoder.codingPath }

    private func set(_ value: JSONNode) { encoder.node = value }

    mutating func encodeNil() throws { set(.null) }
    mutating func encode(_ value: Bool) throws { set(.bool(value)) }
    mutating func encode(_ value: String) throws { set(.string(value)) }
    mutating func encode(_ value: Double) throws { set(try jsonFloat(value, encoder: encoder, key: nil)) }
    mutating func encode(_ value: Float) throws { set(try jsonFloat(value, encoder: encoder, key: nil)) }
    mutating func encode(_ value: Int) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: Int8) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: Int16) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: Int32) throws { set(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { set(.int(value)) }
    mutating func encode(_ value: UInt) throws { set(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { set(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { set(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { set(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { set(.uint(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        set(try encoder.context.value(of: value, parent: encoder.parent, step: encoder.step))
    }
}

// MARK: - Writing

struct JSONTextWriter {
    var bytes: [UInt8] = []
    let context: JSONEncodingContext
    /// Per CodingKey type, the last raw key sequence seen, its keys as written and the indices to write in order
    /// (see `writeObject`). Keys of one type are the same literals in the same order, so comparing the sequences is
    /// cheap and the conversion and sort happen once per type, not once per object.
    private var keyCache: [ObjectIdentifier: KeyLayout] = [:]

    /// How objects of one CodingKey type are written: their raw keys, the order to write them in, and for the
    /// depth last written, each entry's bytes before its value (`,` and a newline after the first, the indentation,
    /// the quoted key and ` : `), so that writing a key is one append.
    private struct KeyLayout {
        var raw: [String]
        var written: [String]
        var order: [Int]
        var depth: Int
        var prefixes: [[UInt8]]
    }

    init(context: JSONEncodingContext) {
        self.context = context
        bytes.reserveCapacity(1 << 16)
    }

    /// JSONEncoder refuses containers nested this deep.
    static let maximumDepth = 512

    mutating func write(_ node: JSONNode, depth: Int) throws {
        switch node {
        case .null: append("null")
        case .bool(let value): append(value ? "true" : "false")
        case .int(let value):
            if value < 0 {
                bytes.append(UInt8(ascii: "-"))
                writeDecimal(value.magnitude)
            } else {
                writeDecimal(UInt64(value))
            }
        case .uint(let value): writeDecimal(value)
        case .number(let text): bytes.append(contentsOf: text.utf8)
        case .string(let text): writeString(text)
        case .fragment(let text): writeFragment(text, depth: depth)
        case .array(let box): try writeArray(box.items, depth: depth + 1)
        case .object(let box): try writeObject(box, depth: depth + 1)
        case .deferred(let encoder): try write(encoder.node ?? .object(JSONObjectBox()), depth: depth)
        }
    }

    private mutating func append(_ text: StaticString) { Self.append(text, to: &bytes) }

    private static func append(_ text: StaticString, to bytes: inout [UInt8]) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func indent(_ level: Int) { Self.indent(level, to: &bytes) }

    private static func indent(_ level: Int, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }

    private mutating func writeDecimal(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(truncatingIfNeeded: value) &+ 0x30)
            return
        }
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes; UInt64.max has 20 digits
        withUnsafeMutableBytes(of: &buffer) { raw in
            var rest = value
            var i = raw.count
            while rest > 0 {
                i -= 1
                raw[i] = UInt8(truncatingIfNeeded: rest % 10) &+ 0x30
                rest /= 10
            }
            bytes.append(contentsOf: raw[i...])
        }
    }

    private mutating func writeString(_ text: String) { Self.writeString(text, to: &bytes) }

    private static func writeString(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for i in 0..<utf8.count {
                let byte = utf8[i]
                // `"`, `\` and the control characters (compared: no lazy global table to check per string)
                if byte >= 0x20, byte != 0x22, byte != 0x5C { continue }
                let escape: StaticString
                switch byte {
                case UInt8(ascii: "\""): escape = "\\\""
                case UInt8(ascii: "\\"): escape = "\\\\"
                case 0x08: escape = "\\b"
                case 0x0C: escape = "\\f"
                case 0x0A: escape = "\\n"
                case 0x0D: escape = "\\r"
                case 0x09: escape = "\\t"
                case 0x00...0x1F: escape = "\\u00"
                default: continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                append(escape, to: &bytes)
                if byte < 0x20, escape.utf8CodeUnitCount == 4 {
                    bytes.append(Self.hex[Int(byte >> 4)])
                    bytes.append(Self.hex[Int(byte & 0xF)])
                }
                start = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// A pretty-printed fragment from JSONEncoder, indented for where it sits.
    private mutating func writeFragment(_ text: String, depth: Int) {
        var first = true
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !first {
                bytes.append(0x0A)
                if !line.isEmpty { indent(depth) }
            }
            first = false
            bytes.append(contentsOf: line.utf8)
        }
    }

    private mutating func writeArray(_ items: [JSONNode], depth: Int) throws {
        guard depth < Self.maximumDepth else { throw Self.tooDeep() }
        bytes.append(UInt8(ascii: "["))
        bytes.append(0x0A)
        for (i, item) in items.enumerated() {
            if i > 0 {
                bytes.append(UInt8(ascii: ","))
                bytes.append(0x0A)
            }
            indent(depth)
            try write(item, depth: depth)
        }
        bytes.append(0x0A)
        indent(depth - 1)
        bytes.append(UInt8(ascii: "]"))
    }

    private mutating func writeObject(_ box: JSONObjectBox, depth: Int) throws {
        guard depth < Self.maximumDepth else { throw Self.tooDeep() }
        let prefixes: [[UInt8]], order: [Int]
        if !box.keepKeys, let type = box.keyType, var layout = keyCache[type], layout.raw == box.keys {
            if layout.depth != depth {
                layout.depth = depth
                layout.prefixes = Self.entryPrefixes(layout.written, order: layout.order, depth: depth)
                keyCache[type] = layout
            }
            prefixes = layout.prefixes
            order = layout.order
        } else {
            let keys = box.keepKeys ? box.keys : box.keys.map(context.convert)
            order = Self.writeOrder(keys)
            prefixes = Self.entryPrefixes(keys, order: order, depth: depth)
            if !box.keepKeys, let type = box.keyType {
                keyCache[type] = KeyLayout(raw: box.keys, written: keys, order: order, depth: depth, prefixes: prefixes)
            }
        }
        bytes.append(UInt8(ascii: "{"))
        bytes.append(0x0A)
        for (n, index) in order.enumerated() {
            bytes.append(contentsOf: prefixes[n])
            try write(box.values[index], depth: depth)
        }
        bytes.append(0x0A)
        indent(depth - 1)
        bytes.append(UInt8(ascii: "}"))
    }

    /// For each entry written (in `order`), the bytes before its value.
    private static func entryPrefixes(_ keys: [String], order: [Int], depth: Int) -> [[UInt8]] {
        order.enumerated().map { n, index in
            var prefix: [UInt8] = n > 0 ? [UInt8(ascii: ","), 0x0A] : []
            indent(depth, to: &prefix)
            writeString(keys[index], to: &prefix)
            append(" : ", to: &prefix)
            return prefix
        }
    }

    /// The indices of `keys` to write: sorted by the keys' UTF-8 bytes; for a key written twice, only the last
    /// (JSONEncoder keeps the last value).
    static func writeOrder(_ keys: [String]) -> [Int] {
        let sorted = keys.indices.sorted { a, b in
            let ka = keys[a], kb = keys[b]
            if ka == kb { return a < b }
            return ka.utf8.lexicographicallyPrecedes(kb.utf8)
        }
        var order: [Int] = []
        order.reserveCapacity(sorted.count)
        for (n, index) in sorted.enumerated() where n + 1 == sorted.count || keys[sorted[n + 1]] != keys[index] {
            order.append(index)
        }
        return order
    }

    private static func tooDeep() -> EncodingError {
        EncodingError.invalidValue(0, EncodingError.Context(codingPath: [], debugDescription: "Too many nested arrays or dictionaries."))
    }
}
