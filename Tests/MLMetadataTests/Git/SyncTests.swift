import Foundation
import Testing
@testable import MLMetadata
import MLMetadataGit
import Synchronization

/// `StoreRepository.sync`: many clones recording runs into one shared branch.
@Suite struct SyncTests {
    static let environment = ["GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"]

    /// A bare repository whose `main` has a committed, empty store, and `count` clones of it.
    static func fleet(_ count: Int, _ label: String = #function) throws -> (remote: TemporaryDirectory, clones: [GitRepositoryFixture]) {
        let seed = try BranchMergeTests.repositoryWithStore(label + "-seed")
        let remote = TemporaryDirectory(label + "-remote")
        try git(["clone", "-q", "--bare", seed.path, remote.path + "/shared.git"], in: seed.path)
        var clones: [GitRepositoryFixture] = []
        for number in 0..<count {
            let clone = try GitRepositoryFixture(label + "-clone\(number)")
            try clone.git("remote", "add", "origin", remote.path + "/shared.git")
            try clone.git("fetch", "-q", "origin")
            try clone.git("checkout", "-q", "-B", "main", "origin/main")
            clones.append(clone)
        }
        return (remote, clones)
    }

    @discardableResult
    static func git(_ arguments: [String], in directory: String) throws -> String {
        let result = try MLMD.process("/usr/bin/git", arguments, in: directory, environment: environment)
        if result.status != 0 { Issue.record("git \(arguments.joined(separator: " ")) failed: \(result.errors)") }
        return result.output
    }

    @Test func fourClonesRecordingTwentyFiveRunsEachConvergeOnTheRemoteWithNoRunLost() throws {
        let (remote, clones) = try Self.fleet(4)
        let runsPerClone = 25
        let failures = Mutex<[String]>([])
        let storePaths = clones.map { $0.directory.file("metadata") }
        DispatchQueue.concurrentPerform(iterations: clones.count) { worker in
            do {
                for run in 1...runsPerClone {
                    // Every worker records the same pipeline; its first run creates the pipeline,
                    // node contexts and types, as the others' first runs do.
                    let store = try MetadataStore(path: storePaths[worker],
                                                  options: StoreOptions(clock: .deterministic(start: 1_767_600_000_000 + Int64(run) * 60_000,
                                                                                              seed: UInt64(worker * 1000 + run))))
                    let recorder = try PipelineRunRecorder(store: store, pipeline: "fleet", runID: "worker\(worker)-run\(run)")
                    _ = try store.putTypes(artifactTypes: [ArtifactType(name: "Model")], executionTypes: [ExecutionType(name: "Train")])
                    try recorder.record(node: "Train", executionType: "Train",
                                        outputs: [("model", [Artifact(type: "Model", uri: "s3://w\(worker)/\(run)")])])
                    let repository = try StoreRepository(store: store)
                    _ = try recorder.complete(in: repository, commit: true)
                    try repository.sync(remote: "origin", maximumAttempts: 50)
                }
            } catch {
                failures.withLock { $0.append("worker \(worker): \(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])

        // A fresh clone of the remote has every run, and a clean store.
        let check = TemporaryDirectory(#function + "-check")
        try Self.git(["clone", "-q", remote.path + "/shared.git", check.path + "/work"], in: check.path)
        let store = try MetadataStore(path: check.path + "/work/metadata", options: StoreOptions(createIfMissing: false))
        let runs = try store.pipelineRuns(pipeline: "fleet").map(\.name)
        #expect(runs.count == clones.count * runsPerClone)
        #expect(Set(runs) == Set((0..<clones.count).flatMap { worker in (1...runsPerClone).map { "worker\(worker)-run\($0)" } }))
        #expect(try store.checkFiles() == [])
        #expect(try store.problems.isEmpty)
        #expect(try store.getContextsByType("pipeline").count == 1)
        // Each run arrived in its own run commit; sync had nothing of its own to commit.
        let log = try Self.git(["log", "--format=%s", "main"], in: check.path + "/work")
        #expect(!log.contains("Record store changes"), "\(log)")
        #expect(log.split(separator: "\n").filter { $0.hasPrefix("fleet run ") }.count == clones.count * runsPerClone)
    }

    @Test func aRealConflictAbortsTheMergeAndNamesTheField() throws {
        let (remote, clones) = try Self.fleet(2)
        defer { withExtendedLifetime(remote) {} }
        try BranchMergeTests.recordRun(clones[0], pipeline: "taxi", runID: "r1", start: 1_767_600_000_000, seed: 1)
        let first = try StoreRepository(store: BranchMergeTests.open(clones[0]))
        try first.sync()
        try clones[1].git("pull", "-q", "origin", "main")
        let model = try #require(try BranchMergeTests.open(clones[0]).getArtifactsByType("Model").first?.id)
        for (clone, state) in [(clones[0], Artifact.State.deleted), (clones[1], .markedForDeletion)] {
            let store = try BranchMergeTests.open(clone)
            var artifact = try #require(try store.getArtifactsByID([model]).first)
            artifact.state = state
            _ = try store.putArtifacts([artifact])
        }
        try first.sync()
        let second = try StoreRepository(store: BranchMergeTests.open(clones[1]))
        let headBefore = try clones[1].git("rev-parse", "HEAD")
        do {
            try second.sync()
            Issue.record("a sync with a real conflict succeeded")
        } catch let error as StoreError {
            #expect(error.code == .aborted)
            #expect(error.message.contains("artifacts/Model/") && error.message.contains("(state)"), "\(error.message)")
        }
        // The merge was aborted: no merge in progress, this clone's commit (of its change) kept.
        #expect(!FileManager.default.fileExists(atPath: clones[1].directory.file(".git/MERGE_HEAD")))
        #expect(try clones[1].git("rev-parse", "HEAD") != headBefore, "the local change was committed before merging")
        #expect(try BranchMergeTests.open(clones[1]).getArtifactsByID([model]).first?.state == .markedForDeletion)
    }

    @Test func resolveMergesWhatAMergeWithoutTheDriverLeftConflicted() throws {
        let (repository, model, merge) = try BranchMergeTests.mergeModelChanges(driver: false, feature: { $0.state = .markedForDeletion }, main: { $0.customProperties["accuracy"] = .double(0.9) })
        #expect(merge.status != 0)
        let result = try MLMD.binary(["git", "resolve", "--store", "metadata"], in: repository.path)
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        #expect(result.output.hasPrefix("merged  metadata/artifacts/Model/"))
        #expect(try repository.git("diff", "--name-only", "--diff-filter=U") == "")
        try repository.git("commit", "-q", "--no-edit")
        let merged = try #require(try BranchMergeTests.open(repository).getArtifactsByID([model]).first)
        #expect(merged.state == .markedForDeletion && merged.customProperties["accuracy"] == .double(0.9))
    }

    @Test func resolveNeverWritesThroughASymbolicLink() throws {
        let (repository, _, merge) = try BranchMergeTests.mergeModelChanges(driver: false, feature: { $0.state = .markedForDeletion },
                                                                            main: { $0.customProperties["accuracy"] = .double(0.9) })
        #expect(merge.status != 0)
        let path = try repository.git("diff", "--name-only", "--diff-filter=U").trimmingCharacters(in: .whitespacesAndNewlines)
        // The conflicted file's folder replaced by a link to a folder outside the repository.
        let outside = TemporaryDirectory(#function + "-outside")
        let folder = repository.directory.file((path as NSString).deletingLastPathComponent)
        try FileManager.default.moveItem(atPath: folder, toPath: outside.path + "/moved")
        try FileManager.default.createSymbolicLink(atPath: folder, withDestinationPath: outside.path + "/moved")
        let target = outside.path + "/moved/" + (path as NSString).lastPathComponent
        let before = try Data(contentsOf: URL(fileURLWithPath: target))

        let store = try MetadataStore(path: repository.directory.file("metadata"), options: StoreOptions(createIfMissing: false))
        let resolution = try StoreRepository(store: store).resolveConflicts()
        #expect(resolution.resolved.isEmpty && resolution.unresolved.map(\.path) == [path])
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == before, "nothing was written through the link")
    }

    @Test func syncRefusesARemoteOrBranchThatGitWouldReadAsAnOption() throws {
        let repository = try BranchMergeTests.repositoryWithStore()
        let store = try MetadataStore(path: repository.directory.file("metadata"), options: StoreOptions(createIfMissing: false))
        #expect(throws: StoreError.self) { try StoreRepository(store: store).sync(remote: "--upload-pack=touch /tmp/x") }
        #expect(throws: StoreError.self) { try StoreRepository(store: store).sync(branch: "-f") }
    }
}
