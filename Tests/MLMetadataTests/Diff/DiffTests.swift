import Foundation
import Testing
@testable import MLMetadata
import MLMetadataGit

/// `mlmd diff` and `StoreRepository.diff`: golden outputs for each format on a history with a
/// store created, a failed run, changed properties and types, and a renamed type.
@Suite struct DiffTests {
    private func diff(_ fixture: DiffFixture, _ arguments: [String]) throws -> String {
        let result = MLMD.run(["diff"] + arguments + ["--store", fixture.storePath])
        #expect(result.status == 0, "\(result.errors)")
        return fixture.normalized(result.output)
    }

    @Test func aStoreThatDidNotExistAtTheOldRevision() throws {
        let fixture = try DiffFixture()
        try Golden.check(try diff(fixture, [fixture.commits[0], fixture.commits[1], "--color", "never"]), "created.txt")
        let diff = try StoreRepository.diff(from: fixture.commits[0], to: fixture.commits[1], prefix: "ml/store",
                                            repositoryContaining: fixture.repository.path)
        #expect(!diff.storeExistedBefore && diff.storeExistsAfter)
        #expect(diff.runs.map(\.change) == [.added] && diff.runs[0].details?.run.state == .complete)
        #expect(diff.types.count == 9 && diff.types.allSatisfy { $0.change == .added })
        #expect(diff.otherFiles.map(\.path) == [".gitattributes", ".gitignore", "store.json"] && diff.otherFiles.allSatisfy { $0.change == .added })
    }

    @Test func aFailedRunWithChangedParametersTypesAndArtifacts() throws {
        let fixture = try DiffFixture()
        let range = [fixture.commits[1], fixture.commits[2]]
        try Golden.check(try diff(fixture, range + ["--color", "never"]), "failed-run.txt")
        try Golden.check(try diff(fixture, range + ["--format", "markdown"]), "failed-run.md")
        try Golden.check(try diff(fixture, range + ["--format", "json"]), "failed-run.json")

        let diff = try StoreRepository.diff(from: fixture.commits[1], to: fixture.commits[2], prefix: "ml/store",
                                            repositoryContaining: fixture.repository.path)
        #expect(diff.runs.count == 1 && diff.runs[0].details?.run.state == .failed)
        let model = try #require(diff.nodes.first { $0.kind == .artifact && $0.name == "model-1" })
        #expect(model.change == .changed)
        #expect(model.fields.map(\.field) == ["state", "custom_properties.stage"])
        #expect(model.fields[0].old == "LIVE" && model.fields[0].new == "MARKED_FOR_DELETION")
        let type = try #require(diff.types.first { $0.name == "Model" })
        #expect(type.change == .changed && type.fields == [FieldChange(field: "properties.framework", old: nil, new: "STRING")])
    }

    @Test func aRenamedType() throws {
        let fixture = try DiffFixture()
        try Golden.check(try diff(fixture, [fixture.commits[2], fixture.commits[3], "--color", "never"]), "renamed-type.txt")
        let diff = try StoreRepository.diff(from: fixture.commits[2], to: fixture.commits[3], prefix: "ml/store",
                                            repositoryContaining: fixture.repository.path)
        #expect(diff.types.map(\.change) == [.renamed])
        #expect(diff.types.first?.oldName == "Dataset" && diff.types.first?.name == "Examples" && diff.types.first?.nodesMoved == 2)
        // The artifacts moved with their type: nothing else about them changed.
        #expect(diff.nodes.isEmpty && diff.runs.isEmpty)
    }

    @Test func twoRunsAcrossRevisions() throws {
        let fixture = try DiffFixture()
        let runs = [fixture.commits[1], fixture.commits[2], "--run", "run-1", "--run", "run-2"]
        try Golden.check(try diff(fixture, runs + ["--color", "never"]), "runs.txt")
        try Golden.check(try diff(fixture, runs + ["--format", "markdown"]), "runs.md")
        try Golden.check(try diff(fixture, runs + ["--format", "json"]), "runs.json")
        // In one revision, by position.
        let latest = try diff(fixture, ["--run", "latest~1", "--run", "latest", "--color", "never"])
        #expect(latest.contains("Run run-1 (the working store) → run-2 (the working store)"))
        #expect(latest.contains("learning_rate: 0.1 → 0.05  -0.05 (-50.0%)"))
        let missing = MLMD.run(["diff", "--run", "run-1", "--run", "run-9", "--store", fixture.storePath])
        #expect(missing.status == 5 && missing.errors.contains("no pipeline run named run-9"))
    }

    @Test func theWorkingStoreAndMergeBases() throws {
        let fixture = try DiffFixture()
        #expect(try diff(fixture, ["--color", "never"]).contains("no changes"))
        try fixture.record(run: 3, learningRate: 0.2, trainSteps: 300, accuracy: 0.9, loss: 0.3, fails: false)
        let working = try diff(fixture, ["--color", "never"])
        #expect(working.contains("Store HEAD (<commit 3>) → the working store"))
        #expect(working.contains("+ demo run run-3  COMPLETE  3 executions, 3 new artifacts"))
        #expect(working.contains("Run run-3 against the run before it (run-2)"))

        // A feature branch records run-3; main meanwhile adds a context.
        let git = fixture.repository
        try git.git("checkout", "-q", "-b", "feature")
        try git.git("add", "-A")
        try git.git("commit", "-q", "-m", "run-3")
        try git.git("checkout", "-q", "main")
        _ = try fixture.open(run: 4).putContexts([Context(type: "pipeline", name: "other")])
        try git.git("add", "-A")
        try git.git("commit", "-q", "-m", "another pipeline")
        let sinceFork = try diff(fixture, ["main...feature", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(sinceFork.utf8)) as? [String: Any])
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        #expect(!nodes.contains { $0["name"] as? String == "other" })
        #expect((object["runs"] as? [[String: Any]])?.map { $0["name"] as? String } == ["run-3"])
        let direct = try diff(fixture, ["main", "feature", "--color", "never"])
        #expect(direct.contains("- pipeline") && direct.contains("\"other\""))
    }

    @Test func markdownStaysUnderGitHubsCommentLimit() throws {
        let fixture = try DiffFixture()
        let store = try fixture.open(run: 5)
        _ = try store.putArtifacts((0..<3_000).map { Artifact(type: "Model", name: "bulk-\($0)", uri: "s3://bulk/\($0)") })
        let result = MLMD.run(["diff", "--format", "markdown", "--store", fixture.storePath])
        #expect(result.status == 0)
        #expect(result.output.count < 65_536)
        #expect(result.output.contains("3000 Artifacts added"))
        #expect(result.output.contains("left out to stay under GitHub's comment limit"))
        #expect(result.output.contains("`mlmd diff --format json` has everything"))
    }

    @Test func coloursOnlyWhenAsked() throws {
        let fixture = try DiffFixture()
        let range = [fixture.commits[1], fixture.commits[2]]
        #expect(try diff(fixture, range + ["--color", "always"]).contains("\u{1B}[31mFAILED"))
        #expect(!(try diff(fixture, range)).contains("\u{1B}["))
    }

    @Test func anUnreadableFileIsNamedWithItsSideAndTheRestIsShown() throws {
        let fixture = try DiffFixture()
        let model = try #require(FileManager.default.enumerator(atPath: fixture.storePath + "/artifacts/Model")?
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.sorted().first)
        let path = fixture.storePath + "/artifacts/Model/" + model
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try ("<<<<<<< HEAD\n" + text).write(toFile: path, atomically: false, encoding: .utf8)
        _ = try fixture.open(run: 6).putContexts([Context(type: "pipeline", name: "another")])
        let output = try diff(fixture, ["--color", "never"])
        #expect(output.contains("Unreadable files"))
        #expect(output.contains("artifacts/Model/\(model)") && output.contains("after: not valid JSON"), "\(output)")
        #expect(output.contains("+ pipeline") && output.contains("\"another\""))
    }

    @Test func beforeTheFirstCommitEverythingIsAdded() throws {
        let repository = try GitRepositoryFixture()
        let store = repository.directory.file("metadata")
        #expect(MLMD.run(["example", store, "--runs", "1", "--no-commit"]).status == 0)
        let result = MLMD.run(["diff", "--store", store, "--color", "never"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.hasPrefix("Store HEAD (no commit yet) → the working store\nstore created · 1 run added"), "\(result.output)")
    }

    @Test func badRevisionsAndArguments() throws {
        let fixture = try DiffFixture()
        let unknown = MLMD.run(["diff", "v9", "--store", fixture.storePath])
        #expect(unknown.status == 5 && unknown.errors.contains("unknown revision 'v9'"))
        let three = MLMD.run(["diff", "a", "b", "c", "--store", fixture.storePath])
        #expect(three.status == 64 && three.errors.contains("at most two revisions"))
        let oneRun = MLMD.run(["diff", "--run", "run-1", "--store", fixture.storePath])
        #expect(oneRun.status == 64 && oneRun.errors.contains("exactly two runs"))
    }

    /// `mlmd git setup` makes git's own diff show store files field by field.
    @Test func gitDiffShowsFieldsThroughTheTextconvDriver() throws {
        let fixture = try DiffFixture()
        let setup = try MLMD.binary(["git", "setup", "--store", fixture.storePath])
        #expect(setup.status == 0, "\(setup.errors)")
        let config = try fixture.repository.git("config", "diff.mlmd.textconv")
        #expect(config.hasSuffix("mlmd textconv\n"))
        let diff = try fixture.repository.git("diff", fixture.commits[1], fixture.commits[2], "--", "ml/store/artifacts/Model")
        #expect(diff.contains("\n-state: LIVE\n+state: MARKED_FOR_DELETION\n"), "\(diff)")
        #expect(diff.contains("\n+custom_properties.stage: \"production\"\n"))
        let log = try fixture.repository.git("log", "-p", "-1", fixture.commits[1], "--", "ml/store/edges")
        #expect(log.contains("+event OUTPUT execution "))

        let model = try #require(FileManager.default.enumerator(atPath: fixture.storePath + "/artifacts/Model")?
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.sorted().first)
        let text = MLMD.run(["textconv", fixture.storePath + "/artifacts/Model/" + model])
        try Golden.check(text.output, "textconv-model.txt")
        let broken = fixture.repository.directory.file("broken.json")
        try "{ not json".write(toFile: broken, atomically: false, encoding: .utf8)
        let fallback = MLMD.run(["textconv", broken])
        #expect(fallback.status == 0 && fallback.output.hasPrefix("# mlmd textconv: not read as a store file:") && fallback.output.hasSuffix("{ not json"))
    }

    /// The pull-request comment shown in the README is what `mlmd diff` writes for the sample
    /// pipeline's third run (commit ids aside).
    @Test func theReadmeReportIsReal() throws {
        let repository = try GitRepositoryFixture()
        let store = repository.directory.file("metadata")
        #expect(MLMD.run(["init", store, "--commit-runs"]).status == 0)
        #expect(MLMD.run(["example", store, "--runs", "3"]).status == 0)
        let report = MLMD.run(["diff", "HEAD~1", "HEAD", "--format", "markdown", "--store", store])
        #expect(report.status == 0, "\(report.errors)")
        let readme = try String(contentsOfFile: SampleStoreTests.repositoryRoot + "/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- diff-report:start -->\n"))
        let end = try #require(readme.range(of: "<!-- diff-report:end -->"))
        let shown = String(readme[start.upperBound..<end.lowerBound])
        func withoutCommitIDs(_ text: String) -> String {
            text.replacing(/\([0-9a-f]{7}\)/, with: "(<commit>)")
        }
        #expect(withoutCommitIDs(report.output) == withoutCommitIDs(shown))
    }
}
