/// Lines the configuration parsers could not understand, one finding per line, with the file, line and text.
public struct ConfigSyntaxChecks: CheckFamily {
    public static let parseError = CheckDefinition(
        id: "config-parse-error", family: "configuration", severity: .warning,
        title: "a configuration line could not be understood",
        explanation: """
            A line in a DAHDI or Asterisk configuration file is malformed or uses an unknown keyword. dahdi_cfg stops \
            on such lines in system.conf ("N error(s) detected"); Asterisk skips them with a warning. Either way the \
            line does not do what its author meant. The message is the one dahdi_cfg or Asterisk would print.
            """,
        remediation: "fix the line (the message says what is expected), then 'dahdi_cfg -t' to test system.conf, or reload the Asterisk module")

    public static let definitions = [parseError]

    public init() {}

    /// The key of the first system.conf error: dahdi_cfg applies nothing when it finds one, so it explains
    /// unconfigured spans.
    public static let systemConfInvalidKey = "system-conf-invalid"

    public func run(_ context: CheckContext) -> [Finding] {
        let systemConfIssues = Set(context.systemConf?.issues ?? [])
        var keyed = false
        return context.parseIssues.map { issue in
            var key: String? = nil
            if !keyed && systemConfIssues.contains(issue) {
                key = Self.systemConfInvalidKey
                keyed = true
            }
            return Finding(Self.parseError, subject: "\(issue.file):\(issue.line)", message: "\(issue.file):\(issue.line): \(issue.message)",
                           evidence: [Evidence("line", issue.text, source: "\(issue.file):\(issue.line)")], key: key)
        }
    }
}
