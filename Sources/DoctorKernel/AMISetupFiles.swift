import DoctorCore
import DoctorSystem

/// `setup ami`'s side of the file system: gathers what the planner reads (under an injectable /etc), applies a plan's
/// changes, and runs `asterisk -rx "manager reload"`.
public struct AMISetupFiles: Sendable {
    public var etcRoot: String
    public var credentialsPath: String

    public init(etcRoot: String, credentialsPath: String) {
        self.etcRoot = etcRoot; self.credentialsPath = credentialsPath
    }

    var asteriskDirectory: String { joinPath(etcRoot, "asterisk") }

    /// The planner's inputs. The credentials file is read as a private file would be, but any content is accepted:
    /// the planner only looks for its own marker and the user name.
    public func inputs(user: String) -> AMISetupInputs {
        let reader = ConfigReader(etcRoot: etcRoot, sysfsRoot: "/sys")
        var signs: [String] = []
        for name in ["freepbx.conf", "amportal.conf"] where system_exists(joinPath(etcRoot, name)) {
            signs.append("\(joinPath(etcRoot, name)) exists")
        }
        let credentialsText: String? = system_exists(credentialsPath)
            ? ((try? system_readSmallFile(credentialsPath, limit: 64 * 1024).get()) ?? "")
            : nil
        var inputs = AMISetupInputs(source: reader.asteriskSource(asteriskDirectory), freePBXSigns: signs,
                                    credentialsPath: credentialsPath, credentialsText: credentialsText,
                                    credentialsDirectoryExists: system_isDirectory(AMISetupPlanner.parentDirectory(credentialsPath)),
                                    user: user)
        inputs.notUTF8 = inputs.editableFiles.filter { path in
            guard let fd = try? system_openForReading(path).get() else { return false }
            defer { system_close(fd) }
            guard let raw = try? system_readAll(fd, maxBytes: ConfigReader.fileLimit).get() else { return false }
            return Array(String(decoding: raw, as: UTF8.self).utf8) != raw
        }
        return inputs
    }

    /// 32 bytes from getrandom(2), hex.
    public static func newSecret() throws(SystemError) -> String {
        AMISetup.secret(from: try system_randomBytes(AMISetup.secretBytes).get())
    }

    /// Applies the changes in order. A new Asterisk file takes manager.conf's owner, group and mode (it holds a secret
    /// as manager.conf does, and Asterisk must read it); an edited file keeps its own; the credentials file is 0600,
    /// owned by whoever runs setup. Before each write the file must still hold what the plan was made from.
    public func apply(_ changes: [AMISetupChange]) throws(FileWriteError) {
        let managerPath = joinPath(asteriskDirectory, "manager.conf")
        let managerOwnership = (try? system_ownership(system_resolvedPath(managerPath) ?? managerPath).get()) ?? nil
        for change in changes {
            let current: String? = system_exists(change.path) ? try? system_readSmallFile(change.path, limit: 16 << 20).get() : nil
            guard current == change.before else {
                throw FileWriteError(step: "check", path: change.path,
                                     error: SystemError(code: 0, name: "changed", message: "the file changed while setup ami ran; nothing more was written"))
            }
            if let directory = change.createDirectory, !system_isDirectory(directory) {
                try system_makeDirectory(directory, mode: 0o755).get()
            }
            if let after = change.after {
                // An edited file that is a symlink (manager.conf kept elsewhere) is written where it points, so the
                // link stays a link.
                let path = change.before != nil ? (system_resolvedPath(change.path) ?? change.path) : change.path
                let existing = (try? system_ownership(path).get()) ?? nil
                let mode = change.mode ?? existing?.mode ?? managerOwnership?.mode ?? 0o640
                let owner = change.mode != nil ? nil
                    : (existing ?? managerOwnership).map { (uid: $0.uid, gid: $0.gid) }
                try system_replaceFile(path, Array(after.utf8), mode: mode, owner: owner).get()
            } else {
                try system_unlink(change.path).get()
            }
            if let directory = change.removeDirectory {
                // Only when empty: anything put there since stays, with the directory.
                _ = system_removeDirectory(directory)
            }
        }
    }

    /// Asterisk's binary: the given path, or the first of the usual places that exists.
    public static func asteriskBinary(_ given: String?) -> String? {
        if let given { return system_exists(given) ? given : nil }
        return ["/usr/sbin/asterisk", "/usr/local/sbin/asterisk", "/usr/bin/asterisk"].first { system_exists($0) }
    }

    /// `asterisk [-C etc/asterisk/asterisk.conf] -rx "manager reload"`: what the console's `manager reload` does.
    /// Returns Asterisk's answer, or why it failed.
    public func managerReload(binary: String, seconds: Double = 15) -> Result<String, AMISetupRefusal> {
        var arguments = [binary]
        let asteriskConf = joinPath(asteriskDirectory, "asterisk.conf")
        if etcRoot != "/etc" && system_exists(asteriskConf) { arguments += ["-C", asteriskConf] }
        arguments += ["-rx", "manager reload"]
        switch system_runProgram(arguments, seconds: seconds) {
        case .failure(let error):
            return .failure(AMISetupRefusal("cannot run \(binary): \(error)", fix: "run 'manager reload' on the Asterisk console"))
        case .success(let result):
            let output = Self.trimmed(result.output)
            if result.timedOut {
                return .failure(AMISetupRefusal("\(binary) -rx \"manager reload\" did not finish within \(Int(seconds)) s",
                                                fix: "check that Asterisk is running ('systemctl status asterisk'), then run 'asterisk -rx \"manager reload\"'"))
            }
            if result.status != 0 || output.contains("Unable to connect") {
                return .failure(AMISetupRefusal("\(binary) -rx \"manager reload\" failed (exit \(result.status)): \(output.isEmpty ? "no output" : output)",
                                                fix: "start Asterisk ('systemctl start asterisk'), then run 'asterisk -rx \"manager reload\"'"))
            }
            return .success(output)
        }
    }

    /// Asterisk's answer without the blank lines and spaces around it.
    private static func trimmed(_ text: String) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let first = text.firstIndex(where: { !isBlank($0) }), let last = text.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(text[first...last])
    }
}
