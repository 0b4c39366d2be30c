/// An artifact an execution read or wrote, with the event that says how (MLMD's
/// `PutExecutionRequest.ArtifactAndEvent`). Either part may be absent.
public struct ArtifactAndEvent: Sendable, Hashable {
    public var artifact: Artifact?
    public var event: Event?

    public init(artifact: Artifact?, event: Event?) {
        self.artifact = artifact
        self.event = event
    }

    /// An artifact together with an event of the given type and path.
    public init(_ artifact: Artifact, _ type: Event.Kind, path: [Event.Step]? = nil) {
        self.artifact = artifact
        self.event = Event(path: path, type: type)
    }
}

/// Options of ``MetadataStore/putExecution(_:artifactsAndEvents:contexts:options:)`` and
/// ``MetadataStore/putLineageSubgraph(executions:artifacts:contexts:eventEdges:options:)``.
public struct PutExecutionOptions: Sendable, Hashable {
    /// A new context whose (type, name) exists is replaced by the stored one instead of failing.
    public var reuseContextIfAlreadyExist: Bool
    /// A new artifact with a non-empty external id that is stored updates the stored artifact as a whole.
    public var reuseArtifactIfAlreadyExistByExternalID: Bool
    /// A context given with an id is only checked to exist, never updated.
    public var forceReuseContext: Bool
    /// The execution's `last_update_time_since_epoch` is bumped even if nothing changed.
    public var forceUpdateTime: Bool

    public init(reuseContextIfAlreadyExist: Bool = false, reuseArtifactIfAlreadyExistByExternalID: Bool = false,
                forceReuseContext: Bool = false, forceUpdateTime: Bool = false) {
        self.reuseContextIfAlreadyExist = reuseContextIfAlreadyExist
        self.reuseArtifactIfAlreadyExistByExternalID = reuseArtifactIfAlreadyExistByExternalID
        self.forceReuseContext = forceReuseContext
        self.forceUpdateTime = forceUpdateTime
    }
}

/// The ids ``MetadataStore/putExecution(_:artifactsAndEvents:contexts:options:)`` assigned.
public struct PutExecutionResult: Sendable, Hashable {
    public var executionID: Int64
    /// Aligned with the input pairs: the artifact's id, the event's artifact id for an
    /// event-only pair, or -1 for an empty pair.
    public var artifactIDs: [Int64]
    /// Aligned with the input contexts.
    public var contextIDs: [Int64]
}

/// An event between the execution and artifact at the given positions of a
/// ``MetadataStore/putLineageSubgraph(executions:artifacts:contexts:eventEdges:options:)`` call.
public struct EventEdge: Sendable, Hashable {
    public var executionIndex: Int
    public var artifactIndex: Int
    public var event: Event

    public init(executionIndex: Int, artifactIndex: Int, event: Event) {
        self.executionIndex = executionIndex
        self.artifactIndex = artifactIndex
        self.event = event
    }
}

/// The ids ``MetadataStore/putLineageSubgraph(executions:artifacts:contexts:eventEdges:options:)`` assigned, in input order.
public struct LineageSubgraphIDs: Sendable, Hashable {
    public var executionIDs: [Int64]
    public var artifactIDs: [Int64]
    public var contextIDs: [Int64]
}

extension MetadataStore {
    /// Records one execution with its artifacts, events and contexts in a single atomic call
    /// (MLMD's `PutExecution`): upserts the artifacts and the execution, adds the events,
    /// upserts the contexts, and links every artifact and the execution to every context.
    /// If any part fails, nothing is written.
    public func putExecution(_ execution: Execution, artifactsAndEvents: [ArtifactAndEvent] = [],
                             contexts: [Context] = [], options: PutExecutionOptions = PutExecutionOptions()) throws -> PutExecutionResult {
        try core.write { transaction in
            for (position, pair) in artifactsAndEvents.enumerated() {
                try atRequest(position) {
                    if let artifactID = pair.artifact?.id, let eventArtifact = pair.event?.artifactID, artifactID != eventArtifact {
                        throw StoreError.invalidArgument("artifacts_and_events[\(position)]: Given event.artifact_id is not aligned with "
                            + "the artifact: artifact id \(artifactID), event.artifact_id \(eventArtifact)")
                    }
                }
            }
            var artifactIDs: [Int64] = []
            for (position, pair) in artifactsAndEvents.enumerated() {
                try atRequest(position) {
                    let label = "artifacts_and_events[\(position)].artifact"
                    if let artifact = pair.artifact {
                        artifactIDs.append(try transaction.upsertArtifact(artifact, label: label, options: options))
                    } else {
                        artifactIDs.append(pair.event?.artifactID ?? -1)
                    }
                }
            }
            let executionID = try transaction.upsert(execution, label: "execution",
                                                     options: UpsertOptions(forceUpdateTime: options.forceUpdateTime))
            for (position, pair) in artifactsAndEvents.enumerated() {
                try atRequest(position) {
                    guard var event = pair.event else { return }
                    event.executionID = executionID
                    if artifactIDs[position] >= 0 { event.artifactID = artifactIDs[position] }
                    try transaction.addEvent(event, label: "artifacts_and_events[\(position)].event")
                }
            }
            var contextIDs: [Int64] = []
            for (position, context) in contexts.enumerated() {
                try atRequest(position) {
                    contextIDs.append(try transaction.upsertContext(context, label: "contexts[\(position)]", options: options))
                }
            }
            for contextID in contextIDs {
                for artifactID in artifactIDs where artifactID >= 0 {
                    try transaction.addAttributionIfMissing(Attribution(artifactID: artifactID, contextID: contextID))
                }
                try transaction.addAssociationIfMissing(Association(executionID: executionID, contextID: contextID))
            }
            return PutExecutionResult(executionID: executionID, artifactIDs: artifactIDs, contextIDs: contextIDs)
        }
    }

    /// Records a batch of executions, artifacts and contexts with the events between them in one
    /// atomic call (MLMD's `PutLineageSubgraph`). Every context is linked to every given
    /// artifact and execution. An edge index outside the lists is `.outOfRange`.
    public func putLineageSubgraph(executions: [Execution], artifacts: [Artifact], contexts: [Context],
                                   eventEdges: [EventEdge], options: PutExecutionOptions = PutExecutionOptions()) throws -> LineageSubgraphIDs {
        try core.write { transaction in
            for (position, edge) in eventEdges.enumerated() {
                try atRequest(position) {
                    let label = "event_edges[\(position)]"
                    guard executions.indices.contains(edge.executionIndex) else {
                        throw StoreError(.outOfRange, "\(label): The event_edge has an execution_index \(edge.executionIndex) that is outside "
                            + "the bounds of the request's executions list, [0, \(executions.count)).")
                    }
                    guard artifacts.indices.contains(edge.artifactIndex) else {
                        throw StoreError(.outOfRange, "\(label): The event_edge has an artifact_index \(edge.artifactIndex) that is outside "
                            + "the bounds of the request's artifacts list, [0, \(artifacts.count)).")
                    }
                    if let given = edge.event.artifactID, artifacts[edge.artifactIndex].id != given {
                        throw StoreError.invalidArgument("\(label): event.artifact_id \(given) does not match the artifact at artifact_index "
                            + "\(edge.artifactIndex) (id \(artifacts[edge.artifactIndex].id.map(String.init) ?? "none"))")
                    }
                    if let given = edge.event.executionID, executions[edge.executionIndex].id != given {
                        throw StoreError.invalidArgument("\(label): event.execution_id \(given) does not match the execution at execution_index "
                            + "\(edge.executionIndex) (id \(executions[edge.executionIndex].id.map(String.init) ?? "none"))")
                    }
                }
            }
            let contextIDs = try contexts.enumerated().map { position, context in
                try atRequest(position) { try transaction.upsertContext(context, label: "contexts[\(position)]", options: options) }
            }
            let artifactIDs = try artifacts.enumerated().map { position, artifact in
                try atRequest(position) { try transaction.upsertArtifact(artifact, label: "artifacts[\(position)]", options: options) }
            }
            let executionIDs = try executions.enumerated().map { position, execution in
                try atRequest(position) { try transaction.upsert(execution, label: "executions[\(position)]") }
            }
            for (position, edge) in eventEdges.enumerated() {
                try atRequest(position) {
                    var event = edge.event
                    event.artifactID = artifactIDs[edge.artifactIndex]
                    event.executionID = executionIDs[edge.executionIndex]
                    try transaction.addEvent(event, label: "event_edges[\(position)].event")
                }
            }
            for contextID in contextIDs {
                for artifactID in artifactIDs {
                    try transaction.addAttributionIfMissing(Attribution(artifactID: artifactID, contextID: contextID))
                }
                for executionID in executionIDs {
                    try transaction.addAssociationIfMissing(Association(executionID: executionID, contextID: contextID))
                }
            }
            return LineageSubgraphIDs(executionIDs: executionIDs, artifactIDs: artifactIDs, contextIDs: contextIDs)
        }
    }
}

extension WriteTransaction {
    /// An artifact of a putExecution call, reusing a stored one by external id when asked.
    func upsertArtifact(_ artifact: Artifact, label: String, options: PutExecutionOptions) throws -> Int64 {
        var artifact = artifact
        if options.reuseArtifactIfAlreadyExistByExternalID, artifact.id == nil, let externalID = artifact.externalID,
            !externalID.isEmpty, let existing = try reader.nodeID(kind: .artifact, externalID: externalID)
        {
            artifact.id = existing
        }
        return try upsert(artifact, label: label)
    }

    /// A context of a putExecution call, with MLMD's two reuse options.
    func upsertContext(_ context: Context, label: String, options: PutExecutionOptions) throws -> Int64 {
        if let id = context.id, options.forceReuseContext {
            guard try reader.nodeExists(kind: .context, id: id) else {
                throw StoreError.notFound("\(label): Results missing for ids: {\(id)} (force_reuse_context is set, and no context has this id)")
            }
            return id
        }
        if context.id == nil, options.reuseContextIfAlreadyExist, let name = context.name {
            let typeID = try context.typeID ?? context.type.flatMap { try reader.type(kind: .context, name: $0, version: nil)?.id }
            if let typeID, let existing = try reader.nodeID(kind: .context, typeID: typeID, name: name) {
                return existing
            }
        }
        return try upsert(context, label: label)
    }
}
