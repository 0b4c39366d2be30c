extension MetadataStore {
    // MARK: Filtered, ordered, paged lists

    /// Artifacts matching ``ListOptions/filterQuery``, ordered and paged (MLMD's `GetArtifacts`
    /// with `ListOperationOptions`).
    /// - Throws: `.invalidArgument` for a malformed filter (with its position), a token from another
    ///   ordering, or a non-positive page size.
    public func getArtifacts(_ options: ListOptions) throws -> Page<Artifact> {
        try read { try NodeQuery.page(Artifact.self, scope: .all, options: options, reader: $0) }
    }

    /// Artifacts of a type, filtered, ordered and paged; an unknown type gives an empty page.
    public func getArtifactsByType(_ typeName: String, version: String? = nil, options: ListOptions) throws -> Page<Artifact> {
        try read { reader in
            try NodeQuery.page(Artifact.self, scope: .types(try typeIDs(typeName, version, .artifact, reader)), options: options, reader: reader)
        }
    }

    /// Artifacts attributed to a context, filtered, ordered and paged.
    public func getArtifactsByContext(_ contextID: Int64, options: ListOptions) throws -> Page<Artifact> {
        try read { try NodeQuery.page(Artifact.self, scope: .context(contextID), options: options, reader: $0) }
    }

    public func getExecutions(_ options: ListOptions) throws -> Page<Execution> {
        try read { try NodeQuery.page(Execution.self, scope: .all, options: options, reader: $0) }
    }

    public func getExecutionsByType(_ typeName: String, version: String? = nil, options: ListOptions) throws -> Page<Execution> {
        try read { reader in
            try NodeQuery.page(Execution.self, scope: .types(try typeIDs(typeName, version, .execution, reader)), options: options, reader: reader)
        }
    }

    /// Executions associated with a context, filtered, ordered and paged.
    public func getExecutionsByContext(_ contextID: Int64, options: ListOptions) throws -> Page<Execution> {
        try read { try NodeQuery.page(Execution.self, scope: .context(contextID), options: options, reader: $0) }
    }

    public func getContexts(_ options: ListOptions) throws -> Page<Context> {
        try read { try NodeQuery.page(Context.self, scope: .all, options: options, reader: $0) }
    }

    public func getContextsByType(_ typeName: String, version: String? = nil, options: ListOptions) throws -> Page<Context> {
        try read { reader in
            try NodeQuery.page(Context.self, scope: .types(try typeIDs(typeName, version, .context, reader)), options: options, reader: reader)
        }
    }

    private func typeIDs(_ name: String, _ version: String?, _ kind: TypeKind, _ reader: IndexReader) throws -> [Int64] {
        try reader.type(kind: kind, name: name, version: version).map { [$0.id] } ?? []
    }

    // MARK: Lineage

    /// The part of the graph around the starting nodes (MLMD's `GetLineageSubgraph`): artifacts
    /// and executions reached within the hop limit, the events between them, the contexts they
    /// belong to with the attributions and associations, and the types of all of these.
    ///
    /// - Parameter readMask: the parts to fill (MLMD's `read_mask`); empty fills everything.
    /// - Throws: `.invalidArgument` without starting nodes or with a bad filter or hop count,
    ///   `.notFound` when no node matches the starting filter.
    public func getLineageSubgraph(_ query: LineageSubgraphQuery, readMask: Set<LineageGraph.Field> = []) throws -> LineageGraph {
        try read { try Lineage(reader: $0).subgraph(query, readMask: readMask) }
    }

    /// Everything an artifact was made from: the executions and artifacts upstream of it.
    public func getUpstreamLineage(ofArtifact id: Int64, maxNumHops: Int? = nil) throws -> LineageGraph {
        try getLineageSubgraph(LineageSubgraphQuery(startingNodes: .artifacts(filterQuery: "id = \(id)"), maxNumHops: maxNumHops,
                                                    direction: .upstream))
    }

    /// Everything made from an artifact: the executions and artifacts downstream of it.
    public func getDownstreamLineage(ofArtifact id: Int64, maxNumHops: Int? = nil) throws -> LineageGraph {
        try getLineageSubgraph(LineageSubgraphQuery(startingNodes: .artifacts(filterQuery: "id = \(id)"), maxNumHops: maxNumHops,
                                                    direction: .downstream))
    }
}
