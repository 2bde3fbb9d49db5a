/// A forgiving, linear tokenizer for the HTML and XML that gateway web servers produce: text runs and tags, with
/// entities decoded. Embedded firmware writes sloppy markup (unquoted attributes, unclosed cells), so nothing here
/// validates; it only has to find text next to tags, and never loop or crash on garbage.
struct MarkupTag: Sendable, Hashable {
    /// The name as written (XML names are case-sensitive: `Hook_State_1_`).
    var name: String
    var isClosing: Bool
    /// Attribute names lower-cased, values with entities decoded.
    var attributes: [String: String]

    /// Case-insensitive name test, as HTML means it.
    func `is`(_ htmlName: String) -> Bool { name.lowercased() == htmlName }
}

enum MarkupToken: Sendable, Hashable {
    case text(String)
    case tag(MarkupTag)
}

enum MarkupTokenizer {
    static func tokens(_ document: String) -> [MarkupToken] {
        let bytes = Array(document.utf8)
        var tokens: [MarkupToken] = []
        var index = 0
        var textStart = 0
        func flushText(upTo end: Int) {
            if end > textStart { tokens.append(.text(Entities.decode(bytes[textStart..<end]))) }
        }
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else { index += 1; continue }
            // Comments, doctype and CDATA are skipped whole (CDATA's text is not needed by any adapter).
            if bytes.starts(with: "<!--", at: index) {
                flushText(upTo: index)
                index = bytes.index(after: "-->", from: index + 4) ?? bytes.count
                textStart = index
                continue
            }
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            let opensTag = next.isASCIILetter || next == UInt8(ascii: "/") || next == UInt8(ascii: "!")
                || next == UInt8(ascii: "?")
            guard opensTag else { index += 1; continue }   // a bare `<` in text
            // No `>` anywhere after this: no tag can close, so the rest is text (and the walk stays linear).
            guard let close = bytes.firstIndex(of: UInt8(ascii: ">"), from: index + 1) else { break }
            flushText(upTo: index)
            if let tag = parseTag(bytes[(index + 1)..<close]) {
                tokens.append(.tag(tag))
                index = close + 1
                // Script and style bodies are not markup: skip to their end tag.
                if !tag.isClosing, tag.is("script") || tag.is("style") {
                    let end = bytes.index(ofCaseInsensitive: "</" + tag.name.lowercased(), from: index) ?? bytes.count
                    index = end
                }
            } else {
                index = close + 1
            }
            textStart = index
        }
        flushText(upTo: bytes.count)
        return tokens
    }

    /// The inside of `<...>`; nil for `<!DOCTYPE>` and `<?xml ?>`.
    private static func parseTag(_ inside: ArraySlice<UInt8>) -> MarkupTag? {
        guard let first = inside.first, first != UInt8(ascii: "!"), first != UInt8(ascii: "?") else { return nil }
        var position = inside.startIndex
        let isClosing = first == UInt8(ascii: "/")
        if isClosing { position += 1 }
        let nameStart = position
        while position < inside.endIndex, !inside[position].isMarkupSpace, inside[position] != UInt8(ascii: "/") {
            position += 1
        }
        guard position > nameStart else { return nil }
        let name = String(decoding: inside[nameStart..<position], as: UTF8.self)
        var attributes: [String: String] = [:]
        while position < inside.endIndex {
            while position < inside.endIndex, inside[position].isMarkupSpace || inside[position] == UInt8(ascii: "/") {
                position += 1
            }
            let keyStart = position
            while position < inside.endIndex, !inside[position].isMarkupSpace, inside[position] != UInt8(ascii: "="),
                  inside[position] != UInt8(ascii: "/") {
                position += 1
            }
            guard position > keyStart else { break }
            let key = String(decoding: inside[keyStart..<position], as: UTF8.self).lowercased()
            while position < inside.endIndex, inside[position].isMarkupSpace { position += 1 }
            var value = ""
            if position < inside.endIndex, inside[position] == UInt8(ascii: "=") {
                position += 1
                while position < inside.endIndex, inside[position].isMarkupSpace { position += 1 }
                if position < inside.endIndex, inside[position] == UInt8(ascii: "\"") || inside[position] == UInt8(ascii: "'") {
                    let quote = inside[position]
                    let valueStart = position + 1
                    position = inside[valueStart...].firstIndex(of: quote) ?? inside.endIndex
                    value = Entities.decode(inside[valueStart..<position])
                    if position < inside.endIndex { position += 1 }
                } else {
                    let valueStart = position
                    while position < inside.endIndex, !inside[position].isMarkupSpace { position += 1 }
                    value = Entities.decode(inside[valueStart..<position])
                }
            }
            if attributes[key] == nil { attributes[key] = value }
        }
        return MarkupTag(name: name, isClosing: isClosing, attributes: attributes)
    }
}

/// The character references gateway pages use; anything else stays as written.
enum Entities {
    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var out = ""
        var position = bytes.startIndex
        var runStart = position
        while position < bytes.endIndex {
            guard bytes[position] == UInt8(ascii: "&"),
                  let semicolon = bytes[position...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                position += 1
                continue
            }
            let name = String(decoding: bytes[(position + 1)..<semicolon], as: UTF8.self)
            guard let scalar = scalar(named: name) else { position += 1; continue }
            out += String(decoding: bytes[runStart..<position], as: UTF8.self)
            out.unicodeScalars.append(scalar)
            position = semicolon + 1
            runStart = position
        }
        out += String(decoding: bytes[runStart..<bytes.endIndex], as: UTF8.self)
        return out
    }

    private static func scalar(named name: String) -> Unicode.Scalar? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return " "   // a plain space: values are compared after trimming
        default: break
        }
        guard name.hasPrefix("#") else { return nil }
        let digits = name.dropFirst()
        let number = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
        return number.flatMap(Unicode.Scalar.init)
    }
}

extension UInt8 {
    var isASCIILetter: Bool { (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) }
    var isMarkupSpace: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D || self == 0x0C }
}

extension Array where Element == UInt8 {
    func starts(with literal: String, at position: Int) -> Bool {
        let needle = Array(literal.utf8)
        guard position + needle.count <= count else { return false }
        return self[position..<(position + needle.count)].elementsEqual(needle)
    }

    func firstIndex(of byte: UInt8, from position: Int) -> Int? {
        guard position < count else { return nil }
        return self[position...].firstIndex(of: byte)
    }

    /// The index just past the first `literal` at or after `position`.
    func index(after literal: String, from position: Int) -> Int? {
        index(ofCaseInsensitive: literal, from: position).map { $0 + literal.utf8.count }
    }

    /// First occurrence of an ASCII `literal`, ignoring ASCII case. Linear in practice: mismatches advance at once.
    func index(ofCaseInsensitive literal: String, from position: Int) -> Int? {
        let needle = Array(literal.lowercased().utf8)
        guard let head = needle.first, position < count, needle.count <= count else { return nil }
        var index = position
        while index + needle.count <= count {
            if self[index].asciiLowercased == head {
                var matched = 1
                while matched < needle.count, self[index + matched].asciiLowercased == needle[matched] { matched += 1 }
                if matched == needle.count { return index }
            }
            index += 1
        }
        return nil
    }
}

extension UInt8 {
    var asciiLowercased: UInt8 { (0x41...0x5A).contains(self) ? self + 0x20 : self }
}
