/// The syntax tree of an MLMD `filter_query` (a ZetaSQL boolean expression over a node's
/// attributes, properties and neighbours).
///
/// `AND` and `OR` chains are n-ary (at least two operands, none of them the same kind of chain),
/// so a long chain is one node rather than a deep tree; the only nesting is what the query
/// nests itself, bounded by ``FilterLimits/maximumNestingDepth``.
enum FilterExpression: Sendable, Equatable {
    case and([FilterExpression])
    case or([FilterExpression])
    indirect case not(FilterExpression)
    /// `a = b`, `a != b`, `a < b`, …
    case comparison(FilterOperand, FilterComparison, FilterOperand)
    /// `a [NOT] IN (b, c, …)`
    case membership(FilterOperand, [FilterOperand], negated: Bool)
    /// `a [NOT] LIKE b`
    case like(FilterOperand, FilterOperand, negated: Bool)
    /// `a IS [NOT] NULL`
    case isNull(FilterOperand, negated: Bool)
    /// `a [NOT] BETWEEN b AND c`
    case between(FilterOperand, FilterOperand, FilterOperand, negated: Bool)
    /// A boolean operand on its own (`properties.ok.bool_value`, `TRUE`).
    case predicate(FilterOperand)
}

enum FilterComparison: String, Sendable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

/// A value in a filter: a field, a literal or a function call, with where it starts.
struct FilterOperand: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A dotted path; a bare single name that is no field may be an enum value (`LIVE`).
        case field([String])
        case integer(Int64)
        case double(Double)
        case string(String)
        case bool(Bool)
        case function(String, [FilterOperand])
    }

    var kind: Kind
    var position: FilterPosition
}

/// A 1-based line and column in the query text, plus the UTF-8 offset for drawing a caret.
struct FilterPosition: Sendable, Equatable {
    var line: Int
    var column: Int
}
