import GRPCCore
import MLMDServiceProtocol
import MLMDWire
import MLMetadata

// The calls that write nodes and edges. Each request is converted whole before the store is
// touched, so a bad element fails the call with nothing written; the store makes each call atomic.

extension MetadataStoreService {
    public func putArtifacts(request: MlMetadata_PutArtifactsRequest, context: ServerContext) async throws
        -> MlMetadata_PutArtifactsResponse {
        let artifacts = try modelBatch(request.artifacts, field: "artifacts") { wire, field throws(StoreError) in
            try Artifact(wire: wire, field: field)
        }
        let (mask, abort) = (request.updateMask.paths, request.options.abortIfLatestUpdatedTimeChanged)
        var response = MlMetadata_PutArtifactsResponse()
        response.artifactIds = try await write { try $0.putArtifacts(artifacts, fieldMask: mask, abortIfLatestUpdatedTimeChanged: abort) }
        return response
    }

    public func putExecutions(request: MlMetadata_PutExecutionsRequest, context: ServerContext) async throws
        -> MlMetadata_PutExecutionsResponse {
        let executions = try modelBatch(request.executions, field: "executions") { wire, field throws(StoreError) in
            try Execution(wire: wire, field: field)
        }
        let mask = request.updateMask.paths
        var response = MlMetadata_PutExecutionsResponse()
        response.executionIds = try await write(touched: { ([], $0) }) { try $0.putExecutions(executions, fieldMask: mask) }
        return response
    }

    public func putContexts(request: MlMetadata_PutContextsRequest, context: ServerContext) async throws
        -> MlMetadata_PutContextsResponse {
        let contexts = try modelBatch(request.contexts, field: "contexts") { wire, field throws(StoreError) in
            try Context(wire: wire, field: field)
        }
        let mask = request.updateMask.paths
        var response = MlMetadata_PutContextsResponse()
        response.contextIds = try await write(touched: { ($0, []) }) { try $0.putContexts(contexts, fieldMask: mask) }
        return response
    }

    public func putEvents(request: MlMetadata_PutEventsRequest, context: ServerContext) async throws -> MlMetadata_PutEventsResponse {
        let events = try modelBatch(request.events, field: "events") { wire, field throws(StoreError) in
            try Event(wire: wire, field: field)
        }
        try await write { try $0.putEvents(events) }
        return MlMetadata_PutEventsResponse()
    }

    public func putExecution(request: MlMetadata_PutExecutionRequest, context: ServerContext) async throws
        -> MlMetadata_PutExecutionResponse {
        let execution = try Execution(wire: request.execution, field: "execution")
        let pairs = try modelBatch(request.artifactEventPairs, field: "artifact_event_pairs") { wire, field throws(StoreError) in
            ArtifactAndEvent(artifact: wire.hasArtifact ? try Artifact(wire: wire.artifact, field: "\(field).artifact") : nil,
                             event: wire.hasEvent ? try Event(wire: wire.event, field: "\(field).event") : nil)
        }
        let contexts = try modelBatch(request.contexts, field: "contexts") { wire, field throws(StoreError) in
            try Context(wire: wire, field: field)
        }
        let wireOptions = request.options
        let options = PutExecutionOptions(reuseContextIfAlreadyExist: wireOptions.reuseContextIfAlreadyExist,
                                          reuseArtifactIfAlreadyExistByExternalID: wireOptions.reuseArtifactIfAlreadyExistByExternalID,
                                          forceReuseContext: wireOptions.forceReuseContext,
                                          forceUpdateTime: wireOptions.forceUpdateTime)
        let result = try await write(touched: { ($0.contextIDs, [$0.executionID]) }) {
            try $0.putExecution(execution, artifactsAndEvents: pairs, contexts: contexts, options: options)
        }
        var response = MlMetadata_PutExecutionResponse()
        response.executionID = result.executionID
        response.artifactIds = result.artifactIDs
        response.contextIds = result.contextIDs
        return response
    }

    public func putLineageSubgraph(request: MlMetadata_PutLineageSubgraphRequest, context: ServerContext) async throws
        -> MlMetadata_PutLineageSubgraphResponse {
        let executions = try modelBatch(request.executions, field: "executions") { wire, field throws(StoreError) in
            try Execution(wire: wire, field: field)
        }
        let artifacts = try modelBatch(request.artifacts, field: "artifacts") { wire, field throws(StoreError) in
            try Artifact(wire: wire, field: field)
        }
        let contexts = try modelBatch(request.contexts, field: "contexts") { wire, field throws(StoreError) in
            try Context(wire: wire, field: field)
        }
        let edges = try modelBatch(request.eventEdges, field: "event_edges") { wire, field throws(StoreError) in
            EventEdge(executionIndex: Int(wire.executionIndex), artifactIndex: Int(wire.artifactIndex),
                      event: try Event(wire: wire.event, field: "\(field).event"))
        }
        let options = PutExecutionOptions(
            reuseContextIfAlreadyExist: request.options.reuseContextIfAlreadyExist,
            reuseArtifactIfAlreadyExistByExternalID: request.options.reuseArtifactIfAlreadyExistByExternalID)
        let ids = try await write(touched: { ($0.contextIDs, $0.executionIDs) }) {
            try $0.putLineageSubgraph(executions: executions, artifacts: artifacts, contexts: contexts, eventEdges: edges, options: options)
        }
        var response = MlMetadata_PutLineageSubgraphResponse()
        response.executionIds = ids.executionIDs
        response.artifactIds = ids.artifactIDs
        response.contextIds = ids.contextIDs
        return response
    }

    public func putAttributionsAndAssociations(request: MlMetadata_PutAttributionsAndAssociationsRequest, context: ServerContext)
        async throws -> MlMetadata_PutAttributionsAndAssociationsResponse {
        let attributions = try modelBatch(request.attributions, field: "attributions") { wire, field throws(StoreError) in
            try Attribution(wire: wire, field: field)
        }
        let associations = try modelBatch(request.associations, field: "associations") { wire, field throws(StoreError) in
            try Association(wire: wire, field: field)
        }
        let contexts = associations.map(\.contextID)
        try await write(touched: { _ in (contexts, []) }) {
            try $0.putAttributionsAndAssociations(attributions: attributions, associations: associations)
        }
        return MlMetadata_PutAttributionsAndAssociationsResponse()
    }

    public func putParentContexts(request: MlMetadata_PutParentContextsRequest, context: ServerContext) async throws
        -> MlMetadata_PutParentContextsResponse {
        let parents = try modelBatch(request.parentContexts, field: "parent_contexts") { wire, field throws(StoreError) in
            try ParentContext(wire: wire, field: field)
        }
        try await write { try $0.putParentContexts(parents) }
        return MlMetadata_PutParentContextsResponse()
    }
}
