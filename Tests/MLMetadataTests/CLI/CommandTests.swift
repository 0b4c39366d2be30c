import Foundation
import Testing
@testable import MLMetadata

/// `mlmd` commands run in-process against a copy of the sample pipeline's store.
@Suite struct CommandTests {
    // MARK: Reading

    @Test func typesListsEveryKindInEachFormat() throws {
        let sample = try SampleStoreFixture()
        let table = MLMD.run(["types", "--store", sample.path])
        #expect(table.status == 0)
        #expect(table.output.contains("Model") && table.output.contains("pipeline_run") && table.output.contains("Trainer"))
        #expect(!table.output.contains("\u{1B}["), "no colours when the output is not a terminal")
        let markdown = MLMD.run(["types", "--store", sample.path, "--format", "markdown"])
        #expect(markdown.outputLines.first?.hasPrefix("| KIND") == true)
        let jsonl = MLMD.run(["types", "--store", sample.path, "--format", "jsonl"])
        #expect(jsonl.outputLines.count == 8 + 7 + 3)
    }

    @Test func listSelectorsCombineAndNeverDropOneSilently() throws {
        let sample = try SampleStoreFixture()
        func ids(_ arguments: [String]) throws -> [Int64] {
            let result = MLMD.run(["list", "artifacts", "--store", sample.path, "--format", "jsonl"] + arguments)
            #expect(result.status == 0, "\(result.errors)")
            return try result.outputLines.map { try Artifact(protoJSON: $0).id! }
        }
        let run = "pipeline_run/2026-01-05T09:00:00"
        let inRun = try ids(["--context", run])
        let models = try ids(["--type", "Model"])
        #expect(inRun.count == 9 && models.count == 3)
        // --context and --type: the run's models only (it was every artifact of the run).
        let runModels = try ids(["--context", run, "--type", "Model"])
        #expect(runModels.count == 1 && Set(runModels).isSubset(of: Set(inRun).intersection(models)))
        // With a filter as well, all three hold.
        #expect(try ids(["--context", run, "--type", "Model", "--filter", "uri LIKE '%model/1'"]) == runModels)
        #expect(try ids(["--context", run, "--type", "Model", "--filter", "uri LIKE '%model/2'"]) == [])
        // A lookup by id keeps only what is also of --type and in --context.
        let other = models.first { !runModels.contains($0) }!
        #expect(try ids([String(other), "--type", "Model"]) == [other])
        #expect(try ids([String(other), "--type", "Examples"]) == [])
        #expect(try ids([String(other), String(runModels[0]), "--context", run]) == runModels)
        // An unknown type is an error, not an empty or unfiltered list.
        let unknown = MLMD.run(["list", "artifacts", "--store", sample.path, "--context", run, "--type", "Modle"])
        #expect(unknown.status != 0 && unknown.errors.contains("Modle"))
    }

    @Test func listFiltersOrdersAndPages() throws {
        let sample = try SampleStoreFixture()
        let all = MLMD.run(["list", "artifacts", "--store", sample.path, "--type", "Model", "--format", "jsonl"])
        #expect(all.status == 0)
        let models = try all.outputLines.map { try Artifact(protoJSON: $0) }
        #expect(models.count == 3 && models.allSatisfy { $0.type == "Model" })

        // Newest first, two per page; the token goes to standard error.
        let first = MLMD.run(["list", "artifacts", "--store", sample.path, "--filter", "type = 'Model'",
                              "--order-by", "create-time", "--desc", "--limit", "2", "--format", "jsonl"])
        let firstPage = try first.outputLines.map { try Artifact(protoJSON: $0) }
        #expect(firstPage.map(\.uri) == ["gs://ml-pipelines/chicago_taxi/Trainer/model/3", "gs://ml-pipelines/chicago_taxi/Trainer/model/2"])
        let token = try #require(first.errors.split(separator: "\n").compactMap { line in
            line.range(of: "--page-token ").map { String(line[$0.upperBound...]).trimmingCharacters(in: .whitespaces) }
        }.first)
        let second = MLMD.run(["list", "artifacts", "--store", sample.path, "--filter", "type = 'Model'",
                               "--order-by", "create-time", "--desc", "--limit", "2", "--page-token", token, "--format", "jsonl"])
        #expect(try second.outputLines.map { try Artifact(protoJSON: $0).uri } == ["gs://ml-pipelines/chicago_taxi/Trainer/model/1"])
        #expect(!second.errors.contains("--page-token"), "no token after the last page")

        // A token from another ordering is refused.
        let mismatched = MLMD.run(["list", "artifacts", "--store", sample.path, "--limit", "2", "--page-token", token])
        #expect(mismatched.status == 3 && mismatched.errors.contains("Error:"))
    }

    @Test func listLooksUpByContextURIAndName() throws {
        let sample = try SampleStoreFixture()
        let run = MLMD.run(["list", "executions", "--store", sample.path, "--context", "pipeline_run/2026-01-06T09:00:00", "--format", "jsonl"])
        #expect(run.status == 0 && run.outputLines.count == 7)
        let byURI = MLMD.run(["get", "artifacts", "--store", sample.path, "--uri", "gs://ml-pipelines/chicago_taxi/Trainer/model/2", "--format", "jsonl"])
        #expect(byURI.outputLines.count == 1)
        let byName = MLMD.run(["list", "contexts", "--store", sample.path, "--type", "pipeline", "--name", "chicago_taxi"])
        #expect(byName.status == 0 && byName.output.contains("chicago_taxi"))
    }

    @Test func badFilterNamesThePositionWithACaret() throws {
        let sample = try SampleStoreFixture()
        let result = MLMD.run(["list", "artifacts", "--store", sample.path, "--filter", "type = 'Model' AND uri LIKE"])
        #expect(result.status == 3)  // INVALID_ARGUMENT
        #expect(result.errors.hasPrefix("Error:"))
        #expect(result.errors.contains("^"), "the error shows a caret under the query: \(result.errors)")
        #expect(result.output.isEmpty)
    }

    @Test func showPrintsPropertiesEventsAndNeighbours() throws {
        let sample = try SampleStoreFixture()
        let model = MLMD.run(["show", "artifact", "Model@latest", "--store", sample.path])
        #expect(model.status == 0)
        #expect(model.output.contains("gs://ml-pipelines/chicago_taxi/Trainer/model/3"))
        #expect(model.output.contains("Produced by") && model.output.contains("Trainer"))
        #expect(model.output.contains("Used by") && model.output.contains("Evaluator"))
        #expect(model.output.contains("pipeline_run/2026-01-07T09:00:00"))

        let context = MLMD.run(["show", "context", "pipeline/chicago_taxi", "--store", sample.path])
        #expect(context.status == 0 && context.output.contains("Executions") && context.output.contains("Artifacts"))

        let json = MLMD.run(["show", "artifact", "Model@latest", "--store", sample.path, "--format", "json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]]
        #expect(parsed?.first?["type"] as? String == "Model")

        let missing = MLMD.run(["show", "execution", "42", "--store", sample.path])
        #expect(missing.status == 5 && missing.errors.contains("no execution 42"))
    }

    @Test func lineageOfTheNewestModelInEveryFormat() throws {
        let sample = try SampleStoreFixture()
        let text = MLMD.run(["lineage", "Model@latest", "--upstream", "--store", sample.path])
        #expect(text.status == 0)
        let lines = text.outputLines
        #expect(lines.first == "Upstream (made from)")
        #expect(lines[1].hasPrefix("Model "))
        for component in ["Trainer", "Transform", "SchemaGen", "StatisticsGen", "CsvExampleGen", "Examples"] {
            #expect(text.output.contains(component), "\(component) is upstream of the model")
        }
        #expect(!text.output.contains("Downstream"))
        #expect(!text.output.contains("Pusher"), "the pusher is downstream, not upstream")

        let down = MLMD.run(["lineage", "Model@latest", "--downstream", "--store", sample.path])
        #expect(down.output.contains("Pusher") && down.output.contains("PushedModel"))

        let mermaid = MLMD.run(["lineage", "Model@latest", "--format", "mermaid", "--store", sample.path])
        #expect(mermaid.outputLines.first == "flowchart LR" && mermaid.output.contains("-->"))
        let dot = MLMD.run(["lineage", "Model@latest", "--format", "dot", "--store", sample.path])
        #expect(dot.output.hasPrefix("digraph lineage {") && dot.output.contains("->"))
        let json = MLMD.run(["lineage", "Model@latest", "--hops", "1", "--upstream", "--format", "json", "--store", sample.path])
        let graph = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        #expect((graph?["executions"] as? [Any])?.count == 1, "one hop up from the model is its trainer")
    }

    @Test func runsShowsOneRowPerRunWithMetrics() throws {
        let sample = try SampleStoreFixture()
        let result = MLMD.run(["runs", "--store", sample.path])
        #expect(result.status == 0)
        let rows = result.outputLines.dropFirst()
        #expect(rows.count == 3)
        #expect(rows.allSatisfy { $0.contains("chicago_taxi") && $0.contains("COMPLETE") && $0.contains("accuracy=") })
        #expect(rows.last?.contains("4 cached") == true, "the third run serves data components from cache")

        let json = MLMD.run(["runs", "chicago_taxi", "--store", sample.path, "--format", "json"])
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]])
        #expect(runs.map { $0["run"] as? String } == ["2026-01-05T09:00:00", "2026-01-06T09:00:00", "2026-01-07T09:00:00"])
        #expect((runs[0]["metrics"] as? [String: Double])?.keys.contains("ModelEvaluation.accuracy") == true)
        #expect(MLMD.run(["runs", "no_such_pipeline", "--store", sample.path, "--format", "jsonl"]).output.isEmpty)
    }

    // MARK: Maintenance

    @Test func fsckIsCleanOnTheSampleAndNamesEachBrokenFile() throws {
        let sample = try SampleStoreFixture()
        let clean = MLMD.run(["fsck", "--store", sample.path])
        #expect(clean.status == 0 && clean.output.contains("clean"))

        let model = try #require(sample.directory.files().first { $0.hasPrefix("artifacts/Model/") })
        let text = sample.directory.read(model)
        try text.replacingOccurrences(of: "\"state\": \"LIVE\"", with: "\"state\":\"LIVE\"")
            .write(toFile: sample.directory.file(model), atomically: false, encoding: .utf8)
        let broken = MLMD.run(["fsck", "--store", sample.path, "--format", "jsonl"])
        #expect(broken.status == 1)
        let problems = try broken.outputLines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(problems.contains { $0?["path"] as? String == model && ($0?["kind"] as? String)?.lowercased().contains("canonical") == true },
                "\(broken.output)")
    }

    @Test func reindexRebuildsAndRefreshes() throws {
        let sample = try SampleStoreFixture()
        let rebuilt = MLMD.run(["reindex", "--store", sample.path])
        #expect(rebuilt.status == 0 && rebuilt.output.contains("Rebuilt the index"))
        let refreshed = MLMD.run(["reindex", "--check-files", "--store", sample.path])
        #expect(refreshed.status == 0 && refreshed.output.contains("Refreshed: 0 changed files"))
    }

    // MARK: Writing

    @Test func putWritesEveryKindFromProtoJSON() throws {
        let directory = TemporaryDirectory()
        #expect(MLMD.run(["init", directory.path]).status == 0)
        let store = ["--store", directory.path]

        let typeIDs = MLMD.run(["put", "artifact-type"] + store, input: #"{"name": "Model", "properties": {"accuracy": "DOUBLE"}}"#)
        #expect(typeIDs.status == 0 && typeIDs.outputLines.count == 1)
        #expect(MLMD.run(["put", "execution-type"] + store, input: #"{"name": "Trainer"}"#).status == 0)
        #expect(MLMD.run(["put", "context-type"] + store, input: #"[{"name": "pipeline"}, {"name": "run"}]"#).status == 0)

        let artifacts = MLMD.run(["put", "artifact"] + store, input: """
            {"type": "Model", "uri": "/m/1", "properties": {"accuracy": {"double_value": 0.5}}}
            {"type": "Model", "uri": "/m/2", "properties": {"accuracy": {"double_value": 0.7}}, "external_id": "m2"}
            """)
        #expect(artifacts.status == 0)
        let artifactIDs = artifacts.outputLines
        #expect(artifactIDs.count == 2)

        let request = """
            {"execution": {"type": "Trainer", "last_known_state": "COMPLETE"},
             "artifact_event_pairs": [{"artifact": {"id": "\(artifactIDs[0])"}, "event": {"type": "INPUT"}},
                                      {"artifact": {"type": "Model", "uri": "/m/3"}, "event": {"type": "OUTPUT"}}],
             "contexts": [{"type": "pipeline", "name": "p"}, {"type": "run", "name": "r1"}]}
            """
        let executed = MLMD.run(["put", "execution", "--format", "json"] + store, input: request)
        #expect(executed.status == 0, "\(executed.errors)")
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(executed.output.utf8)) as? [String: Any])
        #expect((ids["artifact_ids"] as? [String])?.count == 2 && (ids["context_ids"] as? [String])?.count == 2)

        let masked = MLMD.run(["put", "artifact", "--mask", "state"] + store,
                              input: #"{"id": "\#(artifactIDs[1])", "type": "Model", "state": "DELETED", "uri": "/ignored"}"#)
        #expect(masked.status == 0)
        let reader = try MetadataStore(path: directory.path)
        let updated = try #require(try reader.getArtifactsByID([Int64(artifactIDs[1])!]).first)
        #expect(updated.state == .deleted && updated.uri == "/m/2")

        let contexts = try reader.getContextsByType("run")
        let parents = try reader.getContextsByType("pipeline")
        let parentEdge = #"{"child_id": "\#(contexts[0].id!)", "parent_id": "\#(parents[0].id!)"}"#
        #expect(MLMD.run(["put", "parent-context"] + store, input: parentEdge).output.contains("Recorded 1 parent context"))
        #expect(try MetadataStore(path: directory.path).getParentContextsByContext(contexts[0].id!).map(\.name) == ["p"])

        let attribution = #"{"artifact_id": "\#(artifactIDs[1])", "context_id": "\#(contexts[0].id!)"}"#
        #expect(MLMD.run(["put", "attribution"] + store, input: attribution).status == 0)
        #expect(try MetadataStore(path: directory.path).getArtifactsByContext(contexts[0].id!).count == 3)
    }

    @Test func badInputToPutNamesTheLineAndWritesNothing() throws {
        let fixture = try StoreFixture()
        _ = try TypeIDs(fixture.store)
        let before = fixture.snapshot()
        let store = ["--store", fixture.directory.path]

        let badLine = MLMD.run(["put", "artifact"] + store, input: """
            {"type": "Model", "uri": "/ok"}
            {"type": "Model", "uri": "/bad", "properties": {"accuracy": {"string_value": "high"}}}
            """)
        #expect(badLine.status == 3)
        #expect(badLine.errors.hasPrefix("Error: standard input:2: artifacts[1]: properties.accuracy:"), "\(badLine.errors)")

        let notJSON = MLMD.run(["put", "artifact"] + store, input: "{\"type\": \"Model\"}\n{oops}\n")
        #expect(notJSON.status == 3 && notJSON.errors.contains("standard input:2:"), "\(notJSON.errors)")

        let unknownField = MLMD.run(["put", "artifact"] + store, input: #"{"type": "Model", "colour": "red"}"#)
        #expect(unknownField.status == 3 && unknownField.errors.contains("colour"), "\(unknownField.errors)")

        let mixed = MLMD.run(["put", "execution"] + store, input: """
            {"execution": {"type": "Trainer"}}
            {"type": "Trainer"}
            """)
        #expect(mixed.status == 3 && mixed.errors.contains("mixes"), "\(mixed.errors)")

        let empty = MLMD.run(["put", "artifact"] + store, input: "")
        #expect(empty.status == 3 && empty.errors.contains("no input"))

        let missingFile = MLMD.run(["put", "artifact", "/nonexistent/input.json"] + store)
        #expect(missingFile.status == 5 && missingFile.errors.contains("/nonexistent/input.json"))

        #expect(fixture.snapshot() == before, "failed puts leave the files untouched")
    }

    // MARK: Usage and errors

    @Test func usageErrorsExitWith64AndShowUsage() throws {
        let sample = try SampleStoreFixture()
        let cases: [[String]] = [
            ["list", "widgets"],
            ["list", "artifacts", "--no-such-flag"],
            ["lineage", "Model@latest", "--upstream", "--downstream"],
            ["list", "artifacts", "--name", "x"],
            ["put", "artifact", "--can-add-fields"],
            ["show", "artifact"],
            ["frobnicate"],
        ]
        for arguments in cases {
            let result = MLMD.run(arguments + ["--store", sample.path])
            #expect(result.status == 64, "\(arguments): \(result.status) \(result.errors)")
            #expect(result.errors.hasPrefix("Error:") && result.errors.contains("Usage:"), "\(arguments): \(result.errors)")
        }
    }

    @Test func everyCommandHasHelpWithAnExample() throws {
        let commands = ["init", "put", "list", "show", "types", "lineage", "runs", "commit", "log", "fsck", "reindex", "script", "example"]
        for command in commands {
            let help = MLMD.run([command, "--help"])
            #expect(help.status == 0, "\(command)")
            #expect(help.output.contains("Example"), "\(command) --help shows an example")
        }
        let root = MLMD.run(["--help"])
        for command in commands { #expect(root.output.contains(command)) }
    }

    @Test func aFolderThatIsNotAStoreIsAClearFailure() throws {
        let directory = TemporaryDirectory()
        let result = MLMD.run(["types", "--store", directory.path])
        #expect(result.status == 1)
        #expect(result.errors == "Error: \(directory.path) is not a store (it has no store.json); create one with `mlmd init \(directory.path)`\n")
    }

    @Test func initSaysWhatItWroteAndKeepsAnExistingStore() throws {
        let directory = TemporaryDirectory()
        let created = MLMD.run(["init", directory.file("metadata")])
        #expect(created.status == 0)
        #expect(created.output.contains("store.json") && created.output.contains(".gitignore") && created.output.contains(".gitattributes"))
        #expect(FileManager.default.fileExists(atPath: directory.file("metadata/store.json")))
        let again = MLMD.run(["init", directory.file("metadata")])
        #expect(again.status == 0 && again.output.contains("already exists"))
    }
}

extension CommandTests {
    /// Each kind of damage a merge or a hand edit can do, as `mlmd fsck` reports it.
    @Test func fsckReportsEveryKindOfProblemWithItsFile() throws {
        let sample = try SampleStoreFixture()
        let files = sample.directory.files(excluding: ".mlmd")
        let models = files.filter { $0.hasPrefix("artifacts/Model/") }
        let edgeFile = try #require(files.first { $0.hasPrefix("edges/") })
        let manager = FileManager.default

        // A model moved to another day's folder: misplaced.
        let moved = models[0].replacingOccurrences(of: "/2026-01-", with: "/2025-12-")
        try manager.createDirectory(atPath: sample.directory.file((moved as NSString).deletingLastPathComponent), withIntermediateDirectories: true)
        try manager.moveItem(atPath: sample.directory.file(models[0]), toPath: sample.directory.file(moved))
        // A copy of another model under a second name: a duplicate id (and misplaced).
        let copy = (models[1] as NSString).deletingLastPathComponent + "/1.json"
        try manager.copyItem(atPath: sample.directory.file(models[1]), toPath: sample.directory.file(copy))
        // A conflict-marked file: unreadable.
        try "<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> branch\n".write(toFile: sample.directory.file(models[2]), atomically: false, encoding: .utf8)
        // An edge to an artifact that does not exist: dangling.
        let dangling = #"{"artifact_id": "42", "context_id": "42"}"# + "\n"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: sample.directory.file(edgeFile)))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(dangling.utf8))
        try handle.close()
        // A stray file.
        try "notes".write(toFile: sample.directory.file("artifacts/notes.txt"), atomically: false, encoding: .utf8)

        let result = MLMD.run(["fsck", "--store", sample.path, "--format", "json"])
        #expect(result.status == 1)
        let problems = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]])
        func has(_ kind: String, _ path: String, line: Int? = nil) -> Bool {
            problems.contains { $0["kind"] as? String == kind && $0["path"] as? String == path && (line == nil || $0["line"] as? Int == line) }
        }
        #expect(has("misplaced", moved), "\(problems)")
        #expect(has("duplicate", copy) || has("duplicate", models[1]), "\(problems)")
        #expect(has("unreadable", models[2], line: 1), "\(problems)")
        let edgeLines = sample.directory.read(edgeFile).split(separator: "\n").count
        #expect(has("danglingReference", edgeFile, line: edgeLines), "\(problems)")
        #expect(has("unexpectedFile", "artifacts/notes.txt"), "\(problems)")

        let table = MLMD.run(["fsck", "--store", sample.path])
        #expect(table.status == 1 && table.output.contains("problems found"))
    }
}
