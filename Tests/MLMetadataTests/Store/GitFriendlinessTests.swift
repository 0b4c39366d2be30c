import Foundation
import Testing
@testable import MLMetadata
import MLMetadataSamples

@Suite struct GitFriendlinessTests {
    /// What git would notice about a file: its bytes, and (for a rewrite) its inode and mtime.
    struct FileState: Equatable {
        var bytes: String
        var signature: FileSystem.Signature?
    }

    func states(_ directory: TemporaryDirectory) -> [String: FileState] {
        Dictionary(uniqueKeysWithValues: directory.files(excluding: ".mlmd").map {
            ($0, FileState(bytes: directory.read($0), signature: FileSystem.signature(directory.file($0))))
        })
    }

    @Test func recordingARunOnlyAddsFiles() throws {
        let directory = TemporaryDirectory()
        let runs = TaxiPipeline.defaultRuns
        try TaxiPipeline.record(into: directory.path, runs: Array(runs.prefix(1)))
        let afterFirst = states(directory)
        // Runs 2 and 3 reuse the pipeline and node contexts, and run 3 reuses cached artifacts.
        try TaxiPipeline.record(into: directory.path, runs: Array(runs.dropFirst()), firstRunNumber: 2)
        let afterAll = states(directory)
        for (path, state) in afterFirst {
            #expect(afterAll[path] == state, "\(path) was modified or removed by a later run")
        }
        #expect(afterAll.count > afterFirst.count)
    }

    @Test func passingSharedContextsByIDRewritesNothing() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let store = fixture.store
        let pipeline = try store.putContexts([Context(typeID: types.pipeline, name: "p", customProperties: ["root": "/p"])])[0]
        let stored = try #require(try store.getContextsByID([pipeline]).first)
        let before = states(fixture.directory)
        for run in 0..<3 {
            // As the MLMD benchmark does (force_reuse_context) and as a plain client does (same context again).
            for options in [PutExecutionOptions(forceReuseContext: true), PutExecutionOptions()] {
                _ = try store.putExecution(Execution(typeID: types.trainer),
                                           artifactsAndEvents: [ArtifactAndEvent(Artifact(typeID: types.model), .output)],
                                           contexts: [stored, Context(typeID: types.run, name: "r\(run)-\(options.forceReuseContext)")],
                                           options: options)
            }
        }
        let after = states(fixture.directory)
        for (path, state) in before { #expect(after[path] == state, "\(path) was rewritten") }
    }

    @Test func theSameInputsGiveByteIdenticalTrees() throws {
        let first = TemporaryDirectory("first")
        let second = TemporaryDirectory("second")
        try TaxiPipeline.record(into: first.path)
        try TaxiPipeline.record(into: second.path)
        let files = first.files(excluding: ".mlmd")
        #expect(files == second.files(excluding: ".mlmd"))
        for file in files { #expect(first.read(file) == second.read(file), "\(file) differs") }
    }

    @Test func clonesAgreeOnTypeAndContextIdentityButNotOnNewIDs() throws {
        let first = try StoreFixture("clone1", start: 1_767_603_600_000, seed: 1)
        let second = try StoreFixture("clone2", start: 1_767_603_600_000, seed: 2)  // same millisecond, other random bits
        for fixture in [first, second] {
            let types = try TypeIDs(fixture.store)
            _ = try fixture.store.putExecution(Execution(typeID: types.trainer),
                                               artifactsAndEvents: [ArtifactAndEvent(Artifact(typeID: types.model), .output)],
                                               contexts: [Context(typeID: types.pipeline, name: "taxi")])
        }
        let firstFiles = first.snapshot()
        let secondFiles = second.snapshot()
        let shared = Set(firstFiles.keys).intersection(secondFiles.keys)
        // Types and the (type, name)-identified context land on the same paths; types byte for byte.
        #expect(shared.filter { $0.hasPrefix("types/") }.count == 5)
        #expect(shared.filter { $0.hasPrefix("contexts/") }.count == 1)
        for path in shared where path.hasPrefix("types/") { #expect(firstFiles[path] == secondFiles[path]) }
        #expect(try first.store.getContexts().map(\.id) == second.store.getContexts().map(\.id))
        // Artifacts, executions and edge files never collide.
        #expect(shared.filter { $0.hasPrefix("artifacts/") || $0.hasPrefix("executions/") || $0.hasPrefix("edges/") }.isEmpty)
    }

    @Test func edgesRecordedOnTwoBranchesReadAsOne() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let result = try fixture.store.putExecution(Execution(typeID: types.trainer),
                                                    artifactsAndEvents: [ArtifactAndEvent(Artifact(typeID: types.model), .output)],
                                                    contexts: [Context(typeID: types.pipeline, name: "p")])
        let edgeFile = try #require(fixture.directory.files(excluding: ".mlmd").first { $0.hasPrefix("edges/") })
        // Another branch recorded the same edges in a file of its own (a later event time).
        let copy = fixture.directory.read(edgeFile).replacingOccurrences(of: "\"milliseconds_since_epoch\": \"", with: "\"milliseconds_since_epoch\": \"9")
        try copy.write(toFile: fixture.directory.file(edgeFile.replacingOccurrences(of: ".jsonl", with: "9.jsonl")), atomically: false, encoding: .utf8)
        try FileManager.default.removeItem(atPath: fixture.directory.file(".mlmd"))
        let store = try fixture.reopen()
        #expect(try store.problems.isEmpty)
        let events = try store.getEventsByExecutionIDs([result.executionID])
        #expect(events.count == 1)
        #expect(try events.first?.millisecondsSinceEpoch == fixture.store.getEventsByExecutionIDs([result.executionID]).first?.millisecondsSinceEpoch)
        #expect(try store.getArtifactsByContext(result.contextIDs[0]).count == 1)
        #expect(try store.getContextsByExecution(result.executionID).count == 1)
    }
}
