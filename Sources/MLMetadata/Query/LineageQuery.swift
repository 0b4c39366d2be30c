/// What `getLineageSubgraph` traverses (MLMD's `LineageSubgraphQueryOptions`).
public struct LineageSubgraphQuery: Sendable, Hashable {
    /// Which way edges are followed. A hop is artifact→execution or execution→artifact.
    public enum Direction: String, Sendable, Hashable, CaseIterable {
        /// Towards inputs: from an artifact to the execution that output it, from an execution to its inputs.
        case upstream = "UPSTREAM"
        /// Towards outputs: from an artifact to the executions that read it, from an execution to its outputs.
        case downstream = "DOWNSTREAM"
        case bidirectional = "BIDIRECTIONAL"
    }

    /// The nodes the traversal starts from, chosen by a filter query.
    public enum StartingNodes: Sendable, Hashable {
        case artifacts(filterQuery: String)
        case executions(filterQuery: String)
    }

    /// Nodes at which the traversal stops.
    public struct EndingNodes: Sendable, Hashable {
        public var filterQuery: String
        /// Keep the ending nodes (and the edges into them) in the result.
        public var includeEndingNodes: Bool

        public init(filterQuery: String, includeEndingNodes: Bool = false) {
            self.filterQuery = filterQuery
            self.includeEndingNodes = includeEndingNodes
        }
    }

    public var startingNodes: StartingNodes?
    /// At most this many hops from a starting node; nil (or above 100) means 100, 0 only the
    /// starting nodes. Negative is invalid.
    public var maxNumHops: Int?
    public var direction: Direction
    public var endingArtifacts: EndingNodes?
    public var endingExecutions: EndingNodes?

    public init(startingNodes: StartingNodes?, maxNumHops: Int? = nil, direction: Direction = .bidirectional,
                endingArtifacts: EndingNodes? = nil, endingExecutions: EndingNodes? = nil) {
        self.startingNodes = startingNodes
        self.maxNumHops = maxNumHops
        self.direction = direction
        self.endingArtifacts = endingArtifacts
        self.endingExecutions = endingExecutions
    }
}

/// A piece of the metadata graph (MLMD's `LineageGraph`).
public struct LineageGraph: Sendable, Equatable {
    /// The parts of a graph a read mask can select (MLMD's field names).
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case artifacts, executions, contexts, events, attributions, associations
        case artifactTypes = "artifact_types"
        case executionTypes = "execution_types"
        case contextTypes = "context_types"
    }

    public var artifactTypes: [ArtifactType] = []
    public var executionTypes: [ExecutionType] = []
    public var contextTypes: [ContextType] = []
    public var artifacts: [Artifact] = []
    public var executions: [Execution] = []
    public var contexts: [Context] = []
    public var events: [Event] = []
    public var attributions: [Attribution] = []
    public var associations: [Association] = []

    public init() {}
}
