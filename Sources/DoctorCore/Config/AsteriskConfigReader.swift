/// Reads Asterisk configuration text (main/config.c, `config_text_file_load` and `process_text_line`), following
/// `#include` and `#tryinclude` through an `AsteriskConfigSource`. Every problem Asterisk would log becomes an
/// issue with Asterisk's own wording. Where Asterisk gives up on a file ("fatal"), the issue says so and reading
/// goes on, so every bad line is reported; `loadsInAsterisk` records that Asterisk would load nothing.
struct AsteriskConfigReader {
    /// MAX_INCLUDE_LEVEL: the top-level file plus ten levels of includes.
    static let maxIncludeLevel = 10
    /// Lines of 8191 bytes or more do not fit Asterisk's 8192-byte buffer; it skips them.
    static let lineLimit = 8191

    let source: AsteriskConfigSource
    /// Turns a line into the `text` of an issue; pjsip uses it to keep secrets out of issues.
    let issueText: (ArraySlice<UInt8>) -> String
    var config = AsteriskConfig()
    /// Asterisk's "current category": where an included file's first lines go before it opens its own.
    private var current: Int?
    private var openFiles: [String] = []
    private var readFiles: Set<String> = []
    /// Category indices by lowercased name, so finding a template stays cheap in very large files.
    private var categoriesByName: [String: [Int]] = [:]

    init(source: AsteriskConfigSource, issueText: @escaping (ArraySlice<UInt8>) -> String = { ConfigText.string($0) }) {
        self.source = source
        self.issueText = issueText
    }

    static func read(_ text: String, file: String, source: AsteriskConfigSource,
                     issueText: @escaping (ArraySlice<UInt8>) -> String = { ConfigText.string($0) }) -> AsteriskConfig {
        var reader = AsteriskConfigReader(source: source, issueText: issueText)
        reader.readFile(text, path: file, depth: 0)
        return reader.config
    }

    /// Reads the top-level file itself through the source, as Asterisk's `ast_config_load` does.
    static func load(_ name: String, source: AsteriskConfigSource,
                     issueText: @escaping (ArraySlice<UInt8>) -> String = { ConfigText.string($0) }) -> AsteriskConfig {
        let path = source.path(for: name)
        switch source.read(path) {
        case .success(let text):
            return read(text, file: path, source: source, issueText: issueText)
        case .failure(let error):
            var config = AsteriskConfig()
            config.loadsInAsterisk = false
            config.issues.append(ParseIssue(file: path, line: 0, text: "",
                                            message: "Unable to load config \(name): \(error)"))
            return config
        }
    }

    // MARK: - Files and lines

    private mutating func readFile(_ text: String, path: String, depth: Int) {
        openFiles.append(path)
        readFiles.insert(path)
        config.files.append(path)
        defer { openFiles.removeLast() }
        var file = FileState(path: path, depth: depth, category: current)
        var comments = AsteriskCommentStripper()
        for line in ConfigText.lines(text) {
            var bytes = line.bytes
            if let nul = bytes.firstIndex(of: 0) {
                warn(file, line.number, line.bytes, "NUL byte: Asterisk ignores the rest of the line")
                bytes = bytes[..<nul]
            }
            if bytes.count >= Self.lineLimit {
                let start = issueText(bytes.prefix(32))
                warn(file, line.number, line.bytes, "Line \(line.number) too long, skipping. It begins with: \(start)...")
                continue
            }
            // Asterisk skips a UTF-8 byte order mark on the first line without a word.
            if line.number == 1, ConfigText.hasByteOrderMark(bytes) { bytes = bytes.dropFirst(3) }
            let content = comments.strip(bytes, lineNumber: line.number)
            for problem in comments.problems { warn(file, problem.line, line.bytes, problem.message) }
            comments.problems.removeAll()
            guard let content = content?.trimmingCSpace(), !content.isEmpty else { continue }
            process(content, &file, ConfigLineRef(number: line.number, raw: line.bytes))
        }
        if let unterminated = comments.unterminatedComment {
            warn(file, unterminated.line, unterminated.raw, unterminated.message)
        }
    }

    private struct FileState {
        let path: String
        let depth: Int
        /// This file's own idea of the category its variables go to (Asterisk's local `cat`).
        var category: Int?
    }

    private struct ConfigLineRef {
        let number: Int
        let raw: ArraySlice<UInt8>
    }

    private mutating func warn(_ file: FileState, _ line: Int, _ raw: ArraySlice<UInt8>, _ message: String) {
        config.issues.append(ParseIssue(file: file.path, line: line, text: issueText(raw), message: message))
    }

    /// Asterisk stops reading the file here (its loader returns an error); a fatal error in the top-level file
    /// makes the whole load fail.
    private mutating func fatal(_ file: FileState, _ line: ConfigLineRef, _ message: String) {
        let consequence = file.depth == 0 ? "Asterisk refuses the whole file" : "Asterisk stops reading this file here"
        warn(file, line.number, line.raw, "\(message) (\(consequence))")
        if file.depth == 0 { config.loadsInAsterisk = false }
    }

    private mutating func process(_ content: ArraySlice<UInt8>, _ file: inout FileState, _ line: ConfigLineRef) {
        switch content.first {
        case UInt8(ascii: "["): categoryHeader(content, &file, line)
        case UInt8(ascii: "#"): directive(content, &file, line)
        default: variable(content, &file, line)
        }
    }

    // MARK: - [name](options)

    private mutating func categoryHeader(_ content: ArraySlice<UInt8>, _ file: inout FileState,
                                         _ line: ConfigLineRef) {
        guard let close = content.firstIndex(of: UInt8(ascii: "]")) else {
            return fatal(file, line, "parse error: no closing ']', line \(line.number) of \(file.path)")
        }
        let name = ConfigText.string(content[(content.startIndex + 1)..<close])
        var options: [ArraySlice<UInt8>] = []
        let open = close + 1
        if open < content.endIndex, content[open] == UInt8(ascii: "(") {
            if let end = content[(open + 1)...].firstIndex(of: UInt8(ascii: ")")) {
                options = content[(open + 1)..<end].split(separator: UInt8(ascii: ","),
                                                         omittingEmptySubsequences: false)
            } else {
                // Reading goes on in a category without options, so the lines below stay where they belong.
                fatal(file, line, "parse error: no closing ')', line \(line.number) of \(file.path)")
            }
        }
        if name != name.trimmingBlanks() {
            warn(file, line.number, line.raw, "category name '\(name)' has blanks at its edges, which Asterisk keeps "
                + "as part of the name")
        }
        var fresh: AsteriskCategory? = AsteriskCategory(name: name, file: file.path, line: line.number)
        var target: Int?
        for option in options {
            let text = ConfigText.string(option)
            if text == "!" {
                if fresh != nil {
                    fresh?.isTemplate = true
                } else if let target {
                    config.categories[target].isTemplate = true
                }
            } else if option.first == UInt8(ascii: "+") {
                let filter = ConfigText.string(option.dropFirst())
                guard let found = findCategory(name, appendFilter: filter) else {
                    fatal(file, line, "Category addition requested, but category '\(name)' does not exist, "
                        + "line \(line.number) of \(file.path)")
                    continue
                }
                if let new = fresh {
                    config.categories[found].isTemplate = config.categories[found].isTemplate || new.isTemplate
                    config.categories[found].variables += new.variables
                    config.categories[found].templates += new.templates
                    fresh = nil
                }
                target = found
                current = found
            } else {
                guard let base = findCategory(text, appendFilter: nil) else {
                    fatal(file, line, "Inheritance requested, but category '\(text)' does not exist, "
                        + "line \(line.number) of \(file.path)")
                    continue
                }
                let baseCategory = config.categories[base]
                let inherited = baseCategory.variables.map { variable in
                    var copy = variable
                    copy.inheritedFrom = variable.inheritedFrom ?? baseCategory.name
                    return copy
                }
                if fresh != nil {
                    fresh?.variables += inherited
                    fresh?.templates.append(baseCategory.name)
                } else if let target {
                    config.categories[target].variables += inherited
                    config.categories[target].templates.append(baseCategory.name)
                }
            }
        }
        if let fresh {
            config.categories.append(fresh)
            target = config.categories.count - 1
            categoriesByName[fresh.name.lowercased(), default: []].append(config.categories.count - 1)
            current = target
        }
        file.category = target
    }

    /// Categories are found by name without regard to case. Inheritance takes the first category of that name,
    /// template or not (an empty name matches the first category of all). `(+)` takes the first category that is
    /// not a template; a filter after the `+` (`name=value&...`, regular expressions in Asterisk) is compared
    /// literally here.
    private func findCategory(_ name: String, appendFilter: String?) -> Int? {
        let wanted = name.lowercased()
        let candidates = wanted.isEmpty ? Array(config.categories.indices) : categoriesByName[wanted] ?? []
        return candidates.first { index in
            let category = config.categories[index]
            guard let filter = appendFilter else { return true }
            guard !filter.isEmpty else { return !category.isTemplate }
            return filter.split(separator: "&").allSatisfy { term in
                let pair = term.split(separator: "=", maxSplits: 1).map { $0.trimmingBlanks() }
                guard pair.count == 2 else { return false }
                if pair[0] == "TEMPLATES" { return pair[1].lowercased() == "include" || category.isTemplate }
                return category.variables.contains {
                    $0.name.lowercased() == pair[0].lowercased() && $0.value == pair[1]
                }
            }
        }
    }

    // MARK: - #include, #tryinclude, #exec

    private mutating func directive(_ content: ArraySlice<UInt8>, _ file: inout FileState, _ line: ConfigLineRef) {
        let nameEnd = content.dropFirst().firstIndex { $0 <= 32 } ?? content.endIndex
        let name = ConfigText.string(content[(content.startIndex + 1)..<nameEnd])
        let argument = content[nameEnd...].trimmingCSpace()
        let kind = name.lowercased()
        guard kind == "include" || kind == "tryinclude" else {
            if kind == "exec" {
                return warn(file, line.number, line.raw, "#exec is not followed: dahdi-doctor runs no programs "
                    + "(Asterisk runs it only with execincludes=yes in asterisk.conf)")
            }
            return warn(file, line.number, line.raw, "Unknown directive '#\(name)' at line \(line.number) of \(file.path)")
        }
        guard !argument.isEmpty else {
            return warn(file, line.number, line.raw,
                        "Directive '#\(name)' needs an argument (filename) at line \(line.number) of \(file.path)")
        }
        let target = ConfigText.string(Self.dequoted(argument))
        let loaded = include(target, from: file, line)
        if !loaded.success, kind == "include" {
            let reason = loaded.failure.map { ": \($0)" } ?? ""
            let message = loaded.failure == nil || loaded.failure?.isNotFound == true
                ? "The file '\(target)' was listed as a #include but it does not exist."
                : "The file '\(target)' was listed as a #include but could not be read\(reason)"
            fatal(file, line, message)
        }
    }

    /// Asterisk strips one pair of surrounding `"..."` or `<...>`.
    static func dequoted(_ argument: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard let first = argument.first, let last = argument.last, argument.count >= 2 else { return argument }
        if (first == UInt8(ascii: "\"") && last == UInt8(ascii: "\""))
            || (first == UInt8(ascii: "<") && last == UInt8(ascii: ">")) {
            return argument.dropFirst().dropLast()
        }
        return argument
    }

    private mutating func include(_ target: String, from file: FileState, _ line: ConfigLineRef)
        -> (success: Bool, failure: SystemError?) {
        let pattern = source.path(for: target)
        var paths = [pattern]
        if AsteriskConfigSource.hasWildcards(pattern) {
            guard let expand = source.expandGlob else {
                warn(file, line.number, line.raw, "'\(target)' is a glob and no glob expander was given: not followed")
                return (true, nil)
            }
            paths = expand(pattern).sorted()
        }
        var success = false
        var failure: SystemError?
        for path in paths {
            guard file.depth + 1 <= Self.maxIncludeLevel else {
                warn(file, line.number, line.raw, "Maximum Include level (\(Self.maxIncludeLevel)) exceeded")
                return (false, nil)
            }
            if openFiles.contains(path) {
                let cycle = (openFiles.drop { $0 != path } + [path]).joined(separator: " -> ")
                warn(file, line.number, line.raw, "include cycle: \(cycle); Asterisk reads these files again and "
                    + "again until 'Maximum Include level (\(Self.maxIncludeLevel)) exceeded'")
                success = true
                continue
            }
            switch source.read(path) {
            case .success(let text):
                if readFiles.contains(path) {
                    warn(file, line.number, line.raw, "Same File included more than once! Asterisk reads '\(path)' again")
                }
                success = true
                readFile(text, path: path, depth: file.depth + 1)
            case .failure(let error):
                failure = error
            }
        }
        return (success, failure)
    }

    // MARK: - name = value, name => value, name += value

    private mutating func variable(_ content: ArraySlice<UInt8>, _ file: inout FileState, _ line: ConfigLineRef) {
        guard let category = file.category else {
            return fatal(file, line, "parse error: No category context for line \(line.number) of \(file.path)")
        }
        var start = content.startIndex
        let escaped = content.first == UInt8(ascii: "\\")
        if escaped {
            start += 1
            guard start < content.endIndex, content[start] >= 33 else {
                return fatal(file, line, "Invalid escape in line \(line.number) of \(file.path)")
            }
        }
        let searchFrom = escaped ? start + 1 : start
        guard let equals = content[min(searchFrom, content.endIndex)...].firstIndex(of: UInt8(ascii: "=")) else {
            return warn(file, line.number, line.raw, "No '=' (equal sign) in line \(line.number) of \(file.path)")
        }
        if equals > searchFrom, content[equals - 1] == UInt8(ascii: "+") {
            let name = ConfigText.string(content[start..<(equals - 1)].trimmingCSpace())
            let appended = content[(equals + 1)...]
            if let index = config.categories[category].variables.lastIndex(where: { $0.name == name }) {
                let old = config.categories[category].variables[index].value
                let joined = ConfigText.string(Array(old.utf8) + appended)
                config.categories[category].variables[index].value = joined.trimmingBlanks()
                return
            }
            return addVariable(name, appended.trimmingCSpace(), isObject: false, category, file, line)
        }
        var valueStart = equals + 1
        let isObject = valueStart < content.endIndex && content[valueStart] == UInt8(ascii: ">")
        if isObject { valueStart += 1 }
        let name = ConfigText.string(content[start..<equals].trimmingCSpace())
        addVariable(name, content[valueStart...].trimmingCSpace(), isObject: isObject, category, file, line)
    }

    private mutating func addVariable(_ name: String, _ value: ArraySlice<UInt8>, isObject: Bool, _ category: Int,
                                      _ file: FileState, _ line: ConfigLineRef) {
        guard !name.isEmpty else {
            return warn(file, line.number, line.raw, "No variable name in line \(line.number) of \(file.path)")
        }
        config.categories[category].variables.append(AsteriskVariable(
            name: name, value: ConfigText.string(value), file: file.path, line: line.number, isObject: isObject))
    }
}

extension StringProtocol {
    /// Trims spaces, tabs, CR and LF: Asterisk's blanks.
    func trimmingBlanks() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
