import Foundation
import Testing
@testable import MLMetadata
import MLMetadataSamples

/// The index must reflect the files after anything git or a person does to them.
@Suite struct FreshnessTests {
    /// A git repository whose `metadata/` store holds the first run of the sample pipeline.
    struct Repository {
        let directory = TemporaryDirectory("repo")
        var store: String { directory.path + "/metadata" }
        var git: Git { Git(folder: directory.path) }

        init() throws {
            try git("init", "-q")
            try TaxiPipeline.record(into: store, runs: Array(TaxiPipeline.defaultRuns.prefix(1)))
            try git("add", "-A")
            try git("commit", "-q", "-m", "run 1")
        }

        func recordRun(_ number: Int) throws {
            try TaxiPipeline.record(into: store, runs: [TaxiPipeline.defaultRuns[number - 1]], firstRunNumber: number)
        }

        /// Reopens the store and checks that every read equals what a fresh rebuild returns.
        @discardableResult
        func expectIndexMatchesFiles(_ check: FreshnessCheck = .folders, sourceLocation: SourceLocation = #_sourceLocation) throws -> StoreContents {
            let opened = try MetadataStore(path: store, options: StoreOptions(createIfMissing: false, freshnessCheck: check))
            let contents = try StoreContents(opened)
            let rebuilt = try StoreContents.rebuilt(from: store)
            #expect(contents == rebuilt.contents, "the index does not reflect the files", sourceLocation: sourceLocation)
            #expect(try opened.problems.map(\.path) == rebuilt.problems.map(\.path), sourceLocation: sourceLocation)
            return contents
        }
    }

    @Test func checkoutResetAndMergeAreSeenOnOpen() throws {
        let repository = try Repository()
        let git = repository.git
        try repository.expectIndexMatchesFiles()

        try git("checkout", "-q", "-b", "second")
        try repository.recordRun(2)
        try git("add", "-A")
        try git("commit", "-q", "-m", "run 2")
        #expect(try repository.expectIndexMatchesFiles().contexts.filter { $0.type == "pipeline_run" }.count == 2)

        try git("checkout", "-q", "main")
        #expect(try repository.expectIndexMatchesFiles().contexts.filter { $0.type == "pipeline_run" }.count == 1)

        try git("checkout", "-q", "-b", "third")
        try repository.recordRun(3)
        try git("add", "-A")
        try git("commit", "-q", "-m", "run 3")
        try repository.expectIndexMatchesFiles()

        try git("merge", "-q", "--no-edit", "second")
        #expect(try repository.expectIndexMatchesFiles().contexts.filter { $0.type == "pipeline_run" }.count == 3)

        try git("reset", "-q", "--hard", "HEAD~1")
        #expect(try repository.expectIndexMatchesFiles().contexts.filter { $0.type == "pipeline_run" }.count == 2)

        try git("stash", "list")  // stash of store changes: record, stash, pop
        try repository.recordRun(2)
        try git("stash", "-q", "-u")
        try repository.expectIndexMatchesFiles()
        try git("stash", "pop", "-q")
        try repository.expectIndexMatchesFiles()
    }

    @Test func pullFromAnotherCloneIsSeenOnOpen() throws {
        let repository = try Repository()
        let clone = TemporaryDirectory("clone")
        try Git(folder: clone.path)("clone", "-q", repository.directory.path, clone.path + "/work")
        let cloneGit = Git(folder: clone.path + "/work")
        try repository.expectIndexMatchesFiles()  // the index exists before the pull
        try TaxiPipeline.record(into: clone.path + "/work/metadata", runs: [TaxiPipeline.defaultRuns[1]], firstRunNumber: 2)
        try cloneGit("add", "-A")
        try cloneGit("commit", "-q", "-m", "run 2 elsewhere")
        try repository.git("pull", "-q", clone.path + "/work", "main")
        #expect(try repository.expectIndexMatchesFiles().executions.count == 14)
    }

    /// Files the library just wrote carry signatures taken within their racy window. The next
    /// check reads them and compares their hash instead of reindexing them, trusts them from then
    /// on, and still finds a same-size in-place edit that kept size, mtime and inode.
    @Test func racilyCleanFilesAreCheckedByContent() throws {
        let directory = TemporaryDirectory("racy")
        let store = try MetadataStore(path: directory.file("store"))
        _ = try store.putArtifactType(ArtifactType(name: "Model"))
        _ = try store.putArtifacts((0..<20).map { Artifact(type: "Model", uri: "s3://m/\($0)") })
        // Read after the racy window: verified by hash, then trusted.
        Thread.sleep(forTimeInterval: 0.06)
        let first = try store.refresh()
        // Each file the write recorded within 50 ms of its mtime is verified; on a loaded machine
        // (the suite runs in parallel) some signatures are recorded later and trusted at once.
        #expect(first.indexedFiles == 0 && first.verifiedFiles <= 21)
        let second = try store.refresh()
        #expect(second.indexedFiles == 0 && second.verifiedFiles == 0)

        // A write, then an in-place edit of the same size with the old mtime put back: the
        // signature is identical, only the content tells.
        let id = try store.putArtifacts([Artifact(type: "Model", uri: "s3://m/aa")])[0]
        let path = try #require(directory.files(excluding: "store/.mlmd").first { $0.hasSuffix("/\(id).json") })
        var before = stat()
        #expect(stat(directory.file(path), &before) == 0)
        let edited = directory.read(path).replacingOccurrences(of: "s3://m/aa", with: "s3://m/bb")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.file(path)))
        try handle.write(contentsOf: Data(edited.utf8))
        try handle.close()
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, directory.file(path), &times, 0) == 0)
        #expect(FileSystem.signature(directory.file(path)) == FileSystem.Signature(before))
        let third = try store.refresh()
        #expect(third.indexedFiles == 1)
        #expect(try store.getArtifactsByID([id]).first?.uri == "s3://m/bb")
    }

    @Test func handEditsDeletionsAndNewFilesAreSeen() throws {
        let repository = try Repository()
        try repository.expectIndexMatchesFiles()
        let files = repository.directory.files(excluding: "metadata/.mlmd").filter { $0.hasPrefix("metadata/artifacts/Model/") }
        let model = try #require(files.first)

        // An editor that saves by writing a new file and renaming it over the old one.
        let edited = repository.directory.read(model).replacingOccurrences(of: "\"tensorflow\"", with: "\"jax\"")
        try edited.write(toFile: repository.directory.file(model), atomically: true, encoding: .utf8)
        #expect(try repository.expectIndexMatchesFiles().artifacts.contains { $0.customProperties["framework"] == "jax" })

        // An editor that writes in place: the folder does not change, only the thorough check sees it.
        let inPlace = edited.replacingOccurrences(of: "\"jax\"", with: "\"pytorch\"")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: repository.directory.file(model)))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(inPlace.utf8))
        try handle.close()
        #expect(try repository.expectIndexMatchesFiles(.files).artifacts.contains { $0.customProperties["framework"] == "pytorch" })

        // A deleted file and a new one.
        try FileManager.default.removeItem(atPath: repository.directory.file(model))
        let statistics = try #require(repository.directory.files(excluding: "metadata/.mlmd")
            .first { $0.hasPrefix("metadata/artifacts/ExampleStatistics/") })
        let copy = repository.directory.read(statistics).replacingOccurrences(of: "\"id\": \"", with: "\"id\": \"1")
        let newID = copy.split(separator: "\"id\": \"")[1].prefix { $0 != "\"" }
        try copy.write(toFile: repository.directory.file(FileSystem.parentPath(statistics) + "/\(newID).json"), atomically: false, encoding: .utf8)
        let contents = try repository.expectIndexMatchesFiles()
        #expect(!contents.artifacts.contains { $0.type == "Model" })
        #expect(contents.artifacts.filter { $0.type == "ExampleStatistics" }.count == 2)
    }

    @Test func aBrokenFileFromACheckoutIsReportedAndTheRestStaysReadable() throws {
        let repository = try Repository()
        try repository.expectIndexMatchesFiles()
        let context = try #require(repository.directory.files(excluding: "metadata/.mlmd").first { $0.hasPrefix("metadata/contexts/pipeline/") })
        try repository.git("checkout", "-q", "-b", "broken")
        try "<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> x\n".write(toFile: repository.directory.file(context), atomically: false, encoding: .utf8)
        try repository.git("commit", "-q", "-am", "break a file")
        try repository.git("checkout", "-q", "main")
        try repository.expectIndexMatchesFiles()
        try repository.git("checkout", "-q", "broken")
        let store = try MetadataStore(path: repository.store)
        let problems = try store.problems
        #expect(problems.map(\.path) == [String(context.dropFirst("metadata/".count))])
        #expect(problems.first?.line == 1)
        #expect(try store.getArtifacts().count == 9)
        #expect(try store.getContextsByType("pipeline").isEmpty)
        try repository.git("checkout", "-q", "main")
        #expect(try MetadataStore(path: repository.store).problems.isEmpty)
    }

    @Test func aLongLivedStoreSeesChangesOnRefreshAndRetriesStaleWrites() throws {
        let repository = try Repository()
        let store = try MetadataStore(path: repository.store)
        let before = try store.getContextsByType("pipeline_run").count
        // Another process records a run while this store object stays open.
        try repository.recordRun(2)
        // Writes see other writers at once (the index is shared)...
        #expect(try store.getContextsByType("pipeline_run").count == before + 1)
        try repository.git("add", "-A")
        try repository.git("commit", "-q", "-m", "run 2")
        // ...but a git checkout behind its back needs a refresh.
        try repository.git("checkout", "-q", "HEAD~1")
        #expect(try store.getContextsByType("pipeline_run").count == before + 1)
        let result = try store.refresh()
        #expect(result.removedFiles > 0)
        #expect(try store.getContextsByType("pipeline_run").count == before)

        // A write whose file changed on disk since the index read it is retried on a fresh index.
        try repository.git("checkout", "-q", "main")
        let typeID = try store.getContextType("pipeline_run").id!
        // Without a refresh, the index believes run 2's context does not exist; creating it again
        // must not silently overwrite the file git just restored.
        #expect {
            try store.putContexts([Context(typeID: typeID, name: TaxiPipeline.defaultRuns[1].runID)])
        } throws: { ($0 as? StoreError)?.code == .alreadyExists }
        #expect(try store.getContextsByType("pipeline_run").count == before + 1)
    }
}
