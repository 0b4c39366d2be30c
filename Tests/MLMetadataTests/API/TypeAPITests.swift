import Testing
@testable import MLMetadata

@Suite struct TypeAPITests {
    @Test func puttingTheSameTypeAgainReturnsItsIDAndChangesNothing() throws {
        let fixture = try StoreFixture()
        let type = ArtifactType(name: "Examples", properties: ["span": .int])
        let id = try fixture.store.putArtifactType(type)
        let before = fixture.snapshot()
        #expect(try fixture.store.putArtifactType(type) == id)
        #expect(fixture.snapshot() == before)
        #expect(try fixture.store.getArtifactType("Examples").properties == ["span": .int])
    }

    @Test func incompatibleRedefinitionsAreAlreadyExists() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        try store.putArtifactType(ArtifactType(name: "E", properties: ["a": .int, "b": .string]))
        expectStoreError(.alreadyExists, "Conflicting property value type for 'a'") {
            try store.putArtifactType(ArtifactType(name: "E", properties: ["a": .double, "b": .string]))
        }
        expectStoreError(.alreadyExists, "can_add_fields is false") {
            try store.putArtifactType(ArtifactType(name: "E", properties: ["a": .int, "b": .string, "c": .int]))
        }
        expectStoreError(.alreadyExists, "can_omit_fields is false") {
            try store.putArtifactType(ArtifactType(name: "E", properties: ["a": .int]))
        }
    }

    @Test func canAddAndCanOmitFields() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let id = try store.putArtifactType(ArtifactType(name: "E", properties: ["a": .int]))
        #expect(try store.putArtifactType(ArtifactType(name: "E", properties: ["a": .int, "c": .boolean]), canAddFields: true) == id)
        #expect(try store.putArtifactType(ArtifactType(name: "E", properties: ["c": .boolean]), canOmitFields: true) == id)
        #expect(try store.getArtifactType("E").properties == ["a": .int, "c": .boolean])
    }

    @Test func descriptionAndVersionOfAStoredTypeAreNotUpdated() throws {
        let fixture = try StoreFixture()
        try fixture.store.putArtifactType(ArtifactType(name: "E", description: "first"))
        try fixture.store.putArtifactType(ArtifactType(name: "E", description: "second"))
        #expect(try fixture.store.getArtifactType("E").description == "first")
    }

    @Test func baseTypeCanBeSetOnceButNotChanged() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        try store.putArtifactType(ArtifactType(name: "F"))
        try store.putArtifactType(ArtifactType(name: "F", baseType: .model))
        #expect(try store.getArtifactType("F").baseType == .model)
        try store.putArtifactType(ArtifactType(name: "F"))
        #expect(try store.getArtifactType("F").baseType == .model)
        expectStoreError(.unimplemented, "base_type update is not supported") {
            try store.putArtifactType(ArtifactType(name: "F", baseType: .dataset))
        }
    }

    @Test func missingNameAndUnknownPropertyTypeAreInvalid() throws {
        let fixture = try StoreFixture()
        expectStoreError(.invalidArgument, "No type name is specified.") { try fixture.store.putContextType(ContextType(name: "")) }
        expectStoreError(.invalidArgument, "Property x is UNKNOWN.") {
            try fixture.store.putContextType(ContextType(name: "C", properties: ["x": .unknown]))
        }
    }

    @Test func versionsAreSeparateTypesAndEmptyVersionMeansNone() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let plain = try store.putExecutionType(ExecutionType(name: "T"))
        let v2 = try store.putExecutionType(ExecutionType(name: "T", version: "2", properties: ["p": .int]))
        #expect(plain != v2)
        #expect(try store.putExecutionType(ExecutionType(name: "T", version: "")) == plain)
        #expect(try store.getExecutionType("T", version: "2").properties == ["p": .int])
        #expect(fixture.directory.files(excluding: ".mlmd").contains("types/execution/T@2.json"))
    }

    @Test func sameNameAcrossKindsIsAllowedButExternalIDsAreUniqueAcrossAllTypes() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        try store.putArtifactType(ArtifactType(name: "H", externalID: "x"))
        try store.putExecutionType(ExecutionType(name: "H"))
        expectStoreError(.alreadyExists, "external_id 'x' already belongs to ArtifactType 'H'") {
            try store.putContextType(ContextType(name: "K", externalID: "x"))
        }
        #expect(try store.getArtifactTypesByExternalIDs(["x"]).map(\.name) == ["H"])
    }

    @Test func namesDifferingOnlyInCaseWouldCollideOnDisk() throws {
        let fixture = try StoreFixture()
        try fixture.store.putArtifactType(ArtifactType(name: "Model"))
        expectStoreError(.alreadyExists, "case-insensitive") { try fixture.store.putArtifactType(ArtifactType(name: "model")) }
    }

    @Test func putTypesIsAllOrNothing() throws {
        let fixture = try StoreFixture()
        expectStoreError(.invalidArgument, "UNKNOWN") {
            try fixture.store.putTypes(artifactTypes: [ArtifactType(name: "Good")],
                                       contextTypes: [ContextType(name: "Bad", properties: ["p": .unknown])])
        }
        #expect(try fixture.store.getArtifactTypes().isEmpty)
        #expect(fixture.directory.files(excluding: ".mlmd").allSatisfy { !$0.hasPrefix("types/") })
    }

    @Test func typeReadsFollowMLMD() throws {
        let fixture = try StoreFixture()
        let ids = try TypeIDs(fixture.store)
        expectStoreError(.notFound, "No type found for query, name: `Nope`") { _ = try fixture.store.getArtifactType("Nope") }
        #expect(try fixture.store.getArtifactTypesByID([ids.model, 999, ids.trainer]).map(\.name) == ["Model"])
        #expect(try Set(fixture.store.getArtifactTypes().map(\.name)) == ["Dataset", "Model"])
        expectStoreError(.invalidArgument, "empty") { _ = try fixture.store.getContextTypesByExternalIDs([""]) }
        expectStoreError(.notFound, "No ContextType found") { _ = try fixture.store.getContextTypesByExternalIDs(["nope"]) }
    }

    @Test func typeIDsAreTheSameOnEveryClone() throws {
        let first = try StoreFixture("clone1")
        let second = try StoreFixture("clone2", start: 1_800_000_000_000)
        #expect(try TypeIDs(first.store).model == TypeIDs(second.store).model)
        #expect(first.snapshot().filter { $0.key.hasPrefix("types/") } == second.snapshot().filter { $0.key.hasPrefix("types/") })
    }
}
