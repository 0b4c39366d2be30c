import Foundation
import MLMDInterchange
import MLMDInterchangeGRPC
import MLMetadata
import Testing

/// `mlmd import grpc://…`: reading a running MLMD service through its API (here `mlmd serve`,
/// serving a store that imported a database the official library wrote).
@Suite struct GRPCImportTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static func fixture(_ name: String) -> String { repositoryRoot + "/Tests/MLMDInterchangeTests/Fixtures/" + name }

    /// The served store holds every value kind, both type versions, parent contexts, two runs.
    static func prepare(_ path: String) throws {
        let store = try MetadataStore(path: path)
        var importer = MLMDImporter(store: store, source: "metadata")
        importer.batchSize = 4
        try importer.run(MLMDSQLiteReader(path: fixture("every-kind-v10.sqlite")).read())
    }

    @Test func readsEverythingTheServiceHolds() async throws {
        try await withServingStore(prepare: Self.prepare) { port, _, path in
            // Fewer than a page of each kind would not exercise paging: read a store with more.
            let served = try MetadataStore(path: path)
            let extra = (0..<250).map { Artifact(type: "Model", uri: "/models/extra/\($0)") }
            try served.putArtifacts(extra)
            let read = try await MLMDServiceReader(host: "127.0.0.1", port: port).read()
            let direct = try MLMDExporter(store: served, ids: .store).graph()
            #expect(read.artifacts.count == 256)
            #expect(Set(read.artifactTypes) == Set(direct.artifactTypes))
            #expect(Set(read.executionTypes) == Set(direct.executionTypes))
            #expect(Set(read.contextTypes) == Set(direct.contextTypes))
            #expect(read.artifacts == direct.artifacts)
            #expect(read.executions == direct.executions)
            #expect(read.contexts == direct.contexts)
            #expect(Set(read.events) == Set(direct.events))
            #expect(Set(read.attributions) == Set(direct.attributions))
            #expect(Set(read.associations) == Set(direct.associations))
            #expect(Set(read.parentContexts) == Set(direct.parentContexts))
            #expect(!read.parentContexts.isEmpty && !read.attributions.isEmpty && !read.associations.isEmpty)
        }
    }

    @Test func mlmdImportFromAServiceIsRepeatable() async throws {
        try await withServingStore(prepare: Self.prepare) { port, _, path in
            let folder = TemporaryDirectory()
            let target = folder.path + "/copy"
            _ = try MetadataStore(path: target)
            let mlmd = Self.product("mlmd")
            let first = try await Self.run(mlmd, ["import", "grpc://127.0.0.1:\(port)", "--store", target, "--source", "served", "--batch-size", "3"])
            #expect(first.status == 0, "\(first.errors)")
            #expect(first.output.contains("artifacts: 6 added"), "\(first.output)")
            let copy = try MetadataStore(path: target)
            let served = try MetadataStore(path: path)
            // Every served artifact arrived, with its times, found by its id in the served store.
            for artifact in try served.getArtifacts() {
                let id = try #require(try copy.importedID(source: "served", kind: .artifact, mlmdID: artifact.id!))
                var found = try #require(try copy.getArtifactsByID([id]).first)
                found.id = artifact.id
                #expect(found == artifact)
            }
            #expect(try copy.getEventsByExecutionIDs(copy.getExecutions().compactMap(\.id)).count == 9)
            let again = try await Self.run(mlmd, ["import", "grpc://127.0.0.1:\(port)", "--store", target, "--source", "served"])
            #expect(again.output.contains("Nothing new"), "\(again.output)")
        }
    }

    @Test func aServiceThatIsNotThereIsAClearError() async throws {
        let folder = TemporaryDirectory()
        _ = try MetadataStore(path: folder.path + "/store")
        let result = try await Self.run(Self.product("mlmd"), ["import", "grpc://127.0.0.1:1", "--store", folder.path + "/store"])
        #expect(result.status == 14, "\(result.status): \(result.errors)")
        #expect(result.errors.contains("grpc://127.0.0.1:1"), "\(result.errors)")
        let malformed = try await Self.run(Self.product("mlmd"), ["import", "grpc://nowhere", "--store", folder.path + "/store"])
        #expect(malformed.status == 3, "\(malformed.errors)")
    }

    // MARK: - Running the built executables

    static func product(_ name: String) -> String {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path.contains(".xctest") { url.deleteLastPathComponent() }
        return url.appendingPathComponent(name).path
    }

    /// Runs the process on a thread of its own: waiting for it must not hold a thread of the
    /// pool the in-process server answers it on.
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String, errors: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try runBlocking(executable, arguments) }) }
        }
    }

    static func runBlocking(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let folder = TemporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        FileManager.default.createFile(atPath: folder.path + "/out", contents: nil)
        FileManager.default.createFile(atPath: folder.path + "/err", contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.path + "/out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.path + "/err"))
        try process.run()
        process.waitUntilExit()
        let read = { (name: String) in (try? String(contentsOfFile: folder.path + "/" + name, encoding: .utf8)) ?? "" }
        return (process.terminationStatus, read("out"), read("err"))
    }
}
