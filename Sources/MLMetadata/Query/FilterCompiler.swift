internal import GRDB

/// Compiles a filter query for one node kind into a SQL condition over the index.
///
/// The result is a condition on the node row `n`, plus the neighbour rows it joins:
/// * `properties.<name>.<kind>_value` and `custom_properties.…` join the property row of that
///   name; `contexts_<alias>`, `events_<alias>`, `parent_contexts_<alias>`,
///   `child_contexts_<alias>`, `artifacts_<alias>` and `executions_<alias>` join one neighbour
///   per alias (the same alias is the same neighbour). The joins are inner joins, so — as in
///   MLMD — a node without the property or neighbour never matches, not even under OR or NOT.
/// * Enum fields take enum names; `!=` and `NOT IN` on them include unset values (`IS NULL`), as
///   MLMD's rewriting does, while `NOT (state = X)` does not.
/// * A top-level `type = '…'` conjunct becomes `n.type_id IN (…)`, so the planner can use the
///   (type, time) index.
/// * An `AND`/`OR` chain becomes one flat `(a AND b AND …)` (in groups of
///   ``FilterLimits/chainGroupSize`` when longer). The compiler recurses only per nesting level of
///   the query, which the parser bounds; it estimates the SQLite parser stack and expression
///   height the SQL needs and rejects, with the query position, what SQLite could not take
///   (see ``FilterLimits``), so SQLite's own limits never surface as raw SQLite errors.
struct FilterCompiler {
    /// A compiled filter: `EXISTS (SELECT 1 FROM <from> WHERE <condition>)`, or just the
    /// condition when there is nothing to join.
    struct Compiled {
        var from: [String] = []
        var condition: String
        var arguments: [(any DatabaseValueConvertible)?]
        /// Conditions on `n` alone, hoisted out of the filter (all must hold; no arguments).
        var hoisted: [String] = []
        /// The whole restriction on `n` for a WHERE clause; its arguments are ``arguments``.
        var sql: String
    }

    let kind: NodeKind
    let db: Database

    private var from: [String] = []
    private var joinConditions: [String] = []
    private var joinArguments: [(any DatabaseValueConvertible)?] = []
    private var aliases: [String: String] = [:]
    private var neighbourAliases: [String: Neighbour] = [:]
    private var nextAlias = 0

    private init(kind: NodeKind, db: Database) {
        self.kind = kind
        self.db = db
    }

    /// Compiles `query` for nodes of `kind`.
    /// - Throws: ``StoreError`` `.invalidArgument` with the position and a caret under the query.
    static func compile(_ query: String, kind: NodeKind, db: Database) throws -> Compiled {
        do {
            let expression = try FilterParser.parse(query)
            var compiler = FilterCompiler(kind: kind, db: db)
            var conjuncts: [FilterExpression] = []
            var hoisted: [String] = []
            for conjunct in expression.conjuncts {
                if let condition = try compiler.hoistTypeEquality(conjunct) {
                    hoisted.append(condition)
                } else {
                    conjuncts.append(conjunct)
                }
            }
            let start = FilterPosition(line: 1, column: 1)
            var condition = Typed(sql: "1", type: .bool, position: start)
            if !conjuncts.isEmpty {
                condition = try compiler.boolean(conjuncts.count == 1 ? conjuncts[0] : .and(conjuncts))
            }
            // Each join condition is `(x = y AND …)`: one parenthesis, a short flat chain.
            let joins = compiler.joinConditions.map { Typed(sql: "(\($0))", type: .bool, position: start, parserStack: 4, height: 4) }
            let whole = try chain(joins + [condition], "AND", at: condition.position)
            let hoistedTerms = hoisted.map { Typed(sql: $0, type: .bool, position: start, parserStack: 3, height: 2) }
            var restriction = whole
            if !compiler.from.isEmpty {
                // `EXISTS (SELECT 1 FROM … WHERE …)` costs about 8 parser-stack entries and 2 levels.
                restriction = Typed(sql: "EXISTS (SELECT 1 FROM \(compiler.from.joined(separator: ", ")) WHERE \(whole.sql))", type: .bool,
                                    position: whole.position, parserStack: whole.parserStack + 8, height: whole.height + 2)
            }
            let sql = try chain(hoistedTerms + [restriction], "AND", at: condition.position)
            try check(sql)
            let arguments = compiler.joinArguments + condition.arguments
            if arguments.count > FilterLimits.maximumBoundArguments {
                throw FilterQueryError("Query too complex: more than \(FilterLimits.maximumBoundArguments) literal values", at: condition.position)
            }
            return Compiled(from: compiler.from, condition: whole.sql, arguments: arguments, hoisted: hoisted, sql: sql.sql)
        } catch let error as FilterQueryError {
            throw error.storeError(query: query)
        } catch let error as DatabaseError where !IndexDatabase.isDamage(error) {
            throw storeError(error, query: query)
        }
    }

    /// Runs `body`, which executes SQL compiled from `query`, turning SQLite's failures into
    /// store errors that quote the query, never the generated SQL: SQLite's limits and evaluation
    /// errors (an integer overflow in `ABS`, a too-long `LIKE` pattern) are `.invalidArgument`,
    /// anything else is classified as every index failure is (``IndexDatabase/storeError(_:operation:)``:
    /// a full disk, a busy lock); both carry SQLite's extended result code as ``StoreError/underlying``.
    /// A damaged index is left as SQLite reported it, so that the store rebuilds it and reads again.
    static func evaluating<T>(_ query: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where !IndexDatabase.isDamage(error) {
            throw storeError(error, query: query)
        }
    }

    static func storeError(_ error: DatabaseError, query: String) -> StoreError {
        let message = error.message ?? "unknown error"
        let queryError = [
            "parser stack overflow", "Expression tree is too large", "too many SQL variables", "tables in a join",
            "LIKE or GLOB pattern too complex", "integer overflow", "string or blob too big", "too many columns",
        ].contains { message.contains($0) }
        let quoted = query.count > 200 ? query.prefix(200) + "…" : Substring(query)
        let underlying = StoreError.Underlying(domain: "sqlite", code: error.extendedResultCode.rawValue,
                                               name: String(describing: error.extendedResultCode))
        if queryError {
            return StoreError(.invalidArgument, "Invalid `filter_query`: the index cannot evaluate it (SQLite: \(message))\n  \(quoted)",
                              underlying: underlying)
        }
        var failure = IndexDatabase.storeError(error, operation: "evaluate `filter_query`")
        failure.message += "\n  \(quoted)"
        return failure
    }

    /// Rejects SQL that SQLite's parser or expression-height limit would refuse.
    private static func check(_ typed: Typed) throws(FilterQueryError) {
        if typed.parserStack > FilterLimits.sqlParserStackBudget || typed.height > FilterLimits.sqlExpressionHeightBudget {
            throw FilterQueryError("Query too complex for the SQL index: its nesting needs more than SQLite allows "
                + "(nest fewer parentheses, NOTs and function calls)", at: typed.position)
        }
    }

    /// `(a OP b OP …)` for `AND` or `OR`: flat, or flat groups of ``FilterLimits/chainGroupSize``
    /// joined flat when longer, built in a loop (a chain of any length costs no recursion).
    private static func chain(_ operands: [Typed], _ op: String, at position: FilterPosition) throws(FilterQueryError) -> Typed {
        var level = operands
        while level.count > 1 {
            var next: [Typed] = []
            next.reserveCapacity(level.count / FilterLimits.chainGroupSize + 1)
            var start = 0
            // One flat group when everything fits in it, otherwise groups of chainGroupSize.
            let size = level.count <= FilterLimits.chainGroupSize ? level.count : FilterLimits.chainGroupSize
            while start < level.count {
                let group = level[start..<min(start + size, level.count)]
                start += size
                if group.count == 1 {
                    next.append(group.first!)
                    continue
                }
                // SQLite parses `(a OP b OP c)` with `(` and the pending `… OP` on its stack while it
                // parses an operand, and builds a left-deep tree: one level per operand.
                var parserStack = 0
                var height = 0
                var arguments: [(any DatabaseValueConvertible)?] = []
                for (offset, operand) in group.enumerated() {
                    parserStack = max(parserStack, operand.parserStack + (offset == 0 ? 1 : 3))
                    height = max(height, operand.height + group.count - max(offset, 1))
                    arguments += operand.arguments
                }
                let sql = "(" + group.map { $0.sql }.joined(separator: " \(op) ") + ")"
                let typed = Typed(sql: sql, type: .bool, arguments: arguments, position: group.first!.position,
                                  parserStack: parserStack, height: height)
                try check(typed)
                next.append(typed)
            }
            level = next
        }
        return level.first ?? Typed(sql: "1", type: .bool, position: position)
    }

    // MARK: Types

    enum ValueType: Equatable {
        case int, double, string, bool
        case enumeration(EnumKind)

        var isNumeric: Bool { self == .int || self == .double }

        var name: String {
            switch self {
            case .int: "INT64"
            case .double: "DOUBLE"
            case .string: "STRING"
            case .bool: "BOOL"
            case .enumeration(let kind): "ENUM<\(kind.protoName)>"
            }
        }
    }

    enum EnumKind: Equatable {
        case artifactState, executionState, eventType

        var protoName: String {
            switch self {
            case .artifactState: "ml_metadata.Artifact.State"
            case .executionState: "ml_metadata.Execution.State"
            case .eventType: "ml_metadata.Event.Type"
            }
        }

        /// The enum number of a case name; nil if the name is not a case.
        func number(of name: String) -> Int? {
            switch self {
            case .artifactState: Artifact.State(rawValue: name)?.number
            case .executionState: Execution.State(rawValue: name)?.number
            case .eventType: Event.Kind(rawValue: name).flatMap { $0 == .unknown ? nil : $0.number }
            }
        }
    }

    /// A SQL expression with its type and bound arguments; `nullable` marks columns that may be NULL.
    struct Typed {
        var sql: String
        var type: ValueType?
        var arguments: [(any DatabaseValueConvertible)?] = []
        /// A bare name that is no field: maybe an enum value, decided by the other operand.
        var bareName: String?
        var position: FilterPosition
        /// A constant (a literal or a resolved enum name) rather than a column.
        var isLiteral = false
        /// A conservative estimate of the SQLite parser-stack entries parsing ``sql`` needs.
        var parserStack = 1
        /// A conservative estimate of the height of SQLite's expression tree for ``sql``.
        var height = 1
    }

    // MARK: Expressions

    private mutating func boolean(_ expression: FilterExpression) throws(FilterQueryError) -> Typed {
        let typed = try booleanSQL(expression)
        try Self.check(typed)
        return typed
    }

    private mutating func booleanSQL(_ expression: FilterExpression) throws(FilterQueryError) -> Typed {
        switch expression {
        case .and(let operands), .or(let operands):
            // One level of recursion per nesting level of the query (bounded by the parser), none per operand.
            var typed: [Typed] = []
            typed.reserveCapacity(operands.count)
            for operand in operands { typed.append(try boolean(operand)) }
            let op = if case .and = expression { "AND" } else { "OR" }
            return try Self.chain(typed, op, at: typed.first?.position ?? FilterPosition(line: 1, column: 1))
        case .not(var inner):
            // `NOT NOT x` is `x`, in three-valued logic too: a run of NOTs compiles to at most one.
            var negated = true
            while case .not(let next) = inner {
                inner = next
                negated.toggle()
            }
            let typed = try boolean(inner)
            guard negated else { return typed }
            // Every boolean SQL fragment is parenthesized, so `NOT` needs no parentheses of its own.
            return Typed(sql: "NOT \(typed.sql)", type: .bool, arguments: typed.arguments, position: typed.position,
                         parserStack: typed.parserStack + 1, height: typed.height + 1)
        case .comparison(let left, let op, let right):
            return try comparison(left, op, right)
        case .membership(let left, let items, let negated):
            return try membership(left, items, negated: negated)
        case .like(let left, let pattern, let negated):
            let l = try operand(left)
            let p = try operand(pattern)
            guard l.type == .string, p.type == .string else {
                throw FilterQueryError("No matching signature for operator \(negated ? "NOT LIKE" : "LIKE") for argument types: "
                    + "\(typeName(l)), \(typeName(p))", at: left.position)
            }
            return Typed(sql: "(\(l.sql) \(negated ? "NOT LIKE" : "LIKE") \(p.sql) ESCAPE '\\')", type: .bool,
                         arguments: l.arguments + p.arguments, position: l.position,
                         parserStack: max(l.parserStack + 1, p.parserStack + 4), height: max(l.height, p.height) + 2)
        case .isNull(let value, let negated):
            let typed = try operand(value)
            try requireResolved(typed)
            return Typed(sql: "(\(typed.sql) IS \(negated ? "NOT " : "")NULL)", type: .bool, arguments: typed.arguments, position: typed.position,
                         parserStack: typed.parserStack + 1, height: typed.height + 1)
        case .between(let value, let low, let high, let negated):
            let v = try operand(value)
            let lo = try operand(low)
            let hi = try operand(high)
            for bound in [lo, hi] where !comparable(v.type, bound.type) {
                throw FilterQueryError("No matching signature for operator BETWEEN for argument types: \(typeName(v)), \(typeName(bound))",
                                       at: value.position)
            }
            return Typed(sql: "(\(v.sql) \(negated ? "NOT " : "")BETWEEN \(lo.sql) AND \(hi.sql))", type: .bool,
                         arguments: v.arguments + lo.arguments + hi.arguments, position: v.position,
                         parserStack: max(v.parserStack + 1, lo.parserStack + 4, hi.parserStack + 6),
                         height: max(v.height, lo.height, hi.height) + 2)
        case .predicate(let value):
            let typed = try operand(value)
            try requireResolved(typed)
            guard typed.type == .bool else {
                throw FilterQueryError("filter_query is not a valid boolean expression: it is of type \(typeName(typed))", at: value.position)
            }
            return Typed(sql: "(\(typed.sql) = 1)", type: .bool, arguments: typed.arguments, position: typed.position,
                         parserStack: typed.parserStack + 1, height: typed.height + 1)
        }
    }

    private mutating func comparison(_ left: FilterOperand, _ op: FilterComparison, _ right: FilterOperand) throws(FilterQueryError) -> Typed {
        var l = try operand(left)
        var r = try operand(right)
        try resolveEnumNames(&l, &r)
        guard comparable(l.type, r.type) else {
            throw FilterQueryError("No matching signature for operator \(op.rawValue) for argument types: \(typeName(l)), \(typeName(r))",
                                   at: left.position)
        }
        if case .enumeration = l.type ?? r.type {
            guard op == .equal || op == .notEqual else {
                throw FilterQueryError("Operator \(op.rawValue) is not supported for enum values; use = != IN NOT IN", at: left.position)
            }
            if op == .notEqual {
                // MLMD's rewriting: unset enum values count as "not equal".
                let column = l.isLiteral ? r : l
                return Typed(sql: "(\(l.sql) != \(r.sql) OR \(column.sql) IS NULL)", type: .bool, arguments: l.arguments + r.arguments,
                             position: l.position, parserStack: max(l.parserStack + 1, r.parserStack + 3, column.parserStack + 3),
                             height: max(l.height, r.height, column.height) + 2)
            }
        }
        return Typed(sql: "(\(l.sql) \(op.rawValue) \(r.sql))", type: .bool, arguments: l.arguments + r.arguments, position: l.position,
                     parserStack: max(l.parserStack + 1, r.parserStack + 3), height: max(l.height, r.height) + 1)
    }

    private mutating func membership(_ left: FilterOperand, _ items: [FilterOperand], negated: Bool) throws(FilterQueryError) -> Typed {
        let l = try operand(left)
        try requireResolved(l)
        var sqls: [String] = []
        var arguments = l.arguments
        var parserStack = l.parserStack + 1
        var height = l.height
        for item in items {
            var value = try operand(item)
            var column = l
            try resolveEnumNames(&column, &value)
            guard comparable(l.type, value.type) else {
                throw FilterQueryError("No matching signature for operator \(negated ? "NOT IN" : "IN") for argument types: "
                    + "\(typeName(l)), \(typeName(value))", at: item.position)
            }
            sqls.append(value.sql)
            arguments += value.arguments
            parserStack = max(parserStack, value.parserStack + 5)
            height = max(height, value.height)
        }
        let list = "(\(l.sql) \(negated ? "NOT IN" : "IN") (\(sqls.joined(separator: ", "))))"
        if negated, case .enumeration = l.type {
            return Typed(sql: "(\(list) OR \(l.sql) IS NULL)", type: .bool, arguments: arguments + l.arguments, position: l.position,
                         parserStack: parserStack + 1, height: height + 2)
        }
        return Typed(sql: list, type: .bool, arguments: arguments, position: l.position, parserStack: parserStack, height: height + 1)
    }

    /// Turns a bare name opposite an enum field into that enum's number.
    private func resolveEnumNames(_ a: inout Typed, _ b: inout Typed) throws(FilterQueryError) {
        if case .enumeration(let kind) = a.type, let name = b.bareName {
            b = try enumLiteral(name, kind, at: b.position)
        } else if case .enumeration(let kind) = b.type, let name = a.bareName {
            a = try enumLiteral(name, kind, at: a.position)
        }
        try requireResolved(a)
        try requireResolved(b)
    }

    private func enumLiteral(_ name: String, _ kind: EnumKind, at position: FilterPosition) throws(FilterQueryError) -> Typed {
        guard let number = kind.number(of: name) else {
            throw FilterQueryError("Unsupported enum value: \(name) is not a \(kind.protoName)", at: position)
        }
        return Typed(sql: "?", type: .enumeration(kind), arguments: [number], position: position, isLiteral: true)
    }

    private func requireResolved(_ typed: Typed) throws(FilterQueryError) {
        if let name = typed.bareName { throw FilterQueryError("Unrecognized name: \(name)", at: typed.position) }
    }

    private func comparable(_ a: ValueType?, _ b: ValueType?) -> Bool {
        guard let a, let b else { return false }
        return a == b || (a.isNumeric && b.isNumeric)
    }

    private func typeName(_ typed: Typed) -> String {
        typed.bareName != nil ? "unrecognized name \(typed.bareName!)" : typed.type?.name ?? "NULL"
    }

    // MARK: Operands

    private mutating func operand(_ operand: FilterOperand) throws(FilterQueryError) -> Typed {
        let position = operand.position
        switch operand.kind {
        case .integer(let value): return Typed(sql: "?", type: .int, arguments: [value], position: position, isLiteral: true)
        case .double(let value): return Typed(sql: "?", type: .double, arguments: [value], position: position, isLiteral: true)
        case .string(let value): return Typed(sql: "?", type: .string, arguments: [value], position: position, isLiteral: true)
        case .bool(let value): return Typed(sql: value ? "1" : "0", type: .bool, position: position, isLiteral: true)
        case .function(let name, let arguments):
            let typed = try arguments.map { (argument) throws(FilterQueryError) -> Typed in try self.operand(argument) }
            for argument in typed { try requireResolved(argument) }
            let types = typed.map { $0.type }
            switch (name, types) {
            // `F(` puts the name, the parenthesis and the argument list on SQLite's parser stack.
            case ("LOWER", [.string]), ("UPPER", [.string]):
                return Typed(sql: "\(name)(\(typed[0].sql))", type: .string, arguments: typed[0].arguments, position: position,
                             parserStack: typed[0].parserStack + 3, height: typed[0].height + 1)
            case ("LENGTH", [.string]):
                return Typed(sql: "LENGTH(\(typed[0].sql))", type: .int, arguments: typed[0].arguments, position: position,
                             parserStack: typed[0].parserStack + 3, height: typed[0].height + 1)
            case ("ABS", [.int]), ("ABS", [.double]):
                return Typed(sql: "ABS(\(typed[0].sql))", type: types[0], arguments: typed[0].arguments, position: position,
                             parserStack: typed[0].parserStack + 3, height: typed[0].height + 1)
            case ("LOWER", _), ("UPPER", _), ("LENGTH", _), ("ABS", _):
                throw FilterQueryError("No matching signature for function \(name) for argument types: "
                    + typed.map(typeName).joined(separator: ", "), at: position)
            default:
                throw FilterQueryError("Function not found: \(name.lowercased()) (supported: LOWER, UPPER, LENGTH, ABS)", at: position)
            }
        case .field(let path):
            return try field(path, at: position)
        }
    }

    private mutating func field(_ path: [String], at position: FilterPosition) throws(FilterQueryError) -> Typed {
        func unrecognized(_ hint: String = "") -> FilterQueryError {
            FilterQueryError("Unrecognized name: \(path.joined(separator: "."))\(hint)", at: position)
        }
        let head = path[0]
        if path.count == 1 {
            if let (column, type) = attribute(head, of: kind, alias: "n") {
                if head == "type" { return Typed(sql: "\(try typeAlias(for: "n", at: position)).name", type: type, position: position) }
                return Typed(sql: column, type: type, position: position)
            }
            // Maybe an enum value; the other operand decides.
            return Typed(sql: "", type: nil, bareName: head, position: position)
        }
        if head == "properties" || head == "custom_properties" {
            guard path.count == 3 else { throw unrecognized("; expected \(head).<name>.<int_value|double_value|string_value|bool_value>") }
            let type: ValueType
            switch path[2] {
            case "int_value": type = .int
            case "double_value": type = .double
            case "string_value": type = .string
            case "bool_value": type = .bool
            default: throw unrecognized("; a property's value is one of int_value, double_value, string_value, bool_value")
            }
            let alias = try propertyAlias(name: path[1], custom: head == "custom_properties", at: position)
            return Typed(sql: "\(alias).\(path[2])", type: type, position: position)
        }
        guard path.count == 2, let neighbour = try neighbour(head, at: position) else { throw unrecognized() }
        let resolved = neighbour.isEvent ? eventAttribute(path[1], alias: neighbour.alias) : attribute(path[1], of: neighbour.kind, alias: neighbour.alias)
        guard let (column, type) = resolved else { throw unrecognized() }
        if path[1] == "type" && !neighbour.isEvent {
            return Typed(sql: "\(try typeAlias(for: neighbour.alias, at: position)).name", type: type, position: position)
        }
        return Typed(sql: column, type: type, position: position)
    }

    /// The column and type of a field of an `events_…` neighbour.
    private func eventAttribute(_ name: String, alias: String) -> (String, ValueType)? {
        switch (name, kind) {
        case ("type", _): ("\(alias).type", .enumeration(.eventType))
        case ("milliseconds_since_epoch", _): ("\(alias).milliseconds", .int)
        case ("execution_id", .artifact): ("\(alias).execution_id", .int)
        case ("artifact_id", .execution): ("\(alias).artifact_id", .int)
        default: nil
        }
    }

    /// The column and type of an attribute of a node (`type` is resolved through a join).
    private func attribute(_ name: String, of kind: NodeKind, alias: String) -> (String, ValueType)? {
        switch (name, kind) {
        case ("id", _): ("\(alias).id", .int)
        case ("type_id", _): ("\(alias).type_id", .int)
        case ("type", _): ("", .string)
        case ("name", _): ("\(alias).name", .string)
        case ("external_id", _): ("\(alias).external_id", .string)
        case ("create_time_since_epoch", _): ("\(alias).create_time", .int)
        case ("last_update_time_since_epoch", _): ("\(alias).update_time", .int)
        case ("uri", .artifact): ("\(alias).uri", .string)
        case ("state", .artifact): ("\(alias).state", .enumeration(.artifactState))
        case ("last_known_state", .execution): ("\(alias).state", .enumeration(.executionState))
        default: nil
        }
    }

    // MARK: Joins

    private mutating func newAlias(_ prefix: String) -> String {
        nextAlias += 1
        return "\(prefix)\(nextAlias)"
    }

    /// Fails when joining `count` more tables would pass SQLite's limit on tables per `SELECT`.
    private func reserveTables(_ count: Int, at position: FilterPosition) throws(FilterQueryError) {
        if from.count + count > FilterLimits.maximumJoinedTables {
            throw FilterQueryError("Query too complex: it joins more than \(FilterLimits.maximumJoinedTables) tables "
                + "(distinct properties, neighbour aliases and type fields)", at: position)
        }
    }

    private mutating func propertyAlias(name: String, custom: Bool, at position: FilterPosition) throws(FilterQueryError) -> String {
        let key = "\(custom ? 1 : 0):\(name)"
        if let alias = aliases[key] { return alias }
        try reserveTables(1, at: position)
        let table = IndexSchema.table(kind)
        let alias = newAlias("p")
        from.append("\(table.propertyTable) AS \(alias)")
        joinConditions.append("\(alias).\(table.idColumn) = n.id AND \(alias).is_custom = \(custom ? 1 : 0) AND \(alias).name = ?")
        joinArguments.append(name)
        aliases[key] = alias
        return alias
    }

    private mutating func typeAlias(for nodeAlias: String, at position: FilterPosition) throws(FilterQueryError) -> String {
        let key = "type:\(nodeAlias)"
        if let alias = aliases[key] { return alias }
        try reserveTables(1, at: position)
        let alias = newAlias("t")
        from.append("type AS \(alias)")
        joinConditions.append("\(alias).id = \(nodeAlias).type_id")
        aliases[key] = alias
        return alias
    }

    private struct Neighbour {
        var kind: NodeKind
        var alias: String
        /// The neighbour is an event (its fields are the event's), not a node.
        var isEvent: Bool
    }

    /// The neighbour an `<relation>_<alias>` prefix names, joined once per alias.
    private mutating func neighbour(_ prefix: String, at position: FilterPosition) throws(FilterQueryError) -> Neighbour? {
        if let existing = neighbourAliases[prefix] { return existing }
        let kind = self.kind
        let relations: [(String, NodeKind, Bool, (String, String) -> ([String], [String]))] = [
            // (prefix, neighbour kind, is event, (edge alias, node alias) -> (tables, conditions))
            ("contexts_", .context, false, { edge, node in
                kind == .artifact
                    ? (["attribution AS \(edge)", "context AS \(node)"], ["\(edge).artifact_id = n.id", "\(node).id = \(edge).context_id"])
                    : (["association AS \(edge)", "context AS \(node)"], ["\(edge).execution_id = n.id", "\(node).id = \(edge).context_id"])
            }),
            ("events_", kind, true, { edge, _ in
                (["event AS \(edge)"], ["\(edge).\(kind == .artifact ? "artifact_id" : "execution_id") = n.id"])
            }),
            ("parent_contexts_", .context, false, { edge, node in
                (["parent_context AS \(edge)", "context AS \(node)"], ["\(edge).child_id = n.id", "\(node).id = \(edge).parent_id"])
            }),
            ("child_contexts_", .context, false, { edge, node in
                (["parent_context AS \(edge)", "context AS \(node)"], ["\(edge).parent_id = n.id", "\(node).id = \(edge).child_id"])
            }),
            ("artifacts_", .artifact, false, { edge, node in
                (["attribution AS \(edge)", "artifact AS \(node)"], ["\(edge).context_id = n.id", "\(node).id = \(edge).artifact_id"])
            }),
            ("executions_", .execution, false, { edge, node in
                (["association AS \(edge)", "execution AS \(node)"], ["\(edge).context_id = n.id", "\(node).id = \(edge).execution_id"])
            }),
        ]
        for (relation, neighbourKind, isEvent, join) in relations where prefix.hasPrefix(relation) && prefix.count > relation.count {
            let allowed: Bool = switch relation {
            case "contexts_", "events_": kind != .context
            default: kind == .context
            }
            guard allowed else { return nil }
            try reserveTables(isEvent ? 1 : 2, at: position)
            let edge = newAlias("e")
            let node = isEvent ? edge : newAlias("x")
            let (tables, conditions) = join(edge, node)
            from += tables
            joinConditions += conditions
            let resolved = Neighbour(kind: neighbourKind, alias: node, isEvent: isEvent)
            neighbourAliases[prefix] = resolved
            return resolved
        }
        return nil
    }

    // MARK: Hoisting

    /// `type = 'X'` at the top level, as a condition on `n.type_id` the planner can index.
    private func hoistTypeEquality(_ conjunct: FilterExpression) throws -> String? {
        guard case .comparison(let left, .equal, let right) = conjunct else { return nil }
        let name: String
        switch (left.kind, right.kind) {
        case (.field(["type"]), .string(let value)), (.string(let value), .field(["type"])): name = value
        default: return nil
        }
        let ids = try Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM type WHERE kind = ? AND name = ?"),
                                     arguments: [IndexSchema.code(kind.typeKind), name])
        return ids.isEmpty ? "0" : "n.type_id IN (\(ids.map(String.init).joined(separator: ", ")))"
    }
}

extension FilterExpression {
    /// The operands of a top-level AND chain (the parser flattens nested chains, so one level).
    var conjuncts: [FilterExpression] {
        if case .and(let operands) = self { return operands }
        return [self]
    }
}
