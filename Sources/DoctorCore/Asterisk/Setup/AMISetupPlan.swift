/// `dahdi-doctor setup ami`: the least-privilege AMI user dahdi-doctor logs in as, planned as a list of file changes
/// from what is on disk. Pure: every file is read through the injected `AsteriskConfigSource` (and the credentials
/// file's text is handed in), and nothing is written here; DoctorKernel applies the plan.
///
/// What is added is delimited by marker comments, so `--undo` finds exactly what was added and restores every file
/// byte for byte: a block in manager_custom.conf (FreePBX, which regenerates manager.conf) or in a file of its own
/// that one `#include` line in manager.conf names; and the credentials file dahdi-doctor reads. The secret is 32
/// random bytes in hex. It is written to those two files and nowhere else: no change description, refusal or
/// error holds it.
public enum AMISetup {
    /// The name of the AMI user (a manager.conf category).
    public static let defaultUser = "dahdi-doctor"
    /// The file `#include`d from manager.conf on a box that is not FreePBX.
    public static let ownFile = "manager_dahdi_doctor.conf"
    /// FreePBX's place for local additions to the manager.conf it regenerates.
    public static let freePBXFile = "manager_custom.conf"
    /// What the monitoring user may do (docs/asterisk.md: the AMI user).
    public static let classes = ["system", "reporting"]
    public static let deny = "0.0.0.0/0.0.0.0"
    public static let permit = "127.0.0.1/255.255.255.255"
    /// Bytes of randomness in the secret (hex-encoded: 64 characters, nothing Asterisk's parser treats specially).
    public static let secretBytes = 32

    static let beginMarker = "; dahdi-doctor setup ami begin"
    static let createdFlag = ": created this file"
    static let lineBreakFlag = ": added a line break before this line"
    static let undoHint = "; remove with 'dahdi-doctor setup ami --undo'"
    static let endMarker = "; dahdi-doctor setup ami end"
    static let includeMarker = "; dahdi-doctor setup ami"
    static let includeLineBreakMarker = "; dahdi-doctor setup ami, after an added line break"
    static let credentialsMarker = "# written by 'dahdi-doctor setup ami'"
    static let directoryMarker = "# 'dahdi-doctor setup ami' created this directory: "

    /// Hex text of random bytes (the caller reads them from getrandom(2)).
    public static func secret(from bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
    }

    /// A user name Asterisk's manager.conf and AMI Login accept without quoting.
    public static func isValidUser(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.lowercased() != "general"
            && name.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil)) || "-_.".unicodeScalars.contains($0) }
    }
}

/// Everything the planner looks at, read by the caller (DoctorKernel) or a test.
public struct AMISetupInputs: Sendable {
    /// Reads manager.conf and its includes, and the candidate files, from the Asterisk configuration directory.
    public var source: AsteriskConfigSource
    /// Signs of FreePBX found outside manager.conf ("/etc/freepbx.conf exists").
    public var freePBXSigns: [String]
    public var credentialsPath: String
    /// The credentials file's text, nil when it does not exist.
    public var credentialsText: String?
    /// Whether the credentials file's directory exists (setup creates it, and undo removes it, when not).
    public var credentialsDirectoryExists: Bool
    public var user: String
    /// Files setup might edit whose bytes are not valid UTF-8 (a Latin-1 comment): their text as read is not their
    /// bytes, so an edit could not be undone byte for byte. Setup and undo refuse to edit them.
    public var notUTF8: [String]

    public init(source: AsteriskConfigSource, freePBXSigns: [String], credentialsPath: String, credentialsText: String?,
                credentialsDirectoryExists: Bool, user: String = AMISetup.defaultUser, notUTF8: [String] = []) {
        self.source = source; self.freePBXSigns = freePBXSigns; self.credentialsPath = credentialsPath
        self.credentialsText = credentialsText; self.credentialsDirectoryExists = credentialsDirectoryExists; self.user = user
        self.notUTF8 = notUTF8
    }

    /// The files setup or undo may edit, by absolute path.
    public var editableFiles: [String] {
        [managerPath, source.path(for: AMISetup.freePBXFile), source.path(for: AMISetup.ownFile)]
    }

    func notUTF8Refusal(_ changes: [AMISetupChange]) -> AMISetupRefusal? {
        guard let path = changes.first(where: { $0.before != nil && notUTF8.contains($0.path) })?.path else { return nil }
        return AMISetupRefusal(
            "\(path) is not valid UTF-8 (a comment in another encoding?): an edit could not be undone byte for byte",
            fix: "convert it to UTF-8 (iconv -f latin1 -t utf-8), or add the user by hand (docs/asterisk.md)")
    }

    var managerPath: String { source.path(for: "manager.conf") }

    func text(_ path: String) -> String? {
        if case .success(let text) = source.read(path) { return text }
        return nil
    }
}

/// One file written, created or removed. `after` nil removes the file. `added`/`removed` are the lines as shown to
/// the user: a secret line is shown as `secret = (not shown)`.
public struct AMISetupChange: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case create, edit, remove
    }

    public var kind: Kind
    public var path: String
    public var before: String?
    public var after: String?
    /// 0600 for the credentials file; nil keeps the file's mode (or, for a new Asterisk file, takes manager.conf's).
    public var mode: UInt32?
    /// The directory to create first (0755), for the credentials file.
    public var createDirectory: String?
    /// The directory to remove afterwards when it is empty (undo of `createDirectory`).
    public var removeDirectory: String?
    public var shownLines: [String]

    /// "created /etc/asterisk/manager_dahdi_doctor.conf (9 lines)": what happened, without content.
    public func headline(dryRun: Bool) -> String {
        let count = shownLines.count
        let lines = "\(count) line\(count == 1 ? "" : "s")"
        switch kind {
        case .create: return (dryRun ? "would create " : "created ") + "\(path) (\(lines))"
        case .edit:
            if after == nil { return (dryRun ? "would remove " : "removed ") + path }
            let verb = (before?.utf8.count ?? 0) < (after?.utf8.count ?? 0) ? (dryRun ? "would add" : "added") : (dryRun ? "would remove" : "removed")
            return "\(verb) \(lines) \(verb.hasSuffix("add") || verb.hasSuffix("added") ? "to" : "from") \(path)"
        case .remove: return (dryRun ? "would remove " : "removed ") + path
        }
    }
}

public struct AMISetupPlan: Sendable, Hashable {
    /// What kind of box this is and where the user goes ("FreePBX: manager.conf includes manager_custom.conf").
    public var layout: String
    /// Empty when the box is already set up (then `alreadyDone` says how).
    public var changes: [AMISetupChange]
    public var alreadyDone: String?
    public var user: String
    /// The file that holds the user's category.
    public var userFile: String
}

/// Why setup (or undo) will not touch anything. Never holds a secret or a line that may hold one.
public struct AMISetupRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public var fix: String
    public init(_ reason: String, fix: String) { self.reason = reason; self.fix = fix }
    public var description: String { "\(reason)\n  fix: \(fix)" }
}

public enum AMISetupPlanner {
    // MARK: Setup

    public static func plan(_ inputs: AMISetupInputs, secret: String) -> Result<AMISetupPlan, AMISetupRefusal> {
        let managerPath = inputs.managerPath
        guard AMISetup.isValidUser(inputs.user) else {
            return .failure(AMISetupRefusal("'\(inputs.user)' is not a usable AMI user name",
                                            fix: "use letters, digits, '-', '_' or '.' (--user)"))
        }
        guard let managerText = inputs.text(managerPath) else {
            return .failure(AMISetupRefusal("\(managerPath) cannot be read: is Asterisk installed here?",
                                            fix: "install Asterisk, or point --etc-root at the directory holding asterisk/manager.conf"))
        }
        // FreePBX's manager.conf includes manager_custom.conf; a box that lacks it (Asterisk then refuses the whole of
        // manager.conf) gets it created below, so it is read as the empty file it will be.
        let includesCustom = includes(managerText, AMISetup.freePBXFile, source: inputs.source)
        let customPath = inputs.source.path(for: AMISetup.freePBXFile)
        let customMissing = includesCustom && inputs.text(customPath) == nil
        let summary = AsteriskSetupParsers.manager(source: customMissing
            ? overlay(inputs.source, [AMISetupChange(kind: .create, path: customPath, before: nil, after: "", shownLines: [])])
            : inputs.source)
        if let refusal = refusal(for: summary, managerPath: managerPath) { return .failure(refusal) }

        // Where the user goes.
        let freePBX = includesCustom || !inputs.freePBXSigns.isEmpty || managerText.contains("FreePBX")
        let targetName: String
        var layout: String
        if includesCustom {
            targetName = AMISetup.freePBXFile
            layout = freePBX && !inputs.freePBXSigns.isEmpty
                ? "FreePBX (\(inputs.freePBXSigns.joined(separator: ", "))): the user goes in manager_custom.conf, which manager.conf includes"
                : "manager.conf includes manager_custom.conf (FreePBX's place for additions): the user goes there"
            if customMissing { layout += " (it does not exist yet: created, with manager.conf's owner and mode)" }
        } else if freePBX {
            let signs = inputs.freePBXSigns.isEmpty ? ["manager.conf mentions FreePBX"] : inputs.freePBXSigns
            return .failure(AMISetupRefusal(
                "this looks like a FreePBX box (\(signs.joined(separator: ", "))), which regenerates manager.conf, but "
                    + "\(managerPath) does not #include manager_custom.conf: an addition would be lost at the next regeneration",
                fix: "restore FreePBX's manager.conf (fwconsole reload regenerates it with '#include manager_custom.conf'), then run setup ami again"))
        } else {
            targetName = AMISetup.ownFile
            layout = "plain Asterisk: the user goes in \(AMISetup.ownFile), included once from manager.conf"
        }
        let targetPath = inputs.source.path(for: targetName)
        let targetText = inputs.text(targetPath)
        let block = existingBlock(in: targetText)
        let existingUser = summary.users.first { $0.name.lowercased() == inputs.user.lowercased() }
        let credentials = inputs.credentialsText.flatMap { try? AMICredentials.parse($0, file: inputs.credentialsPath) }
        let credentialsOurs = inputs.credentialsText.map(isOurCredentials) ?? false

        // Already there?
        if let existingUser {
            if let block, let credentials, credentials.username == inputs.user,
               block.secret == credentials.secret.revealedForWire, wellFormed(existingUser) {
                return .success(AMISetupPlan(layout: layout, changes: [], alreadyDone:
                    "AMI user [\(existingUser.name)] is in \(existingUser.file):\(existingUser.line) with read/write "
                        + "\(AMISetup.classes.joined(separator: ",")) and loopback only, and \(inputs.credentialsPath) holds its secret",
                    user: existingUser.name, userFile: existingUser.file))
            }
            if block == nil, let credentials, credentials.username.lowercased() == existingUser.name.lowercased(), wellFormed(existingUser) {
                return .success(AMISetupPlan(layout: layout, changes: [], alreadyDone:
                    "AMI user [\(existingUser.name)] (set up by hand) is in \(existingUser.file):\(existingUser.line) with read/write "
                        + "\(AMISetup.classes.joined(separator: ",")) and loopback only, and \(inputs.credentialsPath) names it",
                    user: existingUser.name, userFile: existingUser.file))
            }
            if block != nil || credentialsOurs {
                return .failure(AMISetupRefusal(
                    "an earlier setup ami is incomplete or was changed since: [\(existingUser.name)] in \(existingUser.file):\(existingUser.line) "
                        + "and \(inputs.credentialsPath) do not agree (user, secret, classes or permit/deny)",
                    fix: "run 'dahdi-doctor setup ami --undo', then 'dahdi-doctor setup ami'"))
            }
            return .failure(AMISetupRefusal(
                "manager.conf already has an AMI user [\(existingUser.name)] (\(existingUser.file):\(existingUser.line)) that setup ami did not write"
                    + (wellFormed(existingUser) ? "" : ", and it is not limited to read/write system,reporting from loopback"),
                fix: "choose another name with --user NAME, or remove that user; to keep it, write its name and secret into "
                    + "\(inputs.credentialsPath) (0600) by hand (docs/asterisk.md)"))
        }
        if block != nil || credentialsOurs {
            return .failure(AMISetupRefusal(
                "an earlier setup ami left parts behind, but Asterisk would not load the user [\(inputs.user)] from them",
                fix: "run 'dahdi-doctor setup ami --undo', then 'dahdi-doctor setup ami'"))
        }
        if let credentialsText = inputs.credentialsText {
            let named = (try? AMICredentials.parse(credentialsText, file: inputs.credentialsPath)).map { " (user \($0.username))" } ?? ""
            return .failure(AMISetupRefusal(
                "\(inputs.credentialsPath) already exists\(named), and manager.conf has no such user set up for dahdi-doctor",
                fix: "move \(inputs.credentialsPath) away (setup ami will not overwrite credentials it did not write), or give another file with --credentials"))
        }

        // The changes.
        var changes: [AMISetupChange] = []
        let blockLines = userBlockLines(user: inputs.user, secret: secret)
        let shownBlock = blockLines.map { $0.hasPrefix("secret =") ? "secret = (\(secret.count) random hex digits, not shown)" : $0 }
        if let targetText {
            let needsBreak = needsLineBreak(targetText)
            let begin = AMISetup.beginMarker + (needsBreak ? AMISetup.lineBreakFlag : "")
            let added = [begin, AMISetup.undoHint] + blockLines + [AMISetup.endMarker]
            changes.append(AMISetupChange(kind: .edit, path: targetPath, before: targetText,
                                          after: targetText + (needsBreak ? "\n" : "") + added.joined(separator: "\n") + "\n",
                                          shownLines: [begin, AMISetup.undoHint] + shownBlock + [AMISetup.endMarker]))
        } else {
            let begin = AMISetup.beginMarker + AMISetup.createdFlag
            let added = [begin, AMISetup.undoHint] + blockLines + [AMISetup.endMarker]
            changes.append(AMISetupChange(kind: .create, path: targetPath, before: nil, after: added.joined(separator: "\n") + "\n",
                                          shownLines: [begin, AMISetup.undoHint] + shownBlock + [AMISetup.endMarker]))
        }
        if !includesCustom && !includes(managerText, AMISetup.ownFile, source: inputs.source) {
            let needsBreak = needsLineBreak(managerText)
            let line = "#include \(AMISetup.ownFile) " + (needsBreak ? AMISetup.includeLineBreakMarker : AMISetup.includeMarker)
            changes.append(AMISetupChange(kind: .edit, path: managerPath, before: managerText,
                                          after: managerText + (needsBreak ? "\n" : "") + line + "\n", shownLines: [line]))
        }
        let directory = parentDirectory(inputs.credentialsPath)
        var credentialLines = ["\(AMISetup.credentialsMarker) for manager.conf's [\(inputs.user)] in \(targetPath); undo with 'dahdi-doctor setup ami --undo'"]
        if !inputs.credentialsDirectoryExists { credentialLines.append(AMISetup.directoryMarker + directory) }
        credentialLines += ["username = \(inputs.user)", "secret = \(secret)"]
        changes.append(AMISetupChange(kind: .create, path: inputs.credentialsPath, before: nil,
                                      after: credentialLines.joined(separator: "\n") + "\n", mode: 0o600,
                                      createDirectory: inputs.credentialsDirectoryExists ? nil : directory,
                                      shownLines: credentialLines.map { $0.hasPrefix("secret =") ? "secret = (not shown)" : $0 }))

        // The result, read the way Asterisk will read it: the user must come out as intended.
        let planned = overlay(inputs.source, changes)
        let after = AsteriskSetupParsers.manager(source: planned)
        guard after.issues.isEmpty, let user = after.users.first(where: { $0.name.lowercased() == inputs.user.lowercased() }),
              wellFormed(user) else {
            return .failure(AMISetupRefusal(
                "after the change, manager.conf would not give [\(inputs.user)] read/write \(AMISetup.classes.joined(separator: ",")) from loopback only"
                    + (after.issues.first.map { " (\($0.file):\($0.line): \($0.message))" } ?? ""),
                fix: "add the user by hand (docs/asterisk.md, the AMI user) and report this as a bug"))
        }
        if let refusal = inputs.notUTF8Refusal(changes) { return .failure(refusal) }
        return .success(AMISetupPlan(layout: layout, changes: changes, alreadyDone: nil, user: inputs.user, userFile: targetPath))
    }

    /// A manager.conf that setup must not touch: unreadable to Asterisk, or AMI disabled.
    static func refusal(for summary: ManagerConfSummary, managerPath: String) -> AMISetupRefusal? {
        if let issue = summary.issues.first {
            let more = summary.issues.count > 1 ? " (and \(summary.issues.count - 1) more)" : ""
            return AMISetupRefusal(
                "\(managerPath) cannot be parsed the way Asterisk reads it: \(issue.file):\(issue.line): \(issue.message)\(more)",
                fix: "fix that line ('dahdi-doctor check' lists every problem), then run setup ami again")
        }
        guard summary.generalSource != nil else {
            return AMISetupRefusal("\(managerPath) has no [general] section, so AMI is disabled (enabled defaults to no)",
                                   fix: "add '[general]' with 'enabled = yes' and 'bindaddr = 127.0.0.1', then 'asterisk -rx \"manager reload\"' and run setup ami again")
        }
        guard summary.enabled else {
            return AMISetupRefusal(
                "AMI is disabled: [general] at \(summary.generalSource ?? managerPath) has enabled = no (or leaves it at its default, no)",
                fix: "set 'enabled = yes' in manager.conf's [general] (on FreePBX: Settings > Advanced Settings, or manager_general_additional.conf), "
                    + "with 'bindaddr = 127.0.0.1' unless something else needs AMI from the network; then 'asterisk -rx \"manager reload\"' and run setup ami again")
        }
        let bind = summary.bindAddress.trimmingBlanks().trimmingEnds(of: "[]")
        if !["0.0.0.0", "::", "127.0.0.1", "::1", ""].contains(bind) && !bind.hasPrefix("127.") {
            return AMISetupRefusal(
                "AMI listens only on \(summary.bindAddress) (bindaddr in \(summary.generalSource ?? managerPath)): a user limited to "
                    + "loopback, as setup ami makes it, cannot log in there",
                fix: "set 'bindaddr = 127.0.0.1' (or 0.0.0.0 with every user limited by permit/deny) in manager.conf's [general], "
                    + "'asterisk -rx \"manager reload\"', then run setup ami again")
        }
        return nil
    }

    /// read and write exactly the monitoring classes, and only loopback gets in.
    static func wellFormed(_ user: ManagerConfSummary.User) -> Bool {
        Set(user.read) == Set(AMISetup.classes) && Set(user.write) == Set(AMISetup.classes)
            && user.access.admits("127.0.0.1") == true && user.access.admitsEveryone == false
    }

    static func userBlockLines(user: String, secret: String) -> [String] {
        ["[\(user)]", "secret = \(secret)", "deny = \(AMISetup.deny)", "permit = \(AMISetup.permit)",
         "read = \(AMISetup.classes.joined(separator: ","))", "write = \(AMISetup.classes.joined(separator: ","))"]
    }

    /// Whether a manager.conf line `#include`s (or `#tryinclude`s) the named file of the configuration directory.
    static func includes(_ text: String, _ name: String, source: AsteriskConfigSource) -> Bool {
        let wanted = source.path(for: name)
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            var content = Substring(line.trimmingBlanks())
            for directive in ["#include", "#tryinclude"] where content.lowercased().hasPrefix(directive) {
                content = content.dropFirst(directive.count)
                if let semicolon = content.firstIndex(of: ";") { content = content[..<semicolon] }
                var argument = content.trimmingBlanks()
                if argument.count >= 2, let first = argument.first, let last = argument.last,
                   (first == "\"" && last == "\"") || (first == "<" && last == ">") {
                    argument = String(argument.dropFirst().dropLast())
                }
                if !argument.isEmpty && source.path(for: argument) == wanted { return true }
            }
        }
        return false
    }

    /// Byte offsets into a file's UTF-8: the searches and cuts work on bytes, so a CR before an added LF (which
    /// Swift would join into one "\r\n" character) cannot hide a marker or move a cut.
    struct Block {
        var range: Range<Int>
        var createdFile: Bool
        var secret: String?
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func find(_ needle: String, in haystack: [UInt8], from start: Int = 0) -> Int? {
        let needle = Array(needle.utf8)
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0] && haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    /// The block an earlier setup added: from the begin marker's line (and the line break it added, if it says so)
    /// through the end marker's line.
    static func existingBlock(in text: String?) -> Block? {
        guard let text else { return nil }
        let data = bytes(text)
        let markerStart: Int
        if data.starts(with: AMISetup.beginMarker.utf8) {
            markerStart = 0
        } else if let found = find("\n" + AMISetup.beginMarker, in: data) {
            markerStart = found + 1
        } else {
            return nil
        }
        guard let endMarker = find("\n" + AMISetup.endMarker, in: data, from: markerStart) else { return nil }
        var end = endMarker + 1 + AMISetup.endMarker.utf8.count
        if end < data.count, data[end] == 0x0A { end += 1 }
        let beginLineEnd = data[markerStart...].firstIndex(of: 0x0A) ?? data.count
        let beginLine = String(decoding: data[markerStart..<beginLineEnd], as: UTF8.self)
        var start = markerStart
        if beginLine.hasSuffix(AMISetup.lineBreakFlag), start > 0, data[start - 1] == 0x0A { start -= 1 }
        var secret: String?
        for line in data[markerStart..<endMarker].split(separator: 0x0A) {
            let trimmed = String(decoding: line, as: UTF8.self).trimmingBlanks()
            if trimmed.hasPrefix("secret"), let equals = trimmed.firstIndex(of: "="),
               trimmed[..<equals].trimmingBlanks() == "secret" {
                secret = trimmed[trimmed.index(after: equals)...].trimmingBlanks()
            }
        }
        return Block(range: start..<end, createdFile: beginLine.hasSuffix(AMISetup.createdFlag), secret: secret)
    }

    /// Whether an addition at the end needs a line break first: the file is not empty and its last byte is not LF.
    static func needsLineBreak(_ text: String) -> Bool { !text.isEmpty && text.utf8.last != 0x0A }

    static func removing(_ range: Range<Int>, from text: String) -> String {
        var data = bytes(text)
        data.removeSubrange(range)
        return String(decoding: data, as: UTF8.self)
    }

    static func isOurCredentials(_ text: String) -> Bool { text.hasPrefix(AMISetup.credentialsMarker) }

    public static func parentDirectory(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The source as it will read once the changes are written.
    static func overlay(_ source: AsteriskConfigSource, _ changes: [AMISetupChange]) -> AsteriskConfigSource {
        var files: [String: String?] = [:]
        for change in changes { files[change.path] = .some(change.after) }
        let read = source.read
        let planned = files
        return AsteriskConfigSource(configDirectory: source.configDirectory, read: { path in
            if let entry = planned[path] {
                if let text = entry { return .success(text) }
                return .failure(SystemError(code: 2, name: "ENOENT", message: "No such file or directory"))
            }
            return read(path)
        }, expandGlob: source.expandGlob)
    }

    // MARK: Undo

    /// What an earlier setup added, to take out: its block (the whole file when setup created it), its include line,
    /// its credentials file (and the directory it created). Empty when there is nothing to undo.
    public static func undo(_ inputs: AMISetupInputs) -> Result<[AMISetupChange], AMISetupRefusal> {
        var changes: [AMISetupChange] = []
        for name in [AMISetup.freePBXFile, AMISetup.ownFile] {
            let path = inputs.source.path(for: name)
            guard let text = inputs.text(path), let block = existingBlock(in: text) else { continue }
            let rest = removing(block.range, from: text)
            let removedLines = bytes(text)[block.range].split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }.map {
                $0.trimmingBlanks().hasPrefix("secret") ? "secret = (not shown)" : $0
            }
            if block.createdFile && rest.isEmpty {
                changes.append(AMISetupChange(kind: .remove, path: path, before: text, after: nil, shownLines: removedLines))
            } else {
                changes.append(AMISetupChange(kind: .edit, path: path, before: text, after: rest, shownLines: removedLines))
            }
        }
        let managerPath = inputs.managerPath
        if let managerText = inputs.text(managerPath) {
            var rest = managerText
            var removed: [String] = []
            for (marker, withBreak) in [(AMISetup.includeLineBreakMarker, true), (AMISetup.includeMarker, false)] {
                let line = "#include \(AMISetup.ownFile) \(marker)"
                if var range = findLine(line, in: rest) {
                    if withBreak, range.lowerBound > 0, bytes(rest)[range.lowerBound - 1] == 0x0A {
                        range = range.lowerBound - 1..<range.upperBound
                    }
                    rest = removing(range, from: rest)
                    removed.append(line)
                }
            }
            if !removed.isEmpty {
                changes.append(AMISetupChange(kind: .edit, path: managerPath, before: managerText, after: rest, shownLines: removed))
            }
        }
        if let text = inputs.credentialsText, isOurCredentials(text) {
            var removeDirectory: String?
            for line in text.split(separator: "\n") where line.hasPrefix(AMISetup.directoryMarker) {
                removeDirectory = String(line.dropFirst(AMISetup.directoryMarker.count))
            }
            changes.append(AMISetupChange(kind: .remove, path: inputs.credentialsPath, before: text, after: nil, mode: 0o600,
                                          removeDirectory: removeDirectory,
                                          shownLines: text.split(separator: "\n").map { $0.hasPrefix("secret") ? "secret = (not shown)" : String($0) }))
        }
        if let refusal = inputs.notUTF8Refusal(changes) { return .failure(refusal) }
        return .success(changes)
    }

    /// The byte range of a whole line equal to `line`, with its line break.
    static func findLine(_ line: String, in text: String) -> Range<Int>? {
        let data = bytes(text)
        let length = line.utf8.count
        var searchStart = 0
        while let found = find(line, in: data, from: searchStart) {
            let atLineStart = found == 0 || data[found - 1] == 0x0A
            let atLineEnd = found + length == data.count || data[found + length] == 0x0A
            if atLineStart && atLineEnd { return found..<min(data.count, found + length + 1) }
            searchStart = found + 1
        }
        return nil
    }
}

private extension String {
    func trimmingEnds(of set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
