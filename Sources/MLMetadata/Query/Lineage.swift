internal import GRDB

/// Breadth-first traversal of the artifact–execution graph over the index's event rows.
struct Lineage {
    let reader: IndexReader

    /// MLMD caps the traversal at 100 hops.
    static let maximumHops = 100

    func subgraph(_ query: LineageSubgraphQuery, readMask: Set<LineageGraph.Field>) throws -> LineageGraph {
        guard let starting = query.startingNodes else {
            throw StoreError.invalidArgument("Missing arguments for listing starting nodes.")
        }
        if let hops = query.maxNumHops, hops < 0 {
            throw StoreError.invalidArgument("max_num_hops must be non-negative, got \(hops)")
        }
        let hops = min(query.maxNumHops ?? Self.maximumHops, Self.maximumHops)
        var artifacts: Set<Int64> = []
        var executions: Set<Int64> = []
        switch starting {
        case .artifacts(let filter): artifacts = try matching(Artifact.self, filter: filter, what: "starting_artifacts")
        case .executions(let filter): executions = try matching(Execution.self, filter: filter, what: "starting_executions")
        }
        guard !artifacts.isEmpty || !executions.isEmpty else {
            throw StoreError.notFound("Cannot find qualified nodes to start the traversal.")
        }
        let endingArtifacts = try query.endingArtifacts.map { try matching(Artifact.self, filter: $0.filterQuery, what: "ending_artifacts") } ?? []
        let endingExecutions = try query.endingExecutions.map { try matching(Execution.self, filter: $0.filterQuery, what: "ending_executions") } ?? []
        // Starting nodes that are ending nodes are not part of the result (as in MLMD).
        artifacts.subtract(endingArtifacts)
        executions.subtract(endingExecutions)

        var frontierArtifacts = artifacts
        var frontierExecutions = executions
        var events: [Key: Event] = [:]
        var hop = 0
        while hop < hops, !frontierArtifacts.isEmpty || !frontierExecutions.isEmpty {
            hop += 1
            var nextArtifacts: Set<Int64> = []
            var nextExecutions: Set<Int64> = []
            for event in try self.events(artifacts: frontierArtifacts, executions: frontierExecutions, direction: query.direction) {
                guard let artifact = event.artifactID, let execution = event.executionID else { continue }
                let fromArtifact = frontierArtifacts.contains(artifact)
                let fromExecution = frontierExecutions.contains(execution)
                // The endpoint this edge leads to (either, for an edge between two frontier nodes).
                if fromArtifact && !executions.contains(execution) {
                    if endingExecutions.contains(execution) {
                        guard query.endingExecutions?.includeEndingNodes == true else { continue }
                        executions.insert(execution)
                    } else {
                        executions.insert(execution)
                        nextExecutions.insert(execution)
                    }
                }
                if fromExecution && !artifacts.contains(artifact) {
                    if endingArtifacts.contains(artifact) {
                        guard query.endingArtifacts?.includeEndingNodes == true else { continue }
                        artifacts.insert(artifact)
                    } else {
                        artifacts.insert(artifact)
                        nextArtifacts.insert(artifact)
                    }
                }
                if artifacts.contains(artifact) && executions.contains(execution) {
                    events[Key(event)] = event
                }
            }
            frontierArtifacts = nextArtifacts
            frontierExecutions = nextExecutions
        }
        return try graph(artifacts: artifacts, executions: executions, events: Array(events.values), readMask: readMask)
    }

    /// An event's identity (MLMD: one event per artifact, execution and type).
    private struct Key: Hashable {
        var artifact: Int64
        var execution: Int64
        var type: Int
        init(_ event: Event) {
            artifact = event.artifactID ?? 0
            execution = event.executionID ?? 0
            type = event.type?.number ?? 0
        }
    }

    private func matching<N: NodeCoding>(_ type: N.Type, filter: String, what: String) throws -> Set<Int64> {
        guard !filter.isEmpty else { throw StoreError.invalidArgument("\(what) needs a filter_query") }
        let compiled = try FilterCompiler.compile(filter, kind: N.kind, db: reader.db)
        let sql = "SELECT n.id FROM \(IndexSchema.table(N.kind).table) AS n WHERE \(compiled.sql)"
        return try FilterCompiler.evaluating(filter) {
            Set(try Int64.fetchAll(reader.db.makeStatement(sql: sql), arguments: StatementArguments(compiled.arguments)))
        }
    }

    /// The events that lead out of the frontier in the given direction.
    private func events(artifacts: Set<Int64>, executions: Set<Int64>, direction: LineageSubgraphQuery.Direction) throws -> [Event] {
        let inputs = Event.Kind.allCases.filter(\.isInput).map { String($0.number) }.joined(separator: ", ")
        let outputs = Event.Kind.allCases.filter(\.isOutput).map { String($0.number) }.joined(separator: ", ")
        // Upstream: an artifact's producers, an execution's inputs. Downstream: the reverse.
        let (fromArtifacts, fromExecutions) = switch direction {
        case .upstream: ("type IN (\(outputs))", "type IN (\(inputs))")
        case .downstream: ("type IN (\(inputs))", "type IN (\(outputs))")
        case .bidirectional: ("1", "1")
        }
        var found: [Event] = []
        for (column, ids, condition) in [("artifact_id", artifacts, fromArtifacts), ("execution_id", executions, fromExecutions)] where !ids.isEmpty {
            let rows = try Row.fetchAll(reader.db.cachedStatement(sql: """
                SELECT artifact_id, execution_id, type, milliseconds, path FROM event
                WHERE \(column) IN (SELECT value FROM json_each(?)) AND \(condition) ORDER BY edge_id
                """), arguments: [Self.jsonList(ids)])
            for row in rows {
                var event = Event(artifactID: row[0], executionID: row[1], type: Event.Kind(number: row[2]), millisecondsSinceEpoch: row[3])
                if let path: String = row[4] {
                    event.path = try ProtoJSON.decodePath(ParsedFile.parseJSON(Array(path.utf8), path: "index"), line: 0)
                }
                found.append(event)
            }
        }
        return found
    }

    static func jsonList(_ ids: some Collection<Int64>) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    /// Fills the graph's parts that the read mask asks for (all of them for an empty mask).
    private func graph(artifacts: Set<Int64>, executions: Set<Int64>, events: [Event], readMask: Set<LineageGraph.Field>) throws -> LineageGraph {
        func wants(_ field: LineageGraph.Field) -> Bool { readMask.isEmpty || readMask.contains(field) }
        var graph = LineageGraph()
        let artifactNodes = try nodes(Artifact.self, ids: artifacts)
        let executionNodes = try nodes(Execution.self, ids: executions)
        if wants(.artifacts) { graph.artifacts = artifactNodes }
        if wants(.executions) { graph.executions = executionNodes }
        if wants(.events) {
            graph.events = events.sorted { ($0.executionID!, $0.artifactID!, $0.type!.number) < ($1.executionID!, $1.artifactID!, $1.type!.number) }
        }
        let attributionPairs = wants(.attributions) || wants(.contexts) || wants(.contextTypes)
            ? try pairs("SELECT DISTINCT artifact_id, context_id FROM attribution WHERE artifact_id IN (SELECT value FROM json_each(?))", artifacts)
            : []
        let associationPairs = wants(.associations) || wants(.contexts) || wants(.contextTypes)
            ? try pairs("SELECT DISTINCT execution_id, context_id FROM association WHERE execution_id IN (SELECT value FROM json_each(?))", executions)
            : []
        if wants(.attributions) { graph.attributions = attributionPairs.map { Attribution(artifactID: $0.0, contextID: $0.1) } }
        if wants(.associations) { graph.associations = associationPairs.map { Association(executionID: $0.0, contextID: $0.1) } }
        let contextNodes = try nodes(Context.self, ids: Set(attributionPairs.map(\.1) + associationPairs.map(\.1)))
        if wants(.contexts) { graph.contexts = contextNodes }
        if wants(.artifactTypes) { graph.artifactTypes = try types(ArtifactType.self, ids: artifactNodes.compactMap(\.typeID)) }
        if wants(.executionTypes) { graph.executionTypes = try types(ExecutionType.self, ids: executionNodes.compactMap(\.typeID)) }
        if wants(.contextTypes) { graph.contextTypes = try types(ContextType.self, ids: contextNodes.compactMap(\.typeID)) }
        return graph
    }

    private func nodes<N: NodeCoding>(_ type: N.Type, ids: Set<Int64>) throws -> [N] {
        guard !ids.isEmpty else { return [] }
        return try reader.nodes(sql: """
            SELECT body FROM \(IndexSchema.table(N.kind).table) WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id
            """, [Self.jsonList(ids)], as: N.self)
    }

    private func pairs(_ sql: String, _ ids: Set<Int64>) throws -> [(Int64, Int64)] {
        guard !ids.isEmpty else { return [] }
        return try Row.fetchAll(reader.db.cachedStatement(sql: sql + " ORDER BY 1, 2"), arguments: [Self.jsonList(ids)]).map { ($0[0], $0[1]) }
    }

    private func types<T: MetadataType>(_ type: T.Type, ids: [Int64]) throws -> [T] {
        try Set(ids).sorted().compactMap { try reader.type(id: $0) }.filter { $0.kind == T.kind }.map { $0.typed(as: T.self) }
    }
}
