import GRPCCore
import GRPCNIOTransportHTTP2
import MLMDInterchange
import MLMDServiceProtocol
import MLMDWire
import MLMetadata
import SwiftProtobuf

/// Reads everything a running MLMD service holds into an ``MLMDGraph``, through MLMD's own API:
/// how a team whose MLMD sits on MySQL or PostgreSQL (behind MLMD's gRPC server) moves in.
///
/// Nodes are listed by id in pages of 100 (MLMD's largest page); events are read for 100
/// executions a call; attributions and associations come from `GetLineageSubgraph` with no hops
/// from 100 artifacts (or executions) a call, which MLMD answers with the edges of those nodes;
/// parent contexts from `GetParentContextsByContexts`. Types are read by id, which (unlike MLMD's
/// listing of all types) includes their external ids.
///
/// ```swift
/// let graph = try await MLMDServiceReader(host: "mlmd.internal", port: 8080).read()
/// ```
public struct MLMDServiceReader: Sendable {
    public let host: String
    public let port: Int
    /// Called after each call with what it reads (`artifacts`, `events`, …) and how many so far.
    public var progress: (@Sendable (String, Int) -> Void)?

    /// The page size: MLMD's service answers at most 100 per page.
    static let page = 100

    public init(host: String, port: Int, progress: (@Sendable (String, Int) -> Void)? = nil) {
        self.host = host
        self.port = port
        self.progress = progress
    }

    public func read() async throws -> MLMDGraph {
        let transport = try HTTP2ClientTransport.Posix(target: .dns(host: host, port: port), transportSecurity: .plaintext)
        do {
            return try await withGRPCClient(transport: transport) { client in
                try await Session(client: MlMetadata_MetadataStoreService.Client(wrapping: client), progress: progress).graph()
            }
        } catch let error as RPCError {
            throw StoreError(error.code == .unavailable ? .unavailable : .internal,
                             "the MLMD service at \(host):\(port) answered \(error.code): \(error.message)", path: "grpc://\(host):\(port)")
        }
    }
}

/// One reading of a service.
private struct Session {
    let client: MlMetadata_MetadataStoreService.Client<HTTP2ClientTransport.Posix>
    let progress: (@Sendable (String, Int) -> Void)?

    func graph() async throws -> MLMDGraph {
        var graph = MLMDGraph()
        // Types: listed, then read by id (the listing leaves external ids out).
        let artifactTypeIDs = try await client.getArtifactTypes(MlMetadata_GetArtifactTypesRequest()).artifactTypes.map(\.id)
        var artifactTypes = MlMetadata_GetArtifactTypesByIDRequest()
        artifactTypes.typeIds = artifactTypeIDs
        let artifactTypeMessages = try await client.getArtifactTypesByID(artifactTypes).artifactTypes
        graph.artifactTypes = try modelBatch(artifactTypeMessages, field: "artifact_types", ArtifactType.init(wire:field:))
        let executionTypeIDs = try await client.getExecutionTypes(MlMetadata_GetExecutionTypesRequest()).executionTypes.map(\.id)
        var executionTypes = MlMetadata_GetExecutionTypesByIDRequest()
        executionTypes.typeIds = executionTypeIDs
        let executionTypeMessages = try await client.getExecutionTypesByID(executionTypes).executionTypes
        graph.executionTypes = try modelBatch(executionTypeMessages, field: "execution_types", ExecutionType.init(executionWire:field:))
        let contextTypeIDs = try await client.getContextTypes(MlMetadata_GetContextTypesRequest()).contextTypes.map(\.id)
        var contextTypes = MlMetadata_GetContextTypesByIDRequest()
        contextTypes.typeIds = contextTypeIDs
        let contextTypeMessages = try await client.getContextTypesByID(contextTypes).contextTypes
        graph.contextTypes = try modelBatch(contextTypeMessages, field: "context_types", ContextType.init(wire:field:))

        // Nodes, page by page, by id.
        graph.artifacts = try await pages("artifacts") { options in
            var request = MlMetadata_GetArtifactsRequest()
            request.options = options
            let response = try await client.getArtifacts(request)
            return (try modelBatch(response.artifacts, field: "artifacts", Artifact.init(wire:field:)), response.nextPageToken)
        }
        graph.executions = try await pages("executions") { options in
            var request = MlMetadata_GetExecutionsRequest()
            request.options = options
            let response = try await client.getExecutions(request)
            return (try modelBatch(response.executions, field: "executions", Execution.init(wire:field:)), response.nextPageToken)
        }
        graph.contexts = try await pages("contexts") { options in
            var request = MlMetadata_GetContextsRequest()
            request.options = options
            let response = try await client.getContexts(request)
            return (try modelBatch(response.contexts, field: "contexts", Context.init(wire:field:)), response.nextPageToken)
        }

        // Edges.
        for ids in chunks(graph.executions.compactMap(\.id)) {
            var request = MlMetadata_GetEventsByExecutionIDsRequest()
            request.executionIds = ids
            let events = try await client.getEventsByExecutionIDs(request).events
            graph.events += try modelBatch(events, field: "events", Event.init(wire:field:))
            progress?("events", graph.events.count)
        }
        for ids in chunks(graph.artifacts.compactMap(\.id)) {
            let subgraph = try await edges(starting: true, ids: ids, mask: "attributions")
            graph.attributions += try modelBatch(subgraph.attributions, field: "attributions", Attribution.init(wire:field:))
            progress?("attributions", graph.attributions.count)
        }
        for ids in chunks(graph.executions.compactMap(\.id)) {
            let subgraph = try await edges(starting: false, ids: ids, mask: "associations")
            graph.associations += try modelBatch(subgraph.associations, field: "associations", Association.init(wire:field:))
            progress?("associations", graph.associations.count)
        }
        for ids in chunks(graph.contexts.compactMap(\.id)) {
            var request = MlMetadata_GetParentContextsByContextsRequest()
            request.contextIds = ids
            for (child, parents) in try await client.getParentContextsByContexts(request).contexts.sorted(by: { $0.key < $1.key }) {
                graph.parentContexts += parents.parentContexts.map { ParentContext(childID: child, parentID: $0.id) }
            }
        }
        return graph
    }

    /// Every page of a listing, by id ascending.
    private func pages<N>(_ what: String, _ fetch: (MlMetadata_ListOperationOptions) async throws -> ([N], String)) async throws -> [N] {
        var options = MlMetadata_ListOperationOptions()
        options.maxResultSize = Int32(MLMDServiceReader.page)
        options.orderByField.field = .id
        options.orderByField.isAsc = true
        var all: [N] = []
        while true {
            let (items, token) = try await fetch(options)
            all += items
            progress?(what, all.count)
            guard !token.isEmpty, !items.isEmpty else { return all }
            options.nextPageToken = token
        }
    }

    /// The edges of some artifacts (`starting`) or executions: a lineage subgraph of no hops
    /// from exactly those nodes (an id range that holds just them: they were listed by id).
    private func edges(starting artifacts: Bool, ids: [Int64], mask: String) async throws -> MlMetadata_LineageGraph {
        var query = MlMetadata_LineageSubgraphQueryOptions()
        var nodes = MlMetadata_LineageSubgraphQueryOptions.StartingNodes()
        nodes.filterQuery = "id >= \(ids.first!) AND id <= \(ids.last!)"
        if artifacts { query.startingArtifacts = nodes } else { query.startingExecutions = nodes }
        query.maxNumHops = 0
        var request = MlMetadata_GetLineageSubgraphRequest()
        request.lineageSubgraphQueryOptions = query
        request.readMask.paths = [mask]
        return try await client.getLineageSubgraph(request).lineageSubgraph
    }

    private func chunks(_ ids: [Int64]) -> [[Int64]] {
        let sorted = ids.sorted()
        return stride(from: 0, to: sorted.count, by: MLMDServiceReader.page).map { Array(sorted[$0..<min($0 + MLMDServiceReader.page, sorted.count)]) }
    }
}
