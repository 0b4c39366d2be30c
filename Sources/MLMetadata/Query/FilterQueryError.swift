/// A filter query that does not parse or does not fit the node kind, with its position.
struct FilterQueryError: Error, Sendable, Equatable {
    var message: String
    var position: FilterPosition

    init(_ message: String, at position: FilterPosition) {
        self.message = message
        self.position = position
    }

    /// MLMD's phrasing plus the query with a caret under the position:
    /// ```
    /// Invalid `filter_query`: Unrecognized name: foo [at 1:1]
    ///   foo = 1
    ///   ^
    /// ```
    func storeError(query: String) -> StoreError {
        let lines = query.split(separator: "\n", omittingEmptySubsequences: false)
        var text = "Invalid `filter_query`: \(message) [at \(position.line):\(position.column)]"
        if position.line - 1 < lines.count {
            let line = lines[position.line - 1]
            let caretIndent = String(line.prefix(max(0, position.column - 1)).map { $0 == "\t" ? "\t" : " " })
            text += "\n  " + line + "\n  " + caretIndent + "^"
        }
        return StoreError(.invalidArgument, text, queryPosition: StoreError.QueryPosition(line: position.line, column: position.column))
    }
}
