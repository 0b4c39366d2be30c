import MLMetadata

/// Everything an MLMD database holds, as the store's model values, with MLMD's own integer ids.
///
/// A source (``MLMDSQLiteReader``, an MLMD service) fills it; an import maps its ids to the
/// store's. Ids here are the source's: `type_id`, `artifact_id`, … refer to other members of the
/// same graph, never to a store.
public struct MLMDGraph: Sendable, Hashable {
    public var artifactTypes: [ArtifactType] = []
    public var executionTypes: [ExecutionType] = []
    public var contextTypes: [ContextType] = []
    public var artifacts: [Artifact] = []
    public var executions: [Execution] = []
    public var contexts: [Context] = []
    public var events: [Event] = []
    public var attributions: [Attribution] = []
    public var associations: [Association] = []
    public var parentContexts: [ParentContext] = []

    public init() {}

    /// How many of each kind, for progress lines and reports.
    public var counts: Counts {
        Counts(types: artifactTypes.count + executionTypes.count + contextTypes.count, artifacts: artifacts.count,
               executions: executions.count, contexts: contexts.count,
               edges: events.count + attributions.count + associations.count + parentContexts.count)
    }

    /// Node and edge counts of a graph or an import.
    public struct Counts: Sendable, Hashable, CustomStringConvertible {
        public var types = 0
        public var artifacts = 0
        public var executions = 0
        public var contexts = 0
        public var edges = 0

        public init(types: Int = 0, artifacts: Int = 0, executions: Int = 0, contexts: Int = 0, edges: Int = 0) {
            self.types = types
            self.artifacts = artifacts
            self.executions = executions
            self.contexts = contexts
            self.edges = edges
        }

        public var description: String {
            "\(types) types, \(artifacts) artifacts, \(executions) executions, \(contexts) contexts, \(edges) edges"
        }
    }
}
