import Testing
@testable import MLMetadata

@Suite struct PutExecutionTests {
    @Test func recordsExecutionArtifactsEventsAndLinks() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let store = fixture.store
        let input = try store.putArtifacts([Artifact(typeID: types.dataset, uri: "in")])[0]
        let result = try store.putExecution(
            Execution(typeID: types.trainer, lastKnownState: .complete, properties: ["steps": 10]),
            artifactsAndEvents: [
                ArtifactAndEvent(artifact: nil, event: Event(artifactID: input, type: .input)),
                ArtifactAndEvent(Artifact(typeID: types.model, uri: "out"), .output, path: [.key("model"), .index(0)]),
                ArtifactAndEvent(artifact: nil, event: nil),
            ],
            contexts: [Context(typeID: types.pipeline, name: "p"), Context(typeID: types.run, name: "r1", properties: ["number": 1])])
        #expect(result.artifactIDs.count == 3)
        #expect(result.artifactIDs[0] == input)
        #expect(result.artifactIDs[2] == -1)
        let events = try store.getEventsByExecutionIDs([result.executionID])
        #expect(Set(events.map(\.artifactID!)) == [input, result.artifactIDs[1]])
        #expect(events.first { $0.type == .output }?.path == [.key("model"), .index(0)])
        #expect(events.allSatisfy { $0.millisecondsSinceEpoch != nil })
        for contextID in result.contextIDs {
            #expect(Set(try store.getArtifactsByContext(contextID).map(\.id!)) == [input, result.artifactIDs[1]])
            #expect(try store.getExecutionsByContext(contextID).map(\.id!) == [result.executionID])
        }
        #expect(try store.getContextsByArtifact(input).count == 2)
        #expect(try store.getContextsByExecution(result.executionID).count == 2)
    }

    @Test func aFailingPartRollsBackTheWholeCall() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let before = fixture.snapshot()
        expectStoreError(.invalidArgument, "contexts[1]: Context name should not be empty") {
            _ = try fixture.store.putExecution(
                Execution(typeID: types.trainer),
                artifactsAndEvents: [ArtifactAndEvent(Artifact(typeID: types.model), .output)],
                contexts: [Context(typeID: types.pipeline, name: "p"), Context(typeID: types.run)])
        }
        #expect(fixture.snapshot() == before)
        #expect(try fixture.store.getArtifacts().isEmpty)
        #expect(try fixture.store.getExecutions().isEmpty)
        #expect(try fixture.store.getContexts().isEmpty)
    }

    @Test func eventsMustAlignWithTheirArtifact() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let id = try fixture.store.putArtifacts([Artifact(typeID: types.model)])[0]
        expectStoreError(.invalidArgument, "not aligned") {
            _ = try fixture.store.putExecution(Execution(typeID: types.trainer), artifactsAndEvents: [
                ArtifactAndEvent(artifact: Artifact(id: id, typeID: types.model), event: Event(artifactID: id + 1, type: .input)),
            ])
        }
        // Unlike MLMD, an event-only pair must name an existing artifact.
        expectStoreError(.invalidArgument, "No artifact with the given id 424242") {
            _ = try fixture.store.putExecution(Execution(typeID: types.trainer), artifactsAndEvents: [
                ArtifactAndEvent(artifact: nil, event: Event(artifactID: 424_242, type: .input)),
            ])
        }
        expectStoreError(.invalidArgument, "No event type is specified.") {
            _ = try fixture.store.putExecution(Execution(typeID: types.trainer), artifactsAndEvents: [
                ArtifactAndEvent(artifact: Artifact(typeID: types.model), event: Event(type: nil)),
            ])
        }
    }

    @Test func contextsAreReusedOnlyWhenAsked() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let store = fixture.store
        let first = try store.putExecution(Execution(typeID: types.trainer), contexts: [Context(typeID: types.pipeline, name: "p",
                                                                                               customProperties: ["v": 1])])
        expectStoreError(.alreadyExists, "Given node already exists") {
            _ = try store.putExecution(Execution(typeID: types.trainer), contexts: [Context(typeID: types.pipeline, name: "p")])
        }
        let reused = try store.putExecution(Execution(typeID: types.trainer),
                                            contexts: [Context(typeID: types.pipeline, name: "p", customProperties: ["v": 2])],
                                            options: PutExecutionOptions(reuseContextIfAlreadyExist: true))
        #expect(reused.contextIDs == first.contextIDs)
        #expect(try store.getContextsByID(first.contextIDs).first?.customProperties == ["v": 1])  // not updated
        #expect(try store.getExecutionsByContext(first.contextIDs[0]).count == 2)
    }

    @Test func forceReuseContextOnlyChecksExistence() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let store = fixture.store
        let id = try store.putContexts([Context(typeID: types.pipeline, name: "p")])[0]
        let result = try store.putExecution(Execution(typeID: types.trainer), contexts: [Context(id: id, typeID: types.pipeline, name: "zzz")],
                                            options: PutExecutionOptions(forceReuseContext: true))
        #expect(result.contextIDs == [id])
        #expect(try store.getContextsByID([id]).first?.name == "p")
        expectStoreError(.notFound, "Results missing for ids: {999}") {
            _ = try store.putExecution(Execution(typeID: types.trainer), contexts: [Context(id: 999, typeID: types.pipeline, name: "x")],
                                       options: PutExecutionOptions(forceReuseContext: true))
        }
    }

    @Test func artifactsAreReusedByExternalIDAndUpdatedAsAWhole() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let store = fixture.store
        let id = try store.putArtifacts([Artifact(typeID: types.model, uri: "orig", externalID: "ext1", customProperties: ["k": 1])])[0]
        let result = try store.putExecution(Execution(typeID: types.trainer), artifactsAndEvents: [
            ArtifactAndEvent(Artifact(typeID: types.model, uri: "new", externalID: "ext1"), .output),
        ], options: PutExecutionOptions(reuseArtifactIfAlreadyExistByExternalID: true))
        #expect(result.artifactIDs == [id])
        let artifact = try #require(try store.getArtifactsByID([id]).first)
        #expect(artifact.uri == "new")
        #expect(artifact.customProperties.isEmpty)
    }

    @Test func duplicateEventsAreAlreadyExists() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let store = fixture.store
        let artifact = try store.putArtifacts([Artifact(typeID: types.model)])[0]
        let first = try store.putExecution(Execution(typeID: types.trainer), artifactsAndEvents: [
            ArtifactAndEvent(artifact: nil, event: Event(artifactID: artifact, type: .input)),
        ])
        expectStoreError(.alreadyExists, "Given event already exists") {
            _ = try store.putExecution(Execution(id: first.executionID, typeID: types.trainer), artifactsAndEvents: [
                ArtifactAndEvent(artifact: nil, event: Event(artifactID: artifact, type: .input)),
            ])
        }
        // Another type between the same pair is fine.
        _ = try store.putExecution(Execution(id: first.executionID, typeID: types.trainer), artifactsAndEvents: [
            ArtifactAndEvent(artifact: nil, event: Event(artifactID: artifact, type: .output)),
        ])
        #expect(try store.getEventsByArtifactIDs([artifact]).count == 2)
    }

    @Test func lineageSubgraphChecksIndexesAndLinksEverything() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let store = fixture.store
        expectStoreError(.outOfRange, "artifact_index 5 that is outside the bounds of the request's artifacts list, [0, 1)") {
            _ = try store.putLineageSubgraph(executions: [Execution(typeID: types.trainer)], artifacts: [Artifact(typeID: types.model)],
                                             contexts: [], eventEdges: [EventEdge(executionIndex: 0, artifactIndex: 5, event: Event(type: .output))])
        }
        expectStoreError(.outOfRange, "execution_index 3") {
            _ = try store.putLineageSubgraph(executions: [Execution(typeID: types.trainer)], artifacts: [Artifact(typeID: types.model)],
                                             contexts: [], eventEdges: [EventEdge(executionIndex: 3, artifactIndex: 0, event: Event(type: .output))])
        }
        let ids = try store.putLineageSubgraph(
            executions: [Execution(typeID: types.trainer), Execution(typeID: types.trainer)],
            artifacts: [Artifact(typeID: types.dataset), Artifact(typeID: types.model)],
            contexts: [Context(typeID: types.pipeline, name: "L")],
            eventEdges: [EventEdge(executionIndex: 0, artifactIndex: 0, event: Event(type: .input)),
                         EventEdge(executionIndex: 0, artifactIndex: 1, event: Event(type: .output))])
        #expect(try store.getArtifactsByContext(ids.contextIDs[0]).count == 2)
        #expect(try store.getExecutionsByContext(ids.contextIDs[0]).count == 2)
        #expect(try store.getEventsByExecutionIDs([ids.executionIDs[0]]).count == 2)
        expectStoreError(.alreadyExists, "already exists") {
            _ = try store.putLineageSubgraph(executions: [], artifacts: [], contexts: [Context(typeID: types.pipeline, name: "L")], eventEdges: [])
        }
        let reused = try store.putLineageSubgraph(executions: [], artifacts: [], contexts: [Context(typeID: types.pipeline, name: "L")],
                                                  eventEdges: [], options: PutExecutionOptions(reuseContextIfAlreadyExist: true))
        #expect(reused.contextIDs == ids.contextIDs)
    }
}
