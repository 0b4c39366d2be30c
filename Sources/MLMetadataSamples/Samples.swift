import Foundation
import MLMetadata

/// A TFX-like example pipeline that records realistic runs into a store.
///
/// It writes what a TFX 1.x (IR-based) pipeline writes: the standard artifact types with their
/// declared properties, one execution type per component (named by the component's class),
/// `pipeline`, `pipeline_run` and `node` contexts, and for every component two `putExecution`
/// calls: *register* (RUNNING, with its inputs) and *publish* (COMPLETE or CACHED, with its
/// outputs), with `reuse_context_if_already_exist`. Each run uses other hyperparameters and
/// yields other metrics; the third run reuses the data components' outputs from cache.
///
/// Everything is deterministic: each run opens the store with a fixed clock and seed, so the
/// same call always produces byte-identical files (that is how `sample-store/` is made).
public enum TaxiPipeline {
    public static let pipelineName = "chicago_taxi"
    static let pipelineRoot = "gs://ml-pipelines/chicago_taxi"
    static let tfxVersion = "1.15.1"
    /// 2026-01-05T09:00:00Z: the first run's start.
    static let firstRunStart: Int64 = 1_767_603_600_000
    static let day: Int64 = 86_400_000

    /// The settings that differ between runs.
    public struct RunSettings: Sendable {
        public var runID: String
        public var span: Int64
        public var trainSteps: Int64
        public var learningRate: Double
        public var batchSize: Int64
        public var accuracy: Double
        public var auc: Double
        public var loss: Double
        /// Serve the data components' outputs from the previous run (TFX's cache).
        public var cachedData: Bool
    }

    /// Three runs: a baseline, a better model on new data, then a retrain on cached data that
    /// does not beat the threshold.
    public static let defaultRuns: [RunSettings] = [
        RunSettings(runID: "2026-01-05T09:00:00", span: 1, trainSteps: 2_000, learningRate: 0.01, batchSize: 64,
                    accuracy: 0.8412, auc: 0.9011, loss: 0.4127, cachedData: false),
        RunSettings(runID: "2026-01-06T09:00:00", span: 2, trainSteps: 5_000, learningRate: 0.005, batchSize: 128,
                    accuracy: 0.8837, auc: 0.9342, loss: 0.3315, cachedData: false),
        RunSettings(runID: "2026-01-07T09:00:00", span: 2, trainSteps: 10_000, learningRate: 0.02, batchSize: 128,
                    accuracy: 0.8605, auc: 0.9208, loss: 0.3702, cachedData: true),
    ]

    /// `count` runs: the default three, then the same settings again with later run ids.
    public static func runs(count: Int) -> [RunSettings] {
        (0..<count).map { number in
            var settings = defaultRuns[number % defaultRuns.count]
            if number >= defaultRuns.count {
                let formatter = ISO8601DateFormatter()
                formatter.formatOptions = [.withFullDate]
                settings.runID = formatter.string(from: Date(timeIntervalSince1970: Double(firstRunStart + Int64(number) * day) / 1000)) + "T09:00:00"
                settings.cachedData = false
            }
            return settings
        }
    }

    /// Records `runs` into the store at `path` (created if missing). Run number `n` (counting
    /// from `firstRunNumber`) happens on day `n - 1` after 2026-01-05 with a clock seeded by `n`.
    /// `completed` is called after each run (to commit it, for example).
    public static func record(into path: String, runs: [RunSettings] = defaultRuns, firstRunNumber: Int = 1,
                              durability: StoreOptions.Durability = .relaxed,
                              completed: (PipelineRunRecorder) throws -> Void = { _ in }) throws {
        var previous: RunOutputs?
        for (offset, settings) in runs.enumerated() {
            let number = firstRunNumber + offset
            let clock = StoreClock.deterministic(start: firstRunStart + Int64(number - 1) * day, step: 1_000, seed: UInt64(number))
            let store = try MetadataStore(path: path, options: StoreOptions(durability: durability, clock: clock))
            // TFX registers types idempotently before every component; once per run is enough here.
            try store.putTypes(artifactTypes: artifactTypes, executionTypes: Component.allCases.map(executionType),
                               contextTypes: contextTypes)
            let run = try PipelineRunRecorder(store: store, pipeline: pipelineName, runID: settings.runID)
            previous = try recordRun(settings, number: number, previous: previous, in: run)
            try completed(run)
        }
    }

    /// What one run produced that the next one may reuse or compare against.
    struct RunOutputs {
        var examples: Artifact
        var statistics: Artifact
        var schema: Artifact
        var transformGraph: Artifact
        var transformedExamples: Artifact
        var model: Artifact
        var blessed: Bool
    }
}
