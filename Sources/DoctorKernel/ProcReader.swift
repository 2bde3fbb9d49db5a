import DoctorCore
import DoctorSystem

/// Reads `<root>/dahdi/<N>` for every span file (lsdahdi's source; the only source of timing slips).
public struct ProcDahdiReader: Sendable {
    public var root: String

    public init(root: String) { self.root = root }

    public func read() -> (spans: [ProcSpan], available: Bool, issues: [ParseIssue]) {
        let directory = joinPath(root, "dahdi")
        guard case .success(let names) = system_listDirectory(directory) else { return ([], false, []) }
        var spans: [ProcSpan] = []
        var issues: [ParseIssue] = []
        for name in names where Int(name) != nil {
            let path = joinPath(directory, name)
            // A span can vanish between listing and reading (driver unloaded mid-scan): skip it, it is gone.
            guard case .success(let text) = system_readSmallFile(path, limit: 1 << 20) else { continue }
            let parsed = ProcDahdiParser.parse(text, file: path)
            if let span = parsed.span { spans.append(span) }
            issues += parsed.issues
        }
        return (spans.sorted { $0.number < $1.number }, true, issues)
    }
}
