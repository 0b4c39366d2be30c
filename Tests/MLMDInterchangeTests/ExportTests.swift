import Foundation
import MLMDInterchange
import MLMetadata
import Testing

/// Exports, and round trips in both directions: in Swift (the reader reads back what the writer
/// wrote) and with the official library (tests/Interchange/check_export.py).
@Suite struct ExportTests {
    @Test(arguments: ["every-kind-v10", "kubeflow"])
    func exportingAnImportGivesTheOriginalDatabaseBack(fixture: String) throws {
        let scratch = try Scratch()
        let store = try MetadataStore(path: scratch.path("store"))
        let original = try MLMDSQLiteReader(path: Fixtures.path(fixture + ".sqlite")).read()
        try MLMDImporter(store: store, source: "metadata").run(original)
        let file = scratch.path("exported.sqlite")
        try MLMDSQLiteWriter(path: file).write(MLMDExporter(store: store).graph())
        let back = try MLMDSQLiteReader(path: file).read()
        #expect(back.artifactTypes == original.artifactTypes)
        #expect(back.executionTypes == original.executionTypes)
        #expect(back.contextTypes == original.contextTypes)
        #expect(back.artifacts == original.artifacts)
        #expect(back.executions == original.executions)
        #expect(back.contexts == original.contexts)
        #expect(Set(back.events) == Set(original.events))
        #expect(Set(back.attributions) == Set(original.attributions))
        #expect(Set(back.associations) == Set(original.associations))
        #expect(Set(back.parentContexts) == Set(original.parentContexts))
    }

    @Test func importingAnExportGivesTheSameStoreThroughTheMapping() throws {
        let scratch = try Scratch()
        let original = try MetadataStore(path: scratch.path("original"))
        try MLMDImporter(store: original, source: "metadata").run(MLMDSQLiteReader(path: Fixtures.path("every-kind-v10.sqlite")).read())
        // A node the store recorded itself, beside the imported ones: it keeps its id in the export.
        let native = try original.putArtifacts([Artifact(type: "Model", uri: "/models/native")])[0]
        let file = scratch.path("exported.sqlite")
        try MLMDSQLiteWriter(path: file).write(MLMDExporter(store: original, ids: .store).graph())
        let copy = try MetadataStore(path: scratch.path("copy"))
        try MLMDImporter(store: copy, source: "exported").run(MLMDSQLiteReader(path: file).read())
        // Every node of the original is in the copy, found by its original id, with the same content and times.
        for artifact in try original.getArtifacts() {
            let id = try #require(try copy.importedID(source: "exported", kind: .artifact, mlmdID: artifact.id!))
            var found = try #require(try copy.getArtifactsByID([id]).first)
            found.id = artifact.id
            found.typeID = artifact.typeID
            #expect(found == artifact)
        }
        for execution in try original.getExecutions() {
            let id = try #require(try copy.importedID(source: "exported", kind: .execution, mlmdID: execution.id!))
            var found = try #require(try copy.getExecutionsByID([id]).first)
            found.id = execution.id
            found.typeID = execution.typeID
            #expect(found == execution)
        }
        for context in try original.getContexts() {
            let id = try #require(try copy.importedID(source: "exported", kind: .context, mlmdID: context.id!))
            var found = try #require(try copy.getContextsByID([id]).first)
            found.id = context.id
            found.typeID = context.typeID
            #expect(found == context)
        }
        #expect(try copy.importedID(source: "exported", kind: .artifact, mlmdID: native) != nil)
        #expect(try copy.getEventsByExecutionIDs(copy.getExecutions().compactMap(\.id)).count
            == original.getEventsByExecutionIDs(original.getExecutions().compactMap(\.id)).count)
        #expect(try copy.getAttributions().count == original.getAttributions().count)
        #expect(try copy.getAssociations().count == original.getAssociations().count)
        #expect(try copy.getParentContexts().count == original.getParentContexts().count)
        // Types converge by name and version: the copy's types are the original's, ids and all.
        #expect(Set(try copy.getArtifactTypes()) == Set(try original.getArtifactTypes()))
    }

    @Test func refusesToOverwriteAnExistingFile() throws {
        let scratch = try Scratch()
        let store = try MetadataStore(path: scratch.path("store"))
        let file = try scratch.file("exists.sqlite", contents: Array("precious".utf8))
        let error = try #require(throws: StoreError.self) { try MLMDSQLiteWriter(path: file).write(MLMDExporter(store: store).graph()) }
        #expect(error.code == .alreadyExists)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "precious")
        try MLMDSQLiteWriter(path: file).write(MLMDExporter(store: store).graph(), replacing: true)
        #expect(try MLMDSQLiteReader(path: file).schemaVersion() == 10)
    }

    // MARK: - With the official library

    @Test(.enabled(if: OfficialLibrary.available, "needs a Python with ml-metadata 1.17.1 (see .ci/run)"),
          arguments: ["every-kind-v10", "every-kind-v7", "kubeflow"])
    func mlmdReadsAnExportedImportAsTheOriginal(fixture: String) throws {
        let scratch = try Scratch()
        let store = try MetadataStore(path: scratch.path("store"))
        try MLMDImporter(store: store, source: "metadata").run(MLMDSQLiteReader(path: Fixtures.path(fixture + ".sqlite")).read())
        let file = scratch.path("exported.sqlite")
        try MLMDSQLiteWriter(path: file).write(MLMDExporter(store: store).graph())
        // The older schemas are compared with MLMD's reads after its own upgrade (what expected.json holds).
        var arguments = [file, try Fixtures.path(fixture + ".expected.json")]
        if fixture.hasSuffix("v10") || fixture == "kubeflow" { arguments += ["--lineage-from", try Fixtures.path(fixture + ".sqlite")] }
        try OfficialLibrary.check(arguments)
    }

    @Test(.enabled(if: OfficialLibrary.available, "needs a Python with ml-metadata 1.17.1 (see .ci/run)"))
    func mlmdReadsTheSampleStoreAsTheStoreDoes() throws {
        let scratch = try Scratch()
        let copy = scratch.path("sample-store")
        try FileManager.default.copyItem(atPath: OfficialLibrary.repositoryRoot + "/sample-store", toPath: copy)
        let store = try MetadataStore(path: copy, options: StoreOptions(createIfMissing: false))
        let file = scratch.path("sample.sqlite")
        try MLMDSQLiteWriter(path: file).write(MLMDExporter(store: store).graph())
        let expected = scratch.path("expected.json")
        try StoreDump(store: store).write(to: expected)
        try OfficialLibrary.check([file, expected])
    }
}

/// The store's answers in check_export.py's shape: each section's messages as proto3 JSON, and
/// every artifact's lineage subgraphs.
struct StoreDump {
    let store: MetadataStore

    func write(to path: String) throws {
        func json<M: ProtoJSONConvertible>(_ items: [M]) throws -> [Any] {
            try items.map { try JSONSerialization.jsonObject(with: Data($0.protoJSON(.compact).utf8)) }
        }
        let executions = try store.getExecutions()
        var dump: [String: Any] = [
            "artifact_types": try json(store.getArtifactTypes()), "execution_types": try json(store.getExecutionTypes()),
            "context_types": try json(store.getContextTypes()), "artifacts": try json(store.getArtifacts()),
            "executions": try json(executions), "contexts": try json(store.getContexts()),
            "events": try json(store.getEventsByExecutionIDs(executions.compactMap(\.id))),
            "attributions": try store.getAttributions().map { ["context_id": $0.contextID, "artifact_id": $0.artifactID] },
            "associations": try store.getAssociations().map { ["context_id": $0.contextID, "execution_id": $0.executionID] },
            "parent_contexts": try store.getParentContexts().map { ["child_id": $0.childID, "parent_id": $0.parentID] },
        ]
        var lineage: [String: Any] = [:]
        for artifact in try store.getArtifacts() {
            for direction in LineageSubgraphQuery.Direction.allCases {
                let graph = try store.getLineageSubgraph(LineageSubgraphQuery(startingNodes: .artifacts(filterQuery: "id = \(artifact.id!)"),
                                                                              maxNumHops: 20, direction: direction))
                lineage["\(artifact.id!) \(direction.rawValue)"] = [
                    "artifacts": graph.artifacts.compactMap(\.id).sorted(), "executions": graph.executions.compactMap(\.id).sorted(),
                    "contexts": graph.contexts.compactMap(\.id).sorted(), "events": graph.events.count,
                ]
            }
        }
        dump["lineage"] = lineage
        try JSONSerialization.data(withJSONObject: dump, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
    }
}

/// Runs Tests/Interchange/check_export.py with the Python that has ml-metadata 1.17.1:
/// `$MLMD_PYTHON`, else `.venv-mlmd/bin/python`. Without one these tests are skipped, unless
/// `MLMD_REQUIRE_INTEROP=1` (CI), which makes the missing library a failure.
enum OfficialLibrary {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let python: String? = {
        let candidates = [ProcessInfo.processInfo.environment["MLMD_PYTHON"], repositoryRoot + "/.venv-mlmd/bin/python"].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
    static let available = python != nil || ProcessInfo.processInfo.environment["MLMD_REQUIRE_INTEROP"] == "1"

    static func check(_ arguments: [String]) throws {
        let python = try #require(python, "MLMD_REQUIRE_INTEROP=1 but no Python with ml_metadata was found")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [repositoryRoot + "/Tests/Interchange/check_export.py"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("\"failures\": []"), "\(text)")
    }
}
