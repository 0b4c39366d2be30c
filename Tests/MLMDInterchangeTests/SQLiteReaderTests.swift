import Foundation
import GRDB
import MLMDInterchange
import MLMetadata
import Testing

/// The reader against databases written by the official library (scripts/interchange/make_fixtures.py),
/// compared with what that library reads back from each of them.
@Suite struct SQLiteReaderTests {
    @Test(arguments: ["every-kind-v10", "every-kind-v9", "every-kind-v8", "every-kind-v7", "kubeflow"])
    func readsWhatMLMDReads(fixture: String) throws {
        let graph = try MLMDSQLiteReader(path: Fixtures.path(fixture + ".sqlite")).read()
        let expected = try Fixtures.expected(fixture)
        #expect(graph.artifactTypes == (try expected.messages("artifact_types", as: ArtifactType.self)))
        #expect(graph.executionTypes == (try expected.messages("execution_types", as: ExecutionType.self)))
        #expect(graph.contextTypes == (try expected.messages("context_types", as: ContextType.self)))
        #expect(graph.artifacts.map(MLMDDoubleReading.asMLMDReadsIt) == (try expected.messages("artifacts", as: Artifact.self)))
        #expect(graph.executions.map(MLMDDoubleReading.asMLMDReadsIt) == (try expected.messages("executions", as: Execution.self)))
        #expect(graph.contexts.map(MLMDDoubleReading.asMLMDReadsIt) == (try expected.messages("contexts", as: Context.self)))
        #expect(Set(graph.events) == Set(try expected.messages("events", as: Event.self)))
        #expect(Set(graph.attributions) == Set(try expected.pairs("attributions").map { Attribution(artifactID: $0["artifact_id"]!, contextID: $0["context_id"]!) }))
        #expect(Set(graph.associations) == Set(try expected.pairs("associations").map { Association(executionID: $0["execution_id"]!, contextID: $0["context_id"]!) }))
        #expect(Set(graph.parentContexts) == Set(try expected.pairs("parent_contexts").map { ParentContext(childID: $0["child_id"]!, parentID: $0["parent_id"]!) }))
    }

    @Test func doublesArriveAsStoredNotAsMLMDReadsThem() throws {
        let graph = try MLMDSQLiteReader(path: Fixtures.path("every-kind-v10.sqlite")).read()
        let unicode = try #require(graph.artifacts.first { $0.name == "naïve ✓" })
        #expect(unicode.customProperties["huge"] == .double(.greatestFiniteMagnitude))
        #expect(MLMDDoubleReading.asMLMDReadsIt(.greatestFiniteMagnitude) == .infinity)
    }

    @Test func everyValueKindArrives() throws {
        let graph = try MLMDSQLiteReader(path: Fixtures.path("every-kind-v10.sqlite")).read()
        let examples = try #require(graph.artifacts.first { $0.name == "examples-0" })
        #expect(examples.properties["span"] == .int(1))
        #expect(examples.properties["weight"] == .double(0.25))
        #expect(examples.properties["verified"] == .bool(true))
        #expect(examples.properties["schema"] == .struct(["features": ["a", "b"], "n": 2, "nested": ["ok": true, "none": nil]]))
        #expect(examples.properties["payload"]?.protoValue?.typeURL == "type.googleapis.com/ml_metadata.Value")
        #expect(examples.customProperties["tfx_version"] == .string("1.15.0"))
        #expect(graph.artifactTypes.first { $0.name == "Examples" && $0.version == "1.0.0" }?.baseType == .dataset)
        #expect(try MLMDSQLiteReader(path: Fixtures.path("every-kind-v10.sqlite")).schemaVersion() == 10)
        #expect(try MLMDSQLiteReader(path: Fixtures.path("every-kind-v7.sqlite")).schemaVersion() == 7)
    }

    // MARK: - Bad input: a clear error naming the file (and table and column), never a crash

    @Test func refusesAFileThatIsNotADatabase() throws {
        let scratch = try Scratch()
        let file = try scratch.file("notes.sqlite", contents: Array("just some text, not SQLite\n".utf8))
        let error = try #require(throws: StoreError.self) { try MLMDSQLiteReader(path: file).read() }
        #expect(error.code == .failedPrecondition)
        #expect(error.path == file)
        #expect(error.message.contains("not an SQLite file"))
    }

    @Test func refusesAMissingFile() throws {
        let error = try #require(throws: StoreError.self) { try MLMDSQLiteReader(path: "/nonexistent/metadata.sqlite").read() }
        #expect(error.code == .notFound)
        #expect(error.path == "/nonexistent/metadata.sqlite")
    }

    @Test func refusesAnSQLiteFileThatIsNotMLMD() throws {
        let scratch = try Scratch()
        let file = scratch.path("other.sqlite")
        try DatabaseQueue(path: file).write { try $0.execute(sql: "CREATE TABLE t (x INTEGER)") }
        let error = try #require(throws: StoreError.self) { try MLMDSQLiteReader(path: file).read() }
        #expect(error.message.contains("no MLMDEnv table"))
    }

    @Test(arguments: [Int64(6), 11, 0])
    func refusesAnUnknownSchemaVersion(version: Int64) throws {
        let scratch = try Scratch()
        let file = try scratch.copy(Fixtures.path("every-kind-v10.sqlite"))
        try DatabaseQueue(path: file).write { try $0.execute(sql: "UPDATE MLMDEnv SET schema_version = ?", arguments: [version]) }
        let error = try #require(throws: StoreError.self) { try MLMDSQLiteReader(path: file).read() }
        #expect(error.code == .failedPrecondition)
        #expect(error.field == "MLMDEnv.schema_version")
        #expect(error.message.contains("schema version \(version)"))
    }

    @Test func refusesACorruptDatabase() throws {
        let scratch = try Scratch()
        let file = try scratch.copy(Fixtures.path("every-kind-v10.sqlite"))
        // Overwrite every page after the first (the schema survives, the tables do not).
        let handle = try #require(FileHandle(forWritingAtPath: file))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 4096)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(size) - 4096))
        try handle.close()
        let error = try #require(throws: StoreError.self) { try MLMDSQLiteReader(path: file).read() }
        #expect(error.path == file)
        #expect([.dataLoss, .failedPrecondition].contains(error.code))
    }

    @Test(arguments: [
        ("UPDATE Artifact SET state = 99 WHERE id = 1", "Artifact.state"),
        ("UPDATE Execution SET last_known_state = -1 WHERE id = 1", "Execution.last_known_state"),
        ("UPDATE ArtifactProperty SET string_value = 'mlmd-struct::%%%' WHERE name = 'schema'", "ArtifactProperty.string_value"),
        ("UPDATE ArtifactProperty SET int_value = NULL WHERE name = 'span'", "ArtifactProperty.int_value"),
        ("UPDATE Event SET type = 42 WHERE id = 1", "Event.type"),
        ("UPDATE TypeProperty SET data_type = 77 WHERE name = 'span'", "TypeProperty.data_type"),
        ("UPDATE Artifact SET type_id = 999 WHERE id = 2", "Artifact.type_id"),
        ("UPDATE Type SET input_type = '{\"any\":{}}' WHERE name = 'tfx.components.trainer.component.Trainer'", "Type.input_type"),
    ])
    func namesTheRowMLMDCouldNotReadEither(sql: String, field: String) throws {
        let scratch = try Scratch()
        let file = try scratch.copy(Fixtures.path("every-kind-v10.sqlite"))
        try DatabaseQueue(path: file).write { try $0.execute(sql: sql) }
        let error = try #require(throws: StoreError.self) { try MLMDSQLiteReader(path: file).read() }
        #expect(error.field == field)
        #expect(error.path == file)
    }
}
