import GRPCCore
import MLMDServiceProtocol
import MLMDWire
import MLMetadata

// The calls that read nodes and edges. A listing call without `options` returns every match in
// one response, as MLMD does; with options it is one page (20 by default) and a token.
// The eight listing responses share one shape (``ListingResponse``), so one function fills them.

/// A listing call's response: one page of nodes and the token of the next.
protocol ListingResponse: Sendable {
    associatedtype WireNode
    init()
    var nodes: [WireNode] { get set }
    var nextPageToken: String { get set }
}

extension MlMetadata_GetArtifactsResponse: ListingResponse { var nodes: [MlMetadata_Artifact] { get { artifacts } set { artifacts = newValue } } }
extension MlMetadata_GetArtifactsByTypeResponse: ListingResponse { var nodes: [MlMetadata_Artifact] { get { artifacts } set { artifacts = newValue } } }
extension MlMetadata_GetArtifactsByContextResponse: ListingResponse { var nodes: [MlMetadata_Artifact] { get { artifacts } set { artifacts = newValue } } }
extension MlMetadata_GetExecutionsResponse: ListingResponse { var nodes: [MlMetadata_Execution] { get { executions } set { executions = newValue } } }
extension MlMetadata_GetExecutionsByTypeResponse: ListingResponse { var nodes: [MlMetadata_Execution] { get { executions } set { executions = newValue } } }
extension MlMetadata_GetExecutionsByContextResponse: ListingResponse { var nodes: [MlMetadata_Execution] { get { executions } set { executions = newValue } } }
extension MlMetadata_GetContextsResponse: ListingResponse { var nodes: [MlMetadata_Context] { get { contexts } set { contexts = newValue } } }
extension MlMetadata_GetContextsByTypeResponse: ListingResponse { var nodes: [MlMetadata_Context] { get { contexts } set { contexts = newValue } } }

extension MetadataStoreService {
    /// A listing read: everything without options, one page (and a token) with them.
    func listing<Response: ListingResponse, N: Sendable>(
        _ wireOptions: MlMetadata_ListOperationOptions?, wire: @escaping @Sendable (N) -> Response.WireNode,
        all: @escaping @Sendable (MetadataStore) throws -> [N],
        page: @escaping @Sendable (MetadataStore, ListOptions) throws -> Page<N>
    ) async throws -> Response {
        let options = try ListOptions(wire: wireOptions)
        let result = try await read { store in
            try options.map { try page(store, $0) } ?? Page(items: try all(store), nextPageToken: nil)
        }
        var response = Response()
        response.nodes = result.items.map(wire)
        if let token = result.nextPageToken { response.nextPageToken = token }
        return response
    }
}

extension MetadataStoreService {
    // MARK: Listings

    public func getArtifacts(request: MlMetadata_GetArtifactsRequest, context: ServerContext) async throws
        -> MlMetadata_GetArtifactsResponse {
        try await listing(request.hasOptions ? request.options : nil, wire: \.wire,
                          all: { try $0.getArtifacts() },
                          page: { try $0.getArtifacts($1) })
    }

    public func getExecutions(request: MlMetadata_GetExecutionsRequest, context: ServerContext) async throws
        -> MlMetadata_GetExecutionsResponse {
        try await listing(request.hasOptions ? request.options : nil, wire: \.wire,
                          all: { try $0.getExecutions() },
                          page: { try $0.getExecutions($1) })
    }

    public func getContexts(request: MlMetadata_GetContextsRequest, context: ServerContext) async throws
        -> MlMetadata_GetContextsResponse {
        try await listing(request.hasOptions ? request.options : nil, wire: \.wire,
                          all: { try $0.getContexts() },
                          page: { try $0.getContexts($1) })
    }

    // MARK: By type

    public func getArtifactsByType(request: MlMetadata_GetArtifactsByTypeRequest, context: ServerContext) async throws
        -> MlMetadata_GetArtifactsByTypeResponse {
        let (name, version) = (request.typeName, typeVersion(request.hasTypeVersion, request.typeVersion))
        return try await listing(request.hasOptions ? request.options : nil, wire: \.wire,
                                 all: { try $0.getArtifactsByType(name, version: version) },
                                 page: { try $0.getArtifactsByType(name, version: version, options: $1) })
    }

    public func getExecutionsByType(request: MlMetadata_GetExecutionsByTypeRequest, context: ServerContext) async throws
        -> MlMetadata_GetExecutionsByTypeResponse {
        let (name, version) = (request.typeName, typeVersion(request.hasTypeVersion, request.typeVersion))
        return try await listing(request.hasOptions ? request.options : nil, wire: \.wire,
                                 all: { try $0.getExecutionsByType(name, version: version) },
                                 page: { try $0.getExecutionsByType(name, version: version, options: $1) })
    }

    public func getContextsByType(request: MlMetadata_GetContextsByTypeRequest, context: ServerContext) async throws
        -> MlMetadata_GetContextsByTypeResponse {
        let (name, version) = (request.typeName, typeVersion(request.hasTypeVersion, request.typeVersion))
        return try await listing(request.hasOptions ? request.options : nil, wire: \.wire,
                                 all: { try $0.getContextsByType(name, version: version) },
                                 page: { try $0.getContextsByType(name, version: version, options: $1) })
    }

    // MARK: By type and name

    public func getArtifactByTypeAndName(request: MlMetadata_GetArtifactByTypeAndNameRequest, context: ServerContext) async throws
        -> MlMetadata_GetArtifactByTypeAndNameResponse {
        let (type, name, version) = (request.typeName, request.artifactName, typeVersion(request.hasTypeVersion, request.typeVersion))
        var response = MlMetadata_GetArtifactByTypeAndNameResponse()
        if let artifact = try await read({ try $0.getArtifactByTypeAndName(type, name, version: version) }) {
            response.artifact = artifact.wire
        }
        return response
    }

    public func getExecutionByTypeAndName(request: MlMetadata_GetExecutionByTypeAndNameRequest, context: ServerContext) async throws
        -> MlMetadata_GetExecutionByTypeAndNameResponse {
        let (type, name, version) = (request.typeName, request.executionName, typeVersion(request.hasTypeVersion, request.typeVersion))
        var response = MlMetadata_GetExecutionByTypeAndNameResponse()
        if let execution = try await read({ try $0.getExecutionByTypeAndName(type, name, version: version) }) {
            response.execution = execution.wire
        }
        return response
    }

    public func getContextByTypeAndName(request: MlMetadata_GetContextByTypeAndNameRequest, context: ServerContext) async throws
        -> MlMetadata_GetContextByTypeAndNameResponse {
        let (type, name, version) = (request.typeName, request.contextName, typeVersion(request.hasTypeVersion, request.typeVersion))
        var response = MlMetadata_GetContextByTypeAndNameResponse()
        if let found = try await read({ try $0.getContextByTypeAndName(type, name, version: version) }) {
            response.context = found.wire
        }
        return response
    }

    // MARK: By id, uri and external id

    public func getArtifactsByID(request: MlMetadata_GetArtifactsByIDRequest, context: ServerContext) async throws
        -> MlMetadata_GetArtifactsByIDResponse {
        let (ids, withTypes) = (request.artifactIds, request.populateArtifactTypes)
        var response = MlMetadata_GetArtifactsByIDResponse()
        if withTypes {
            let (artifacts, types) = try await read { try $0.getArtifactsAndTypesByArtifactIDs(ids) }
            response.artifacts = artifacts.map(\.wire)
            response.artifactTypes = types.map(\.wire)
        } else {
            response.artifacts = try await read { try $0.getArtifactsByID(ids) }.map(\.wire)
        }
        return response
    }

    public func getExecutionsByID(request: MlMetadata_GetExecutionsByIDRequest, context: ServerContext) async throws
        -> MlMetadata_GetExecutionsByIDResponse {
        let ids = request.executionIds
        var response = MlMetadata_GetExecutionsByIDResponse()
        response.executions = try await read { try $0.getExecutionsByID(ids) }.map(\.wire)
        return response
    }

    public func getContextsByID(request: MlMetadata_GetContextsByIDRequest, context: ServerContext) async throws
        -> MlMetadata_GetContextsByIDResponse {
        let ids = request.contextIds
        var response = MlMetadata_GetContextsByIDResponse()
        response.contexts = try await read { try $0.getContextsByID(ids) }.map(\.wire)
        return response
    }

    public func getArtifactsByURI(request: MlMetadata_GetArtifactsByURIRequest, context: ServerContext) async throws
        -> MlMetadata_GetArtifactsByURIResponse {
        let uris = request.uris
        var response = MlMetadata_GetArtifactsByURIResponse()
        response.artifacts = try await read { try $0.getArtifactsByURI(uris) }.map(\.wire)
        return response
    }

    public func getArtifactsByExternalIds(request: MlMetadata_GetArtifactsByExternalIdsRequest, context: ServerContext) async throws
        -> MlMetadata_GetArtifactsByExternalIdsResponse {
        let ids = request.externalIds
        var response = MlMetadata_GetArtifactsByExternalIdsResponse()
        response.artifacts = try await read { try $0.getArtifactsByExternalIDs(ids) }.map(\.wire)
        return response
    }

    public func getExecutionsByExternalIds(request: MlMetadata_GetExecutionsByExternalIdsRequest, context: ServerContext) async throws
        -> MlMetadata_GetExecutionsByExternalIdsResponse {
        let ids = request.externalIds
        var response = MlMetadata_GetExecutionsByExternalIdsResponse()
        response.executions = try await read { try $0.getExecutionsByExternalIDs(ids) }.map(\.wire)
        return response
    }

    public func getContextsByExternalIds(request: MlMetadata_GetContextsByExternalIdsRequest, context: ServerContext) async throws
        -> MlMetadata_GetContextsByExternalIdsResponse {
        let ids = request.externalIds
        var response = MlMetadata_GetContextsByExternalIdsResponse()
        response.contexts = try await read { try $0.getContextsByExternalIDs(ids) }.map(\.wire)
        return response
    }

    // MARK: Events

    public func getEventsByExecutionIDs(request: MlMetadata_GetEventsByExecutionIDsRequest, context: ServerContext) async throws
        -> MlMetadata_GetEventsByExecutionIDsResponse {
        let ids = request.executionIds
        var response = MlMetadata_GetEventsByExecutionIDsResponse()
        response.events = try await read { try $0.getEventsByExecutionIDs(ids) }.map(\.wire)
        return response
    }

    public func getEventsByArtifactIDs(request: MlMetadata_GetEventsByArtifactIDsRequest, context: ServerContext) async throws
        -> MlMetadata_GetEventsByArtifactIDsResponse {
        let ids = request.artifactIds
        var response = MlMetadata_GetEventsByArtifactIDsResponse()
        response.events = try await read { try $0.getEventsByArtifactIDs(ids) }.map(\.wire)
        return response
    }

    // MARK: Contexts of nodes, nodes of contexts

    public func getContextsByArtifact(request: MlMetadata_GetContextsByArtifactRequest, context: ServerContext) async throws
        -> MlMetadata_GetContextsByArtifactResponse {
        let id = request.artifactID
        var response = MlMetadata_GetContextsByArtifactResponse()
        response.contexts = try await read { try $0.getContextsByArtifact(id) }.map(\.wire)
        return response
    }

    public func getContextsByExecution(request: MlMetadata_GetContextsByExecutionRequest, context: ServerContext) async throws
        -> MlMetadata_GetContextsByExecutionResponse {
        let id = request.executionID
        var response = MlMetadata_GetContextsByExecutionResponse()
        response.contexts = try await read { try $0.getContextsByExecution(id) }.map(\.wire)
        return response
    }

    public func getArtifactsByContext(request: MlMetadata_GetArtifactsByContextRequest, context: ServerContext) async throws
        -> MlMetadata_GetArtifactsByContextResponse {
        let id = request.contextID
        return try await listing(request.hasOptions ? request.options : nil, wire: \.wire,
                                 all: { try $0.getArtifactsByContext(id) },
                                 page: { try $0.getArtifactsByContext(id, options: $1) })
    }

    public func getExecutionsByContext(request: MlMetadata_GetExecutionsByContextRequest, context: ServerContext) async throws
        -> MlMetadata_GetExecutionsByContextResponse {
        let id = request.contextID
        return try await listing(request.hasOptions ? request.options : nil, wire: \.wire,
                                 all: { try $0.getExecutionsByContext(id) },
                                 page: { try $0.getExecutionsByContext(id, options: $1) })
    }

    // MARK: Parent and child contexts

    public func getParentContextsByContext(request: MlMetadata_GetParentContextsByContextRequest, context: ServerContext)
        async throws -> MlMetadata_GetParentContextsByContextResponse {
        let id = request.contextID
        var response = MlMetadata_GetParentContextsByContextResponse()
        response.contexts = try await read { try $0.getParentContextsByContext(id) }.map(\.wire)
        return response
    }

    public func getChildrenContextsByContext(request: MlMetadata_GetChildrenContextsByContextRequest, context: ServerContext)
        async throws -> MlMetadata_GetChildrenContextsByContextResponse {
        let id = request.contextID
        var response = MlMetadata_GetChildrenContextsByContextResponse()
        response.contexts = try await read { try $0.getChildrenContextsByContext(id) }.map(\.wire)
        return response
    }

    public func getParentContextsByContexts(request: MlMetadata_GetParentContextsByContextsRequest, context: ServerContext)
        async throws -> MlMetadata_GetParentContextsByContextsResponse {
        let ids = request.contextIds
        let parents = try await read { try $0.getParentContextsByContexts(ids) }
        var response = MlMetadata_GetParentContextsByContextsResponse()
        for (child, contexts) in parents {
            var entry = MlMetadata_GetParentContextsByContextsResponse.ParentContextsPerChild()
            entry.parentContexts = contexts.map(\.wire)
            response.contexts[child] = entry
        }
        return response
    }

    public func getChildrenContextsByContexts(request: MlMetadata_GetChildrenContextsByContextsRequest, context: ServerContext)
        async throws -> MlMetadata_GetChildrenContextsByContextsResponse {
        let ids = request.contextIds
        let children = try await read { try $0.getChildrenContextsByContexts(ids) }
        var response = MlMetadata_GetChildrenContextsByContextsResponse()
        for (parent, contexts) in children {
            var entry = MlMetadata_GetChildrenContextsByContextsResponse.ChildrenContextsPerParent()
            entry.childrenContexts = contexts.map(\.wire)
            response.contexts[parent] = entry
        }
        return response
    }
}
