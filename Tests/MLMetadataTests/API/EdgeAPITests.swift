import Testing
@testable import MLMetadata

@Suite struct EdgeAPITests {
    @Test func eventsAreValidatedAsMLMDDoes() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let store = fixture.store
        let artifact = try store.putArtifacts([Artifact(typeID: types.model)])[0]
        let execution = try store.putExecutions([Execution(typeID: types.trainer)])[0]
        expectStoreError(.invalidArgument, "No artifact id is specified.") {
            try store.putEvents([Event(executionID: execution, type: .input)])
        }
        expectStoreError(.invalidArgument, "No execution id is specified.") { try store.putEvents([Event(artifactID: artifact, type: .input)]) }
        expectStoreError(.invalidArgument, "No event type is specified.") {
            try store.putEvents([Event(artifactID: artifact, executionID: execution, type: .unknown)])
        }
        expectStoreError(.invalidArgument, "No artifact with the given id 999") {
            try store.putEvents([Event(artifactID: 999, executionID: execution, type: .input)])
        }
        expectStoreError(.invalidArgument, "No execution with the given id 999") {
            try store.putEvents([Event(artifactID: artifact, executionID: 999, type: .input)])
        }
        expectStoreError(.alreadyExists, "Given event already exists") {
            try store.putEvents([Event(artifactID: artifact, executionID: execution, type: .output),
                                 Event(artifactID: artifact, executionID: execution, type: .output)])
        }
        #expect(try store.getEventsByArtifactIDs([artifact]).isEmpty)  // the failed batch left nothing
        try store.putEvents([Event(artifactID: artifact, executionID: execution, path: [.key("k"), .index(3)], type: .output,
                                   millisecondsSinceEpoch: 17)])
        #expect(try store.getEventsByArtifactIDs([artifact]) == [
            Event(artifactID: artifact, executionID: execution, path: [.key("k"), .index(3)], type: .output, millisecondsSinceEpoch: 17),
        ])
    }

    @Test func attributionsAndAssociationsNeedExistingNodesAndIgnoreDuplicates() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let store = fixture.store
        let artifact = try store.putArtifacts([Artifact(typeID: types.model)])[0]
        let execution = try store.putExecutions([Execution(typeID: types.trainer)])[0]
        let context = try store.putContexts([Context(typeID: types.pipeline, name: "p")])[0]
        expectStoreError(.invalidArgument, "Artifact id not found.") {
            try store.putAttributionsAndAssociations(attributions: [Attribution(artifactID: 999, contextID: context)], associations: [])
        }
        expectStoreError(.invalidArgument, "Context id not found.") {
            try store.putAttributionsAndAssociations(attributions: [Attribution(artifactID: artifact, contextID: 999)], associations: [])
        }
        expectStoreError(.invalidArgument, "Execution id not found.") {
            try store.putAttributionsAndAssociations(attributions: [], associations: [Association(executionID: 999, contextID: context)])
        }
        func edgeFiles() -> Int { fixture.directory.files(excluding: ".mlmd").filter { $0.hasPrefix("edges/") }.count }
        let before = edgeFiles()
        for _ in 0..<2 {
            try store.putAttributionsAndAssociations(attributions: [Attribution(artifactID: artifact, contextID: context)],
                                                     associations: [Association(executionID: execution, contextID: context)])
        }
        #expect(try store.getArtifactsByContext(context).count == 1)
        #expect(try store.getExecutionsByContext(context).count == 1)
        // The second call wrote no edge file.
        #expect(edgeFiles() == before + 1)
    }

    @Test func parentContextsRejectSelfMissingDuplicatesAndCycles() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let store = fixture.store
        let ids = try store.putContexts(["a", "b", "c"].map { Context(typeID: types.pipeline, name: $0) })
        let (a, b, c) = (ids[0], ids[1], ids[2])
        expectStoreError(.invalidArgument, "cannot be found") { try store.putParentContexts([ParentContext(childID: a, parentID: a)]) }
        expectStoreError(.invalidArgument, "cannot be found") { try store.putParentContexts([ParentContext(childID: a, parentID: 999)]) }
        try store.putParentContexts([ParentContext(childID: b, parentID: a), ParentContext(childID: c, parentID: b)])
        expectStoreError(.alreadyExists, "Given parent_context already exists") {
            try store.putParentContexts([ParentContext(childID: b, parentID: a)])
        }
        expectStoreError(.invalidArgument, "There is a cycle detected") { try store.putParentContexts([ParentContext(childID: a, parentID: c)]) }
        #expect(try store.getParentContextsByContext(c).map(\.name) == ["b"])
        #expect(try store.getChildrenContextsByContext(a).map(\.name) == ["b"])
        #expect(try store.getParentContextsByContext(999).isEmpty)
        #expect(try store.getChildrenContextsByContexts([a, b, c]).mapValues { $0.map(\.name!) } == [a: ["b"], b: ["c"]])
    }
}
