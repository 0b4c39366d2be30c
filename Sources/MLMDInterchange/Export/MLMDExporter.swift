import MLMetadata

/// Reads a store into an ``MLMDGraph`` with the ids an MLMD database will have.
///
/// Entities imported from one source (``ids``) get their MLMD ids back, so that an exported
/// database answers reads by id as the database they came from did. Every other entity keeps the
/// store's id, which is a valid MLMD id too (a positive int64).
///
/// ```swift
/// let graph = try MLMDExporter(store: store).graph()
/// try MLMDSQLiteWriter(path: "metadata.sqlite").write(graph)
/// ```
public struct MLMDExporter {
    /// Which ids the exported entities get.
    public enum IDs: Sendable, Hashable {
        /// The MLMD ids of the store's only import source, if it has exactly one; else the store's.
        case automatic
        /// The MLMD ids of this import source.
        case source(String)
        /// The store's own ids for everything.
        case store
    }

    public let store: MetadataStore
    public var ids: IDs

    public init(store: MetadataStore, ids: IDs = .automatic) {
        self.store = store
        self.ids = ids
    }

    public func graph() throws -> MLMDGraph {
        let source: String? = switch self.ids {
        case .automatic: try defaultSource()
        case .source(let name): name
        case .store: nil
        }
        let ids = try IDMap(store: store, source: source)
        var graph = MLMDGraph()
        graph.artifactTypes = try store.getArtifactTypes().map { try ids.type($0, .artifactType) }
        graph.executionTypes = try store.getExecutionTypes().map { try ids.type($0, .executionType) }
        graph.contextTypes = try store.getContextTypes().map { try ids.type($0, .contextType) }
        graph.artifacts = try store.getArtifacts().map { try ids.node($0, .artifact, typeKind: .artifactType) }
        let executions = try store.getExecutions()
        graph.executions = try executions.map { try ids.node($0, .execution, typeKind: .executionType) }
        graph.contexts = try store.getContexts().map { try ids.node($0, .context, typeKind: .contextType) }
        graph.events = try store.getEventsByExecutionIDs(executions.compactMap(\.id)).map { event in
            var event = event
            event.artifactID = try ids.id(.artifact, event.artifactID)
            event.executionID = try ids.id(.execution, event.executionID)
            return event
        }
        graph.attributions = try store.getAttributions().map {
            Attribution(artifactID: try ids.id(.artifact, $0.artifactID), contextID: try ids.id(.context, $0.contextID))
        }
        graph.associations = try store.getAssociations().map {
            Association(executionID: try ids.id(.execution, $0.executionID), contextID: try ids.id(.context, $0.contextID))
        }
        graph.parentContexts = try store.getParentContexts().map {
            ParentContext(childID: try ids.id(.context, $0.childID), parentID: try ids.id(.context, $0.parentID))
        }
        try Self.checkUnique(graph.artifactTypes.map(\.id) + graph.executionTypes.map(\.id) + graph.contextTypes.map(\.id), "type")
        try Self.checkUnique(graph.artifacts.map(\.id), "artifact")
        try Self.checkUnique(graph.executions.map(\.id), "execution")
        try Self.checkUnique(graph.contexts.map(\.id), "context")
        // MLMD lists by id; keep its order.
        graph.artifactTypes.sort { $0.id! < $1.id! }
        graph.executionTypes.sort { $0.id! < $1.id! }
        graph.contextTypes.sort { $0.id! < $1.id! }
        graph.artifacts.sort { $0.id! < $1.id! }
        graph.executions.sort { $0.id! < $1.id! }
        graph.contexts.sort { $0.id! < $1.id! }
        return graph
    }

    /// An MLMD id given back to an imported entity that a store entity has as its own id.
    private static func checkUnique(_ ids: [Int64?], _ what: String) throws {
        var seen: Set<Int64> = []
        for id in ids.compactMap({ $0 }) where !seen.insert(id).inserted {
            throw StoreError(.failedPrecondition, "cannot give imported entities their MLMD ids: \(what) id \(id) would be used twice "
                             + "(an imported one and one of the store's own); export with the store's ids instead (--ids store)")
        }
    }

    private func defaultSource() throws -> String? {
        let sources = try store.importSources()
        return sources.count == 1 ? sources[0] : nil
    }
}

/// Store id → exported id, per kind: the source's MLMD id for what it brought in, else the store's id.
private struct IDMap {
    private var map: [Origin.Kind: [Int64: Int64]] = [:]

    init(store: MetadataStore, source: String?) throws {
        guard let source else { return }
        for (kind, origins) in try store.origins(source: source) {
            var back: [Int64: Int64] = [:]
            // Two MLMD ids merged into one store entity (a context of both): the smaller keeps it.
            for (mlmdID, id) in origins.sorted(by: { $0.key < $1.key }) where back[id] == nil {
                back[id] = mlmdID
            }
            map[kind] = back
        }
    }

    func id(_ kind: Origin.Kind, _ id: Int64?) throws -> Int64 {
        guard let id else { throw StoreError(.internal, "an edge of the store has no \(kind.rawValue) id") }
        return map[kind]?[id] ?? id
    }

    func type<T: MetadataType>(_ type: T, _ kind: Origin.Kind) throws -> T {
        var type = type
        type.id = try id(kind, type.id)
        return type
    }

    func node<N: Node>(_ node: N, _ kind: Origin.Kind, typeKind: Origin.Kind) throws -> N {
        var node = node
        node.id = try id(kind, node.id)
        node.typeID = try id(typeKind, node.typeID)
        return node
    }
}
