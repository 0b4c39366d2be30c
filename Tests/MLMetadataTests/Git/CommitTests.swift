import Foundation
import Testing
@testable import MLMetadata
import MLMetadataGit
import MLMetadataSamples

/// Committing runs through libgit2, checked with the git CLI.
@Suite struct CommitTests {
    @Test func aRunCommitLeavesTheUsersOtherWorkExactlyAsItWas() throws {
        let repository = try GitRepositoryFixture()
        try repository.write("src/train.py", "print('v1')\n")
        try repository.write("src/eval.py", "print('eval')\n")
        try repository.git("add", ".")
        try repository.git("commit", "-qm", "code")
        // The user's work in progress: staged, unstaged, untracked.
        try repository.write("src/train.py", "print('v2')\n")
        try repository.git("add", "src/train.py")
        try repository.write("src/train.py", "print('v3')\n")
        try repository.write("src/eval.py", "print('eval 2')\n")
        try repository.write("notes.txt", "todo\n")
        let statusBefore = try repository.status()
        let stagedBefore = try repository.git("diff", "--cached")

        let recorder = try GitRepositoryFixture.recordSampleRun(1, into: repository.directory.file("metadata"))
        let storeRepository = try StoreRepository(store: recorder.store)
        #expect(storeRepository.storePrefix == "metadata")
        let (recorded, commit) = try recorder.complete(in: storeRepository, commit: true)
        let made = try #require(commit)

        #expect(try repository.status(excluding: "metadata/") == statusBefore, "git status outside the store is unchanged")
        let statusAfter = try repository.status()
        #expect(statusAfter.filter { $0.contains("metadata/") }.isEmpty, "the store is committed and clean: \(statusAfter)")
        #expect(try repository.git("diff", "--cached") == stagedBefore, "the user's staged change is still staged, and only it")
        #expect(try repository.git("show", "HEAD:src/train.py") == "print('v1')\n", "the commit does not contain the staged change")
        let committedFiles = try repository.git("show", "--name-only", "--format=", "HEAD").split(separator: "\n")
        #expect(!committedFiles.isEmpty && committedFiles.allSatisfy { $0.hasPrefix("metadata/") })
        #expect(committedFiles.count == made.paths.count)
        #expect(!committedFiles.contains { $0.contains(".mlmd") })
        let fsck = try MLMD.process("/usr/bin/git", ["fsck", "--strict"], in: repository.path)
        #expect(fsck.status == 0, "\(fsck.errors)")

        // The message summarizes the run and ends with trailers.
        let message = try repository.git("log", "-1", "--format=%B")
        #expect(message.hasPrefix("chicago_taxi run 2026-01-05T09:00:00: COMPLETE, 7 executions, 9 new artifacts"))
        #expect(message.contains("Trainer") && message.contains("ModelEvaluation.accuracy=0.8412"))
        let trailers = try repository.git("log", "-1", "--format=%(trailers:only,unfold)")
        #expect(trailers.contains("MLMD-Pipeline: chicago_taxi") && trailers.contains("MLMD-Run: 2026-01-05T09:00:00")
                && trailers.contains("MLMD-Run-Context-Id: \(recorded.run.context.id!)") && trailers.contains("MLMD-Store: metadata"))
        #expect(try repository.git("log", "-1", "--format=%an <%ae>") == "Test Author <author@example.com>\n")

        // The user's next commit (git builds its tree from the index and its tree cache) neither
        // drops nor reverts the committed store files.
        try repository.git("commit", "-qm", "user work")
        #expect(try repository.git("diff", "--name-only", "HEAD~1", "HEAD") == "src/train.py\n")
        #expect(try repository.git("ls-tree", "-r", "--name-only", "HEAD", "metadata").split(separator: "\n").count
                == (try repository.git("ls-tree", "-r", "--name-only", "HEAD~1", "metadata").split(separator: "\n").count))
    }

    @Test func firstCommitInAnEmptyRepositoryWithTheStoreAtTheRoot() throws {
        let repository = try GitRepositoryFixture()
        let recorder = try GitRepositoryFixture.recordSampleRun(1, into: repository.path)
        let storeRepository = try StoreRepository(store: recorder.store)
        #expect(storeRepository.storePrefix == "")
        let (_, commit) = try recorder.complete(in: storeRepository, commit: true)
        #expect(commit != nil)
        #expect(try repository.git("rev-list", "--count", "HEAD") == "1\n")
        let status = try repository.status()
        #expect(status.isEmpty, "\(status)")
        #expect(try repository.git("log", "-1", "--format=%(trailers:key=MLMD-Store,valueonly)").contains("."))
    }

    @Test func noEmptyCommitsAndPendingChangesOutsideRuns() throws {
        let repository = try GitRepositoryFixture()
        let store = try MetadataStore(path: repository.directory.file("ml/store"))
        let storeRepository = try StoreRepository(store: store)
        let first = try #require(try storeRepository.commitAll(message: "Create the store"))
        #expect(first.paths.sorted() == ["ml/store/.gitattributes", "ml/store/.gitignore", "ml/store/store.json"])
        #expect(try storeRepository.commitPending(message: "nothing") == nil)
        #expect(try storeRepository.commitAll(message: "nothing") == nil)
        #expect(try repository.git("rev-list", "--count", "HEAD") == "1\n")

        _ = try store.putArtifactType(ArtifactType(name: "Model"))
        let second = try #require(try storeRepository.commitPending(message: "Add Model", author: GitIdentity(name: "Bot", email: "bot@example.com")))
        #expect(second.paths == ["ml/store/types/artifact/Model.json"])
        #expect(try repository.git("log", "-1", "--format=%an <%ae>|%s") == "Bot <bot@example.com>|Add Model\n")
        #expect(try storeRepository.commitPending(message: "again") == nil)

        // A hand edit is not in the library's log; commitAll finds it through git.
        try repository.write("ml/store/types/artifact/Model.json",
                             repository.directory.read("ml/store/types/artifact/Model.json").replacingOccurrences(of: "\"Model\"", with: "\"Model\"") + "")
        let typeFile = repository.directory.file("ml/store/types/artifact/Model.json")
        try (try String(contentsOfFile: typeFile, encoding: .utf8)).replacingOccurrences(of: "{\n", with: "{\n  \"description\": \"by hand\",\n")
            .write(toFile: typeFile, atomically: false, encoding: .utf8)
        #expect(try storeRepository.commitPending(message: "log only") == nil)
        let third = try #require(try storeRepository.commitAll(message: "Describe Model"))
        #expect(third.paths == ["ml/store/types/artifact/Model.json"])
        #expect(try repository.status().isEmpty)
    }

    @Test func refusesDetachedHeadsAndOperationsInProgress() throws {
        let repository = try GitRepositoryFixture()
        let store = try MetadataStore(path: repository.directory.file("store"))
        let storeRepository = try StoreRepository(store: store)
        _ = try #require(try storeRepository.commitAll(message: "store"))
        _ = try store.putArtifactType(ArtifactType(name: "Model"))

        try repository.git("checkout", "-q", "--detach")
        #expect(throws: StoreError.self) { try storeRepository.commitPending(message: "x") }
        do {
            _ = try storeRepository.commitPending(message: "x")
        } catch let error as StoreError {
            #expect(error.code == .failedPrecondition && error.message.contains("detached"))
        }
        try repository.git("checkout", "-q", "main")

        let head = try repository.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        try head.write(toFile: repository.directory.file(".git/MERGE_HEAD"), atomically: false, encoding: .utf8)
        do {
            _ = try storeRepository.commitPending(message: "x")
            Issue.record("committed in the middle of a merge")
        } catch let error as StoreError {
            #expect(error.code == .failedPrecondition && error.message.contains("merge"))
        }
        try FileManager.default.removeItem(atPath: repository.directory.file(".git/MERGE_HEAD"))
        // Nothing was lost: the pending change commits once the merge is over.
        #expect(try storeRepository.commitPending(message: "Add Model")?.paths == ["store/types/artifact/Model.json"])
    }

    @Test func concurrentCommittersLoseNothing() throws {
        let repository = try GitRepositoryFixture()
        try repository.write("README", "x\n")
        try repository.git("add", ".")
        try repository.git("commit", "-qm", "start")
        // Four stores in one repository, each committing its own runs at the same time: their
        // commits race for the branch and the index.
        let stores = try (0..<4).map { try MetadataStore(path: repository.directory.file("store\($0)")) }
        let errors = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: stores.count) { position in
            do {
                let storeRepository = try StoreRepository(store: stores[position])
                for round in 0..<3 {
                    _ = try stores[position].putArtifactType(ArtifactType(name: "Type\(round)"))
                    _ = try storeRepository.commitPending(message: "store\(position) round \(round)")
                }
            } catch {
                errors.withLock { $0.append("\(error)") }
            }
        }
        #expect(errors.withLock { $0 }.isEmpty, "\(errors.withLock { $0 })")
        // Every store's first commit also carries its scaffold; all 12 commits are there.
        #expect(try repository.git("rev-list", "--count", "HEAD") == "13\n")
        for position in 0..<4 {
            for round in 0..<3 {
                #expect(try repository.git("cat-file", "-e", "HEAD:store\(position)/types/artifact/Type\(round).json", allowFailure: true) == "")
            }
        }
        let status = try repository.status()
        #expect(status.isEmpty, "\(status)")
        let fsck = try MLMD.process("/usr/bin/git", ["fsck", "--strict"], in: repository.path)
        #expect(fsck.status == 0, "\(fsck.errors)")
    }
}

import Synchronization
