import Synchronization

/// Records one pipeline run the way TFX 1.x does: a `pipeline` context named after the
/// pipeline, a `pipeline_run` context named by the run id, a `node` context per component
/// (`<pipeline>.<node>`), and for each component two `putExecution` calls — *start* (RUNNING,
/// with its inputs) and *finish* (COMPLETE, CACHED or FAILED, with its outputs) — every
/// execution associated with, and every artifact attributed to, those three contexts.
///
/// ```swift
/// let run = try PipelineRunRecorder(store: store, pipeline: "taxi", runID: "2026-01-07T09:00:00")
/// let trained = try run.record(node: "Trainer", executionType: "Trainer",
///                              properties: ["train_steps": 10_000],
///                              inputs: [("examples", [examples])],
///                              outputs: [("model", [Artifact(type: "Model", uri: "gs://models/7")])])
/// let recorded = try run.summary()   // with MLMetadataGit: try run.complete(in: repository)
/// ```
///
/// Recording a run only adds files (and rewrites the run's own executions); the shared
/// `pipeline` and `node` contexts are reused, never rewritten.
public final class PipelineRunRecorder: Sendable {
    public let store: MetadataStore
    public let pipeline: String
    public let runID: String
    private let newArtifactIDs = Mutex<[Int64]>([])

    /// Prepares to record run `runID` of `pipeline`, registering the context types if needed.
    public init(store: MetadataStore, pipeline: String, runID: String) throws {
        guard !pipeline.isEmpty, !runID.isEmpty else {
            throw StoreError(.invalidArgument, "a pipeline run needs a pipeline name and a run id")
        }
        self.store = store
        self.pipeline = pipeline
        self.runID = runID
        let known = Set(try store.getContextTypes().map(\.name))
        let missing = ["pipeline", "pipeline_run", "node"].filter { !known.contains($0) }.map { ContextType(name: $0) }
        if !missing.isEmpty { _ = try store.putTypes(contextTypes: missing, canAddFields: true, canOmitFields: true) }
    }

    /// The contexts every execution of `node` and its artifacts are linked to.
    public func contexts(node: String) -> [Context] {
        [Context(type: "pipeline", name: pipeline), Context(type: "pipeline_run", name: runID),
         Context(type: "node", name: "\(pipeline).\(node)")]
    }

    /// Registers an execution of `node` as RUNNING with its inputs (TFX's first call).
    ///
    /// `properties` go to the execution's declared properties where its type declares them with
    /// the same kind, else to its custom properties (as TFX does). A missing execution type is
    /// registered without properties. Inputs must be stored artifacts (with ids).
    public func start(node: String, executionType: String, properties: [String: Value] = [:],
                      inputs: [(key: String, artifacts: [Artifact])] = []) throws -> Execution {
        let type = try executionTypeNamed(executionType)
        var execution = Execution(type: executionType, lastKnownState: .running)
        for (name, value) in properties {
            if type.properties[name] == value.propertyType {
                execution.properties[name] = value
            } else {
                execution.customProperties[name] = value
            }
        }
        var inputEvents: [ArtifactAndEvent] = []
        for (key, artifacts) in inputs {
            for (index, artifact) in artifacts.enumerated() {
                guard let id = artifact.id else {
                    throw StoreError(.invalidArgument, "input '\(key)'[\(index)] of \(node) is not stored (it has no id)")
                }
                inputEvents.append(ArtifactAndEvent(artifact: nil, event: Event(artifactID: id, path: [.key(key), .index(Int64(index))], type: .input)))
            }
        }
        let result = try store.putExecution(execution, artifactsAndEvents: inputEvents, contexts: contexts(node: node),
                                            options: Self.options)
        execution.id = result.executionID
        return execution
    }

    /// Publishes an execution's outputs and final state (TFX's second call). Outputs without an
    /// id are new: they are stored LIVE with TFX's `producer_component` and `state` custom
    /// properties. Outputs with an id (a cache hit) are linked as they are. Returns the stored
    /// outputs, in the order given.
    @discardableResult
    public func finish(_ execution: Execution, node: String, outputs: [(key: String, artifacts: [Artifact])] = [],
                       state: Execution.State = .complete) throws -> [(key: String, artifacts: [Artifact])] {
        guard execution.id != nil else { throw StoreError(.invalidArgument, "finish(_:) takes an execution returned by start(…)") }
        var execution = execution
        execution.lastKnownState = state
        var pairs: [ArtifactAndEvent] = []
        for (key, artifacts) in outputs {
            for (index, var artifact) in artifacts.enumerated() {
                let event = Event(artifactID: artifact.id, path: [.key(key), .index(Int64(index))], type: .output)
                if artifact.id == nil {
                    artifact.state = artifact.state ?? .live
                    artifact.customProperties["producer_component"] = artifact.customProperties["producer_component"] ?? .string(node)
                    artifact.customProperties["state"] = artifact.customProperties["state"] ?? "published"
                    pairs.append(ArtifactAndEvent(artifact: artifact, event: event))
                } else {
                    pairs.append(ArtifactAndEvent(artifact: nil, event: event))
                }
            }
        }
        let result = try store.putExecution(execution, artifactsAndEvents: pairs, contexts: contexts(node: node), options: Self.options)
        let created = zip(pairs, result.artifactIDs).filter { $0.0.artifact != nil }.map(\.1)
        newArtifactIDs.withLock { $0 += created }
        let stored = Dictionary(uniqueKeysWithValues: try store.getArtifactsByID(result.artifactIDs).map { ($0.id!, $0) })
        var position = 0
        return outputs.map { key, artifacts in
            defer { position += artifacts.count }
            return (key, result.artifactIDs[position..<position + artifacts.count].map { stored[$0]! })
        }
    }

    /// Starts and finishes one execution of `node`. Without `state`, an execution whose outputs
    /// are all stored already is CACHED, any other COMPLETE.
    @discardableResult
    public func record(node: String, executionType: String, properties: [String: Value] = [:],
                       inputs: [(key: String, artifacts: [Artifact])] = [], outputs: [(key: String, artifacts: [Artifact])] = [],
                       state: Execution.State? = nil) throws -> [(key: String, artifacts: [Artifact])] {
        let execution = try start(node: node, executionType: executionType, properties: properties, inputs: inputs)
        let allCached = !outputs.isEmpty && outputs.allSatisfy { $0.artifacts.allSatisfy { $0.id != nil } }
        return try finish(execution, node: node, outputs: outputs, state: state ?? (allCached ? .cached : .complete))
    }

    /// The run as recorded so far.
    public func summary() throws -> RecordedRun {
        guard let context = try store.getContextByTypeAndName("pipeline_run", runID) else {
            throw StoreError(.failedPrecondition, "run \(runID) of \(pipeline) has no executions yet")
        }
        return RecordedRun(run: try store.pipelineRun(context), newArtifactIDs: Set(newArtifactIDs.withLock { $0 }))
    }

    private static let options = PutExecutionOptions(reuseContextIfAlreadyExist: true, reuseArtifactIfAlreadyExistByExternalID: true)

    private func executionTypeNamed(_ name: String) throws -> ExecutionType {
        if let type = try? store.getExecutionType(name) { return type }
        let id = try store.putExecutionType(ExecutionType(name: name))
        return try store.getExecutionTypesByID([id]).first!
    }
}

/// A pipeline run as ``PipelineRunRecorder/summary()`` reports it.
public struct RecordedRun: Sendable, Hashable {
    /// The run: its context, executions and their states, outputs and metrics.
    public var run: PipelineRun
    /// Artifacts this recorder created (outputs reused from cache are not among them).
    public var newArtifactIDs: Set<Int64>

    public var newArtifacts: [Artifact] { run.outputs.filter { newArtifactIDs.contains($0.id!) } }

    public init(run: PipelineRun, newArtifactIDs: Set<Int64>) {
        self.run = run
        self.newArtifactIDs = newArtifactIDs
    }

    /// A run recorded by someone else (a server's clients): its new artifacts are the outputs
    /// created since the run started; older outputs were reused from a cache.
    public init(run: PipelineRun) {
        self.init(run: run, newArtifactIDs: Set(run.outputs.filter { ($0.createTimeSinceEpoch ?? 0) >= run.startTime }.compactMap(\.id)))
    }
}
