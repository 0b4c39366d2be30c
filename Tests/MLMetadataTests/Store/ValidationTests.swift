import Foundation
import Testing
@testable import MLMetadata

/// The rules of ``EntityRules`` and ``NameRules``: the writer refuses what breaks them (with the
/// field), and `checkFiles()` (`mlmd fsck`) reports files that break them.
@Suite struct ValidationTests {
    // MARK: - Helpers

    /// Expects `body` to throw a ``StoreError`` with `code`, `field` and a message containing `fragment`.
    func expectRefusal(_ code: StoreError.Code, field: String?, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected \(code) error on \(field ?? "no field") containing '\(fragment)', but nothing was thrown",
                         sourceLocation: sourceLocation)
        } catch let error as StoreError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.field == field, "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains(fragment), "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected a StoreError, got \(error)", sourceLocation: sourceLocation)
        }
    }

    /// Writes a node's canonical file over the stored one (as a hand edit or a merge may).
    func overwrite<N: NodeCoding>(_ node: N, in fixture: StoreFixture) throws -> String {
        let path = try #require(try fixture.store.read { try $0.filePath(ofNode: N.kind, id: node.id!) })
        try Data(JSONWriter.fileBytes(node.json)).write(to: URL(fileURLWithPath: fixture.directory.file(path)))
        return path
    }

    /// Writes a file with the given bytes at a store-relative path, creating its folders.
    func write(_ bytes: [UInt8], at path: String, in fixture: StoreFixture) throws {
        let url = URL(fileURLWithPath: fixture.directory.file(path))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func problems(_ fixture: StoreFixture, _ kind: StoreProblem.Kind, at path: String, field: String? = nil) throws -> [StoreProblem] {
        try fixture.store.checkFiles().filter { $0.kind == kind && $0.path == path && (field == nil || $0.field == field) }
    }

    // MARK: - Portable type names

    static let refusedTypeNames: [(name: String, fragment: String)] = [
        ("CON", "Windows device name CON"), ("con", "Windows device name CON"), ("Aux", "device name AUX"),
        ("nul.txt", "device name NUL"), ("PRN.tar.gz", "device name PRN"), ("NUL .txt", "device name NUL"),
        ("COM1", "device name COM1"), ("com9", "device name COM9"), ("LPT1", "device name LPT1"), ("lpt9.json", "device name LPT9"),
        ("COM\u{B9}", "device name COM\u{B9}"), ("CONIN$", "device name CONIN$"),
        ("a<b", "contains '<'"), ("a>b", "contains '>'"), ("a:b", "contains ':'"), ("a\"b", "contains '\"'"),
        ("a|b", "contains '|'"), ("a?b", "contains '?'"), ("a*b", "contains '*'"),
        ("trailing.", "ends with a dot"), ("trailing ", "ends with a space"),
        ("cafe\u{301}", "not in Unicode normalization form C"),
        ("a/b", "path separator"), ("a\\b", "path separator"), ("x\u{1}y", "control character U+0001"), (".hidden", "starts with '.'"),
        (String(repeating: "n", count: 10_000), "is too long"),
    ]

    @Test(arguments: refusedTypeNames)
    func nonPortableTypeNamesAreRefused(name: String, fragment: String) throws {
        let fixture = try StoreFixture()
        let before = fixture.snapshot()
        expectRefusal(.invalidArgument, field: "name", fragment) { try fixture.store.putArtifactType(ArtifactType(name: name)) }
        expectRefusal(.invalidArgument, field: "name", "ContextType name") { try fixture.store.putContextType(ContextType(name: name)) }
        #expect(fixture.snapshot() == before)
    }

    @Test(arguments: ["CONSOLE", "COM10", "LPT", "COMx", "con_fig", "auxiliary", "NULL", "a.con", "tfx.components.trainer.Trainer",
                      "caf\u{E9}", "Model v2", "a.b", "$CON", "名前", "emoji🙂"])
    func portableTypeNamesAreAccepted(name: String) throws {
        let fixture = try StoreFixture()
        let id = try fixture.store.putArtifactType(ArtifactType(name: name))
        #expect(try fixture.store.getArtifactTypesByID([id]).first?.name.unicodeScalars.elementsEqual(name.unicodeScalars) == true)
        #expect(try fixture.store.checkFiles() == [])
    }

    @Test(arguments: [("1:2", "contains ':'"), ("v1.", "ends with a dot"), ("v1 ", "ends with a space"), ("v<1", "contains '<'"),
                      ("e\u{301}", "normalization form C")])
    func nonPortableVersionsAreRefused(version: String, fragment: String) throws {
        let fixture = try StoreFixture()
        expectRefusal(.invalidArgument, field: "version", fragment) {
            try fixture.store.putExecutionType(ExecutionType(name: "Trainer", version: version))
        }
    }

    @Test func caseAndNormalizationTwinsOfATypeNameAreRefused() throws {
        let fixture = try StoreFixture()
        try fixture.store.putArtifactType(ArtifactType(name: "Model"))
        try fixture.store.putArtifactType(ArtifactType(name: "caf\u{E9}"))
        try fixture.store.putArtifactType(ArtifactType(name: "Blob", version: "V1"))
        let before = fixture.snapshot()
        expectRefusal(.alreadyExists, field: "name", "the ArtifactType 'Model'") { try fixture.store.putArtifactType(ArtifactType(name: "model")) }
        expectRefusal(.alreadyExists, field: "name", "the ArtifactType 'Model'") { try fixture.store.putArtifactType(ArtifactType(name: "MODEL", version: "2")) }
        expectRefusal(.alreadyExists, field: "name", "the ArtifactType 'caf\u{E9}'") {
            try fixture.store.putArtifactType(ArtifactType(name: "CAF\u{C9}"))
        }
        expectRefusal(.alreadyExists, field: "name", "Blob (version V1)") { try fixture.store.putArtifactType(ArtifactType(name: "Blob", version: "v1")) }
        expectRefusal(.alreadyExists, field: "name", "Blob (version V1)") { try fixture.store.putArtifactType(ArtifactType(name: "blob")) }
        // The NFD spelling of an existing NFC name is refused before any lookup: names must be NFC.
        expectRefusal(.invalidArgument, field: "name", "normalization form C") {
            try fixture.store.putArtifactType(ArtifactType(name: "cafe\u{301}"))
        }
        #expect(fixture.snapshot() == before)
        // The same type again, another version of the same spelling, and other kinds are fine.
        try fixture.store.putArtifactType(ArtifactType(name: "Model"))
        try fixture.store.putArtifactType(ArtifactType(name: "Model", version: "2"))
        try fixture.store.putArtifactType(ArtifactType(name: "Blob", version: "V2"))
        try fixture.store.putExecutionType(ExecutionType(name: "model"))
        try fixture.store.putContextType(ContextType(name: "MODEL"))
        #expect(try fixture.store.checkFiles() == [])
    }

    @Test func portableKeyFoldsCaseAndNormalization() {
        #expect(NameRules.portableKey("Model") == NameRules.portableKey("mODEL"))
        #expect(NameRules.portableKey("caf\u{E9}").unicodeScalars.elementsEqual(NameRules.portableKey("CAFE\u{301}").unicodeScalars))
        #expect(NameRules.portableKey("Stra\u{DF}e") == NameRules.portableKey("STRASSE"))
        #expect(NameRules.portableKey("Model") != NameRules.portableKey("Models"))
        #expect(NameRules.windowsDeviceName("aux.tar.gz") == "AUX")
        #expect(NameRules.windowsDeviceName("auxiliary") == nil)
    }

    // MARK: - Write-side rules name their field

    @Test func nodeRulesAreRefusedWithTheirField() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let before = fixture.snapshot()
        expectRefusal(.invalidArgument, field: "properties.span", "artifacts[0]: properties.span: Found unmatched property type") {
            try fixture.store.putArtifacts([Artifact(typeID: types.dataset, properties: ["span": 1.5])])
        }
        expectRefusal(.invalidArgument, field: "properties.shoe_size", "properties.shoe_size: Found unknown property") {
            try fixture.store.putExecutions([Execution(typeID: types.trainer, properties: ["shoe_size": 44])])
        }
        expectRefusal(.invalidArgument, field: "name", "artifacts[1]: Artifact name 'a\\u{0007}b' contains the control character U+0007") {
            try fixture.store.putArtifacts([Artifact(typeID: types.model), Artifact(typeID: types.model, name: "a\u{7}b")])
        }
        expectRefusal(.invalidArgument, field: "name", "is too long: 10000 bytes") {
            try fixture.store.putArtifacts([Artifact(typeID: types.model, name: String(repeating: "n", count: 10_000))])
        }
        expectRefusal(.invalidArgument, field: "external_id", "Context external_id") {
            try fixture.store.putContexts([Context(typeID: types.pipeline, name: "p", externalID: "x\ny")])
        }
        expectRefusal(.invalidArgument, field: "name", "Context name should not be empty") {
            try fixture.store.putContexts([Context(typeID: types.pipeline, name: "")])
        }
        expectRefusal(.invalidArgument, field: "custom_properties.a\tb", "custom property name") {
            try fixture.store.putArtifacts([Artifact(typeID: types.model, customProperties: ["a\tb": 1])])
        }
        expectRefusal(.invalidArgument, field: "uri", "Artifact uri contains a NUL") {
            try fixture.store.putArtifacts([Artifact(typeID: types.model, uri: "gs://a\u{0}b")])
        }
        expectRefusal(.invalidArgument, field: "properties.p", "Property p is UNKNOWN.") {
            try fixture.store.putArtifactType(ArtifactType(name: "Bad", properties: ["p": .unknown]))
        }
        expectRefusal(.invalidArgument, field: "path.steps[1].key", "event path key") {
            let artifact = try fixture.store.putArtifacts([Artifact(typeID: types.model)])[0]
            let execution = try fixture.store.putExecutions([Execution(typeID: types.trainer)])[0]
            try fixture.store.putEvents([Event(artifactID: artifact, executionID: execution, path: [.index(0), .key("a\u{1}")], type: .output)])
        }
        _ = before
    }

    @Test func nonFiniteStructNumbersAreRefusedNotChanged() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let before = fixture.snapshot()
        for number in [Double.infinity, -.infinity, .nan] {
            expectRefusal(.invalidArgument, field: "custom_properties.cfg.struct_value.layers[1]", "non-finite number") {
                try fixture.store.putArtifacts([Artifact(typeID: types.model, customProperties: ["cfg": .struct(["layers": [1, .number(number)]])])])
            }
        }
        expectRefusal(.invalidArgument, field: "custom_properties.cfg.struct_value.a.b", "non-finite") {
            _ = try fixture.store.putExecution(Execution(typeID: types.trainer, customProperties: ["cfg": .struct(["a": ["b": .number(.infinity)]])]))
        }
        #expect(fixture.snapshot() == before)
        // A double_value may be non-finite (proto3 JSON spells it "Infinity") and comes back as it was.
        let id = try fixture.store.putArtifacts([Artifact(typeID: types.model, properties: ["accuracy": .double(.infinity)],
                                                          customProperties: ["cfg": .struct(["x": 1.5, "big": 1e308])])])[0]
        let stored = try #require(try fixture.store.getArtifactsByID([id]).first)
        #expect(stored.properties["accuracy"] == .double(.infinity))
        #expect(stored.customProperties["cfg"] == .struct(["x": 1.5, "big": 1e308]))
    }

    @Test func structNumbersOutOfRangeInJSONInputAreRefused() throws {
        let json = try JSONParser.parse(#"{"type_id": "1", "custom_properties": {"cfg": {"struct_value": {"a": [1, {"b": 1e309}]}}}}"#)
        do {
            _ = try ProtoJSON.decodeArtifact(json)
            Issue.record("1e309 in a struct was accepted")
        } catch {
            #expect(error.field == "custom_properties.cfg.struct_value.a[1].b")
            #expect(error.message.contains("'1e309' is out of range"))
        }
    }

    // MARK: - fsck reports what the writer refuses

    @Test func aCleanStoreHasNoProblems() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let contexts = try fixture.store.putContexts([Context(typeID: types.pipeline, name: "a"), Context(typeID: types.pipeline, name: "b")])
        try fixture.store.putParentContexts([ParentContext(childID: contexts[0], parentID: contexts[1])])
        try fixture.store.putArtifacts([Artifact(typeID: types.dataset, name: "d", properties: ["span": 1, "split": "train"],
                                                 customProperties: ["cfg": .struct(["x": [1, 2.5, nil, "s"]])])])
        #expect(try fixture.store.checkFiles() == [])
    }

    @Test func fsckReportsPropertyKindsAndUndeclaredPropertiesAgainstTheTypeFile() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let id = try fixture.store.putArtifacts([Artifact(typeID: types.dataset, name: "d", properties: ["span": 1])])[0]
        var artifact = try #require(try fixture.store.getArtifactsByID([id]).first)
        artifact.properties["span"] = "one"
        artifact.properties["shoe_size"] = 44
        let path = try overwrite(artifact, in: fixture)
        let kinds = try problems(fixture, .invalid, at: path, field: "properties.span")
        #expect(kinds.count == 1 && kinds[0].message.contains("Found unmatched property type: type 'Dataset' declares INT, the value is STRING"),
                "\(kinds)")
        let unknown = try problems(fixture, .invalid, at: path, field: "properties.shoe_size")
        #expect(unknown.count == 1 && unknown[0].message.contains("Found unknown property"), "\(unknown)")
        // Each names the line of its property in the file.
        let lines = fixture.directory.read(path).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(kinds.first?.line.map { lines[$0 - 1].contains("\"span\": {") } == true, "\(kinds)")
        #expect(unknown.first?.line.map { lines[$0 - 1].contains("\"shoe_size\": {") } == true, "\(unknown)")
        #expect(try fixture.store.checkFiles().count == 2)
    }

    @Test func fsckReportsTextRulesOfNodeNamesAndProperties() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let ids = try fixture.store.putArtifacts([Artifact(typeID: types.model, name: "a"), Artifact(typeID: types.model, name: "b")])
        var first = try #require(try fixture.store.getArtifactsByID([ids[0]]).first)
        first.name = "bad\u{1}name"
        first.customProperties["tab\there"] = 1
        let firstPath = try overwrite(first, in: fixture)
        var second = try #require(try fixture.store.getArtifactsByID([ids[1]]).first)
        second.name = String(repeating: "x", count: 10_000)
        second.externalID = "line\nbreak"
        let secondPath = try overwrite(second, in: fixture)

        #expect(try problems(fixture, .invalid, at: firstPath, field: "name").first?.message.contains("control character U+0001") == true)
        #expect(try problems(fixture, .invalid, at: firstPath, field: "custom_properties.tab\there").count == 1)
        #expect(try problems(fixture, .invalid, at: secondPath, field: "name").first?.message.contains("too long: 10000 bytes") == true)
        #expect(try problems(fixture, .invalid, at: secondPath, field: "external_id").count == 1)
    }

    @Test func fsckReportsATypeFieldThatIsNotTheNameOfTheTypeID() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let id = try fixture.store.putArtifacts([Artifact(typeID: types.model, name: "m")])[0]
        var artifact = try #require(try fixture.store.getArtifactsByID([id]).first)
        artifact.type = "Dataset"
        let path = try overwrite(artifact, in: fixture)
        let found = try problems(fixture, .invalid, at: path, field: "type")
        #expect(found.count == 1 && found[0].message.contains("names its type 'Dataset', but its type_id \(types.model) is the ArtifactType 'Model'"),
                "\(found)")
        #expect(found.first?.line.map { fixture.directory.read(path).split(separator: "\n")[$0 - 1].contains("\"type\": \"Dataset\"") } == true)
        #expect(try fixture.store.checkFiles().count == 1)
    }

    @Test func fsckReportsInvalidAndNonPortableTypeNamesInTypeFiles() throws {
        let fixture = try StoreFixture()
        _ = try TypeIDs(fixture.store)
        let model = try #require(try fixture.store.read { try $0.type(kind: .artifact, name: "Model", version: nil) })
        for (stem, name, fragment) in [("aux", "aux", "Windows device name AUX"), ("bad", "a:b", "contains ':'"),
                                       ("control", "x\u{2}y", "control character U+0002"),
                                       ("long", String(repeating: "L", count: 10_000), "is too long")] {
            var record = model
            record.name = name
            record.id = Identifiers.typeID(kind: .artifact, name: name, version: nil)
            let path = "types/artifact/\(stem).json"
            try write(JSONWriter.fileBytes(record.json), at: path, in: fixture)
            let found = try problems(fixture, .invalid, at: path, field: "name")
            #expect(found.count == 1 && found[0].message.contains(fragment), "\(stem): \(found)")
        }
    }

    @Test func fsckReportsCaseAndNormalizationTwinsAndDoubleDefinitionsOfTypes() throws {
        let fixture = try StoreFixture()
        _ = try TypeIDs(fixture.store)
        try fixture.store.putArtifactType(ArtifactType(name: "caf\u{E9}"))
        let model = try #require(try fixture.store.read { try $0.type(kind: .artifact, name: "Model", version: nil) })
        // What merging a branch that put `model` can produce.
        var twin = model
        twin.name = "model"
        twin.id = Identifiers.typeID(kind: .artifact, name: "model", version: nil)
        try write(JSONWriter.fileBytes(twin.json), at: "types/artifact/model.json", in: fixture)
        // An NFD twin of `café`.
        var nfd = try #require(try fixture.store.read { try $0.type(kind: .artifact, name: "caf\u{E9}", version: nil) })
        nfd.name = "cafe\u{301}"
        nfd.id = Identifiers.typeID(kind: .artifact, name: nfd.name, version: nil)
        let nfdPath = "types/artifact/cafe\u{301}.json"
        try write(JSONWriter.fileBytes(nfd.json), at: nfdPath, in: fixture)
        // The same type defined by a second file.
        try write(JSONWriter.fileBytes(model.json), at: "types/artifact/Model2.json", in: fixture)

        let all = try fixture.store.checkFiles()
        let caseTwin = all.filter { $0.kind == .duplicate && ($0.path == "types/artifact/model.json" || $0.path == "types/artifact/Model.json") }
        #expect(caseTwin.contains { $0.message.contains("'model'") && $0.message.contains("'Model'") && $0.field == "name" }, "\(all)")
        let nfcTwin = all.filter { $0.kind == .duplicate && ($0.path == nfdPath || $0.path == "types/artifact/caf\u{E9}.json") }
        #expect(nfcTwin.count == 1, "\(all)")
        #expect(all.contains { $0.kind == .invalid && $0.path == nfdPath && $0.message.contains("normalization form C") }, "\(all)")
        #expect(all.contains { $0.kind == .duplicate && $0.message.contains("'Model' is also defined by") }, "\(all)")
        #expect(all.contains { $0.kind == .misplaced && $0.path == "types/artifact/Model2.json" }, "\(all)")
    }

    @Test func fsckReportsParentContextCyclesOnceAndSelfParents() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let ids = try fixture.store.putContexts([Context(typeID: types.pipeline, name: "a"), Context(typeID: types.pipeline, name: "b"),
                                                 Context(typeID: types.pipeline, name: "c"), Context(typeID: types.pipeline, name: "d")])
        let (a, b, c, d) = (ids[0], ids[1], ids[2], ids[3])
        try fixture.store.putParentContexts([ParentContext(childID: a, parentID: b), ParentContext(childID: b, parentID: c)])
        expectStoreError(.invalidArgument, "cycle") { try fixture.store.putParentContexts([ParentContext(childID: c, parentID: a)]) }
        expectStoreError(.invalidArgument, "parent_context cannot be found") {
            try fixture.store.putParentContexts([ParentContext(childID: d, parentID: d)])
        }
        // What a merge of two branches that each added one link can produce.
        let closing = "edges/2026-01-05/01/1.jsonl"
        try write(EdgeFile.bytes([.parentContext(ParentContext(childID: c, parentID: a))]), at: closing, in: fixture)
        let selfLinks = "edges/2026-01-05/02/2.jsonl"
        try write(EdgeFile.bytes([.parentContext(ParentContext(childID: d, parentID: c)),
                                  .parentContext(ParentContext(childID: d, parentID: d))]), at: selfLinks, in: fixture)

        let all = try fixture.store.checkFiles()
        let cycles = all.filter { $0.kind == .invalid && $0.message.contains("cycle") }
        #expect(cycles.count == 1, "\(all)")
        let cycle = try #require(cycles.first)
        #expect(cycle.line != nil && cycle.field == "parent_id")
        for (id, name) in [(a, "a"), (b, "b"), (c, "c")] { #expect(cycle.message.contains("context \(id) '\(name)'"), "\(cycle)") }
        #expect(!cycle.message.contains("context \(d)"), "\(cycle)")
        #expect(cycle.message.contains("\(closing):1"), "\(cycle)")
        let selfParent = all.filter { $0.kind == .invalid && $0.message.contains("its own parent") }
        let selfLine = fixture.directory.read(selfLinks).split(separator: "\n").firstIndex { $0.components(separatedBy: "\(d)").count == 3 }
        #expect(selfParent.count == 1 && selfParent[0].path == selfLinks && selfParent[0].line == selfLine.map { $0 + 1 }, "\(all)")
        #expect(all.count == 2, "\(all)")
    }

    @Test func stronglyConnectedComponentsFindEveryCycleOnce() {
        let graph: [Int64: [Int64]] = [1: [2], 2: [3], 3: [1, 4], 4: [5], 5: [4], 6: [1]]
        let cycles = StoreCheck.stronglyConnectedComponents(graph).filter { $0.count > 1 }.map { $0.sorted() }.sorted { $0[0] < $1[0] }
        #expect(cycles == [[1, 2, 3], [4, 5]])
        // A long chain is no cycle, and needs no deep recursion.
        var chain: [Int64: [Int64]] = [:]
        for id in Int64(0)..<100_000 { chain[id] = [id + 1] }
        #expect(StoreCheck.stronglyConnectedComponents(chain).allSatisfy { $0.count == 1 })
    }

    @Test func fsckAndTheIndexReportNonFiniteStructNumbersInAFile() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let id = try fixture.store.putArtifacts([Artifact(typeID: types.model, name: "m", customProperties: ["cfg": .struct(["x": 2.5])])])[0]
        let path = try #require(try fixture.store.read { try $0.filePath(ofNode: .artifact, id: id) })
        let text = fixture.directory.read(path)
        #expect(text.contains("\"x\": 2.5"))
        try text.replacingOccurrences(of: "\"x\": 2.5", with: "\"x\": 1e309").write(toFile: fixture.directory.file(path), atomically: false, encoding: .utf8)
        let found = try problems(fixture, .unreadable, at: path)
        #expect(found.count == 1 && found[0].line != nil && found[0].message.contains("custom_properties.cfg.struct_value.x"), "\(found)")
        #expect(found.first?.message.contains("'1e309' is out of range") == true)
        #expect(found.first?.field == "custom_properties.cfg.struct_value.x")
        // The index refuses the file too: the artifact is not read back with another value.
        try FileManager.default.removeItem(atPath: fixture.directory.file(".mlmd"))
        let store = try fixture.reopen()
        #expect(try store.problems.map(\.path) == [path])
        #expect(try store.getArtifactsByID([id]).isEmpty)
    }

    @Test func fieldLinesFollowPropertyNamesWithDots() throws {
        let object = try #require({ if case .object(let o) = try JSONParser.parse("{\n\"custom_properties\": {\n\"a\": 1,\n\"a.b\": {\n\"x\": 2}},\n\"name\": \"n\"}") { o } else { nil } }())
        #expect(StoreCheck.line(of: "custom_properties.a.b.struct_value.x", in: object) == 4)
        #expect(StoreCheck.line(of: "custom_properties.a", in: object) == 3)
        #expect(StoreCheck.line(of: "name", in: object) == 6)
        #expect(StoreCheck.line(of: "properties.q", in: object) == nil)
    }

    @Test func mlmdFsckPrintsTheKindAndFieldOfInvalidFiles() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let id = try fixture.store.putArtifacts([Artifact(typeID: types.dataset, name: "d", properties: ["span": 1])])[0]
        var artifact = try #require(try fixture.store.getArtifactsByID([id]).first)
        artifact.properties["span"] = 1.5
        let path = try overwrite(artifact, in: fixture)
        let result = MLMD.run(["fsck", "--store", fixture.directory.path, "--format", "json"])
        #expect(result.status == 1)
        let problems = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]])
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?["kind"] as? String == "invalid")
        #expect(problems.first?["path"] as? String == path)
        #expect(problems.first?["field"] as? String == "properties.span")
        #expect(problems.first?["line"] as? Int != nil)
    }

    @Test func aTypeStoredBeforeTheRulesCanBePutAgainAndIsReported() throws {
        let fixture = try StoreFixture()
        _ = try TypeIDs(fixture.store)
        var record = try #require(try fixture.store.read { try $0.type(kind: .artifact, name: "Model", version: nil) })
        record.name = "a:b"
        record.id = Identifiers.typeID(kind: .artifact, name: record.name, version: nil)
        let path = "types/artifact/a:b.json"
        try write(JSONWriter.fileBytes(record.json), at: path, in: fixture)
        try FileManager.default.removeItem(atPath: fixture.directory.file(".mlmd"))
        let store = try fixture.reopen()
        #expect(try store.putArtifactType(ArtifactType(name: "a:b", properties: ["accuracy": .double])) == record.id)
        #expect(try store.checkFiles().map { "\($0.kind) \($0.path) \($0.field ?? "")" } == ["invalid \(path) name"])
        // A new type with such a name, or a new version of it, is still refused.
        expectRefusal(.invalidArgument, field: "name", "contains ':'") { try store.putArtifactType(ArtifactType(name: "a:b", version: "2")) }
        expectRefusal(.invalidArgument, field: "name", "contains ':'") { try store.putArtifactType(ArtifactType(name: "c:d")) }
    }

    @Test func jsonInputWithANonFiniteStructNumberIsRefusedWithItsField() throws {
        let fixture = try StoreFixture()
        _ = try TypeIDs(fixture.store)
        let result = MLMD.run(["put", "artifact", "--store", fixture.directory.path],
                              input: #"{"type": "Model", "custom_properties": {"cfg": {"struct_value": {"x": -1e400}}}}"#)
        #expect(result.status != 0, "\(result)")  // as for a double_value of 1e400
        #expect((result.errors + result.output).contains("custom_properties.cfg.struct_value.x"), "\(result)")
        #expect(try fixture.store.getArtifacts().isEmpty)
    }
}
