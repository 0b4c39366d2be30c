/// Splits a filter query into tokens, each with its position.
struct FilterLexer {
    enum Token: Sendable, Equatable {
        case identifier(String, quoted: Bool)
        case string(String)
        case integer(Int64)
        case double(Double)
        case symbol(String)
        case end
    }

    struct Located: Sendable, Equatable {
        var token: Token
        var position: FilterPosition
    }

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    /// The tokens of `text`, ending with `.end`.
    /// - Throws: on a lexical error, or past ``FilterLimits/maximumQueryBytes`` or
    ///   ``FilterLimits/maximumTokens`` (at the token that exceeds it).
    static func tokens(_ text: String) throws(FilterQueryError) -> [Located] {
        var lexer = FilterLexer(scalars: Array(text.unicodeScalars))
        var out: [Located] = []
        var bytes = 0
        while true {
            let start = lexer.index
            let next = try lexer.next()
            if next.token == .end {
                out.append(next)
                return out
            }
            for scalar in lexer.scalars[start..<lexer.index] { bytes += UTF8.width(scalar) }
            if bytes > FilterLimits.maximumQueryBytes {
                throw FilterQueryError("Query too long: more than \(FilterLimits.maximumQueryBytes) bytes", at: next.position)
            }
            if out.count == FilterLimits.maximumTokens {
                throw FilterQueryError("Query too long: more than \(FilterLimits.maximumTokens) tokens", at: next.position)
            }
            out.append(next)
        }
    }

    private init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    private func peek(_ offset: Int) -> Unicode.Scalar? { index + offset < scalars.count ? scalars[index + offset] : nil }

    private mutating func advance() {
        if current == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private mutating func next() throws(FilterQueryError) -> Located {
        while let scalar = current, scalar.properties.isWhitespace { advance() }
        let start = FilterPosition(line: line, column: column)
        guard let scalar = current else { return Located(token: .end, position: start) }
        func located(_ token: Token) -> Located { Located(token: token, position: start) }

        if scalar == "_" || scalar.properties.isAlphabetic && scalar.isASCII {
            var name = ""
            while let c = current, c == "_" || (c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c))) {
                name.unicodeScalars.append(c)
                advance()
            }
            return located(.identifier(name, quoted: false))
        }
        if ("0"..."9").contains(scalar) || scalar == "." && peek(1).map({ ("0"..."9").contains($0) }) == true {
            return located(try number(start))
        }
        switch scalar {
        case "`":
            advance()
            var name = ""
            while let c = current, c != "`" {
                if c == "\\", let escaped = peek(1) {
                    advance()
                    name.unicodeScalars.append(escaped)
                } else {
                    name.unicodeScalars.append(c)
                }
                advance()
            }
            guard current == "`" else { throw FilterQueryError("Unclosed identifier literal", at: start) }
            advance()
            guard !name.isEmpty else { throw FilterQueryError("Empty back-quoted identifier", at: start) }
            return located(.identifier(name, quoted: true))
        case "'", "\"":
            return located(.string(try string(quote: scalar, start: start)))
        case "(", ")", ",", ".", "=":
            advance()
            return located(.symbol(String(scalar)))
        case "!":
            advance()
            guard current == "=" else { throw FilterQueryError("Syntax error: Unexpected \"!\"", at: start) }
            advance()
            return located(.symbol("!="))
        case "<":
            advance()
            if current == "=" { advance(); return located(.symbol("<=")) }
            if current == ">" { advance(); return located(.symbol("!=")) }
            return located(.symbol("<"))
        case ">":
            advance()
            if current == "=" { advance(); return located(.symbol(">=")) }
            return located(.symbol(">"))
        default:
            throw FilterQueryError("Syntax error: Illegal input character \"\(Character(scalar))\"", at: start)
        }
    }

    private mutating func number(_ start: FilterPosition) throws(FilterQueryError) -> Token {
        var text = ""
        var isDouble = false
        while let c = current, ("0"..."9").contains(c) || c == "." || c == "e" || c == "E"
            || (c == "+" || c == "-") && (text.last == "e" || text.last == "E")
        {
            if c == "." || c == "e" || c == "E" { isDouble = true }
            text.unicodeScalars.append(c)
            advance()
        }
        if let c = current, c == "_" || c.properties.isAlphabetic {
            throw FilterQueryError("Syntax error: Missing whitespace between literal and alias", at: FilterPosition(line: line, column: column))
        }
        if !isDouble, let value = Int64(text) { return .integer(value) }
        guard let value = Double(text), value.isFinite else { throw FilterQueryError("Invalid numeric literal: \(text)", at: start) }
        if !isDouble { throw FilterQueryError("Invalid integer literal: \(text)", at: start) }
        return .double(value)
    }

    private mutating func string(quote: Unicode.Scalar, start: FilterPosition) throws(FilterQueryError) -> String {
        advance()
        var value = ""
        while let c = current, c != quote {
            if c == "\n" { throw FilterQueryError("Syntax error: Unclosed string literal", at: start) }
            if c == "\\" {
                advance()
                guard let escaped = current else { break }
                switch escaped {
                case "n": value += "\n"
                case "t": value += "\t"
                case "r": value += "\r"
                case "\\", "'", "\"", "`", "?": value.unicodeScalars.append(escaped)
                case "%", "_":
                    // LIKE wildcards stay escaped for the LIKE translation.
                    value += "\\"
                    value.unicodeScalars.append(escaped)
                default:
                    throw FilterQueryError("Syntax error: Illegal escape sequence: \\\(Character(escaped))",
                                           at: FilterPosition(line: line, column: column - 1))
                }
                advance()
                continue
            }
            value.unicodeScalars.append(c)
            advance()
        }
        guard current == quote else { throw FilterQueryError("Syntax error: Unclosed string literal", at: start) }
        advance()
        return value
    }
}
