import GRPCCore
import MLMDServiceProtocol
import MLMDWire
import MLMetadata

// Lineage: the subgraph query, and the deprecated graph query MLMD 1.17 no longer serves.

extension MetadataStoreService {
    /// Full nodes and the types of the returned nodes, which is what MLMD's Python client builds
    /// from MLMD's id-only answer (COMPATIBILITY.md, "Lineage"); clients that re-read the nodes by
    /// id get the same result.
    public func getLineageSubgraph(request: MlMetadata_GetLineageSubgraphRequest, context: ServerContext) async throws
        -> MlMetadata_GetLineageSubgraphResponse {
        let query = LineageSubgraphQuery(wire: request.lineageSubgraphQueryOptions)
        let mask = try LineageGraph.Field.readMask(request.hasReadMask ? request.readMask : nil)
        var response = MlMetadata_GetLineageSubgraphResponse()
        response.lineageSubgraph = try await read { try $0.getLineageSubgraph(query, readMask: mask) }.wire
        return response
    }

    /// MLMD 1.17's `MetadataStore` answers this deprecated call with UNIMPLEMENTED; so does this server.
    public func getLineageGraph(request: MlMetadata_GetLineageGraphRequest, context: ServerContext) async throws
        -> MlMetadata_GetLineageGraphResponse {
        throw StoreError(.unimplemented, "GetLineageGraph is deprecated and not implemented (as in MLMD 1.17); use GetLineageSubgraph")
    }
}
