import Testing
@testable import MLMetadata

@Suite struct NodeAPITests {
    @Test func insertsReturnIDsInOrderAndReadsFillTheTypeAndURI() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let ids = try fixture.store.putArtifacts([
            Artifact(typeID: types.dataset, name: "d1", properties: ["span": 1]),
            Artifact(typeID: types.model, uri: "gs://m", customProperties: ["note": "x"]),
        ])
        let read = try fixture.store.getArtifactsByID(ids.reversed())
        #expect(read.map(\.id) == ids.sorted().map(Optional.some))
        let dataset = try #require(read.first { $0.id == ids[0] })
        #expect(dataset.type == "Dataset")
        #expect(dataset.uri == "")  // unset uri reads back as '', as in MLMD
        #expect(dataset.state == nil)
        #expect(dataset.createTimeSinceEpoch == dataset.lastUpdateTimeSinceEpoch)
    }

    @Test func typeIsRequiredAndMustExist() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        expectStoreError(.invalidArgument, "Type id is missing.") { try fixture.store.putArtifacts([Artifact()]) }
        expectStoreError(.notFound, "Cannot find type for type_id: 999") { try fixture.store.putArtifacts([Artifact(typeID: 999)]) }
        // An execution type's id is not an artifact type.
        expectStoreError(.notFound, "Cannot find type for type_id") { try fixture.store.putArtifacts([Artifact(typeID: types.trainer)]) }
        // Naming the type instead of giving its id is a convenience MLMD lacks.
        #expect(try fixture.store.putArtifacts([Artifact(type: "Model")]).count == 1)
    }

    @Test func propertiesMustBeDeclaredWithTheirKind() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        expectStoreError(.invalidArgument, "properties.span: Found unmatched property type") {
            try fixture.store.putArtifacts([Artifact(typeID: types.dataset, properties: ["span": "one"])])
        }
        expectStoreError(.invalidArgument, "properties.undeclared: Found unknown property") {
            try fixture.store.putArtifacts([Artifact(typeID: types.dataset, properties: ["undeclared": 1])])
        }
        // Anything goes in custom properties.
        #expect(try fixture.store.putArtifacts([Artifact(typeID: types.dataset, customProperties: ["undeclared": 1])]).count == 1)
    }

    @Test func namesAreUniqueWithinATypeAndABatchIsAllOrNothing() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        expectStoreError(.alreadyExists, "Given node already exists") {
            try fixture.store.putArtifacts([Artifact(typeID: types.dataset, name: "n"), Artifact(typeID: types.dataset, name: "n")])
        }
        #expect(try fixture.store.getArtifacts().isEmpty)
        #expect(fixture.directory.files(excluding: ".mlmd").allSatisfy { !$0.hasPrefix("artifacts/") })
        // The same name under another type is fine.
        #expect(try fixture.store.putArtifacts([Artifact(typeID: types.dataset, name: "n"), Artifact(typeID: types.model, name: "n")]).count == 2)
    }

    @Test func externalIDsAreUniqueWithinAKindAndEmptyCounts() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        try fixture.store.putArtifacts([Artifact(typeID: types.dataset, externalID: "")])
        expectStoreError(.alreadyExists, "external_id ''") { try fixture.store.putArtifacts([Artifact(typeID: types.model, externalID: "")]) }
        // The same external id on an execution is fine.
        #expect(try fixture.store.putExecutions([Execution(typeID: types.trainer, externalID: "")]).count == 1)
    }

    @Test func wholeUpdateReplacesTheNodeButKeepsArtifactNames() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let store = fixture.store
        let id = try store.putArtifacts([Artifact(typeID: types.dataset, name: "a1", uri: "u", properties: ["span": 1],
                                                  customProperties: ["k": "v"])])[0]
        try store.putArtifacts([Artifact(id: id, name: "renamed", properties: ["span": 2])])
        let updated = try #require(try store.getArtifactsByID([id]).first)
        #expect(updated.name == "a1")  // silently kept, as MLMD does
        #expect(updated.uri == "")
        #expect(updated.properties == ["span": 2])
        #expect(updated.customProperties.isEmpty)
        #expect(updated.lastUpdateTimeSinceEpoch! > updated.createTimeSinceEpoch!)
    }

    @Test func contextsCanBeRenamedButNotToATakenName() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let ids = try fixture.store.putContexts([Context(typeID: types.pipeline, name: "k1"), Context(typeID: types.pipeline, name: "k2")])
        try fixture.store.putContexts([Context(id: ids[0], typeID: types.pipeline, name: "k0")])
        #expect(try fixture.store.getContextsByID([ids[0]]).first?.name == "k0")
        expectStoreError(.alreadyExists, "already named 'k2'") {
            try fixture.store.putContexts([Context(id: ids[0], typeID: types.pipeline, name: "k2")])
        }
        expectStoreError(.invalidArgument, "Context name should not be empty") {
            try fixture.store.putContexts([Context(typeID: types.pipeline)])
        }
    }

    @Test func updatesNeedAKnownIDAndTheSameType() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let id = try fixture.store.putArtifacts([Artifact(typeID: types.dataset)])[0]
        expectStoreError(.invalidArgument, "Cannot find the given id 999") { try fixture.store.putArtifacts([Artifact(id: 999)]) }
        expectStoreError(.invalidArgument, "is different from the one known before") {
            try fixture.store.putArtifacts([Artifact(id: id, typeID: types.model)])
        }
    }

    @Test func maskedUpdatesTouchOnlyTheListedPaths() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let store = fixture.store
        let id = try store.putArtifacts([Artifact(typeID: types.dataset, uri: "u", state: .pending, properties: ["span": 1, "split": "train"],
                                                  customProperties: ["a": 1, "b": 2])])[0]
        try store.putArtifacts([Artifact(id: id, uri: "ignored", state: .live, properties: ["span": 5], customProperties: ["c": 3])],
                               fieldMask: ["state", "properties.span", "custom_properties.a", "custom_properties.c", "no_such_path"])
        let updated = try #require(try store.getArtifactsByID([id]).first)
        #expect(updated.uri == "u")
        #expect(updated.state == .live)
        #expect(updated.properties == ["span": 5, "split": "train"])
        #expect(updated.customProperties == ["b": 2, "c": 3])  // custom_properties.a absent from the message: deleted
    }

    @Test func aNoOpUpdateWritesNothingUnlessTheTimeIsForced() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let store = fixture.store
        let id = try store.putExecutions([Execution(typeID: types.trainer, lastKnownState: .running)])[0]
        let stored = try #require(try store.getExecutionsByID([id]).first)
        let before = fixture.snapshot()
        try store.putExecutions([stored])
        #expect(fixture.snapshot() == before)
        #expect(try store.getExecutionsByID([id]).first?.lastUpdateTimeSinceEpoch == stored.lastUpdateTimeSinceEpoch)
        _ = try store.putExecution(stored, options: PutExecutionOptions(forceUpdateTime: true))
        #expect(try store.getExecutionsByID([id]).first!.lastUpdateTimeSinceEpoch! > stored.lastUpdateTimeSinceEpoch!)
    }

    @Test func optimisticConcurrencyChecksTheUpdateTime() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let store = fixture.store
        let id = try store.putArtifacts([Artifact(typeID: types.model, uri: "a")])[0]
        var stale = try #require(try store.getArtifactsByID([id]).first)
        try store.putArtifacts([Artifact(id: id, uri: "b")])
        stale.uri = "c"
        expectStoreError(.failedPrecondition, "abort_if_latest_updated_time_changed") {
            try store.putArtifacts([stale], abortIfLatestUpdatedTimeChanged: true)
        }
        let fresh = try #require(try store.getArtifactsByID([id]).first)
        var next = fresh
        next.uri = "d"
        try store.putArtifacts([next], abortIfLatestUpdatedTimeChanged: true)
        #expect(try store.getArtifactsByID([id]).first?.uri == "d")
    }

    @Test func unsetStateAndUnknownStateStayDistinct() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let ids = try fixture.store.putArtifacts([Artifact(typeID: types.model), Artifact(typeID: types.model, state: .unknown)])
        let read = try fixture.store.getArtifactsByID(ids)
        #expect(read.first { $0.id == ids[0] }?.state == nil)
        #expect(read.first { $0.id == ids[1] }?.state == .unknown)
    }

    @Test func structProtoAndBoolValuesRoundTrip() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let custom: [String: Value] = [
            "s": .struct(["nested": ["list": [1.5, "x", nil, false]]]),
            "p": .proto(ProtoAny(typeURL: "type.googleapis.com/x.Y", value: .init([0, 255, 7]))),
            "b": false, "big": .int(.max), "small": .double(-1e-300),
        ]
        let id = try fixture.store.putArtifacts([Artifact(typeID: types.model, customProperties: custom)])[0]
        #expect(try fixture.reopen().getArtifactsByID([id]).first?.customProperties == custom)
    }
}
