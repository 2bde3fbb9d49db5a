extension DahdiDeviceKey {
    /// Whether this key selects a device, the way dahdi_span_assignments and dahdi_span_types decide: the key is a
    /// shell pattern tried against the device's hardware_id and `@` + location (each with characters outside
    /// `a-zA-Z0-9/:.-` turned into `_`, and `!` into `/`), and against its sysfs path when known.
    public func matches(hardwareId: String?, location: String?, devpath: String? = nil) -> Bool {
        var candidates: [String] = []
        if let hardwareId, !hardwareId.isEmpty { candidates.append(Self.normalise(hardwareId)) }
        if let location, !location.isEmpty { candidates.append("@" + Self.normalise(location)) }
        if let devpath { candidates.append(devpath) }
        return candidates.contains { ShellPattern.matches(Array(text.utf8)[...], Array($0.utf8)[...]) }
    }

    static func normalise(_ value: String) -> String {
        String(decoding: value.utf8.map { byte -> UInt8 in
            if byte == UInt8(ascii: "!") { return UInt8(ascii: "/") }
            let allowed = (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x30 && byte <= 0x39)
                || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
            return allowed ? byte : UInt8(ascii: "_")
        }, as: UTF8.self)
    }
}

/// Shell `case` patterns: `*`, `?`, `[...]` (with `!`/`^` negation and ranges). Iterative, so hostile patterns
/// cannot recurse deeply; the star backtracking keeps it linear in practice.
enum ShellPattern {
    static func matches(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex, t = text.startIndex
        var starP: Int?, starT = text.startIndex
        while t < text.endIndex {
            if p < pattern.endIndex {
                let c = pattern[p]
                if c == UInt8(ascii: "*") { starP = p; starT = t; p += 1; continue }
                if c == UInt8(ascii: "?") { p += 1; t += 1; continue }
                if c == UInt8(ascii: "["), let (matched, next) = bracket(pattern, p, text[t]) {
                    if matched { p = next; t += 1; continue }
                } else if c == text[t] { p += 1; t += 1; continue }
            }
            guard let star = starP else { return false }
            p = star + 1; starT += 1; t = starT
        }
        while p < pattern.endIndex && pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }

    /// A `[...]` class at `start`: whether `byte` is in it and where the pattern continues; nil if unterminated
    /// (then `[` is an ordinary character, as in the shell).
    static func bracket(_ pattern: ArraySlice<UInt8>, _ start: Int, _ byte: UInt8) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < pattern.endIndex && (pattern[i] == UInt8(ascii: "!") || pattern[i] == UInt8(ascii: "^")) { negate = true; i += 1 }
        var matched = false
        var first = true
        while i < pattern.endIndex {
            let c = pattern[i]
            if c == UInt8(ascii: "]") && !first { return (matched != negate, i + 1) }
            first = false
            if i + 2 < pattern.endIndex && pattern[i + 1] == UInt8(ascii: "-") && pattern[i + 2] != UInt8(ascii: "]") {
                if byte >= c && byte <= pattern[i + 2] { matched = true }
                i += 3
            } else {
                if byte == c { matched = true }
                i += 1
            }
        }
        return nil
    }
}
