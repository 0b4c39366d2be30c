import Foundation
import Testing
@testable import MLMetadata

/// `mlmd commit`, `mlmd log`, `--at REV` and committing runs from the CLI.
@Suite struct GitCommandTests {
    @Test func runsAreCommittedAndEveryReadWorksAtOldRevisions() throws {
        let repository = try GitRepositoryFixture()
        let store = repository.directory.file("metadata")
        let created = MLMD.run(["init", store, "--commit-runs"])
        #expect(created.status == 0 && created.output.contains("commit_runs"))
        let recorded = MLMD.run(["example", store, "--runs", "2"])
        #expect(recorded.status == 0, "\(recorded.errors)")
        #expect(recorded.output.contains("(2 commits)"))
        #expect(try repository.git("rev-list", "--count", "HEAD") == "2\n")
        #expect(try repository.status().isEmpty)

        let log = MLMD.run(["log", "--store", store])
        #expect(log.status == 0)
        #expect(log.outputLines.count == 3 && log.outputLines[1].contains("2026-01-06T09:00:00") && log.outputLines[2].contains("2026-01-05T09:00:00"))
        let json = MLMD.run(["log", "chicago_taxi", "-n", "1", "--store", store, "--format", "json"])
        let commits = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]])
        let head = try repository.git("rev-parse", "HEAD").trimmingCharacters(in: .newlines)
        #expect(commits.count == 1 && commits[0]["commit"] as? String == head)

        let runsThen = MLMD.run(["runs", "--store", store, "--at", "HEAD~1", "--format", "jsonl"])
        #expect(runsThen.status == 0 && runsThen.outputLines.count == 1, "\(runsThen.errors)")
        let modelsThen = MLMD.run(["list", "artifacts", "--type", "Model", "--store", store, "--at", "HEAD~1", "--format", "jsonl"])
        #expect(modelsThen.outputLines.count == 1)
        #expect(MLMD.run(["types", "--store", store, "--at", "HEAD~1"]).output.contains("Model"))
        #expect(MLMD.run(["lineage", "Model@latest", "--upstream", "--store", store, "--at", "HEAD~1"]).output.contains("Trainer"))
        #expect(MLMD.run(["show", "context", "pipeline/chicago_taxi", "--store", store, "--at", "HEAD"]).status == 0)

        // The store folder need not exist today.
        try FileManager.default.removeItem(atPath: store)
        let gone = MLMD.run(["runs", "--store", store, "--at", "HEAD", "--format", "jsonl"])
        #expect(gone.status == 0 && gone.outputLines.count == 2, "\(gone.errors)")

        let unknown = MLMD.run(["runs", "--store", store, "--at", "v9.9"])
        #expect(unknown.status == 5 && unknown.errors.contains("unknown revision 'v9.9'"))
        let before = MLMD.run(["runs", "--store", repository.directory.file("elsewhere"), "--at", "HEAD"])
        #expect(before.status == 5 && before.errors.contains("has no store at elsewhere"), "\(before.errors)")
    }

    @Test func commitCommitsOnlyTheStoreAndNothingWhenClean() throws {
        let repository = try GitRepositoryFixture()
        try repository.write("README.md", "hello\n")
        let store = repository.directory.file("ml")
        #expect(MLMD.run(["init", store]).status == 0)
        let first = MLMD.run(["commit", "-m", "Create the store", "--store", store])
        #expect(first.status == 0 && first.output.hasPrefix("Committed 3 files as "), "\(first.output) \(first.errors)")
        #expect(try repository.status() == ["?? README.md"], "the user's untracked file is not committed")
        #expect(MLMD.run(["commit", "-m", "again", "--store", store]).output == "Nothing to commit: the store matches HEAD.\n")

        _ = MLMD.run(["put", "artifact-type", "--store", store], input: #"{"name": "Model"}"#)
        let second = MLMD.run(["commit", "-m", "Add Model", "--author", "Bot <bot@example.com>", "--store", store])
        #expect(second.status == 0 && second.output.contains("Committed 1 file"))
        #expect(try repository.git("log", "-1", "--format=%an|%s") == "Bot|Add Model\n")

        // Recording with --no-commit overrides the store's setting.
        #expect(MLMD.run(["init", store, "--commit-runs"]).output.contains("set commit_runs to true"))
        #expect(MLMD.run(["commit", "-m", "Commit runs", "--store", store]).status == 0)
        let uncommitted = MLMD.run(["example", store, "--no-commit", "--runs", "1"])
        #expect(uncommitted.status == 0 && !uncommitted.output.contains("1 commit"))
        #expect(try repository.git("rev-list", "--count", "HEAD") == "3\n")
    }

    @Test func gitErrorsAreClearFailures() throws {
        let directory = TemporaryDirectory()
        #expect(MLMD.run(["init", directory.path]).status == 0)
        let notARepository = MLMD.run(["commit", "-m", "x", "--store", directory.path])
        #expect(notARepository.status == 9 && notARepository.errors.contains("not inside a git repository"), "\(notARepository.errors)")
        let badAuthor = MLMD.run(["commit", "-m", "x", "--author", "nobody", "--store", directory.path])
        #expect(badAuthor.status == 64)
        let emptyMessage = MLMD.run(["commit", "-m", " ", "--store", directory.path])
        #expect(emptyMessage.status == 64)
    }
}
