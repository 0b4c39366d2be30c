/// One pipeline run as TFX records it: a `pipeline_run` context (legacy TFX: `run`) with the
/// executions associated with it, what they produced, and the metrics among it.
public struct PipelineRun: Sendable, Hashable {
    /// The overall state of a run, from its executions' states.
    public enum State: String, Sendable, Hashable {
        /// Every execution finished (COMPLETE or CACHED).
        case complete = "COMPLETE"
        /// At least one execution FAILED.
        case failed = "FAILED"
        /// At least one execution was CANCELED (and none failed).
        case canceled = "CANCELED"
        /// Some execution is still NEW or RUNNING.
        case running = "RUNNING"
        /// No executions, or only ones without a state.
        case unknown = "UNKNOWN"
    }

    public var context: Context
    /// The `pipeline` context the run's executions are also associated with, if any.
    public var pipeline: String?
    /// The run's executions, oldest first.
    public var executions: [Execution]
    /// Artifacts the run's executions output (OUTPUT and the other output event types).
    public var outputs: [Artifact]
    /// Artifacts the run read but did not produce (e.g. a cached or baseline model).
    public var inputs: [Artifact]
    /// When the run's first execution was created (the context's creation time without executions).
    public var startTime: Int64
    /// The latest update of the run's executions.
    public var endTime: Int64
    public var state: State
    /// Floating-point properties of model, evaluation, metrics and blessing outputs, keyed
    /// `"<artifact type>.<property>"` (for example `ModelEvaluation.accuracy`).
    public var metrics: [String: Double]

    /// The run's name (its context's name, e.g. TFX's run id).
    public var name: String { context.name ?? "" }

    /// The context types that mark a run: TFX's `pipeline_run` (legacy TFX: `run`), and Kubeflow
    /// Pipelines' `system.PipelineRun` (v2) and `KfpRun` (v1's metadata writer), as they appear
    /// in imported databases.
    public static let runContextTypes = ["pipeline_run", "run", "system.PipelineRun", "KfpRun"]
    /// The context types that name the pipeline a run belongs to: TFX's `pipeline`, Kubeflow's `system.Pipeline`.
    public static let pipelineContextTypes: Set<String> = ["pipeline", "system.Pipeline"]
}

extension MetadataStore {
    /// The pipeline runs in the store, oldest first; with `pipeline`, only that pipeline's.
    public func pipelineRuns(pipeline: String? = nil) throws -> [PipelineRun] {
        var runs: [PipelineRun] = []
        for typeName in PipelineRun.runContextTypes {
            for context in try getContextsByType(typeName) {
                let run = try pipelineRun(context)
                if pipeline == nil || run.pipeline == pipeline { runs.append(run) }
            }
        }
        return runs.sorted { ($0.startTime, $0.context.id ?? 0) < ($1.startTime, $1.context.id ?? 0) }
    }

    /// The summary of one run context.
    public func pipelineRun(_ context: Context) throws -> PipelineRun {
        let executions = try getExecutionsByContext(context.id!).sorted { ($0.createTimeSinceEpoch ?? 0, $0.id!) < ($1.createTimeSinceEpoch ?? 0, $1.id!) }
        let events = try getEventsByExecutionIDs(executions.map { $0.id! })
        let outputIDs = Set(events.filter { $0.type?.isOutput == true }.compactMap(\.artifactID))
        let inputIDs = Set(events.filter { $0.type?.isInput == true }.compactMap(\.artifactID)).subtracting(outputIDs)
        let artifacts = try getArtifactsByID(Array(outputIDs.union(inputIDs)))
        let outputs = artifacts.filter { outputIDs.contains($0.id!) }
        var pipeline: String?
        if let first = executions.first {
            pipeline = try getContextsByExecution(first.id!).first { PipelineRun.pipelineContextTypes.contains($0.type ?? "") }?.name
        }
        // By id: two versions of a type share its name (`Examples` 1.0.0 and 2.0.0).
        let types = Dictionary(try getArtifactTypes().map { ($0.id!, $0) }, uniquingKeysWith: { first, _ in first })
        var metrics: [String: Double] = [:]
        for artifact in outputs where Self.holdsMetrics(artifact.typeID.flatMap { types[$0] }) {
            for (name, value) in artifact.properties.merging(artifact.customProperties, uniquingKeysWith: { first, _ in first }) {
                if case .double(let number) = value { metrics["\(artifact.type ?? "").\(name)"] = number }
            }
        }
        let states = executions.compactMap(\.lastKnownState)
        let state: PipelineRun.State = if states.contains(.failed) {
            .failed
        } else if states.contains(.canceled) {
            .canceled
        } else if states.contains(where: { $0 == .new || $0 == .running }) {
            .running
        } else if !states.isEmpty, states.allSatisfy({ $0 == .complete || $0 == .cached }) {
            .complete
        } else {
            .unknown
        }
        return PipelineRun(
            context: context, pipeline: pipeline, executions: executions, outputs: outputs,
            inputs: artifacts.filter { inputIDs.contains($0.id!) },
            startTime: executions.compactMap(\.createTimeSinceEpoch).min() ?? context.createTimeSinceEpoch ?? 0,
            endTime: executions.compactMap(\.lastUpdateTimeSinceEpoch).max() ?? context.lastUpdateTimeSinceEpoch ?? 0,
            state: state, metrics: metrics)
    }

    /// Models, evaluations, metrics and blessings: by base type, or by the name TFX gives them.
    static func holdsMetrics(_ type: ArtifactType?) -> Bool {
        guard let type else { return false }
        if type.baseType == .model || type.baseType == .metrics { return true }
        let name = type.name.lowercased()
        return ["model", "evaluation", "metric", "blessing"].contains { name.contains($0) }
    }
}
