/// Parses MLMD's filter language (a boolean ZetaSQL expression):
///
/// ```
/// expression := or
/// or         := and ( OR and )*
/// and        := not ( AND not )*
/// not        := NOT not | '(' expression ')' | predicate
/// predicate  := operand [ (= | != | <> | < | <= | > | >=) operand
///                       | [NOT] IN '(' operand (',' operand)* ')'
///                       | [NOT] LIKE operand
///                       | IS [NOT] NULL
///                       | [NOT] BETWEEN operand AND operand ]
/// operand    := path | function '(' [operand (',' operand)*] ')' | 'string' | "string" | number | TRUE | FALSE
/// path       := name ( '.' name )*        (a name is a word or a `back-quoted` text)
/// ```
/// Keywords are case-insensitive.
///
/// `OR` and `AND` chains are collected in loops into n-ary nodes; the parser recurses only into
/// parentheses, `NOT` and function calls, and counts those levels against
/// ``FilterLimits/maximumNestingDepth`` before it recurses, so no input can overflow the stack.
struct FilterParser {
    private let tokens: [FilterLexer.Located]
    private var index = 0
    /// How many parentheses, `NOT`s and function calls enclose the current token.
    private var depth = 0

    static let keywords: Set<String> = ["AND", "OR", "NOT", "IN", "LIKE", "IS", "NULL", "BETWEEN", "TRUE", "FALSE"]

    static func parse(_ text: String) throws(FilterQueryError) -> FilterExpression {
        var parser = FilterParser(tokens: try FilterLexer.tokens(text))
        if parser.current.token == .end {
            throw FilterQueryError("Syntax error: Unexpected end of expression", at: parser.current.position)
        }
        let expression = try parser.parseOr()
        guard parser.current.token == .end else { throw parser.unexpected() }
        return expression
    }

    private init(tokens: [FilterLexer.Located]) {
        self.tokens = tokens
    }

    private var current: FilterLexer.Located { tokens[index] }

    private func isKeyword(_ keyword: String, at offset: Int = 0) -> Bool {
        guard index + offset < tokens.count, case .identifier(let name, quoted: false) = tokens[index + offset].token else { return false }
        return name.uppercased() == keyword
    }

    private func isSymbol(_ symbol: String) -> Bool {
        current.token == .symbol(symbol)
    }

    private mutating func expectKeyword(_ keyword: String) throws(FilterQueryError) {
        guard isKeyword(keyword) else { throw unexpected(expecting: keyword) }
        index += 1
    }

    private mutating func expectSymbol(_ symbol: String) throws(FilterQueryError) {
        guard isSymbol(symbol) else { throw unexpected(expecting: "\"\(symbol)\"") }
        index += 1
    }

    private func unexpected(expecting expected: String? = nil) -> FilterQueryError {
        let found: String = switch current.token {
        case .end: "end of expression"
        case .identifier(let name, quoted: false) where Self.keywords.contains(name.uppercased()): "keyword \(name.uppercased())"
        case .identifier(let name, _): "identifier \"\(name)\""
        case .string(let value): "string literal \"\(value)\""
        case .integer(let value): "integer literal \"\(value)\""
        case .double(let value): "floating point literal \"\(value)\""
        case .symbol(let symbol): "\"\(symbol)\""
        }
        let suffix = expected.map { "; Expected \($0)" } ?? ""
        return FilterQueryError("Syntax error: Unexpected \(found)\(suffix)", at: current.position)
    }

    // MARK: Boolean structure

    /// Enters one nesting level at the current token (a `(`, `NOT` or function name).
    private mutating func enterLevel() throws(FilterQueryError) {
        depth += 1
        if depth > FilterLimits.maximumNestingDepth {
            throw FilterQueryError("Query nested too deeply: more than \(FilterLimits.maximumNestingDepth) levels of "
                + "parentheses, NOT and function calls", at: current.position)
        }
    }

    private mutating func parseOr() throws(FilterQueryError) -> FilterExpression {
        var operands: [FilterExpression] = []
        repeat {
            if !operands.isEmpty { index += 1 }
            // `(a OR b) OR c` is the chain a, b, c: OR is associative, in three-valued logic too.
            switch try parseAnd() {
            case .or(let inner): operands += inner
            case let operand: operands.append(operand)
            }
        } while isKeyword("OR")
        return operands.count == 1 ? operands[0] : .or(operands)
    }

    private mutating func parseAnd() throws(FilterQueryError) -> FilterExpression {
        var operands: [FilterExpression] = []
        repeat {
            if !operands.isEmpty { index += 1 }
            switch try parseNot() {
            case .and(let inner): operands += inner
            case let operand: operands.append(operand)
            }
        } while isKeyword("AND")
        return operands.count == 1 ? operands[0] : .and(operands)
    }

    private mutating func parseNot() throws(FilterQueryError) -> FilterExpression {
        if isKeyword("NOT") {
            try enterLevel()
            index += 1
            let inner = try parseNot()
            depth -= 1
            return .not(inner)
        }
        if isSymbol("(") {
            try enterLevel()
            index += 1
            let inner = try parseOr()
            try expectSymbol(")")
            depth -= 1
            return inner
        }
        return try parsePredicate()
    }

    private mutating func parsePredicate() throws(FilterQueryError) -> FilterExpression {
        let left = try parseOperand()
        if case .symbol(let symbol) = current.token, let comparison = FilterComparison(rawValue: symbol) {
            index += 1
            return .comparison(left, comparison, try parseOperand())
        }
        let negated = isKeyword("NOT") && (isKeyword("IN", at: 1) || isKeyword("LIKE", at: 1) || isKeyword("BETWEEN", at: 1))
        if negated { index += 1 }
        if isKeyword("IN") {
            index += 1
            try expectSymbol("(")
            var items = [try parseOperand()]
            while isSymbol(",") {
                index += 1
                items.append(try parseOperand())
            }
            try expectSymbol(")")
            return .membership(left, items, negated: negated)
        }
        if isKeyword("LIKE") {
            index += 1
            return .like(left, try parseOperand(), negated: negated)
        }
        if isKeyword("BETWEEN") {
            index += 1
            let low = try parseOperand()
            try expectKeyword("AND")
            return .between(left, low, try parseOperand(), negated: negated)
        }
        if isKeyword("IS") {
            index += 1
            let negatedNull = isKeyword("NOT")
            if negatedNull { index += 1 }
            try expectKeyword("NULL")
            return .isNull(left, negated: negatedNull)
        }
        return .predicate(left)
    }

    // MARK: Operands

    private mutating func parseOperand() throws(FilterQueryError) -> FilterOperand {
        let position = current.position
        switch current.token {
        case .string(let value):
            index += 1
            return FilterOperand(kind: .string(value), position: position)
        case .integer(let value):
            index += 1
            return FilterOperand(kind: .integer(value), position: position)
        case .double(let value):
            index += 1
            return FilterOperand(kind: .double(value), position: position)
        case .identifier(let name, let quoted):
            if !quoted {
                switch name.uppercased() {
                case "TRUE": index += 1; return FilterOperand(kind: .bool(true), position: position)
                case "FALSE": index += 1; return FilterOperand(kind: .bool(false), position: position)
                case let keyword where Self.keywords.contains(keyword): throw unexpected()
                default: break
                }
            }
            if !quoted, index + 1 < tokens.count, tokens[index + 1].token == .symbol("(") {
                try enterLevel()
                index += 2
                defer { depth -= 1 }
                var arguments: [FilterOperand] = []
                if !isSymbol(")") {
                    arguments.append(try parseOperand())
                    while isSymbol(",") {
                        index += 1
                        arguments.append(try parseOperand())
                    }
                }
                try expectSymbol(")")
                return FilterOperand(kind: .function(name.uppercased(), arguments), position: position)
            }
            index += 1
            var path = [name]
            while isSymbol(".") {
                index += 1
                guard case .identifier(let part, _) = current.token else { throw unexpected(expecting: "a name after \".\"") }
                path.append(part)
                index += 1
            }
            return FilterOperand(kind: .field(path), position: position)
        case .symbol, .end:
            throw unexpected()
        }
    }
}
