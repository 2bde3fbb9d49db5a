import DoctorCore
import DoctorSystem
import Synchronization

/// Records every configuration read that was refused (EACCES, EPERM), with who owns the file or the directory that
/// stops it, so the report can name the group to join. A root process without CAP_DAC_OVERRIDE (the shipped agent
/// unit) meets this on /etc/asterisk (asterisk:asterisk 0750). One per ConfigReader; shared by its copies.
public final class ConfigAccess: Sendable {
    private let denials = Mutex<[ConfigReadDenial]>([])

    public init() {}

    /// Every refused read so far, once per path, in the order they happened.
    public var recorded: [ConfigReadDenial] { denials.withLock { $0 } }

    /// system_readSmallFile, recording a refusal.
    func read(_ path: String, limit: Int) -> Result<String, SystemError> {
        let result = system_readSmallFile(path, limit: limit)
        if case .failure(let error) = result, error.isPermissionDenied { note(path, error) }
        return result
    }

    /// glob(3) skips a directory it may not open: record that, since an #include of it then reads nothing.
    func glob(_ pattern: String) -> [String] {
        let matches = system_glob(pattern)
        if matches.isEmpty, let slash = pattern.lastIndex(of: "/") {
            let directory = slash == pattern.startIndex ? "/" : String(pattern[..<slash])
            if case .failure(let error) = system_listDirectory(directory), error.isPermissionDenied { note(directory, error) }
        }
        return matches
    }

    func note(_ path: String, _ error: SystemError) {
        let denial = Self.describe(path, error)
        denials.withLock { list in
            if !list.contains(where: { $0.path == path }) { list.append(denial) }
        }
    }

    /// Finds where permission stops: the path itself when it can be stat'ed (its own mode refuses the read),
    /// else the deepest ancestor that can be stat'ed, whose search permission is missing.
    static func describe(_ path: String, _ error: SystemError) -> ConfigReadDenial {
        var blocked = path
        var status = system_pathStatus(path)
        if case .failure = status {
            var child = path
            while let slash = child.lastIndex(of: "/"), slash != child.startIndex {
                let parent = String(child[..<slash])
                status = system_pathStatus(parent)
                blocked = parent
                if case .success = status { break }
                child = parent
            }
        }
        let uid = system_effectiveUserID()
        let reader = (system_userName(uid) ?? "uid \(uid)") + " (uid \(uid))"
        guard case .success(let facts) = status else {
            return ConfigReadDenial(path: path, blockedAt: blocked, blockedIsDirectory: blocked != path, error: error, reader: reader)
        }
        let mode = String(facts.mode & 0o7777, radix: 8)
        return ConfigReadDenial(path: path, blockedAt: blocked, blockedIsDirectory: facts.isDirectory,
                                owner: system_userName(facts.uid) ?? "\(facts.uid)", group: system_groupName(facts.gid) ?? "\(facts.gid)",
                                mode: String(repeating: "0", count: max(0, 4 - mode.count)) + mode, error: error, reader: reader)
    }
}
