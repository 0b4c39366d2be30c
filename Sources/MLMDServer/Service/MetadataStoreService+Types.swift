import GRPCCore
import MLMDServiceProtocol
import MLMDWire
import MLMetadata

// The type calls: put (one kind or all three), get by name, by id, by external id, all.

/// The options every type put request has (`PutArtifactType`, `PutExecutionType`, `PutContextType`, `PutTypes`).
protocol WireTypePutRequest {
    var canAddFields: Bool { get }
    var canOmitFields: Bool { get }
    var canDeleteFields: Bool { get }
    var allFieldsMatch: Bool { get }
    var hasAllFieldsMatch: Bool { get }
}

extension MlMetadata_PutArtifactTypeRequest: WireTypePutRequest {}
extension MlMetadata_PutExecutionTypeRequest: WireTypePutRequest {}
extension MlMetadata_PutContextTypeRequest: WireTypePutRequest {}
extension MlMetadata_PutTypesRequest: WireTypePutRequest {}

/// The options of a type put, checked as MLMD checks them.
private struct TypePutOptions: Sendable {
    var canAddFields: Bool
    var canOmitFields: Bool

    init(_ request: some WireTypePutRequest) throws(StoreError) {
        // Both are deprecated in MLMD, which refuses them the same way.
        if request.canDeleteFields { throw StoreError(.unimplemented, "Deleting fields is not supported", field: "can_delete_fields") }
        if request.hasAllFieldsMatch && !request.allFieldsMatch {
            throw StoreError(.unimplemented, "Must match all fields.", field: "all_fields_match")
        }
        canAddFields = request.canAddFields
        canOmitFields = request.canOmitFields
    }
}

extension MetadataStoreService {
    public func putArtifactType(request: MlMetadata_PutArtifactTypeRequest, context: ServerContext) async throws
        -> MlMetadata_PutArtifactTypeResponse {
        let options = try TypePutOptions(request)
        let type = try ArtifactType(wire: request.artifactType, field: "artifact_type")
        var response = MlMetadata_PutArtifactTypeResponse()
        response.typeID = try await write { try $0.putArtifactType(type, canAddFields: options.canAddFields, canOmitFields: options.canOmitFields) }
        return response
    }

    public func putExecutionType(request: MlMetadata_PutExecutionTypeRequest, context: ServerContext) async throws
        -> MlMetadata_PutExecutionTypeResponse {
        let options = try TypePutOptions(request)
        let type = try ExecutionType(executionWire: request.executionType, field: "execution_type")
        var response = MlMetadata_PutExecutionTypeResponse()
        response.typeID = try await write { try $0.putExecutionType(type, canAddFields: options.canAddFields, canOmitFields: options.canOmitFields) }
        return response
    }

    public func putContextType(request: MlMetadata_PutContextTypeRequest, context: ServerContext) async throws
        -> MlMetadata_PutContextTypeResponse {
        let options = try TypePutOptions(request)
        let type = try ContextType(wire: request.contextType, field: "context_type")
        var response = MlMetadata_PutContextTypeResponse()
        response.typeID = try await write { try $0.putContextType(type, canAddFields: options.canAddFields, canOmitFields: options.canOmitFields) }
        return response
    }

    public func putTypes(request: MlMetadata_PutTypesRequest, context: ServerContext) async throws -> MlMetadata_PutTypesResponse {
        let options = try TypePutOptions(request)
        let artifactTypes = try modelBatch(request.artifactTypes, field: "artifact_types") { wire, field throws(StoreError) in
            try ArtifactType(wire: wire, field: field)
        }
        let executionTypes = try modelBatch(request.executionTypes, field: "execution_types") { wire, field throws(StoreError) in
            try ExecutionType(executionWire: wire, field: field)
        }
        let contextTypes = try modelBatch(request.contextTypes, field: "context_types") { wire, field throws(StoreError) in
            try ContextType(wire: wire, field: field)
        }
        let ids = try await write {
            try $0.putTypes(artifactTypes: artifactTypes, executionTypes: executionTypes, contextTypes: contextTypes,
                            canAddFields: options.canAddFields, canOmitFields: options.canOmitFields)
        }
        var response = MlMetadata_PutTypesResponse()
        response.artifactTypeIds = ids.artifactTypeIDs
        response.executionTypeIds = ids.executionTypeIDs
        response.contextTypeIds = ids.contextTypeIDs
        return response
    }

    // MARK: By name

    public func getArtifactType(request: MlMetadata_GetArtifactTypeRequest, context: ServerContext) async throws
        -> MlMetadata_GetArtifactTypeResponse {
        let (name, version) = (request.typeName, typeVersion(request.hasTypeVersion, request.typeVersion))
        var response = MlMetadata_GetArtifactTypeResponse()
        response.artifactType = try await read { try $0.getArtifactType(name, version: version) }.wire
        return response
    }

    public func getExecutionType(request: MlMetadata_GetExecutionTypeRequest, context: ServerContext) async throws
        -> MlMetadata_GetExecutionTypeResponse {
        let (name, version) = (request.typeName, typeVersion(request.hasTypeVersion, request.typeVersion))
        var response = MlMetadata_GetExecutionTypeResponse()
        response.executionType = try await read { try $0.getExecutionType(name, version: version) }.wire
        return response
    }

    public func getContextType(request: MlMetadata_GetContextTypeRequest, context: ServerContext) async throws
        -> MlMetadata_GetContextTypeResponse {
        let (name, version) = (request.typeName, typeVersion(request.hasTypeVersion, request.typeVersion))
        var response = MlMetadata_GetContextTypeResponse()
        response.contextType = try await read { try $0.getContextType(name, version: version) }.wire
        return response
    }

    // MARK: By id

    public func getArtifactTypesByID(request: MlMetadata_GetArtifactTypesByIDRequest, context: ServerContext) async throws
        -> MlMetadata_GetArtifactTypesByIDResponse {
        let ids = request.typeIds
        var response = MlMetadata_GetArtifactTypesByIDResponse()
        response.artifactTypes = try await read { try $0.getArtifactTypesByID(ids) }.map(\.wire)
        return response
    }

    public func getExecutionTypesByID(request: MlMetadata_GetExecutionTypesByIDRequest, context: ServerContext) async throws
        -> MlMetadata_GetExecutionTypesByIDResponse {
        let ids = request.typeIds
        var response = MlMetadata_GetExecutionTypesByIDResponse()
        response.executionTypes = try await read { try $0.getExecutionTypesByID(ids) }.map(\.wire)
        return response
    }

    public func getContextTypesByID(request: MlMetadata_GetContextTypesByIDRequest, context: ServerContext) async throws
        -> MlMetadata_GetContextTypesByIDResponse {
        let ids = request.typeIds
        var response = MlMetadata_GetContextTypesByIDResponse()
        response.contextTypes = try await read { try $0.getContextTypesByID(ids) }.map(\.wire)
        return response
    }

    // MARK: All

    public func getArtifactTypes(request: MlMetadata_GetArtifactTypesRequest, context: ServerContext) async throws
        -> MlMetadata_GetArtifactTypesResponse {
        var response = MlMetadata_GetArtifactTypesResponse()
        response.artifactTypes = try await read { try $0.getArtifactTypes() }.map(\.wire)
        return response
    }

    public func getExecutionTypes(request: MlMetadata_GetExecutionTypesRequest, context: ServerContext) async throws
        -> MlMetadata_GetExecutionTypesResponse {
        var response = MlMetadata_GetExecutionTypesResponse()
        response.executionTypes = try await read { try $0.getExecutionTypes() }.map(\.wire)
        return response
    }

    public func getContextTypes(request: MlMetadata_GetContextTypesRequest, context: ServerContext) async throws
        -> MlMetadata_GetContextTypesResponse {
        var response = MlMetadata_GetContextTypesResponse()
        response.contextTypes = try await read { try $0.getContextTypes() }.map(\.wire)
        return response
    }

    // MARK: By external id

    public func getArtifactTypesByExternalIds(request: MlMetadata_GetArtifactTypesByExternalIdsRequest, context: ServerContext)
        async throws -> MlMetadata_GetArtifactTypesByExternalIdsResponse {
        let ids = request.externalIds
        var response = MlMetadata_GetArtifactTypesByExternalIdsResponse()
        response.artifactTypes = try await read { try $0.getArtifactTypesByExternalIDs(ids) }.map(\.wire)
        return response
    }

    public func getExecutionTypesByExternalIds(request: MlMetadata_GetExecutionTypesByExternalIdsRequest, context: ServerContext)
        async throws -> MlMetadata_GetExecutionTypesByExternalIdsResponse {
        let ids = request.externalIds
        var response = MlMetadata_GetExecutionTypesByExternalIdsResponse()
        response.executionTypes = try await read { try $0.getExecutionTypesByExternalIDs(ids) }.map(\.wire)
        return response
    }

    public func getContextTypesByExternalIds(request: MlMetadata_GetContextTypesByExternalIdsRequest, context: ServerContext)
        async throws -> MlMetadata_GetContextTypesByExternalIdsResponse {
        let ids = request.externalIds
        var response = MlMetadata_GetContextTypesByExternalIdsResponse()
        response.contextTypes = try await read { try $0.getContextTypesByExternalIDs(ids) }.map(\.wire)
        return response
    }
}
