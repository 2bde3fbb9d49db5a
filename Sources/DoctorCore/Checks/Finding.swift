/// How bad a finding is. `unknown` means dahdi-doctor could not look (Nagios UNKNOWN), not that all is well.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case critical, warning, unknown, info

    /// Worst first: critical, warning, unknown, info.
    var rank: Int {
        switch self {
        case .critical: return 0
        case .warning: return 1
        case .unknown: return 2
        case .info: return 3
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank > rhs.rank }
}

/// One observed value and where it came from (a sysfs path, an ioctl, a config file and line).
public struct Evidence: Sendable, Hashable, Codable {
    public var label: String
    public var value: String
    public var source: String

    public init(_ label: String, _ value: String, source: String) {
        self.label = label; self.value = value; self.source = source
    }
}

/// A catalogue entry: the stable ID a technician can look up with `dahdi-doctor explain ID`.
public struct CheckDefinition: Sendable, Hashable {
    public var id: String
    public var family: String
    public var severity: Severity
    public var title: String
    public var explanation: String
    public var remediation: String
    /// Fault catalogue references (landscape-and-faults.md section 2), e.g. "C13".
    public var faults: [String]

    public init(id: String, family: String, severity: Severity, title: String, explanation: String,
                remediation: String, faults: [String] = []) {
        self.id = id; self.family = family; self.severity = severity; self.title = title
        self.explanation = explanation; self.remediation = remediation; self.faults = faults
    }
}

/// What a check found about one subject. `key` identifies it for correlation; `causeKey` names the finding that
/// would explain it (a span's RED alarm explains its channels' alarms), and the correlator folds it under that
/// finding when present.
public struct Finding: Sendable, Hashable, Codable {
    public var id: String
    public var severity: Severity
    public var subject: String
    public var message: String
    public var evidence: [Evidence]
    public var remediation: String
    public var key: String
    public var causeKey: String?
    public var consequences: [Finding]

    public init(_ definition: CheckDefinition, subject: String, message: String, evidence: [Evidence],
                remediation: String? = nil, key: String? = nil, causeKey: String? = nil, severity: Severity? = nil) {
        self.id = definition.id
        self.severity = severity ?? definition.severity
        self.subject = subject
        self.message = message
        self.evidence = evidence
        self.remediation = remediation ?? definition.remediation
        self.key = key ?? "\(definition.id):\(subject)"
        self.causeKey = causeKey
        self.consequences = []
    }

    /// This finding and every folded consequence, depth first.
    public var flattened: [Finding] { [self] + consequences.flatMap(\.flattened) }
}
