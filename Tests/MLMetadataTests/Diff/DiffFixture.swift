import Foundation
import Testing
@testable import MLMetadata
import MLMetadataGit

/// A repository whose history exercises the diff: a commit without a store, a first run, a
/// second run that fails with changed parameters plus a changed type and artifact, a type
/// renamed by hand, and an uncommitted third run. Everything but the commit ids is deterministic.
struct DiffFixture {
    let repository: GitRepositoryFixture
    let storePath: String
    /// The commits, oldest first: no store, run-1, run-2 (failed), type renamed.
    private(set) var commits: [String] = []

    init(_ label: String = #function) throws {
        repository = try GitRepositoryFixture(label)
        storePath = repository.directory.file("ml/store")
        try repository.write("README.md", "A project that records its pipeline runs.\n")
        commits.append(try commit("Project without metadata"))

        try record(run: 1, learningRate: 0.1, trainSteps: 100, accuracy: 0.80, loss: 0.5, fails: false)
        commits.append(try commit("run-1"))

        try record(run: 2, learningRate: 0.05, trainSteps: 200, accuracy: nil, loss: nil, fails: true)
        let store = try open(run: 2)
        _ = try store.putArtifactType(ArtifactType(name: "Model", properties: ["framework": .string]), canAddFields: true)
        var model = try #require(try store.getArtifactByTypeAndName("Model", "model-1"))
        model.customProperties["stage"] = "production"
        model.state = .markedForDeletion
        _ = try store.putArtifacts([model])
        commits.append(try commit("run-2 failed; model-1 promoted"))

        try renameDatasetType()
        commits.append(try commit("Rename Dataset to Examples"))
    }

    /// The store with the clock of run `number` (deterministic times and ids).
    func open(run number: Int) throws -> MetadataStore {
        let clock = StoreClock.deterministic(start: 1_767_603_600_000 + Int64(number - 1) * 86_400_000, step: 1_000, seed: UInt64(number))
        return try MetadataStore(path: storePath, options: StoreOptions(durability: .relaxed, clock: clock))
    }

    /// Records a three-step run: Ingest → Dataset, Train → Model, Evaluate → Metrics (or FAILED).
    func record(run number: Int, learningRate: Double, trainSteps: Int64, accuracy: Double?, loss: Double?, fails: Bool) throws {
        let store = try open(run: number)
        _ = try store.putTypes(
            artifactTypes: [ArtifactType(name: "Dataset", properties: ["span": .int], baseType: .dataset),
                            ArtifactType(name: "Model", baseType: .model), ArtifactType(name: "Metrics", baseType: .metrics)],
            executionTypes: [ExecutionType(name: "Ingest"), ExecutionType(name: "Train", baseType: .train),
                             ExecutionType(name: "Evaluate", baseType: .evaluate)],
            canAddFields: true, canOmitFields: true)
        let run = try PipelineRunRecorder(store: store, pipeline: "demo", runID: "run-\(number)")
        let data = try run.record(node: "Ingest", executionType: "Ingest", properties: ["source": .string("s3://data/day-\(number)")],
                                  outputs: [("data", [Artifact(type: "Dataset", name: "data-\(number)", uri: "s3://data/\(number)",
                                                               properties: ["span": .int(Int64(number))])])])[0].artifacts[0]
        let model = try run.record(node: "Train", executionType: "Train",
                                   properties: ["learning_rate": .double(learningRate), "train_steps": .int(trainSteps)],
                                   inputs: [("data", [data])],
                                   outputs: [("model", [Artifact(type: "Model", name: "model-\(number)", uri: "s3://models/\(number)")])])[0].artifacts[0]
        if fails {
            try run.record(node: "Evaluate", executionType: "Evaluate", inputs: [("model", [model])], state: .failed)
        } else {
            try run.record(node: "Evaluate", executionType: "Evaluate", inputs: [("model", [model])],
                           outputs: [("metrics", [Artifact(type: "Metrics", name: "metrics-\(number)", uri: "s3://metrics/\(number)",
                                                           customProperties: ["accuracy": .double(accuracy!), "loss": .double(loss!)])])])
        }
    }

    /// Renames the artifact type `Dataset` to `Examples` the way a hand migration would: a new
    /// type file (with the new name's derived id) and every Dataset artifact rewritten under it.
    private func renameDatasetType() throws {
        let store = try open(run: 3)
        let examplesID = try store.putArtifactType(ArtifactType(name: "Examples", properties: ["span": .int], baseType: .dataset))
        for var artifact in try store.getArtifactsByType("Dataset") {
            let oldPath = StoreLayout.nodePath(kind: .artifact, typeStem: "Dataset", id: artifact.id!, createTime: artifact.createTimeSinceEpoch!)
            artifact.typeID = examplesID
            artifact.type = "Examples"
            let newPath = StoreLayout.nodePath(kind: .artifact, typeStem: "Examples", id: artifact.id!, createTime: artifact.createTimeSinceEpoch!)
            try FileManager.default.createDirectory(atPath: (storePath + "/" + newPath as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try (artifact.protoJSON(.pretty) + "\n").write(toFile: storePath + "/" + newPath, atomically: false, encoding: .utf8)
            try FileManager.default.removeItem(atPath: storePath + "/" + oldPath)
        }
        try FileManager.default.removeItem(atPath: storePath + "/types/artifact/Dataset.json")
        try FileManager.default.removeItem(atPath: storePath + "/artifacts/Dataset")
    }

    /// Commits everything with the git CLI; returns the commit id.
    private func commit(_ message: String) throws -> String {
        try repository.git("add", "-A")
        try repository.git("commit", "-q", "-m", message)
        return try repository.git("rev-parse", "HEAD").trimmingCharacters(in: .newlines)
    }

    /// `text` with each commit's short id replaced by `<commit N>`, so it can be compared with a golden file.
    func normalized(_ text: String) -> String {
        var text = text
        for (number, commit) in commits.enumerated() {
            text = text.replacingOccurrences(of: String(commit.prefix(7)), with: "<commit \(number)>")
        }
        return text
    }
}

/// Compares output with a file under `Fixtures/diff/`; `MLMD_UPDATE_GOLDEN=1` rewrites the files.
enum Golden {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/diff")

    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["MLMD_UPDATE_GOLDEN"] == "1" {
            try actual.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("no golden file \(name); run the tests with MLMD_UPDATE_GOLDEN=1 to create it", sourceLocation: sourceLocation)
            return
        }
        #expect(actual == expected, "output differs from Fixtures/diff/\(name)", sourceLocation: sourceLocation)
    }
}
