import Testing
@testable import MLMetadata

/// The verified examples of mlmd-semantics.md §3.4, on a dataset built to match them.
@Suite struct FilterQueryTests {
    static let artifactExamples: [(String, [String])] = [
        ("id IN (ID_d1, ID_d3)", ["d1", "d3"]),
        ("id NOT IN (ID_d1,ID_d3)", ["d2", "d4", "m5", "m6"]),
        ("type = 'Dataset' AND name LIKE 'd%'", ["d1", "d2", "d3", "d4"]),
        ("uri LIKE 'gs://b/data/%'", ["d1", "d2", "d3"]),
        ("uri IS NULL", []),
        ("external_id = 'ext-d2'", ["d2"]),
        ("external_id IS NULL", ["d1", "d3", "d4", "m5", "m6"]),
        ("state IN (PENDING, LIVE)", ["d1", "d2", "m5"]),
        ("state != LIVE", ["d2", "d3", "d4", "m6"]),
        ("state IS NULL", ["d4"]),
        ("NOT(create_time_since_epoch < 1 OR last_update_time_since_epoch < 1)", ["d1", "d2", "d3", "d4", "m5", "m6"]),
        ("properties.span.int_value >= 2", ["d2", "d3"]),
        ("properties.acc.double_value > 0.95", ["d2"]),
        ("properties.ok.bool_value = false", ["d2"]),
        ("custom_properties.`my:key.x`.int_value = 7", ["d1"]),
        ("custom_properties.tag.string_value IN ('gold','silver')", ["d1", "m5"]),
        ("contexts_a.name = 'run1' AND contexts_b.name = 'my_pipeline'", ["d1", "m5"]),
        ("contexts_a.name = 'run1' AND contexts_a.name = 'my_pipeline'", []),
        ("events_0.type IN (INPUT, OUTPUT)", ["d1", "d2", "m5"]),
        ("events_0.execution_id = ID_x1", ["d1", "m5"]),
        ("properties.span.int_value BETWEEN 1 AND 2", ["d1", "d2"]),
        // Existential semantics: nodes without the property never match, even under NOT or OR.
        ("NOT (properties.span.int_value = 1)", ["d2", "d3"]),
        ("properties.span.int_value != 1", ["d2", "d3"]),
        ("properties.span.int_value = 1 OR custom_properties.span.int_value = 1", []),
        ("NOT (state = LIVE)", ["d2", "d3", "m6"]),
        ("state NOT IN (LIVE)", ["d2", "d3", "d4", "m6"]),
        ("properties.span.string_value = '1'", []),
        ("properties.ok.bool_value", ["d1"]),
        ("LOWER(name) = 'd1'", ["d1"]),
        ("name LIKE 'D%'", ["d1", "d2", "d3", "d4"]),
        ("type = 'Model' OR state = DELETED", ["d3", "m5", "m6"]),
        ("contexts_a.type = 'run' AND contexts_a.name = 'run2'", ["m6"]),
    ]

    @Test(arguments: artifactExamples)
    func artifactFilters(query: String, expected: [String]) throws {
        let data = try ReferenceDataset()
        var resolved = query
        for (name, id) in data.ids { resolved = resolved.replacingOccurrences(of: "ID_\(name)", with: String(id)) }
        let page = try data.store.getArtifacts(ListOptions(filterQuery: resolved))
        #expect(data.names(page.items) == expected, "\(query)")
    }

    @Test(arguments: [
        ("last_known_state NOT IN (FAILED, CANCELED)", ["x1", "x2", "x3"]),
        ("events_0.artifact_id = ID_d1", ["x1"]),
        ("contexts_a.name = 'run1'", ["x4"]),
        ("last_known_state = RUNNING", ["x1"]),
    ])
    func executionFilters(query: String, expected: [String]) throws {
        let data = try ReferenceDataset()
        let resolved = query.replacingOccurrences(of: "ID_d1", with: String(data.ids["d1"]!))
        #expect(data.names(try data.store.getExecutions(ListOptions(filterQuery: resolved)).items) == expected, "\(query)")
    }

    @Test(arguments: [
        ("parent_contexts_a.name = 'my_pipeline'", ["run1", "run2"]),
        ("child_contexts_a.name = 'run2'", ["my_pipeline"]),
        ("artifacts_a.uri LIKE 'gs://b/model/%'", ["my_pipeline", "run1", "run2"]),
        ("executions_a.last_known_state IN (NEW, RUNNING)", ["my_pipeline", "run2"]),
        ("artifacts_a.external_id IS NULL AND type = 'run'", ["run1", "run2"]),
    ])
    func contextFilters(query: String, expected: [String]) throws {
        let data = try ReferenceDataset()
        #expect(data.names(try data.store.getContexts(ListOptions(filterQuery: query)).items) == expected, "\(query)")
    }

    @Test func filtersCombineWithTheListScope() throws {
        let data = try ReferenceDataset()
        let models = try data.store.getArtifactsByContext(data.ids["my_pipeline"]!, options: ListOptions(filterQuery: "type = 'Model'"))
        #expect(data.names(models.items) == ["m5", "m6"])
        let byType = try data.store.getArtifactsByType("Dataset", options: ListOptions(filterQuery: "properties.span.int_value > 1"))
        #expect(data.names(byType.items) == ["d2", "d3"])
        let executions = try data.store.getExecutionsByContext(data.ids["run2"]!, options: ListOptions(filterQuery: "last_known_state = NEW"))
        #expect(data.names(executions.items) == ["x2"])
    }

    @Test(arguments: [
        ("foo = 1", "Unrecognized name: foo [at 1:1]"),
        ("name = 1", "No matching signature for operator = for argument types: STRING, INT64 [at 1:1]"),
        ("name =", "Syntax error: Unexpected end of expression [at 1:7]"),
        ("state = SHINY", "Unsupported enum value: SHINY"),
        ("state = 2", "No matching signature for operator = for argument types: ENUM<ml_metadata.Artifact.State>, INT64"),
        ("properties.span = 1", "Unrecognized name: properties.span"),
        ("properties.span.proto_value = 1", "a property's value is one of"),
        ("name", "not a valid boolean expression"),
        ("(name = 'a'", "Expected \")\""),
        ("name = 'unclosed", "Unclosed string literal [at 1:8]"),
        ("last_known_state = RUNNING", "Unrecognized name: last_known_state"),
        ("artifacts_a.name = 'x'", "Unrecognized name: artifacts_a.name"),
        ("name = 'a' AND\n  bogus.field > 2", "Unrecognized name: bogus.field [at 2:3]"),
        ("FOO(name) = 'a'", "Function not found: foo"),
    ])
    func malformedFiltersAreInvalidArgumentsWithAPosition(query: String, message: String) throws {
        let data = try ReferenceDataset()
        expectStoreError(.invalidArgument, message) { _ = try data.store.getArtifacts(ListOptions(filterQuery: query)) }
    }

    @Test func errorsDrawACaretUnderTheQuery() throws {
        let data = try ReferenceDataset()
        do {
            _ = try data.store.getArtifacts(ListOptions(filterQuery: "name = 'a' AND bogus = 1"))
            Issue.record("expected an error")
        } catch let error as StoreError {
            #expect(error.message == """
                Invalid `filter_query`: Unrecognized name: bogus [at 1:16]
                  name = 'a' AND bogus = 1
                                 ^
                """)
        }
    }
}
