/// One physical line of a configuration file, as bytes: the C tools that read these files (dahdi_cfg, Asterisk, the
/// dahdi shell scripts) all work on bytes, so the parsers do too, and only turn bytes into text for evidence.
struct ConfigLine {
    /// 1-based, counted the way an editor counts (every `\n` ends a line).
    let number: Int
    /// Without the `\n` and without one `\r` before it, so CRLF files read like LF files.
    let bytes: ArraySlice<UInt8>
    /// The line ended in CR LF. Harmless to most readers, but the shell keeps the CR in the last word.
    var endedWithCarriageReturn = false

    var text: String { String(decoding: bytes, as: UTF8.self) }
}

enum ConfigText {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Splits at `\n` in one linear pass. A final line without `\n` is kept; a final `\n` does not make an empty line.
    static func lines(_ text: String) -> [ConfigLine] {
        let bytes = Array(text.utf8)
        var lines: [ConfigLine] = []
        var start = 0
        var number = 0
        while start < bytes.count {
            let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            var end = newline
            let carriageReturn = end > start && bytes[end - 1] == UInt8(ascii: "\r")
            if carriageReturn { end -= 1 }
            number += 1
            lines.append(ConfigLine(number: number, bytes: bytes[start..<end], endedWithCarriageReturn: carriageReturn))
            start = newline + 1
        }
        return lines
    }

    static func hasByteOrderMark(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.starts(with: byteOrderMark)
    }

    static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(decoding: bytes, as: UTF8.self)
    }
}

extension ArraySlice where Element == UInt8 {
    /// dahdi_cfg's notion of blank: every byte below 33 (space, tab, CR and all control characters).
    func trimmingControlAndSpace() -> ArraySlice<UInt8> {
        guard let first = firstIndex(where: { $0 >= 33 }), let last = lastIndex(where: { $0 >= 33 }) else {
            return self[endIndex..<endIndex]
        }
        return self[first...last]
    }

    /// C `isspace` in the "C" locale, which is what Asterisk's `ast_strip` and the shell's `read` use.
    func trimmingCSpace() -> ArraySlice<UInt8> {
        guard let first = firstIndex(where: { !$0.isCSpace }), let last = lastIndex(where: { !$0.isCSpace }) else {
            return self[endIndex..<endIndex]
        }
        return self[first...last]
    }

    /// Splits on runs of C whitespace, as the shell splits words and as `read a b` splits fields.
    func whitespaceFields() -> [ArraySlice<UInt8>] {
        split(whereSeparator: { $0.isCSpace })
    }

    func lowercasedASCII() -> String {
        String(decoding: map { ($0 >= 65 && $0 <= 90) ? $0 + 32 : $0 }, as: UTF8.self)
    }
}

extension UInt8 {
    var isCSpace: Bool { self == 32 || (self >= 9 && self <= 13) }
    var isASCIIDigit: Bool { self >= 48 && self <= 57 }
}

/// Reads an integer the way C's `sscanf("%d")` does with glibc on a 64-bit machine, because dahdi_cfg and
/// chan_dahdi accept exactly what it accepts: leading whitespace, an optional sign, at least one digit, and anything
/// after the digits ignored. The value goes through `long` (clamped on overflow) and is then cut to `int`, which is
/// why dahdi_cfg reports `99999999999999999999` as -1 and reads `4294967297` as 1 (checked against Debian's dahdi_cfg).
struct CScannedInt: Equatable {
    var value: Int32
    /// Bytes consumed from the start of the input, whitespace included.
    var length: Int
    /// True when the digits did not fit in 64 bits, or the value did not fit in 32 bits and was cut.
    var overflowed: Bool

    static func scan(_ bytes: ArraySlice<UInt8>, maxWidth: Int = .max) -> CScannedInt? {
        var index = bytes.startIndex
        while index < bytes.endIndex, bytes[index].isCSpace { index += 1 }
        let fieldStart = index
        var negative = false
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        let digitsStart = index
        var magnitude: UInt64 = 0
        var clamped = false
        while index < bytes.endIndex, bytes[index].isASCIIDigit, index - fieldStart < maxWidth {
            let (times10, overflowA) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times10.addingReportingOverflow(UInt64(bytes[index] - 48))
            if overflowA || overflowB { clamped = true } else { magnitude = sum }
            index += 1
        }
        guard index > digitsStart else { return nil }
        let long: Int64
        if negative {
            long = (clamped || magnitude >= UInt64(Int64.max) + 1) ? Int64.min : -Int64(magnitude)
        } else {
            long = (clamped || magnitude > UInt64(Int64.max)) ? Int64.max : Int64(magnitude)
        }
        let value = Int32(truncatingIfNeeded: long)
        return CScannedInt(value: value, length: index - bytes.startIndex,
                           overflowed: clamped || Int64(value) != long)
    }

    /// What follows the number, with surrounding whitespace removed: the part C silently ignored.
    func rest(of bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        bytes[(bytes.startIndex + length)...].trimmingCSpace()
    }
}

/// A set of ASCII bytes as a 256-entry table: membership is one array read, which matters on 100 000-line inputs.
struct ByteSet: Sendable {
    private let members: [Bool]

    init(_ characters: String) {
        var members = [Bool](repeating: false, count: 256)
        for byte in characters.utf8 { members[Int(byte)] = true }
        self.members = members
    }

    func contains(_ byte: UInt8) -> Bool { members[Int(byte)] }
}
