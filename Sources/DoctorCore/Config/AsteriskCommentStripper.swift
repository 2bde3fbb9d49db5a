/// Asterisk's comment rules (main/config.c, `config_text_file_load`), line by line:
/// - `;` starts a comment to the end of the line, unless written `\;` (the backslash is then dropped);
/// - `;--` opens a block comment and `--;` closes it; blocks nest (at most 128) and may span lines, and text after
///   a closing `--;` on the same line is read again;
/// - `;---` is an ordinary comment, not a block.
/// Asterisk counts a `--;` even when no block is open, which leaves it "in a comment" below zero: every following
/// line of that file is then ignored until a `;--`. The stripper does the same and reports it.
struct AsteriskCommentStripper {
    static let maxNesting = 128

    /// Open blocks, innermost last, by the line that opened them; `depth` goes negative after a stray `--;`.
    private(set) var depth = 0
    private var openedAt: [(line: Int, raw: ArraySlice<UInt8>)] = []
    var problems: [(line: Int, message: String)] = []

    /// The part of the line Asterisk parses (not yet trimmed), or nil when it is all comment.
    mutating func strip(_ line: ArraySlice<UInt8>, lineNumber: Int) -> ArraySlice<UInt8>? {
        // Work on a NUL-terminated copy, because Asterisk ends strings early at places it cuts.
        var buffer = Array(line)
        buffer.append(0)
        var contentStart: Int? = depth == 0 ? 0 : nil
        var scan = 0
        func byte(_ index: Int) -> UInt8 { index < buffer.count ? buffer[index] : 0 }
        func stringEnd(from index: Int) -> Int { buffer[index...].firstIndex(of: 0) ?? buffer.count - 1 }

        while let semicolon = buffer[scan..<stringEnd(from: scan)].firstIndex(of: UInt8(ascii: ";")) {
            if semicolon > scan, buffer[semicolon - 1] == UInt8(ascii: "\\") {
                buffer.remove(at: semicolon - 1)
                scan = semicolon
            } else if byte(semicolon + 1) == UInt8(ascii: "-"), byte(semicolon + 2) == UInt8(ascii: "-"),
                      byte(semicolon + 3) != UInt8(ascii: "-") {
                guard depth < Self.maxNesting else {
                    problems.append((lineNumber, "Maximum nest limit of \(Self.maxNesting) reached."))
                    scan = semicolon + 1
                    continue
                }
                buffer[semicolon] = 0
                scan = semicolon + 3
                depth += 1
                openedAt.append((lineNumber, line))
            } else if semicolon >= scan + 2, buffer[semicolon - 1] == UInt8(ascii: "-"),
                      buffer[semicolon - 2] == UInt8(ascii: "-") {
                depth -= 1
                if openedAt.isEmpty {
                    problems.append((lineNumber, "'--;' closes no block comment: Asterisk then ignores the rest "
                        + "of this file until the next ';--'"))
                } else {
                    openedAt.removeLast()
                }
                scan = semicolon + 1
                guard depth == 0 else { continue }
                if let start = contentStart {
                    // The text after the block joins the text before it, and is scanned again from there.
                    let joinAt = stringEnd(from: start)
                    let rest = buffer[scan..<stringEnd(from: scan)]
                    buffer = Array(buffer[..<joinAt]) + rest + [0]
                    scan = joinAt
                } else {
                    contentStart = scan
                }
            } else if depth == 0 {
                buffer[semicolon] = 0
                break
            } else {
                scan = semicolon + 1
            }
        }
        guard let start = contentStart else { return nil }
        return buffer[start..<stringEnd(from: start)]
    }

    /// Asterisk's warning at the end of a file with a block comment still open.
    var unterminatedComment: (line: Int, raw: ArraySlice<UInt8>, message: String)? {
        guard depth > 0, let opened = openedAt.last else { return nil }
        return (opened.line, opened.raw, "Unterminated comment detected beginning on line \(opened.line)")
    }
}
