/// The bounds a filter query must stay within, so that no query text — however long or deeply
/// nested — can overflow the process's stack or run into one of SQLite's hard limits with a raw
/// SQLite message. A query beyond a limit fails with a ``FilterQueryError`` (so a
/// ``StoreError`` `.invalidArgument` with ``StoreError/queryPosition``) that names the limit.
enum FilterLimits {
    /// The longest query text, in UTF-8 bytes (256 KiB).
    ///
    /// MLMD requires an `OR` of 300 comparisons to work; this admits an `OR` of over 7,000
    /// `properties.span.int_value = 1234` comparisons (37 bytes each with the `OR`), while keeping
    /// the lexer's scalar and token arrays and the compiled SQL to a few megabytes at most.
    static let maximumQueryBytes = 256 * 1024

    /// The most tokens a query may have (the end marker not counted).
    ///
    /// A token can be a single byte (`(`, `,`), so the byte limit alone would allow 65,536; this
    /// one keeps the literals — each one an SQL bound variable, and at most one in two tokens
    /// (`x IN (1,2,…)`) — under SQLite's `SQLITE_MAX_VARIABLE_NUMBER` (32,766), and still admits
    /// an `OR` of 2,000 `properties.span.int_value = 1` comparisons (8 tokens each with the `OR`).
    static let maximumTokens = 32 * 1024

    /// The deepest nesting of parentheses, `NOT`s and function calls, all counted together
    /// (`NOT (LOWER(name) = 'a')` nests 3 deep). `AND`/`OR` chains do not nest: `a OR b OR c`
    /// is one level however long it is.
    ///
    /// The parser and the compiler recurse once (a few stack frames) per nesting level and
    /// nowhere else, so this bound is what keeps every input from overflowing the stack — it is
    /// checked while parsing, at the token that opens the level, before any deeper recursion.
    /// 100 is far beyond any hand-written or generated MLMD filter (ZetaSQL itself rejects
    /// expressions much deeper than that for its own stack), while 100 levels of recursion cost a
    /// few hundred kilobytes of stack at most, safe even on a 512 KiB secondary thread.
    static let maximumNestingDepth = 100

    /// How many operands of an `AND`/`OR` chain go into one flat SQL `(a OR b OR …)`.
    ///
    /// SQLite parses `a OR b OR c` into a left-deep tree whose height grows by one per operand and
    /// rejects trees higher than `SQLITE_MAX_EXPR_DEPTH` (1,000). Longer chains are therefore split
    /// into flat groups of this many, joined flat again: 2,000 operands make 16 groups (height
    /// about 144), 16,384 make two levels of groups.
    static let chainGroupSize = 128

    /// The most SQLite parser-stack entries the compiled condition may need.
    ///
    /// SQLite's LALR parser (3.40, `YYSTACKDEPTH` = 100) fails with "parser stack overflow" when
    /// SQL nests past about 100 entries: an open parenthesis costs one, `LOWER(` three. The
    /// statement around the filter (`SELECT … WHERE … AND EXISTS (SELECT 1 FROM … WHERE …)`)
    /// takes about 20; the compiler estimates the rest conservatively and rejects the query with
    /// its position past this budget.
    static let sqlParserStackBudget = 72

    /// The highest SQLite expression tree the compiled condition may build
    /// (`SQLITE_MAX_EXPR_DEPTH` is 1,000; the surrounding statement adds a few levels).
    static let sqlExpressionHeightBudget = 900

    /// The most tables one compiled filter may join: SQLite allows 64 per `SELECT` (one bit each
    /// in a 64-bit mask). Every distinct property, neighbour alias and `type` field joins one or two.
    static let maximumJoinedTables = 64

    /// The most SQL bound variables one filter may use; SQLite's default `SQLITE_MAX_VARIABLE_NUMBER`
    /// is 32,766 and the statement around the filter needs a few.
    static let maximumBoundArguments = 32_000
}
