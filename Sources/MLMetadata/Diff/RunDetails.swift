/// A pipeline run with what each of its executions read and wrote: what a run diff compares.
public struct RunDetails: Sendable, Hashable {
    /// The run's summary (context, executions, state, metrics).
    public var run: PipelineRun
    /// One step per execution of the run, oldest first.
    public var steps: [RunStep]
}

/// One execution of a run.
public struct RunStep: Sendable, Hashable {
    /// The pipeline node: its `node` context's name without the `<pipeline>.` prefix, else the
    /// last component of the execution's type name (`Trainer`).
    public var node: String
    public var execution: Execution
    /// What it read, in event-path order.
    public var inputs: [RunArtifact]
    /// What it wrote, in event-path order.
    public var outputs: [RunArtifact]
}

/// An artifact on one side of an execution.
public struct RunArtifact: Sendable, Hashable {
    /// The event path: the key and, after the first, the position (`examples`, `examples[1]`).
    public var key: String
    public var artifact: Artifact
    /// For an output: whether this execution produced it (false: an artifact an earlier
    /// execution produced, linked again — a cache hit). For an input: whether an execution of
    /// the same run produced it.
    public var isNew: Bool
}

extension MetadataStore {
    /// The run whose run context (``PipelineRun/runContextTypes``) has this name or, for a
    /// number, this id; nil when there is none.
    public func pipelineRunContext(named reference: String) throws -> Context? {
        for typeName in PipelineRun.runContextTypes {
            if let context = try getContextByTypeAndName(typeName, reference) { return context }
        }
        if let id = Int64(reference), let context = try getContextsByID([id]).first,
           PipelineRun.runContextTypes.contains(context.type ?? "") {
            return context
        }
        return nil
    }

    /// Every run context (``PipelineRun/runContextTypes``), oldest first (by creation time, then
    /// id). Contexts alone, without summarizing the runs: as cheap with ten thousand runs as with ten.
    public func pipelineRunContexts() throws -> [Context] {
        try PipelineRun.runContextTypes.flatMap { try getContextsByType($0) }.sorted { Self.creationOrder($0) < Self.creationOrder($1) }
    }

    private static func creationOrder(_ context: Context) -> (Int64, Int64) {
        (context.createTimeSinceEpoch ?? 0, context.id ?? 0)
    }

    /// The run of the same pipeline that was created last before `run` (by its context's
    /// creation time, then id); nil when it is the first.
    public func previousPipelineRun(before run: PipelineRun) throws -> Context? {
        let earlier = try pipelineRunContexts().filter { Self.creationOrder($0) < Self.creationOrder(run.context) }
        for candidate in earlier.reversed() {
            guard let pipeline = run.pipeline else { return candidate }
            let executions = try getExecutionsByContext(candidate.id!)
            guard let first = executions.min(by: { ($0.createTimeSinceEpoch ?? 0, $0.id!) < ($1.createTimeSinceEpoch ?? 0, $1.id!) })
            else { continue }
            if try getContextsByExecution(first.id!).contains(where: { PipelineRun.pipelineContextTypes.contains($0.type ?? "") && $0.name == pipeline }) { return candidate }
        }
        return nil
    }

    /// The run of a `pipeline_run` context with, for each execution, its inputs and outputs.
    public func runDetails(_ context: Context) throws -> RunDetails {
        let run = try pipelineRun(context)
        let executionIDs = Set(run.executions.map { $0.id! })
        let events = try getEventsByExecutionIDs(Array(executionIDs))
        let artifactIDs = Array(Set(events.compactMap(\.artifactID)))
        let artifacts = Dictionary(uniqueKeysWithValues: try getArtifactsByID(artifactIDs).map { ($0.id!, $0) })
        // Who produced each artifact first: the run's own executions, or an earlier one.
        var producer: [Int64: (time: Int64, execution: Int64)] = [:]
        for event in try getEventsByArtifactIDs(artifactIDs) where event.type?.isOutput == true {
            guard let artifact = event.artifactID, let execution = event.executionID else { continue }
            let key = (time: event.millisecondsSinceEpoch ?? 0, execution: execution)
            if let known = producer[artifact], (known.time, known.execution) <= (key.time, key.execution) { continue }
            producer[artifact] = key
        }
        let prefix = (run.pipeline ?? "") + "."
        var steps: [RunStep] = []
        for execution in run.executions {
            let node = try getContextsByExecution(execution.id!).first { $0.type == "node" }?.name
            let own = events.filter { $0.executionID == execution.id }.sorted { Self.eventPathKey($0.path) < Self.eventPathKey($1.path) }
            func sides(_ isOutput: Bool) -> [RunArtifact] {
                own.filter { ($0.type?.isOutput ?? false) == isOutput && ($0.type?.isInput ?? false) != isOutput }.compactMap { event in
                    guard let id = event.artifactID, let artifact = artifacts[id] else { return nil }
                    let producedBy = producer[id]?.execution
                    let isNew = isOutput ? producedBy == execution.id : producedBy.map(executionIDs.contains) ?? false
                    return RunArtifact(key: Self.eventPathKey(event.path), artifact: artifact, isNew: isNew)
                }
            }
            steps.append(RunStep(
                node: node.map { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : $0 }
                    ?? String(execution.type?.split(separator: ".").last ?? "execution"),
                execution: execution, inputs: sides(false), outputs: sides(true)))
        }
        return RunDetails(run: run, steps: steps)
    }

    /// `examples`, `examples[1]`, `[2]`: an event path as one key (a position after the first is shown).
    public static func eventPathKey(_ path: [Event.Step]?) -> String {
        var key = ""
        for step in path ?? [] {
            switch step {
            case .key(let name): key += key.isEmpty ? name : "." + name
            case .index(let index): if index != 0 || key.isEmpty { key += "[\(index)]" }
            }
        }
        return key
    }
}
