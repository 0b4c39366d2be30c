import Foundation
import Testing
@testable import MLMetadata

@Suite struct BadInputTests {
    static let tenKilobytes = String(repeating: "x", count: 10_240)

    @Test(arguments: ["a/b", "..", "../x", ".hidden", "x\u{0}y", "x\ny", "tab\there", "back\\slash", tenKilobytes])
    func typeNamesThatCannotBeFileNamesAreRejected(name: String) throws {
        let fixture = try StoreFixture()
        let before = fixture.snapshot()
        expectStoreError(.invalidArgument, "ArtifactType name '\(NameRules.preview(name))'") {
            try fixture.store.putArtifactType(ArtifactType(name: name))
        }
        expectStoreError(.invalidArgument, "version") {
            try fixture.store.putExecutionType(ExecutionType(name: "T", version: name))
        }
        #expect(fixture.snapshot() == before)
    }

    @Test(arguments: ["x\u{0}y", "line\nbreak", "bell\u{7}", tenKilobytes])
    func entityNamesAndExternalIDsWithControlCharactersOrOverLongAreRejected(text: String) throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let before = fixture.snapshot()
        expectStoreError(.invalidArgument, "artifacts[1]: Artifact name") {
            try fixture.store.putArtifacts([Artifact(typeID: types.model, name: "fine"), Artifact(typeID: types.model, name: text)])
        }
        expectStoreError(.invalidArgument, "contexts[0]: Context external_id") {
            try fixture.store.putContexts([Context(typeID: types.pipeline, name: "p", externalID: text)])
        }
        expectStoreError(.invalidArgument, "custom property name") {
            try fixture.store.putExecutions([Execution(typeID: types.trainer, customProperties: [text: 1])])
        }
        #expect(fixture.snapshot() == before)
    }

    @Test func pathLikeEntityNamesStayInsideTheirFile() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let ids = try fixture.store.putArtifacts([Artifact(typeID: types.model, name: "../../escape"),
                                                  Artifact(typeID: types.model, name: "a/b")])
        #expect(try fixture.store.getArtifactsByID(ids).compactMap(\.name).sorted() == ["../../escape", "a/b"])
        let files = fixture.directory.files(excluding: ".mlmd")
        #expect(files.filter { $0.hasPrefix("artifacts/") }.allSatisfy { $0.hasPrefix("artifacts/Model/") && !$0.contains("escape") })
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.path + "/../escape"))
    }

    @Test func largeValuesAreFineUpToTheFileLimit() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let id = try fixture.store.putArtifacts([Artifact(typeID: types.model, customProperties: ["notes": .string(Self.tenKilobytes)])])[0]
        #expect(try fixture.store.getArtifactsByID([id]).first?.customProperties["notes"] == .string(Self.tenKilobytes))
        let huge = String(repeating: "y", count: 17 << 20)
        expectStoreError(.invalidArgument, "more than the 16777216-byte limit") {
            try fixture.store.putArtifacts([Artifact(typeID: types.model, customProperties: ["blob": .string(huge)])])
        }
    }

    @Test func wrongValueKindsAndUndeclaredPropertiesTouchNothing() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        try fixture.store.putArtifacts([Artifact(typeID: types.dataset, name: "kept", properties: ["span": 1])])
        let before = fixture.snapshot()
        expectStoreError(.invalidArgument, "artifacts[1]: properties.span: Found unmatched property type") {
            try fixture.store.putArtifacts([Artifact(typeID: types.dataset, name: "new"), Artifact(typeID: types.dataset, properties: ["span": 1.5])])
        }
        expectStoreError(.invalidArgument, "properties.shoe_size: Found unknown property") {
            _ = try fixture.store.putExecution(Execution(typeID: types.trainer, properties: ["shoe_size": 44]),
                                               artifactsAndEvents: [ArtifactAndEvent(Artifact(typeID: types.model), .output)])
        }
        #expect(fixture.snapshot() == before)
    }

    /// Damages one file and rebuilds the index from the files.
    func damagedStore(_ damage: (String) throws -> Void, label: String = #function) throws -> (StoreFixture, damaged: String, MetadataStore) {
        let fixture = try StoreFixture(label)
        let types = try TypeIDs(fixture.store)
        try fixture.store.putArtifacts([Artifact(typeID: types.model, name: "victim"), Artifact(typeID: types.model, name: "bystander")])
        let victimID = try #require(try fixture.store.getArtifactByTypeAndName("Model", "victim")?.id)
        let victim = try #require(try fixture.store.read { try $0.filePath(ofNode: .artifact, id: victimID) })
        try damage(fixture.directory.file(victim))
        try FileManager.default.removeItem(atPath: fixture.directory.file(".mlmd"))
        return (fixture, victim, try fixture.reopen())
    }

    @Test func aTruncatedFileIsReportedWithItsPathAndTheRestStaysReadable() throws {
        let (fixture, victim, store) = try damagedStore { path in
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        }
        let problem = try #require(try store.problems.first)
        #expect(try store.problems.count == 1)
        #expect(problem.path == victim)
        #expect(problem.line != nil)
        #expect(problem.description.contains("not valid JSON"))
        #expect(try store.getArtifacts().compactMap(\.name) == ["bystander"])
        _ = fixture
    }

    @Test func aConflictMarkedFileIsReportedAndNeverOverwritten() throws {
        let (fixture, victim, store) = try damagedStore { path in
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try ("<<<<<<< HEAD\n" + text + "=======\n" + text + ">>>>>>> other\n").write(toFile: path, atomically: false, encoding: .utf8)
        }
        #expect(try store.problems.map(\.path) == [victim])
        #expect(try store.problems.first?.line == 1)
        #expect(try store.problems.first?.description.contains("unresolved merge conflict") == true)
        let damagedBytes = fixture.directory.read(victim)
        // The unreadable file's artifact cannot be updated through another write either.
        let types = try TypeIDs(store)
        let id = Int64(URL(fileURLWithPath: victim).deletingPathExtension().lastPathComponent)!
        expectStoreError(.invalidArgument, "Cannot find the given id") { try store.putArtifacts([Artifact(id: id, typeID: types.model)]) }
        #expect(fixture.directory.read(victim) == damagedBytes)
    }

    @Test func wrongFieldsInAFileAreReportedWithFieldAndLine() throws {
        let (fixture, victim, store) = try damagedStore { path in
            var text = try String(contentsOfFile: path, encoding: .utf8)
            text = text.replacingOccurrences(of: "\"name\": \"victim\"", with: "\"name\": 42")
            try text.write(toFile: path, atomically: false, encoding: .utf8)
        }
        let problem = try #require(try store.problems.first)
        #expect(problem.path == victim)
        #expect(problem.description.contains("field 'name': expected a string"))
        #expect(problem.line == 5)
        withExtendedLifetime(fixture) {}
    }

    @Test func aContextWhoseFileIsUnreadableCannotBeRecreatedOverIt() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let id = try fixture.store.putContexts([Context(typeID: types.pipeline, name: "p")])[0]
        let path = try #require(try fixture.store.read { try $0.filePath(ofNode: .context, id: id) })
        try "{ truncated".write(toFile: fixture.directory.file(path), atomically: false, encoding: .utf8)
        try FileManager.default.removeItem(atPath: fixture.directory.file(".mlmd"))
        let store = try fixture.reopen()
        #expect(try store.problems.map(\.path) == [path])
        // The same (type, name) derives the same id and path: the write must refuse, not overwrite.
        expectStoreError(.failedPrecondition, "its file exists but is unreadable") {
            try store.putContexts([Context(typeID: types.pipeline, name: "p")])
        }
        #expect(fixture.directory.read(path) == "{ truncated")
    }

    @Test(arguments: [
        ("{\"format\": \"mlmetadata-store\", \"format_version\": 3}\n", StoreError.Code.failedPrecondition,
         "store format version 3 is not one this library reads (1–2); upgrade MLMetadata"),
        ("{\"format\": \"mlmetadata-store\", \"format_version\": 0}\n", .failedPrecondition, "store format version 0 is not one this library reads"),
        ("{\"format\": \"something-else\", \"format_version\": 1}\n", .dataLoss, "not an MLMetadata store"),
        ("{\"format\": \"mlmetadata-store\",\n \"format_version\": }\n", .dataLoss, "store.json:2: not valid JSON"),
    ])
    func unknownOrBrokenFormatVersionsAreRefused(manifest: String, code: StoreError.Code, fragment: String) throws {
        let fixture = try StoreFixture()
        try manifest.write(toFile: fixture.directory.file("store.json"), atomically: false, encoding: .utf8)
        let before = fixture.snapshot()
        expectStoreError(code, fragment) { _ = try fixture.reopen() }
        #expect(fixture.snapshot() == before)
    }
}
