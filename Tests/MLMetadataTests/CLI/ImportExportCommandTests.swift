import Foundation
import MLMetadata
import Testing

/// `mlmd import` and `mlmd export` on the databases the official library wrote
/// (Tests/MLMDInterchangeTests/Fixtures, scripts/interchange/make_fixtures.py), and the run
/// commands on what they bring in.
@Suite struct ImportExportCommandTests {
    static func fixture(_ name: String) -> String {
        SampleStoreTests.repositoryRoot + "/Tests/MLMDInterchangeTests/Fixtures/" + name
    }

    @Test func importsThenImportsNothingNewThenOnlyTheNewRuns() throws {
        let folder = TemporaryDirectory()
        let store = folder.file("store")
        #expect(MLMD.run(["init", store]).status == 0)
        let first = MLMD.run(["import", Self.fixture("every-kind-v10.sqlite"), "--store", store, "--source", "metadata"])
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.output.contains("artifacts: 6 added"), "\(first.output)")
        #expect(first.errors.contains("MLMD schema 10"), "\(first.errors)")
        let again = MLMD.run(["import", Self.fixture("every-kind-v10.sqlite"), "--store", store, "--source", "metadata"])
        #expect(again.status == 0)
        #expect(again.output.contains("Nothing new"), "\(again.output)")
        let later = MLMD.run(["import", Self.fixture("every-kind-v10-later.sqlite"), "--store", store, "--source", "metadata"])
        #expect(later.output.contains("artifacts: 1 added"), "\(later.output)")
        #expect(later.output.contains("executions: 1 added, 1 updated"), "\(later.output)")
    }

    @Test func theSourceDefaultsToTheFileNameAndFindsNodesByTheirMLMDIDs() throws {
        let folder = TemporaryDirectory()
        let store = folder.file("store")
        _ = MLMD.run(["init", store])
        let database = folder.file("metadata.sqlite")
        try FileManager.default.copyItem(atPath: Self.fixture("every-kind-v10.sqlite"), toPath: database)
        #expect(MLMD.run(["import", database, "--store", store]).status == 0)
        // MLMD's artifact 1 is the first run's examples.
        let shown = MLMD.run(["show", "artifact", "metadata#1", "--store", store])
        #expect(shown.status == 0, "\(shown.errors)")
        #expect(shown.output.contains("/data/examples/0"), "\(shown.output)")
        let missing = MLMD.run(["show", "artifact", "metadata#4242", "--store", store])
        #expect(missing.status == 5)
    }

    @Test func runsOfImportedTFXAndKubeflowDatabasesFollowTheirRecordedTimes() throws {
        let folder = TemporaryDirectory()
        let store = folder.file("store")
        _ = MLMD.run(["init", store])
        #expect(MLMD.run(["import", Self.fixture("every-kind-v10.sqlite"), "--store", store, "--source", "tfx"]).status == 0)
        #expect(MLMD.run(["import", Self.fixture("kubeflow.sqlite"), "--store", store, "--source", "kfp"]).status == 0)
        let opened = try MetadataStore(path: store)
        let runs = try opened.pipelineRuns()
        // The fixtures were written one after the other: TFX's two runs, then Kubeflow's three.
        #expect(runs.map(\.name) == ["run-0", "run-1", "train-pipeline-0x7k2p", "train-pipeline-1x7k2p", "train-2-abc12"])
        #expect(runs.map(\.startTime) == runs.map(\.startTime).sorted())
        #expect(runs.first?.pipeline == "taxi")
        #expect(runs.last?.pipeline == "train")
        // KFP v1's metadata writer records no execution state.
        #expect(runs.map(\.state) == [.complete, .complete, .unknown, .unknown, .complete])
        #expect(runs[3].inputs.count == 1 && runs[3].outputs.count == 1)
        let listed = MLMD.run(["runs", "--store", store])
        #expect(listed.status == 0, "\(listed.errors)")
        for name in ["run-0", "run-1", "train-pipeline-0x7k2p", "train-pipeline-1x7k2p", "train-2-abc12"] { #expect(listed.output.contains(name), "\(listed.output)") }
        let diff = MLMD.run(["diff", "--run", "run-0", "--run", "run-1", "--store", store])
        #expect(diff.status == 0, "\(diff.errors)")
        #expect(diff.output.contains("Trainer"), "\(diff.output)")
    }

    @Test func exportWritesADatabaseAndRefusesToOverwriteOne() throws {
        let folder = TemporaryDirectory()
        let store = folder.file("store")
        _ = MLMD.run(["init", store])
        _ = MLMD.run(["import", Self.fixture("every-kind-v10.sqlite"), "--store", store, "--source", "metadata"])
        let out = folder.file("out.sqlite")
        let exported = MLMD.run(["export", out, "--store", store])
        #expect(exported.status == 0, "\(exported.errors)")
        #expect(exported.output.contains("6 artifacts"), "\(exported.output)")
        let again = MLMD.run(["export", out, "--store", store])
        #expect(again.status == 6)
        #expect(again.errors.contains("--force"))
        #expect(MLMD.run(["export", out, "--store", store, "--force"]).status == 0)
        let unknown = MLMD.run(["export", out, "--store", store, "--force", "--ids", "elsewhere"])
        #expect(unknown.status != 0)
        #expect(unknown.errors.contains("metadata"), "\(unknown.errors)")
    }

    @Test func exportsARevisionAndComparesImportedRunsWithLatest() throws {
        let repository = try GitRepositoryFixture()
        let store = repository.directory.file("metadata")
        _ = MLMD.run(["init", store])
        _ = MLMD.run(["import", Self.fixture("every-kind-v10.sqlite"), "--store", store, "--source", "metadata"])
        _ = try repository.git("add", "-A")
        _ = try repository.git("commit", "-q", "-m", "import")
        _ = MLMD.run(["import", Self.fixture("every-kind-v10-later.sqlite"), "--store", store, "--source", "metadata"])
        // The committed revision has the first import only; the working store has run-2 too.
        let then = repository.directory.file("then.sqlite")
        let exported = MLMD.run(["export", then, "--store", store, "--at", "HEAD"])
        #expect(exported.status == 0, "\(exported.errors)")
        #expect(exported.output.contains("6 artifacts"), "\(exported.output)")
        #expect(MLMD.run(["export", repository.directory.file("now.sqlite"), "--store", store]).output.contains("7 artifacts"))
        // `latest` is the run recorded last, by MLMD's times: run-2, then run-1 before it.
        let diff = MLMD.run(["diff", "--run", "latest~1", "--run", "latest", "--store", store])
        #expect(diff.status == 0, "\(diff.errors)")
        #expect(diff.output.contains("run-1") && diff.output.contains("run-2"), "\(diff.output)")
    }

    /// An import killed at any point of its write (before the journal, between two files, after
    /// the index committed) leaves the store as before or fully imported, never in between.
    @Test(arguments: [("journal-written", 1), ("file-applied", 1), ("file-applied", 20), ("files-applied", 1), ("index-committed", 1)])
    func anImportKilledAnywhereIsAllOrNothing(point: String, countdown: Int) throws {
        let folder = TemporaryDirectory()
        let store = folder.file("store")
        _ = MLMD.run(["init", store])
        let killed = try MLMD.binary(["import", Self.fixture("every-kind-v10.sqlite"), "--store", store, "--source", "metadata"],
                                     environment: ["MLMD_TEST_CRASH_POINT": point, "MLMD_TEST_CRASH_COUNTDOWN": String(countdown)])
        #expect(killed.status == SIGKILL, "exit \(killed.status): \(killed.errors)")
        // The next open rolls the journal forward (the files were about to be written, or were).
        let opened = try MetadataStore(path: store)
        let artifacts = try opened.getArtifacts().count
        #expect(artifacts == 6, "after a kill at \(point) #\(countdown): \(artifacts) artifacts")
        #expect(try opened.getEventsByExecutionIDs(opened.getExecutions().compactMap(\.id)).count == 9)
        #expect(try opened.origins(source: "metadata")[.artifact]?.count == 6)
        let fsck = MLMD.run(["fsck", "--store", store])
        #expect(fsck.status == 0, "\(fsck.output)")
        // And importing again adds nothing.
        let again = MLMD.run(["import", Self.fixture("every-kind-v10.sqlite"), "--store", store, "--source", "metadata"])
        #expect(again.output.contains("Nothing new"), "\(again.output)")
    }

    /// The same import of 19 nodes in four batches of at most five (the types and 5 contexts: 13
    /// files; 5 artifacts; 1 artifact and 4 executions; 4 executions, the edge file and the origins
    /// file): killed in any batch but the last, the next open undoes the batches written; killed
    /// once the last batch's journal is complete, it finishes.
    @Test(arguments: [("journal-written", 1, false), ("index-committed", 1, false), ("index-committed", 3, false),
                      ("file-applied", 9, false), ("file-applied", 20, false),
                      ("journal-written", 4, true), ("file-applied", 26, true), ("index-committed", 4, true)])
    func anImportInBatchesKilledAnywhereIsAllOrNothing(point: String, countdown: Int, completes: Bool) throws {
        let folder = TemporaryDirectory()
        let store = folder.file("store")
        _ = MLMD.run(["init", store])
        _ = MLMD.run(["types", "--store", store])
        let before = folder.files(excluding: "store/.mlmd")
        let killed = try MLMD.binary(["import", Self.fixture("every-kind-v10.sqlite"), "--store", store, "--source", "metadata", "--batch-size", "5"],
                                     environment: ["MLMD_TEST_CRASH_POINT": point, "MLMD_TEST_CRASH_COUNTDOWN": String(countdown)])
        #expect(killed.status == SIGKILL, "exit \(killed.status): \(killed.errors)")
        let opened = try MetadataStore(path: store)
        if completes {
            #expect(try opened.getArtifacts().count == 6)
            #expect(try opened.getEventsByExecutionIDs(opened.getExecutions().compactMap(\.id)).count == 9)
            #expect(try opened.origins(source: "metadata")[.artifact]?.count == 6)
        } else {
            #expect(opened.warnings.contains { $0.message.contains("was undone") }, "\(opened.warnings)")
            #expect(try opened.getArtifacts().isEmpty && opened.getContexts().isEmpty && opened.getArtifactTypes().isEmpty)
            #expect(folder.files(excluding: "store/.mlmd") == before)
        }
        #expect(MLMD.run(["fsck", "--store", store]).status == 0)
        let again = MLMD.run(["import", Self.fixture("every-kind-v10.sqlite"), "--store", store, "--source", "metadata", "--batch-size", "5"])
        #expect(again.status == 0, "\(again.errors)")
        #expect(try MetadataStore(path: store).getArtifacts().count == 6)
    }

    @Test func anImportKilledWhileWritingItsJournalLeavesTheStoreAsItWas() throws {
        let folder = TemporaryDirectory()
        let store = folder.file("store")
        _ = MLMD.run(["init", store])
        let before = folder.files(excluding: "store/.mlmd")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltProducts.path("mlmd"))
        process.arguments = ["import", Self.fixture("every-kind-v10.sqlite"), "--store", store, "--source", "metadata"]
        process.environment = ProcessInfo.processInfo.environment.merging(["MLMD_TEST_CRASH_POINT": "journal-written"]) { $1 }
        try process.run()
        process.waitUntilExit()
        // Killed at the journal, the journal is complete and the next open finishes the import;
        // killed half-way through writing it, it is torn: cut it in half, as such a kill leaves it.
        let journal = store + "/.mlmd/journal"
        if let handle = FileHandle(forUpdatingAtPath: journal) {
            try handle.truncate(atOffset: max(0, try handle.seekToEnd() / 2))
            try handle.close()
        }
        let opened = try MetadataStore(path: store)
        #expect(try opened.getArtifacts().isEmpty)
        #expect(try opened.importSources().isEmpty)
        #expect(folder.files(excluding: "store/.mlmd") == before)
    }

    @Test func badDatabasesGetAClearErrorAndWriteNothing() throws {
        let folder = TemporaryDirectory()
        let store = folder.file("store")
        _ = MLMD.run(["init", store])
        let before = folder.files(excluding: "store/.mlmd")
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: folder.file("bad.sqlite")))
        let notSQLite = MLMD.run(["import", folder.file("bad.sqlite"), "--store", store])
        #expect(notSQLite.status == 9)
        #expect(notSQLite.errors.contains("bad.sqlite"), "\(notSQLite.errors)")
        let missing = MLMD.run(["import", folder.file("none.sqlite"), "--store", store])
        #expect(missing.status == 5)
        #expect(folder.files(excluding: "store/.mlmd").filter { !$0.hasSuffix(".sqlite") } == before)
    }
}
