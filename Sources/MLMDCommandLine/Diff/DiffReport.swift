import MLMetadata

/// A store diff with what the views add to it: the newest added run compared with the run
/// before it, and the lineage of the newest model.
struct StoreDiffReport {
    var diff: StoreDiff
    /// The newest run the diff added, against the previous run of its pipeline.
    var comparison: RunComparison?
    /// The newest model the diff added, with its upstream lineage as Mermaid.
    var lineage: (model: NodeChange, mermaid: String)?

    init(_ diff: StoreDiff) throws {
        self.diff = diff
        guard let store = diff.newStore else { return }
        if let newest = diff.runs.last(where: { $0.change == .added })?.details,
           let previous = try store.previousPipelineRun(before: newest.run) {
            comparison = RunComparison(baseline: try store.runDetails(previous), candidate: newest)
        }
        if let model = DiffWording.newestModel(diff) {
            lineage = (model, try DiffWording.lineageMermaid(of: model.id, in: store))
        }
    }
}

/// Two runs compared, with the lineage of the candidate's model.
struct RunComparisonReport {
    var comparison: RunComparison
    /// Where each run was read: `the working store`, `HEAD~2 (3a08f1c)`.
    var baselineLabel: String
    var candidateLabel: String
    var lineage: (model: Artifact, mermaid: String)?

    init(_ comparison: RunComparison, baselineLabel: String, candidateLabel: String, candidateStore: MetadataStore) throws {
        self.comparison = comparison
        self.baselineLabel = baselineLabel
        self.candidateLabel = candidateLabel
        let models = comparison.candidate.steps.flatMap(\.outputs).map(\.artifact).filter { DiffWording.isModel($0.type ?? "") }
        if let model = models.max(by: { ($0.createTimeSinceEpoch ?? 0, $0.id!) < ($1.createTimeSinceEpoch ?? 0, $1.id!) }) {
            lineage = (model, try DiffWording.lineageMermaid(of: model.id!, in: candidateStore))
        }
    }
}
