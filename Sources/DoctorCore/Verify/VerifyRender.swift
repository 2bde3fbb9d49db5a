/// `verify`'s terminal text (not a stable format; use --json or --junit in pipelines).
public enum VerifyText {
    public static func render(_ result: VerifyResult) -> String {
        var out = ["dahdi-doctor verify: \(result.status.rawValue.uppercased()): \(result.summary) (\(result.manifest)"
                   + (result.name.map { ", \($0)" } ?? "") + ")", ""]
        for expectation in result.expectations {
            let mark = expectation.status.rawValue.uppercased().padding(to: 7)
            out.append("\(mark) \(expectation.id)  \(expectation.expected)"
                       + (expectation.line > 0 ? "  [\(result.manifest):\(expectation.line)]" : ""))
            if expectation.status != .pass || !expectation.evidence.isEmpty {
                out.append("        found: \(expectation.found)")
            }
            if expectation.status != .pass {
                for (index, evidence) in expectation.evidence.enumerated() {
                    out.append((index == 0 ? "        evidence: " : "                  ") + "\(evidence.label) = \(evidence.value)  [\(evidence.source)]")
                }
            }
        }
        out.append("")
        out.append("\(result.counts.pass) pass, \(result.counts.fail) fail, \(result.counts.unknown) unknown")
        return out.joined(separator: "\n") + "\n"
    }
}

/// JUnit XML for provisioning pipelines (Jenkins, GitLab): one testsuite, one testcase per expectation; a failed
/// expectation is a <failure>, one that could not be checked an <error>, both with the evidence as text.
public enum VerifyJUnit {
    public static func render(_ result: VerifyResult, hostname: String? = nil) -> String {
        let suite = result.name ?? result.manifest
        var out = [#"<?xml version="1.0" encoding="UTF-8"?>"#]
        out.append("<testsuites name=\"dahdi-doctor verify\" tests=\"\(result.expectations.count)\" failures=\"\(result.counts.fail)\" errors=\"\(result.counts.unknown)\">")
        out.append("  <testsuite name=\"\(escape(suite))\" tests=\"\(result.expectations.count)\" failures=\"\(result.counts.fail)\" errors=\"\(result.counts.unknown)\" skipped=\"0\""
                   + (hostname.map { " hostname=\"\(escape($0))\"" } ?? "") + ">")
        out.append("    <properties>")
        out.append("      <property name=\"manifest\" value=\"\(escape(result.manifest))\"/>")
        out.append("      <property name=\"generator\" value=\"\(escape(result.generator))\"/>")
        out.append("    </properties>")
        for expectation in result.expectations {
            let group = expectation.id.split(separator: "[").first.map { String($0.split(separator: ".").first ?? $0) } ?? expectation.id
            let head = "    <testcase classname=\"dahdi-doctor.verify.\(escape(group))\" name=\"\(escape(expectation.id + ": " + expectation.expected))\""
                + (expectation.line > 0 ? " file=\"\(escape(result.manifest))\" line=\"\(expectation.line)\"" : "")
            let body = (["found: " + expectation.found] + expectation.evidence.map { "\($0.label) = \($0.value)  [\($0.source)]" })
                .joined(separator: "\n")
            switch expectation.status {
            case .pass:
                out.append(head + "/>")
            case .fail:
                out.append(head + ">")
                out.append("      <failure message=\"\(escape(expectation.found))\" type=\"expectation\">\(escape(body))</failure>")
                out.append("    </testcase>")
            case .unknown:
                out.append(head + ">")
                out.append("      <error message=\"\(escape(expectation.found))\" type=\"not-checked\">\(escape(body))</error>")
                out.append("    </testcase>")
            }
        }
        out.append("  </testsuite>")
        out.append("</testsuites>")
        return out.joined(separator: "\n") + "\n"
    }

    /// XML text and attribute escaping; characters XML 1.0 cannot carry at all become U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            case "\r": out += "&#13;"
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
