@testable import MLMetadata

/// The small graph behind the reference's verified filter examples (mlmd-semantics.md §3.4),
/// rebuilt so that every example's result holds: artifacts d1–d4 (Dataset) and m5, m6 (Model),
/// executions x1–x4, contexts my_pipeline, run1, run2 (children of my_pipeline).
struct ReferenceDataset {
    let fixture: StoreFixture
    var store: MetadataStore { fixture.store }
    /// Name → id, for artifacts, executions and contexts.
    var ids: [String: Int64] = [:]

    init() throws {
        fixture = try StoreFixture("reference")
        let store = fixture.store
        let types = try store.putTypes(
            artifactTypes: [ArtifactType(name: "Dataset", properties: ["span": .int, "acc": .double, "ok": .boolean]),
                            ArtifactType(name: "Model")],
            executionTypes: [ExecutionType(name: "Trainer")],
            contextTypes: [ContextType(name: "pipeline"), ContextType(name: "run")])
        let (dataset, model) = (types.artifactTypeIDs[0], types.artifactTypeIDs[1])
        let artifacts: [Artifact] = [
            Artifact(typeID: dataset, name: "d1", uri: "gs://b/data/1", state: .live, properties: ["span": 1, "acc": 0.9, "ok": true],
                     customProperties: ["my:key.x": 7, "tag": "gold"]),
            Artifact(typeID: dataset, name: "d2", uri: "gs://b/data/2", externalID: "ext-d2", state: .pending,
                     properties: ["span": 2, "acc": 0.97, "ok": false]),
            Artifact(typeID: dataset, name: "d3", uri: "gs://b/data/3", state: .deleted, properties: ["span": 3]),
            Artifact(typeID: dataset, name: "d4"),
            Artifact(typeID: model, name: "m5", uri: "gs://b/model/5", state: .live, customProperties: ["tag": "silver"]),
            Artifact(typeID: model, name: "m6", uri: "gs://b/model/6", state: .markedForDeletion),
        ]
        for (artifact, id) in zip(artifacts, try store.putArtifacts(artifacts)) { ids[artifact.name!] = id }
        let executions: [Execution] = [
            Execution(typeID: types.executionTypeIDs[0], name: "x1", lastKnownState: .running),
            Execution(typeID: types.executionTypeIDs[0], name: "x2", lastKnownState: .new),
            Execution(typeID: types.executionTypeIDs[0], name: "x3"),
            Execution(typeID: types.executionTypeIDs[0], name: "x4", lastKnownState: .failed),
        ]
        for (execution, id) in zip(executions, try store.putExecutions(executions)) { ids[execution.name!] = id }
        let contexts = [Context(typeID: types.contextTypeIDs[0], name: "my_pipeline"), Context(typeID: types.contextTypeIDs[1], name: "run1"),
                        Context(typeID: types.contextTypeIDs[1], name: "run2")]
        for (context, id) in zip(contexts, try store.putContexts(contexts)) { ids[context.name!] = id }
        try store.putParentContexts([ParentContext(childID: ids["run1"]!, parentID: ids["my_pipeline"]!),
                                     ParentContext(childID: ids["run2"]!, parentID: ids["my_pipeline"]!)])
        let ids = self.ids
        try store.putAttributionsAndAssociations(
            attributions: [("d1", "run1"), ("d1", "my_pipeline"), ("m5", "run1"), ("m5", "my_pipeline"), ("m6", "my_pipeline"), ("m6", "run2")]
                .map { Attribution(artifactID: ids[$0.0]!, contextID: ids[$0.1]!) },
            associations: [("x1", "my_pipeline"), ("x2", "run2"), ("x4", "run1")].map { Association(executionID: ids[$0.0]!, contextID: ids[$0.1]!) })
        try store.putEvents([
            Event(artifactID: ids["d1"], executionID: ids["x1"], type: .input),
            Event(artifactID: ids["m5"], executionID: ids["x1"], type: .output),
            Event(artifactID: ids["d2"], executionID: ids["x2"], type: .output),
        ])
    }

    func names(_ nodes: [some Node]) -> [String] { nodes.compactMap(\.name).sorted() }
}

/// The reference's lineage example graph (mlmd-semantics.md §4.1):
/// a_0→e_0; a_1, a_3→e_1; a_3→e_3→a_4, a_5; a_2, a_4→e_2.
struct LineageDataset {
    let fixture: StoreFixture
    var store: MetadataStore { fixture.store }

    init() throws {
        fixture = try StoreFixture("lineage")
        let store = fixture.store
        let types = try store.putTypes(artifactTypes: [ArtifactType(name: "A")], executionTypes: [ExecutionType(name: "E")])
        let artifacts = (0...5).map { Artifact(typeID: types.artifactTypeIDs[0], name: "a_\($0)") }
        let a = try store.putArtifacts(artifacts)
        let e = try store.putExecutions((0...3).map { Execution(typeID: types.executionTypeIDs[0], name: "e_\($0)") })
        try store.putEvents([
            Event(artifactID: a[0], executionID: e[0], type: .input),
            Event(artifactID: a[1], executionID: e[1], type: .input),
            Event(artifactID: a[3], executionID: e[1], type: .input),
            Event(artifactID: a[3], executionID: e[3], type: .input),
            Event(artifactID: a[4], executionID: e[3], type: .output),
            Event(artifactID: a[5], executionID: e[3], type: .output),
            Event(artifactID: a[2], executionID: e[2], type: .input),
            Event(artifactID: a[4], executionID: e[2], type: .input),
        ])
    }
}
