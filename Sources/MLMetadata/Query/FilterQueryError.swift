/// A filter query that does not parse or does not fit the node kind, with its position.
struct FilterQueryError: Error, Sendable, Equatable {
    var message: String
    var position: FilterPosition

    init(_ message: String, at position: FilterPosition) {
        self.message = message
        self.position = position
    }

    /// How many characters of the query line the error shows on each side of the column.
    static let context = 60

    /// MLMD's phrasing plus the query with a caret under the position:
    /// ```
    /// Invalid `filter_query`: Unrecognized name: foo [at 1:1]
    ///   foo = 1
    ///   ^
    /// ```
    func storeError(query: String) -> StoreError {
        // Lines and columns count Unicode scalars, as the lexer does ("\r\n" is one Character).
        let lines = query.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        var text = "Invalid `filter_query`: \(message) [at \(position.line):\(position.column)]"
        if position.line - 1 < lines.count {
            // A long line shows only a window around the column.
            let line = Array(lines[position.line - 1])
            let column = min(max(0, position.column - 1), line.count)
            let start = max(0, column - Self.context)
            let end = min(line.count, column + Self.context)
            var shown = String(String.UnicodeScalarView(line[start..<end]))
            var caretIndent = String(String.UnicodeScalarView(line[start..<column].map { $0 == "\t" ? "\t" : " " }))
            if start > 0 {
                shown = "…" + shown
                caretIndent = " " + caretIndent
            }
            if end < line.count { shown += "…" }
            text += "\n  " + shown + "\n  " + caretIndent + "^"
        }
        return StoreError(.invalidArgument, text, queryPosition: StoreError.QueryPosition(line: position.line, column: position.column))
    }
}
