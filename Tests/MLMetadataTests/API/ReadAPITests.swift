import Testing
@testable import MLMetadata

@Suite struct ReadAPITests {
    @Test func readsFollowMLMDsEmptyNotFoundAndOrderRules() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let store = fixture.store
        let ids = try store.putArtifacts([
            Artifact(typeID: types.dataset, name: "d1", uri: "gs://x", externalID: "e1"),
            Artifact(typeID: types.dataset, name: "d2", uri: "gs://x"),
            Artifact(typeID: types.model, name: "m", uri: "gs://y", externalID: "e2"),
        ])
        #expect(try store.getArtifactsByID([ids[2], 999, ids[0]]).map(\.id!) == [ids[0], ids[2]].sorted())
        #expect(try store.getArtifactsByType("Dataset").map(\.name!) == ["d1", "d2"].sorted { ids[$0 == "d1" ? 0 : 1] < ids[$1 == "d1" ? 0 : 1] })
        #expect(try store.getArtifactsByType("Nope").isEmpty)
        #expect(try store.getArtifactByTypeAndName("Dataset", "d2")?.id == ids[1])
        #expect(try store.getArtifactByTypeAndName("Dataset", "zz") == nil)
        #expect(try store.getArtifactByTypeAndName("Nope", "d2") == nil)
        #expect(try store.getArtifactsByURI("gs://x").count == 2)
        #expect(try store.getArtifactsByURI(["gs://x", "gs://y"]).count == 3)
        #expect(try store.getArtifactsByExternalIDs(["e2", "zz"]).map(\.id!) == [ids[2]])
        expectStoreError(.notFound, "No Artifact found") { _ = try store.getArtifactsByExternalIDs(["zz"]) }
        expectStoreError(.invalidArgument, "empty") { _ = try store.getArtifactsByExternalIDs(["e1", ""]) }
        let (artifacts, artifactTypes) = try store.getArtifactsAndTypesByArtifactIDs(ids)
        #expect(artifacts.count == 3)
        #expect(Set(artifactTypes.map(\.name)) == ["Dataset", "Model"])
        #expect(try store.getArtifacts().count == 3)
    }

    @Test func aReopenedStoreReadsTheSameAndARebuiltIndexToo() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let result = try fixture.store.putExecution(
            Execution(typeID: types.trainer, name: "t", lastKnownState: .complete),
            artifactsAndEvents: [ArtifactAndEvent(Artifact(typeID: types.model, name: "m"), .output, path: [.key("model")])],
            contexts: [Context(typeID: types.pipeline, name: "p")])
        struct Summary: Equatable {
            var artifacts: [Artifact], executions: [Execution], contexts: [Context], events: [Event]
            var inContext: [Artifact], types: [ArtifactType]
        }
        func summary(_ store: MetadataStore) throws -> Summary {
            Summary(artifacts: try store.getArtifacts(), executions: try store.getExecutions(), contexts: try store.getContexts(),
                    events: try store.getEventsByExecutionIDs([result.executionID]),
                    inContext: try store.getArtifactsByContext(result.contextIDs[0]), types: try store.getArtifactTypes())
        }
        let expected = try summary(fixture.store)
        #expect(try summary(fixture.reopen()) == expected)
        try FileSystem.remove(fixture.directory.file(".mlmd/index.sqlite"))
        try? FileSystem.remove(fixture.directory.file(".mlmd/index.sqlite-wal"))
        try? FileSystem.remove(fixture.directory.file(".mlmd/index.sqlite-shm"))
        let rebuilt = try fixture.reopen()
        #expect(try rebuilt.problems.isEmpty)
        #expect(try summary(rebuilt) == expected)
    }
}
