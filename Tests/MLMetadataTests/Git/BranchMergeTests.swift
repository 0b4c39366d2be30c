import Foundation
import Testing
@testable import MLMetadata
import MLMetadataGit

/// Branches that record into the same store, merged with the git CLI.
@Suite struct BranchMergeTests {
    /// A repository whose `metadata/` store is committed on `main`, with nothing recorded yet.
    static func repositoryWithStore(_ label: String = #function) throws -> GitRepositoryFixture {
        let repository = try GitRepositoryFixture(label)
        _ = try MetadataStore(path: repository.directory.file("metadata"))
        try repository.git("add", ".")
        try repository.git("commit", "-qm", "store")
        return repository
    }

    /// Records a two-step run of `pipeline` at `start` (ms since the epoch), as one machine would.
    static func recordRun(_ repository: GitRepositoryFixture, pipeline: String, runID: String, start: Int64, seed: UInt64) throws {
        let store = try MetadataStore(path: repository.directory.file("metadata"),
                                      options: StoreOptions(clock: .deterministic(start: start, seed: seed)))
        _ = try store.putTypes(artifactTypes: [ArtifactType(name: "Dataset", properties: ["span": .int]), ArtifactType(name: "Model")],
                               executionTypes: [ExecutionType(name: "Ingest"), ExecutionType(name: "Train")])
        let run = try PipelineRunRecorder(store: store, pipeline: pipeline, runID: runID)
        let data = try run.record(node: "Ingest", executionType: "Ingest",
                                  outputs: [("data", [Artifact(type: "Dataset", uri: "s3://\(runID)/data", properties: ["span": .int(1)])])])
        try run.record(node: "Train", executionType: "Train", inputs: [("data", data[0].artifacts)],
                       outputs: [("model", [Artifact(type: "Model", uri: "s3://\(runID)/model")])])
    }

    static func commitAll(_ repository: GitRepositoryFixture, _ message: String) throws {
        try repository.git("add", "-A", "metadata")
        try repository.git("commit", "-qm", message)
    }

    @Test func aNewPipelineFirstRunOnTwoBranchesMergesWithoutAConflictAndWithoutADriver() throws {
        let repository = try Self.repositoryWithStore()
        try repository.git("checkout", "-qb", "feature")
        try Self.recordRun(repository, pipeline: "fresh", runID: "feature-1", start: 1_767_700_000_000, seed: 7)
        try Self.commitAll(repository, "feature run")
        let onFeature = try Self.pipelineContext(repository, "fresh")
        try repository.git("checkout", "-q", "main")
        try Self.recordRun(repository, pipeline: "fresh", runID: "main-1", start: 1_767_600_000_000, seed: 8)
        try Self.commitAll(repository, "main run")
        let onMain = try Self.pipelineContext(repository, "fresh")

        // The types, the pipeline context and the node contexts are the same files on both branches.
        let merge = try MLMD.process("/usr/bin/git", ["merge", "--no-edit", "feature"], in: repository.path,
                                     environment: ["GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"])
        #expect(merge.status == 0, "\(merge.output)\(merge.errors)")
        #expect(try repository.git("diff", "--name-only", "--diff-filter=U") == "")
        let both = try repository.git("diff", "--name-only", "HEAD^1", "HEAD^2", "--", "metadata/contexts/pipeline", "metadata/contexts/node", "metadata/types")
        #expect(both == "", "shared files differ between the branches: \(both)")

        let store = try MetadataStore(path: repository.directory.file("metadata"), options: StoreOptions(createIfMissing: false))
        #expect(try store.checkFiles() == [])
        #expect(try store.problems.isEmpty)
        #expect(try store.pipelineRuns(pipeline: "fresh").map(\.context.name) == ["main-1", "feature-1"])
        // The pipeline context was first created on main, last touched on feature.
        let pipeline = try Self.pipelineContext(repository, "fresh")
        #expect(onMain.createTimeSinceEpoch! < onFeature.createTimeSinceEpoch!)
        #expect(pipeline.createTimeSinceEpoch == onMain.createTimeSinceEpoch)
        #expect(pipeline.lastUpdateTimeSinceEpoch == onFeature.lastUpdateTimeSinceEpoch)
    }

    static func pipelineContext(_ repository: GitRepositoryFixture, _ name: String) throws -> Context {
        let store = try MetadataStore(path: repository.directory.file("metadata"), options: StoreOptions(createIfMissing: false))
        return try #require(try store.getContextByTypeAndName("pipeline", name))
    }
}
