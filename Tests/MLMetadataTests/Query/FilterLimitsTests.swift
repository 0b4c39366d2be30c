import Testing
@testable import MLMetadata

/// Filter queries that used to overflow the stack (SIGSEGV) or reach SQLite's limits, now
/// either working or failing with an `.invalidArgument` error that names the limit and the
/// position, never SQLite's raw message nor the generated SQL.
@Suite struct FilterLimitsTests {
    /// The error a listing of artifacts with `query` throws; nil when it succeeds.
    private func rejection(_ query: String, _ data: ReferenceDataset) throws -> StoreError? {
        do {
            _ = try data.store.getArtifacts(ListOptions(filterQuery: query))
            return nil
        } catch let error as StoreError {
            return error
        }
    }

    private func names(_ query: String, _ data: ReferenceDataset) throws -> [String] {
        data.names(try data.store.getArtifacts(ListOptions(filterQuery: query)).items)
    }

    /// Checks a rejection: `.invalidArgument`, the position, a message naming the limit, no SQL.
    private func expectRejected(_ error: StoreError?, line: Int = 1, column: Int, mentioning text: String,
                                sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error else {
            Issue.record("the query was accepted", sourceLocation: sourceLocation)
            return
        }
        #expect(error.code == .invalidArgument, sourceLocation: sourceLocation)
        #expect(error.queryPosition == StoreError.QueryPosition(line: line, column: column), "\(error.message.prefix(300))",
                sourceLocation: sourceLocation)
        #expect(error.message.contains(text), "\(error.message.prefix(300))", sourceLocation: sourceLocation)
        #expect(error.message.contains("[at \(line):\(column)]"), sourceLocation: sourceLocation)
        for sql in ["SELECT", "EXISTS", "n.name", "?"] {
            #expect(!error.message.contains(sql), "the error echoes SQL: \(error.message.prefix(300))", sourceLocation: sourceLocation)
        }
        #expect(error.message.utf8.count < 1_000, sourceLocation: sourceLocation)
    }

    // MARK: The inputs that crashed

    @Test func tenThousandParenthesesAreRejectedAtTheFirstTooDeepOne() throws {
        let data = try ReferenceDataset()
        let query = String(repeating: "(", count: 10_000) + "name = 'd1'" + String(repeating: ")", count: 10_000)
        // The 101st parenthesis opens level 101.
        expectRejected(try rejection(query, data), column: FilterLimits.maximumNestingDepth + 1, mentioning: "nested too deeply")
    }

    @Test func twentyThousandNotsAreRejectedAtTheFirstTooDeepOne() throws {
        let data = try ReferenceDataset()
        let query = String(repeating: "NOT ", count: 20_000) + "name = 'd1'"
        expectRejected(try rejection(query, data), column: 4 * FilterLimits.maximumNestingDepth + 1, mentioning: "nested too deeply")
    }

    @Test func threeThousandNestedFunctionCallsAreRejectedAtTheFirstTooDeepOne() throws {
        let data = try ReferenceDataset()
        let query = String(repeating: "LOWER(", count: 3_000) + "name" + String(repeating: ")", count: 3_000) + " = 'd1'"
        expectRejected(try rejection(query, data), column: 6 * FilterLimits.maximumNestingDepth + 1, mentioning: "nested too deeply")
    }

    @Test func aThousandNotsGiveAPositionNotSQL() throws {
        let data = try ReferenceDataset()
        let query = String(repeating: "NOT ", count: 1_000) + "(name = 'd1')"
        expectRejected(try rejection(query, data), column: 4 * FilterLimits.maximumNestingDepth + 1, mentioning: "nested too deeply")
    }

    @Test func nestingCountsParenthesesNotsAndFunctionsTogether() throws {
        let data = try ReferenceDataset()
        // 40 parentheses, 40 NOTs, then 21 function calls: the 21st call is level 101.
        let query = String(repeating: "(NOT ", count: 40) + String(repeating: "UPPER(", count: 21) + "name"
            + String(repeating: ")", count: 21) + " = 'D1'" + String(repeating: ")", count: 40)
        expectRejected(try rejection(query, data), column: 5 * 40 + 6 * 20 + 1, mentioning: "nested too deeply")
    }

    @Test func anOrOfTwoThousandComparisonsReturnsTheRightRows() throws {
        let data = try ReferenceDataset()
        var comparisons = (0..<1_998).map { "name = 'none\($0)'" }
        comparisons.insert("name = 'd2'", at: 700)
        comparisons.append("name = 'm5'")
        #expect(comparisons.count == 2_000)
        #expect(try names(comparisons.joined(separator: " OR "), data) == ["d2", "m5"])
        // With a property join in every comparison, too.
        let spans = (1_000..<2_999).map { "properties.span.int_value = \($0)" } + ["properties.span.int_value = 3"]
        #expect(try names(spans.joined(separator: " OR "), data) == ["d3"])
        // And as the starting nodes of a lineage query.
        let graph = try data.store.getLineageSubgraph(LineageSubgraphQuery(
            startingNodes: .artifacts(filterQuery: comparisons.joined(separator: " OR ")), maxNumHops: 0))
        #expect(data.names(graph.artifacts) == ["d2", "m5"])
    }

    @Test func anAndOfThreeHundredComparisonsReturnsTheRightRows() throws {
        let data = try ReferenceDataset()
        let query = (100..<400).map { "properties.span.int_value != \($0)" }.joined(separator: " AND ")
        #expect(try names(query, data) == ["d1", "d2", "d3"])
        let names = (0..<299).map { "name != 'none\($0)'" } + ["name != 'd1'"]
        #expect(try self.names(names.joined(separator: " AND "), data) == ["d2", "d3", "d4", "m5", "m6"])
        // Parenthesized sub-chains join the chain around them.
        let grouped = stride(from: 0, to: 300, by: 3).map { "(name != 'none\($0)' AND (name != 'none\($0 + 1)' AND name != 'd\($0 % 4 + 1)'))" }
        #expect(try self.names(grouped.joined(separator: " AND "), data) == ["m5", "m6"])
    }

    @Test func chainsMixAndOrAndTypeHoisting() throws {
        let data = try ReferenceDataset()
        let ors = (0..<1_500).map { "name = 'none\($0)'" }.joined(separator: " OR ")
        let query = "type = 'Dataset' AND (\(ors) OR name = 'd4' OR name = 'm5') AND " + (0..<500).map { "id != \(1_000_000 + $0)" }.joined(separator: " AND ")
        #expect(try names(query, data) == ["d4"])
        let manyTypes = (0..<1_000).map { _ in "type = 'Model'" }.joined(separator: " AND ")
        #expect(try names(manyTypes, data) == ["m5", "m6"])
    }

    // MARK: At and beyond the limits

    @Test func nestingUpToTheLimitWorks() throws {
        let data = try ReferenceDataset()
        let depth = FilterLimits.maximumNestingDepth
        let parentheses = String(repeating: "(", count: depth) + "name = 'd1'" + String(repeating: ")", count: depth)
        #expect(try names(parentheses, data) == ["d1"])
        // Even and odd runs of NOT (NOT NOT x is x).
        #expect(try names(String(repeating: "NOT ", count: depth) + "name = 'd1'", data) == ["d1"])
        #expect(try names(String(repeating: "NOT ", count: depth - 1) + "name = 'd1'", data) == ["d2", "d3", "d4", "m5", "m6"])
    }

    @Test func nestingSQLiteCannotParseIsRejectedWithAPosition() throws {
        let data = try ReferenceDataset()
        // 40 nested function calls are within the nesting limit but too deep for SQLite's parser.
        let query = String(repeating: "LOWER(", count: 40) + "name" + String(repeating: ")", count: 40) + " = 'd1'"
        expectRejected(try rejection(query, data), column: 1, mentioning: "too complex")
        // Alternating chains nest SQL parentheses too.
        var alternating = "name = 'd1'"
        for level in 0..<60 { alternating = "name = 'x\(level)' \(level % 2 == 0 ? "OR" : "AND") (\(alternating))" }
        let error = try rejection(alternating, data)
        #expect(error?.code == .invalidArgument)
        #expect(error?.queryPosition != nil)
        #expect(error.map { !$0.message.contains("SELECT") && !$0.message.contains("stack overflow") } == true)
        // Shallower, both work.
        #expect(try names(String(repeating: "LOWER(", count: 10) + "name" + String(repeating: ")", count: 10) + " = 'd1'", data) == ["d1"])
        var shallow = "name = 'd1'"
        for level in 0..<10 { shallow = "name = 'x\(level)' \(level % 2 == 0 ? "OR" : "AND") (\(shallow))" }
        #expect(try names(shallow, data) == [])
    }

    @Test func tooManyTokensAreRejectedAtTheFirstOneTooMany() throws {
        let data = try ReferenceDataset()
        // 4 tokens per comparison with its OR: token 32,769 is the first of comparison 8,193.
        let comparisons = FilterLimits.maximumTokens / 4 + 1
        let query = (0..<comparisons).map { _ in "name = 'a'" }.joined(separator: " OR ")
        expectRejected(try rejection(query, data), column: 14 * (comparisons - 1) + 1, mentioning: "\(FilterLimits.maximumTokens) tokens")
    }

    @Test func tooLongTextIsRejected() throws {
        let data = try ReferenceDataset()
        let query = "name = '" + String(repeating: "x", count: FilterLimits.maximumQueryBytes) + "'"
        expectRejected(try rejection(query, data), column: 8, mentioning: "\(FilterLimits.maximumQueryBytes) bytes")
    }

    @Test func tooManyJoinedTablesAreRejectedAtTheFieldThatNeedsOneMore() throws {
        let data = try ReferenceDataset()
        let comparisons = (0..<70).map { "custom_properties.p\($0).int_value = 1" }
        let query = comparisons.joined(separator: " OR ")
        let column = comparisons.prefix(FilterLimits.maximumJoinedTables).map { $0.count + 4 }.reduce(1, +)
        expectRejected(try rejection(query, data), column: column, mentioning: "joins more than")
        // 64 are fine (nobody has all 64 properties: the joins are inner joins).
        #expect(try names(comparisons.prefix(63).joined(separator: " OR ") + " OR custom_properties.tag.string_value = 'gold'", data)
            .isEmpty)
    }

    @Test func sqliteEvaluationErrorsQuoteTheQueryNotTheSQL() throws {
        let data = try ReferenceDataset()
        // SQLite refuses LIKE patterns over 50,000 bytes while running the statement.
        let query = "name LIKE '" + String(repeating: "%", count: 50_001) + "'"
        let error = try #require(try rejection(query, data))
        #expect(error.code == .invalidArgument)
        #expect(error.underlying?.domain == "sqlite")
        #expect(error.underlying?.code == 1)
        #expect(error.message.contains("LIKE or GLOB pattern too complex"))
        #expect(error.message.contains("name LIKE '%%%"))
        #expect(!error.message.contains("SELECT"))
        #expect(!error.message.contains("n.name"))
        #expect(error.message.utf8.count < 1_000)
    }
}
