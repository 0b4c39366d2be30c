import Foundation
import Testing
@testable import MLMetadata
import MLMetadataGit
import MLMetadataSamples

/// Reading the store at old revisions, and the history of run commits.
@Suite struct RevisionTests {
    /// A repository with the sample's three runs in `ml/metadata`, one commit each.
    static func threeCommittedRuns(_ label: String = #function) throws -> (GitRepositoryFixture, StoreRepository) {
        let repository = try GitRepositoryFixture(label)
        try repository.write("train.py", "print(1)\n")
        try repository.git("add", ".")
        try repository.git("commit", "-qm", "code")
        let path = repository.directory.file("ml/metadata")
        var storeRepository: StoreRepository?
        try TaxiPipeline.record(into: path) { run in
            let committing = try storeRepository ?? StoreRepository(store: run.store)
            storeRepository = committing
            _ = try run.complete(in: committing, commit: true)
        }
        return (repository, storeRepository!)
    }

    /// Everything a store holds, as canonical text.
    static func contents(_ store: MetadataStore) throws -> [String] {
        try store.getArtifactTypes().map { $0.protoJSON(.compact) } + store.getExecutionTypes().map { $0.protoJSON(.compact) }
            + store.getContextTypes().map { $0.protoJSON(.compact) } + store.getArtifacts().map { $0.protoJSON(.compact) }
            + store.getExecutions().map { $0.protoJSON(.compact) } + store.getContexts().map { $0.protoJSON(.compact) }
            + store.getEventsByExecutionIDs(store.getExecutions().map { $0.id! }).map { $0.protoJSON(.compact) }
    }

    @Test func theStoreAtEveryRevisionMatchesACheckoutOfIt() throws {
        let (repository, storeRepository) = try Self.threeCommittedRuns()
        let statusBefore = try repository.status()
        let filesBefore = repository.directory.files(excluding: ".git")
        for (revision, runs) in [("HEAD", 3), ("HEAD~1", 2), ("HEAD~2", 1)] {
            let old = try storeRepository.store(at: revision)
            #expect(try old.getContextsByType("pipeline_run").count == runs)
            // A checkout of that revision, opened as an ordinary store.
            let checkout = TemporaryDirectory("checkout")
            try repository.git("worktree", "add", "-q", "--detach", checkout.path, revision)
            let checkedOut = try MetadataStore(path: checkout.file("ml/metadata"), options: StoreOptions(createIfMissing: false))
            #expect(try Self.contents(old) == Self.contents(checkedOut), "\(revision)")
            let query = LineageSubgraphQuery(startingNodes: .artifacts(filterQuery: "type = 'Model'"), maxNumHops: 20, direction: .upstream)
            #expect(try old.getLineageSubgraph(query) == checkedOut.getLineageSubgraph(query))
            try repository.git("worktree", "remove", "--force", checkout.path)
        }
        #expect(try repository.status() == statusBefore, "reading old revisions leaves the working tree alone")
        #expect(repository.directory.files(excluding: ".git") == filesBefore)
        #expect(FileManager.default.fileExists(atPath: repository.directory.file(".git/mlmd/snapshots")))
    }

    @Test func oldRevisionsAreReadOnlyAndMissingStoresAreClearErrors() throws {
        let (repository, storeRepository) = try Self.threeCommittedRuns()
        defer { withExtendedLifetime(repository) {} }
        let old = try storeRepository.store(at: "HEAD~1")
        do {
            _ = try old.putArtifactType(ArtifactType(name: "New"))
            Issue.record("a store at an old revision accepted a write")
        } catch let error as StoreError {
            #expect(error.code == .failedPrecondition && error.message.contains("read-only"))
        }
        // Opening it again reuses the cached index.
        #expect(try storeRepository.store(at: "HEAD~1").getArtifacts().count == (try old.getArtifacts().count))
        do {
            _ = try storeRepository.store(at: "HEAD~3")
            Issue.record("the commit before the store existed has a store")
        } catch let error as StoreError {
            #expect(error.code == .notFound && error.message.contains("no store at ml/metadata"))
        }
        do {
            _ = try storeRepository.store(at: "no-such-branch")
            Issue.record("an unknown revision resolved")
        } catch let error as StoreError {
            #expect(error.code == .notFound && error.message.contains("unknown revision 'no-such-branch'"))
        }
    }

    @Test func runHistoryListsRunCommitsNewestFirst() throws {
        let (repository, storeRepository) = try Self.threeCommittedRuns()
        try repository.write("train.py", "print(2)\n")
        try repository.git("commit", "-qam", "more code")
        let history = try storeRepository.runHistory()
        #expect(history.map(\.run) == ["2026-01-07T09:00:00", "2026-01-06T09:00:00", "2026-01-05T09:00:00"])
        #expect(history.allSatisfy { $0.pipeline == "chicago_taxi" && $0.runContextID != nil && $0.author == "Test Author" })
        #expect(history[0].summary.hasPrefix("chicago_taxi run 2026-01-07T09:00:00: COMPLETE"))
        let ids = try repository.git("log", "--format=%H", "--grep=MLMD-Run:").split(separator: "\n").map(String.init)
        #expect(history.map(\.id) == ids)
        #expect(try storeRepository.runHistory(pipeline: "other").isEmpty)
        #expect(try storeRepository.runHistory(limit: 1).count == 1)
    }
}
