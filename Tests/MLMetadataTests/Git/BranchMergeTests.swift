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

    // MARK: - The same node or type changed on both branches

    static let gitEnvironment = ["GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"]

    /// Registers the `mlmd` diff and merge drivers in the repository's .git/config, running the
    /// built `mlmd`.
    static func installDrivers(_ repository: GitRepositoryFixture) throws {
        let store = try MetadataStore(path: repository.directory.file("metadata"), options: StoreOptions(createIfMissing: false))
        try StoreRepository(store: store).installDrivers(mlmd: BuiltProducts.path("mlmd"))
    }

    static func open(_ repository: GitRepositoryFixture, at start: Int64 = 1_767_800_000_000, seed: UInt64 = 3) throws -> MetadataStore {
        try MetadataStore(path: repository.directory.file("metadata"),
                          options: StoreOptions(clock: .deterministic(start: start, seed: seed), createIfMissing: false))
    }

    /// `main` with one recorded run, and the id of its model; `feature` branched from it.
    static func branchedRepository(driver: Bool, _ label: String = #function) throws -> (GitRepositoryFixture, model: Int64) {
        let repository = try repositoryWithStore(label)
        if driver { try installDrivers(repository) }
        try recordRun(repository, pipeline: "taxi", runID: "r1", start: 1_767_600_000_000, seed: 1)
        try commitAll(repository, "run 1")
        let model = try #require(try open(repository).getArtifactsByType("Model").first?.id)
        try repository.git("branch", "feature")
        return (repository, model)
    }

    /// Changes the model on the current branch and commits.
    static func changeModel(_ repository: GitRepositoryFixture, _ model: Int64, at start: Int64, _ change: (inout Artifact) -> Void) throws {
        let store = try open(repository, at: start)
        var artifact = try #require(try store.getArtifactsByID([model]).first)
        change(&artifact)
        _ = try store.putArtifacts([artifact])
        try commitAll(repository, "change the model")
    }

    /// `main` and `feature` each change the model of `branchedRepository`, then `feature` is
    /// merged into `main`.
    static func mergeModelChanges(driver: Bool, feature: (inout Artifact) -> Void, main: (inout Artifact) -> Void,
                                  _ label: String = #function) throws -> (GitRepositoryFixture, model: Int64, merge: CommandResult) {
        let (repository, model) = try branchedRepository(driver: driver, label)
        try repository.git("checkout", "-q", "feature")
        try changeModel(repository, model, at: 1_767_700_000_000, feature)
        try repository.git("checkout", "-q", "main")
        try changeModel(repository, model, at: 1_767_650_000_000, main)
        return (repository, model, try merge(repository, "feature"))
    }

    static func merge(_ repository: GitRepositoryFixture, _ branch: String) throws -> CommandResult {
        try MLMD.process("/usr/bin/git", ["merge", "--no-edit", branch], in: repository.path, environment: gitEnvironment)
    }

    @Test(arguments: [true, false])
    func theSameArtifactChangedInDifferentFieldsOnTwoBranches(driver: Bool) throws {
        let (repository, model, merge) = try Self.mergeModelChanges(driver: driver, feature: { $0.state = .markedForDeletion }, main: { $0.customProperties["accuracy"] = .double(0.91) })
        let store = try Self.open(repository)
        if driver {
            #expect(merge.status == 0, "\(merge.output)\(merge.errors)")
            let merged = try #require(try store.getArtifactsByID([model]).first)
            #expect(merged.state == .markedForDeletion && merged.customProperties["accuracy"] == .double(0.91))
            #expect(merged.lastUpdateTimeSinceEpoch! >= 1_767_700_000_000)
            #expect(try store.checkFiles() == [] && store.problems.isEmpty)
        } else {
            // As text, the update times next to the edited fields collide; reads say so.
            #expect(merge.status != 0)
            let problems = try store.problems
            #expect(problems.count == 1 && problems[0].message.hasPrefix("unresolved merge conflict in field"), "\(problems)")
            #expect(try store.getArtifactsByID([model]).isEmpty)
        }
    }

    @Test func theSameChangeOnBothBranchesIsTakenOnce() throws {
        let (repository, model, merge) = try Self.mergeModelChanges(driver: true, feature: { $0.state = .deleted }, main: { $0.state = .deleted })
        #expect(merge.status == 0, "\(merge.output)\(merge.errors)")
        let store = try Self.open(repository)
        #expect(try store.getArtifactsByID([model]).first?.state == .deleted)
        #expect(try store.checkFiles() == [])
    }

    @Test(arguments: [true, false])
    func aTypeExtendedCompatiblyOnBothBranches(driver: Bool) throws {
        let (repository, _) = try Self.branchedRepository(driver: driver)
        try repository.git("checkout", "-q", "feature")
        _ = try Self.open(repository).putArtifactType(ArtifactType(name: "Model", properties: ["seed": .int]), canAddFields: true)
        try Self.commitAll(repository, "Model.seed")
        try repository.git("checkout", "-q", "main")
        _ = try Self.open(repository).putArtifactType(ArtifactType(name: "Model", properties: ["framework": .string]), canAddFields: true)
        try Self.commitAll(repository, "Model.framework")
        let merge = try Self.merge(repository, "feature")
        let store = try Self.open(repository)
        if driver {
            #expect(merge.status == 0, "\(merge.output)\(merge.errors)")
            #expect(try store.getArtifactType("Model").properties == ["seed": .int, "framework": .string])
            #expect(try store.checkFiles() == [])
        } else {
            #expect(merge.status != 0)
            let problems = try store.problems
            #expect(problems.first?.message.hasPrefix("unresolved merge conflict in fields properties.framework, properties.seed") == true, "\(problems)")
        }
    }

    @Test func aRealConflictIsNamedAndResolvedWithTheirsOrInPlaceAsAnEditorSavesIt() throws {
        let (repository, model, merge) = try Self.mergeModelChanges(driver: true, feature: { $0.state = .deleted }, main: { $0.state = .markedForDeletion })
        #expect(merge.status != 0)
        let conflicted = try repository.git("diff", "--name-only", "--diff-filter=U").split(separator: "\n").map(String.init)
        #expect(conflicted.count == 1 && conflicted[0].hasPrefix("metadata/artifacts/Model/"), "\(conflicted)")
        let store = try Self.open(repository)
        let problems = try store.problems
        #expect(problems.map(\.message).first?.hasPrefix("unresolved merge conflict in field state") == true, "\(problems)")
        #expect(try store.checkFiles().filter { $0.kind == .unreadable }.count == 1)

        // Resolved in place, as an editor saves: the same file, the folder untouched.
        let file = repository.directory.file(conflicted[0])
        let text = try String(contentsOfFile: file, encoding: .utf8)
        // Theirs taken: the lines from `<<<<<<<` to `=======` and the `>>>>>>>` line dropped.
        var inOurs = false
        let resolved = text.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            if line.hasPrefix("<<<<<<<") { inOurs = true; return false }
            if line.hasPrefix("=======") { inOurs = false; return false }
            return !inOurs && !line.hasPrefix(">>>>>>>")
        }.joined(separator: "\n")
        let handle = try #require(FileHandle(forWritingAtPath: file))
        handle.write(Data(resolved.utf8))
        handle.truncateFile(atOffset: UInt64(resolved.utf8.count))
        try handle.close()
        #expect(!resolved.contains("<<<<<<<") && resolved != text, "\(resolved)")
        let reopened = try Self.open(repository)
        let remaining = try reopened.problems
        #expect(remaining.isEmpty, "\(remaining)")
        #expect(try reopened.getArtifactsByID([model]).first?.state == .deleted)
        try repository.git("add", conflicted[0])
        try repository.git("commit", "-qm", "merge")
        #expect(try reopened.checkFiles() == [])
    }

    @Test func theOursOrTheirsSideOfAConflictTakenWithGitCheckout() throws {
        let (repository, model, merge) = try Self.mergeModelChanges(driver: true, feature: { $0.state = .deleted }, main: { $0.state = .markedForDeletion })
        #expect(merge.status != 0)
        let path = try repository.git("diff", "--name-only", "--diff-filter=U").trimmingCharacters(in: .whitespacesAndNewlines)
        try repository.git("checkout", "--theirs", path)
        #expect(try Self.open(repository).getArtifactsByID([model]).first?.state == .deleted)
        try repository.git("checkout", "--ours", path)
        #expect(try Self.open(repository).getArtifactsByID([model]).first?.state == .markedForDeletion)
        try repository.git("add", path)
        try repository.git("commit", "-qm", "merge: ours")
        #expect(try Self.open(repository).checkFiles() == [])
    }

    @Test func rebaseAndCherryPickUseTheDriver() throws {
        let (repository, model) = try Self.branchedRepository(driver: true)
        try repository.git("checkout", "-q", "feature")
        try Self.changeModel(repository, model, at: 1_767_700_000_000) { $0.state = .markedForDeletion }
        try Self.recordRun(repository, pipeline: "taxi", runID: "feature-run", start: 1_767_710_000_000, seed: 5)
        try Self.commitAll(repository, "feature run")
        try repository.git("checkout", "-q", "main")
        try Self.changeModel(repository, model, at: 1_767_650_000_000) { $0.customProperties["accuracy"] = .double(0.91) }

        try repository.git("checkout", "-qb", "picked")
        let pick = try MLMD.process("/usr/bin/git", ["cherry-pick", "feature~1"], in: repository.path, environment: Self.gitEnvironment)
        #expect(pick.status == 0, "\(pick.output)\(pick.errors)")
        let picked = try #require(try Self.open(repository).getArtifactsByID([model]).first)
        #expect(picked.state == .markedForDeletion && picked.customProperties["accuracy"] == .double(0.91))

        try repository.git("checkout", "-q", "feature")
        let rebase = try MLMD.process("/usr/bin/git", ["rebase", "main"], in: repository.path, environment: Self.gitEnvironment)
        #expect(rebase.status == 0, "\(rebase.output)\(rebase.errors)")
        let store = try Self.open(repository)
        let rebased = try #require(try store.getArtifactsByID([model]).first)
        #expect(rebased.state == .markedForDeletion && rebased.customProperties["accuracy"] == .double(0.91))
        #expect(try store.pipelineRuns(pipeline: "taxi").map(\.name) == ["r1", "feature-run"])
        #expect(try store.checkFiles() == [])
    }

    @Test func revertAndStashOfStoreChanges() throws {
        let (repository, model) = try Self.branchedRepository(driver: true)
        try Self.changeModel(repository, model, at: 1_767_650_000_000) { $0.state = .deleted }
        try Self.recordRun(repository, pipeline: "taxi", runID: "r2", start: 1_767_660_000_000, seed: 6)
        try Self.commitAll(repository, "run 2")
        try repository.git("revert", "--no-edit", "HEAD~1")
        let store = try Self.open(repository)
        #expect(try store.getArtifactsByID([model]).first?.state == .live)
        #expect(try store.pipelineRuns(pipeline: "taxi").map(\.name) == ["r1", "r2"])

        // A run recorded but not committed, stashed while the model changes, then popped.
        try Self.recordRun(repository, pipeline: "taxi", runID: "r3", start: 1_767_670_000_000, seed: 7)
        try repository.git("stash", "-u")
        #expect(try Self.open(repository).pipelineRuns(pipeline: "taxi").map(\.name) == ["r1", "r2"])
        try Self.changeModel(repository, model, at: 1_767_680_000_000) { $0.customProperties["note"] = .string("kept") }
        try repository.git("stash", "pop")
        #expect(try Self.open(repository).pipelineRuns(pipeline: "taxi").map(\.name) == ["r1", "r2", "r3"])
        #expect(try Self.open(repository).getArtifactsByID([model]).first?.customProperties["note"] == .string("kept"))
        #expect(try Self.open(repository).checkFiles() == [])
    }

    // MARK: - What fsck finds after merges

    @Test func aTypeConflictResolvedWithOursLeavesTheirNodesInvalidAndFsckSaysWhich() throws {
        let (repository, _) = try Self.branchedRepository(driver: false)
        try repository.git("checkout", "-q", "feature")
        let feature = try Self.open(repository)
        _ = try feature.putArtifactType(ArtifactType(name: "Model", properties: ["seed": .int]), canAddFields: true)
        let seeded = try feature.putArtifacts([Artifact(type: "Model", uri: "s3://seeded", properties: ["seed": .int(7)])])[0]
        try Self.commitAll(repository, "Model.seed")
        try repository.git("checkout", "-q", "main")
        _ = try Self.open(repository).putArtifactType(ArtifactType(name: "Model", properties: ["framework": .string]), canAddFields: true)
        try Self.commitAll(repository, "Model.framework")
        #expect(try Self.merge(repository, "feature").status != 0)
        try repository.git("checkout", "--ours", "metadata/types/artifact/Model.json")
        try repository.git("add", "-A", "metadata")
        try repository.git("commit", "-qm", "merge: our Model")
        let problems = try Self.open(repository).checkFiles()
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.kind == .invalid && problems.first?.field == "properties.seed" && problems.first?.path.hasSuffix("/\(seeded).json") == true,
                "\(problems)")
    }

    @Test func aContextRenamedOnOneBranchAndCreatedUnderThatNameOnTheOtherIsADuplicate() throws {
        let (repository, _) = try Self.branchedRepository(driver: true)
        try repository.git("checkout", "-q", "feature")
        let feature = try Self.open(repository)
        var pipeline = try #require(try feature.getContextByTypeAndName("pipeline", "taxi"))
        pipeline.name = "taxi-v2"
        _ = try feature.putContexts([pipeline])
        try Self.commitAll(repository, "rename the pipeline")
        try repository.git("checkout", "-q", "main")
        try Self.recordRun(repository, pipeline: "taxi-v2", runID: "r2", start: 1_767_650_000_000, seed: 4)
        try Self.commitAll(repository, "a run of taxi-v2")
        let merge = try Self.merge(repository, "feature")
        #expect(merge.status == 0, "\(merge.output)\(merge.errors)")
        let duplicates = try Self.open(repository).checkFiles().filter { $0.kind == .duplicate }
        #expect(duplicates.count == 1 && duplicates[0].message.contains("Context name 'taxi-v2' of type 'pipeline' is also used by"), "\(duplicates)")
    }
}

/// `mlmd diff` and `mlmd fsck` in the middle of a merge that left a conflict.
@Suite struct UnfinishedMergeCommandTests {
    @Test func diffShowsTheConflictedFileAndFsckGroupsWhatWaitsOnIt() throws {
        let (repository, _, merge) = try BranchMergeTests.mergeModelChanges(driver: true, feature: { $0.state = .deleted }, main: { $0.state = .markedForDeletion })
        #expect(merge.status != 0)

        let diff = try MLMD.binary(["diff", "--store", "metadata"], in: repository.path, environment: BranchMergeTests.gitEnvironment)
        #expect(diff.status == 0, "\(diff.errors)")
        #expect(diff.output.contains("1 unreadable file") && diff.output.contains("unresolved merge conflict in field state"), "\(diff.output)")
        #expect(!diff.output.contains("removed"), "a conflicted artifact is not a removed one: \(diff.output)")

        let fsck = try MLMD.binary(["fsck", "--store", "metadata"], in: repository.path)
        #expect(fsck.status != 0)
        let lines = fsck.outputLines.filter { $0.contains(".json") }
        #expect(lines.count == 1, "one line for the conflicted file, none for what depends on it: \(fsck.output)")
        #expect(lines.first?.contains("unresolved merge conflict in field state") == true
                && lines.first?.contains("references to what it holds wait on it") == true, "\(fsck.output)")
    }
}
