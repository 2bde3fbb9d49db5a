/// Table rows as the text of their cells. Gateway status pages lay values out in `<tr><td>` grids; nested layout
/// tables are flattened, which is enough because every adapter looks for rows by their own labels.
enum HTMLTables {
    static func rows(_ tokens: [MarkupToken]) -> [[String]] {
        var rows: [[String]] = []
        var row: [String]?
        var cell: String?
        func closeCell() {
            if let text = cell { row?.append(Whitespace.collapse(text)) }
            cell = nil
        }
        func closeRow() {
            closeCell()
            if let finished = row, !finished.isEmpty { rows.append(finished) }
            row = nil
        }
        for token in tokens {
            switch token {
            case .tag(let tag) where tag.is("tr"):
                closeRow()
                if !tag.isClosing { row = [] }
            case .tag(let tag) where tag.is("td") || tag.is("th"):
                closeCell()
                if !tag.isClosing {
                    if row == nil { row = [] }   // a cell without its <tr>, as old firmware writes
                    cell = ""
                }
            case .tag(let tag) where tag.is("table"):
                closeRow()
            case .tag(let tag) where tag.is("br"):
                if cell != nil { cell! += " " }
            case .tag:
                break
            case .text(let text):
                if cell != nil { cell! += text }
            }
        }
        closeRow()
        return rows
    }
}

enum Whitespace {
    /// Trims and folds runs of spaces, tabs and newlines into one space, as a browser shows the text.
    static func collapse(_ text: String) -> String {
        var out = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{A0}" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out += " "; pendingSpace = false }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
