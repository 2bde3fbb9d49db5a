/// `/etc/dahdi/span-types.conf`: E1, T1 or J1 per local span, set before the spans are assigned.
/// Grammar from dahdi-tools `dahdi_span_types` (`set`): `<device-key> <local-span-pattern>:<type>`. The script
/// takes the text before the first `:` of the rest of the line as a shell pattern for the local span number
/// (`*`, `[12]`, `3`) and the text up to the next `:` as the type, then writes `<span>:<type>` to sysfs `spantype`,
/// which the kernel reads as `%u:%70s`. Every matching line is applied in file order, so the last match wins.
public struct SpanTypesConfig: Sendable, Hashable, Codable {
    public var entries: [SpanTypeEntry] = []
    public var issues: [ParseIssue] = []
    public init() {}
}

public enum SpanLineType: String, Sendable, Hashable, Codable {
    case e1 = "E1", t1 = "T1", j1 = "J1"
}

public struct SpanTypeEntry: Sendable, Hashable, Codable {
    public var device: DahdiDeviceKey
    /// A shell pattern for the local span number: `*`, `2`, `[12]`.
    public var localSpans: String
    public var type: SpanLineType
    public var line: Int
}

public enum SpanTypesParser {
    public static func parse(_ text: String, file: String) -> SpanTypesConfig {
        var config = SpanTypesConfig()
        for line in ConfigText.lines(text) {
            func issue(_ message: String) {
                config.issues.append(ParseIssue(file: file, line: line.number, text: line.text, message: message))
            }
            guard let (entry, device) = DahdiShellTableLine.entry(line, script: "dahdi_span_types", issue: issue) else { continue }
            guard !entry.rest.isEmpty else {
                issue("no <local_spanno>:<E1|T1|J1> after '\(device.text)'")
                continue
            }
            let fields = entry.rest.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            guard fields.count >= 2 else {
                issue("'\(ConfigText.string(entry.rest))' has no ':' between the local span and the type")
                continue
            }
            let pattern = fields[0]
            // The value is cut at the second colon; the kernel then reads only its first word.
            let valueWords = fields[1].whitespaceFields()
            let typeText = valueWords.first.map { ConfigText.string($0) } ?? ""
            if valueWords.count > 1 || fields.count > 2 {
                let afterType = valueWords.first?.endIndex ?? fields[1].startIndex
                let ignored = ConfigText.string(entry.rest[afterType...].trimmingCSpace())
                issue("dahdi_span_types uses only the first <span>:<type> of a line; '\(ignored)' is ignored")
            }
            guard !pattern.isEmpty, pattern.allSatisfy({ Self.patternBytes.contains($0) }) else {
                issue("local span '\(ConfigText.string(pattern))' is not a span number or a pattern such as * or [12]")
                continue
            }
            guard let type = SpanLineType(rawValue: typeText.uppercased()) else {
                issue("span type must be E1, T1 or J1, not '\(typeText)'")
                continue
            }
            config.entries.append(SpanTypeEntry(device: device, localSpans: ConfigText.string(pattern), type: type,
                                                line: line.number))
        }
        return config
    }

    static let patternBytes = ByteSet("0123456789*?[]!^-")
}
