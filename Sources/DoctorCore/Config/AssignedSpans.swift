/// `/etc/dahdi/assigned-spans.conf`: which kernel span number and first channel each local span of a device gets.
/// Grammar from dahdi-tools `dahdi_span_assignments` (`add`): `<device-key> <spec> [<spec>...]`, one or more
/// `<local_spanno>:<spanno>:<basechan>` per line, each written as is to the device's sysfs `assign_span`, which the
/// kernel reads as `%u:%u:%u` (`dahdi-sysfs.c`).
public struct AssignedSpansConfig: Sendable, Hashable, Codable {
    public var assignments: [SpanAssignment] = []
    public var issues: [ParseIssue] = []
    public init() {}
}

public struct SpanAssignment: Sendable, Hashable, Codable {
    public var device: DahdiDeviceKey
    public var localSpan: Int
    /// The kernel span number; 0 asks the kernel to pick one (and the base channel) itself.
    public var span: Int
    public var baseChannel: Int
    public var line: Int
}

public enum AssignedSpansParser {
    public static func parse(_ text: String, file: String) -> AssignedSpansConfig {
        var config = AssignedSpansConfig()
        var spanLines: [Int: Int] = [:]
        var localSpanLines: [String: Int] = [:]
        for line in ConfigText.lines(text) {
            func issue(_ message: String) {
                config.issues.append(ParseIssue(file: file, line: line.number, text: line.text, message: message))
            }
            guard let (entry, device) = DahdiShellTableLine.entry(line, script: "dahdi_span_assignments", issue: issue) else { continue }
            let specs = entry.rest.whitespaceFields()
            if specs.isEmpty { issue("no <local_spanno>:<spanno>:<basechan> after '\(device.text)'") }
            for spec in specs {
                let specText = ConfigText.string(spec)
                guard let numbers = colonNumbers(spec), numbers.count == 3 else {
                    issue("'\(specText)' is not <local_spanno>:<spanno>:<basechan> "
                        + "(the kernel answers: bad input (should be <num>:<num>:<num>))")
                    continue
                }
                let (local, span, base) = (numbers[0], numbers[1], numbers[2])
                if span != 0, base == 0 {
                    issue("Must set span number AND base chan number ('\(specText)')")
                    continue
                }
                if local == 0 { issue("no match for local span number 0 (local spans count from 1)") }
                if span > 127 { issue("span number \(span) is above 127, the highest DAHDI span") }
                if base > DahdiCfgArguments.maxChannel {
                    issue("base channel \(base) is above \(DahdiCfgArguments.maxChannel), which dahdi_cfg cannot configure")
                }
                if span != 0, let earlier = spanLines[span] {
                    issue("span \(span) is already assigned at line \(earlier)")
                } else if span != 0 {
                    spanLines[span] = line.number
                }
                let localKey = "\(device.text) \(local)"
                if let earlier = localSpanLines[localKey] {
                    issue("local span \(local) of '\(device.text)' is already assigned at line \(earlier)")
                } else {
                    localSpanLines[localKey] = line.number
                }
                config.assignments.append(SpanAssignment(device: device, localSpan: local, span: span,
                                                          baseChannel: base, line: line.number))
            }
        }
        return config
    }

    /// `a:b:c` with only decimal digits that fit the kernel's `unsigned int`; nil otherwise.
    static func colonNumbers(_ bytes: ArraySlice<UInt8>) -> [Int]? {
        var numbers: [Int] = []
        for part in bytes.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false) {
            guard !part.isEmpty, part.count <= 10, part.allSatisfy(\.isASCIIDigit) else { return nil }
            let value = part.reduce(0) { $0 * 10 + Int($1 - 48) }
            guard value <= Int(UInt32.max) else { return nil }
            numbers.append(value)
        }
        return numbers
    }
}
