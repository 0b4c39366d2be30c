import Foundation
import MLMDInterchange
import MLMetadata
import Testing

/// Importing MLMD databases written by the official library: everything arrives with its times,
/// a second import adds nothing, a later one only what is new, and merges follow the store's rules.
@Suite struct ImportTests {
    @Test(arguments: ["every-kind-v10", "every-kind-v9", "every-kind-v7", "kubeflow"])
    func everythingArrivesWithItsTimes(fixture: String) throws {
        let scratch = try Scratch()
        let store = try MetadataStore(path: scratch.path("store"))
        let graph = try MLMDSQLiteReader(path: Fixtures.path(fixture + ".sqlite")).read()
        let report = try MLMDImporter(store: store, source: "metadata").run(graph)
        #expect(report.artifacts.added == graph.artifacts.count)
        #expect(report.executions.added == graph.executions.count)
        #expect(report.contexts.added == graph.contexts.count)
        try ImportedView(store: store, source: "metadata").expectEqual(to: Fixtures.expected(fixture))
    }

    @Test func importingAgainAddsNothing() throws {
        let scratch = try Scratch()
        let store = try MetadataStore(path: scratch.path("store"))
        let graph = try MLMDSQLiteReader(path: Fixtures.path("every-kind-v10.sqlite")).read()
        try MLMDImporter(store: store, source: "metadata").run(graph)
        let files = try scratch.files(in: "store")
        let again = try MLMDImporter(store: store, source: "metadata").run(graph)
        #expect(again.isEmpty)
        #expect(again.artifacts.unchanged == graph.artifacts.count)
        #expect(again.edgesUnchanged == graph.counts.edges)
        #expect(try scratch.files(in: "store") == files)
    }

    @Test func aLaterImportAddsOnlyWhatIsNew() throws {
        let scratch = try Scratch()
        let store = try MetadataStore(path: scratch.path("store"))
        try MLMDImporter(store: store, source: "metadata").run(MLMDSQLiteReader(path: Fixtures.path("every-kind-v10.sqlite")).read())
        let later = try MLMDSQLiteReader(path: Fixtures.path("every-kind-v10-later.sqlite")).read()
        let report = try MLMDImporter(store: store, source: "metadata").run(later)
        #expect(report.contexts.added == 1)  // run-2
        #expect(report.artifacts.added == 1)  // examples-2
        #expect(report.executions.added == 1)  // gen-2
        #expect(report.executions.updated == 1)  // trainer:1, reviewed
        #expect(report.artifacts.unchanged == later.artifacts.count - 1)
        try ImportedView(store: store, source: "metadata").expectEqual(to: Fixtures.expected("every-kind-v10-later"))
    }

    @Test func contextsAndTypesMergeWithWhatTheStoreHas() throws {
        let scratch = try Scratch()
        let store = try MetadataStore(path: scratch.path("store"))
        // Recorded natively before the import: the pipeline context "taxi" and its type.
        let pipelineType = try store.putContextType(ContextType(name: "pipeline"))
        let taxi = try #require(try store.putContexts([Context(typeID: pipelineType, name: "taxi")]).first)
        let graph = try MLMDSQLiteReader(path: Fixtures.path("every-kind-v10.sqlite")).read()
        let report = try MLMDImporter(store: store, source: "metadata").run(graph)
        #expect(report.contexts.merged == 1)
        let mlmdTaxi = try #require(graph.contexts.first { $0.name == "taxi" }?.id)
        #expect(try store.importedID(source: "metadata", kind: .context, mlmdID: mlmdTaxi) == taxi)
        #expect(try store.getContexts().filter { $0.name == "taxi" }.count == 1)
        // The native context keeps its own times; the imported runs hang below it.
        #expect(try store.getContextsByID([taxi]).first?.createTimeSinceEpoch != graph.contexts.first { $0.name == "taxi" }?.createTimeSinceEpoch)
        #expect(try store.getChildrenContextsByContext(taxi).count == 2)
    }

    @Test func twoClonesImportingTheSameDatabaseWriteTheSameNodeFiles() throws {
        let scratch = try Scratch()
        let graph = try MLMDSQLiteReader(path: Fixtures.path("every-kind-v10.sqlite")).read()
        for name in ["a", "b"] {
            try MLMDImporter(store: try MetadataStore(path: scratch.path(name)), source: "metadata").run(graph)
        }
        let nodeFolders = ["types", "artifacts", "executions", "contexts"]
        let a = try scratch.files(in: "a").filter { entry in nodeFolders.contains { entry.key.hasPrefix($0 + "/") } }
        let b = try scratch.files(in: "b").filter { entry in nodeFolders.contains { entry.key.hasPrefix($0 + "/") } }
        #expect(!a.isEmpty)
        #expect(a == b)
    }

    @Test func aFailingImportWritesNothing() throws {
        let scratch = try Scratch()
        let store = try MetadataStore(path: scratch.path("store"))
        var graph = try MLMDSQLiteReader(path: Fixtures.path("every-kind-v10.sqlite")).read()
        // The last event names an artifact the database does not have: found only at the end.
        graph.events.append(Event(artifactID: 9999, executionID: graph.executions[0].id, type: .input))
        let before = try scratch.files(in: "store")
        let error = try #require(throws: StoreError.self) { try MLMDImporter(store: store, source: "metadata").run(graph) }
        #expect(error.message.contains("artifact 9999"))
        #expect(try scratch.files(in: "store") == before)
        #expect(try store.getArtifacts().isEmpty)
        #expect(try store.importSources().isEmpty)
    }

    @Test(arguments: [1, 2, 5, 7])
    func anImportInManyBatchesIsTheSameImport(batchSize: Int) throws {
        let scratch = try Scratch()
        let store = try MetadataStore(path: scratch.path("store"))
        var importer = MLMDImporter(store: store, source: "metadata")
        importer.batchSize = batchSize
        try importer.run(MLMDSQLiteReader(path: Fixtures.path("every-kind-v10.sqlite")).read())
        try ImportedView(store: store, source: "metadata").expectEqual(to: Fixtures.expected("every-kind-v10"))
        let later = try importer.run(MLMDSQLiteReader(path: Fixtures.path("every-kind-v10-later.sqlite")).read())
        #expect(later.executions.updated == 1 && later.artifacts.added == 1)
        try ImportedView(store: store, source: "metadata").expectEqual(to: Fixtures.expected("every-kind-v10-later"))
    }

    @Test func aBatchFailingAfterOthersCommittedUndoesThemAll() throws {
        let scratch = try Scratch()
        let store = try MetadataStore(path: scratch.path("store"))
        // The store's own `Model` type lacks `accuracy`: the import's first batch adds it (a rewrite).
        try store.putArtifactType(ArtifactType(name: "Model", baseType: .model))
        let before = try scratch.files(in: "store")
        var graph = try MLMDSQLiteReader(path: Fixtures.path("every-kind-v10.sqlite")).read()
        // The last execution names a type the database does not have: found in a late batch.
        graph.executions[graph.executions.count - 1].typeID = 4242
        var importer = MLMDImporter(store: store, source: "metadata")
        importer.batchSize = 2
        let error = try #require(throws: StoreError.self) { try importer.run(graph) }
        #expect(error.field == "type_id")
        #expect(try scratch.files(in: "store") == before)
        #expect(try store.getArtifacts().isEmpty && store.getContexts().isEmpty)
        #expect(try store.getArtifactType("Model").properties.isEmpty)
        #expect(try store.importSources().isEmpty)
        // And the store takes the import afterwards.
        graph.executions[graph.executions.count - 1].typeID = graph.executionTypes[0].id
        try importer.run(graph)
        #expect(try store.getArtifacts().count == 6)
    }

    @Test func oldIDsFindTheirNodes() throws {
        let scratch = try Scratch()
        let store = try MetadataStore(path: scratch.path("store"))
        let graph = try MLMDSQLiteReader(path: Fixtures.path("every-kind-v10.sqlite")).read()
        try MLMDImporter(store: store, source: "metadata").run(graph)
        let examples = try #require(graph.artifacts.first { $0.name == "examples-1" })
        let id = try #require(try store.importedID(source: "metadata", kind: .artifact, mlmdID: examples.id!))
        #expect(try store.getArtifactsByID([id]).first?.uri == "/data/examples/1")
        #expect(try store.origins(of: id) == [Origin(source: "metadata", kind: .artifact, mlmdID: examples.id!, id: id)])
        #expect(try store.importSources() == ["metadata"])
        #expect(try store.importedID(source: "metadata", kind: .artifact, mlmdID: 424_242) == nil)
    }

    @Test(arguments: ["", "../up", "a/b", ".hidden", String(repeating: "x", count: 65), "spaces here"])
    func refusesASourceNameThatIsNotAFolderName(source: String) throws {
        let scratch = try Scratch()
        let store = try MetadataStore(path: scratch.path("store"))
        let graph = try MLMDSQLiteReader(path: Fixtures.path("every-kind-v10.sqlite")).read()
        let error = try #require(throws: StoreError.self) { try MLMDImporter(store: store, source: source).run(graph) }
        #expect(error.field == "source")
    }
}

/// The store after an import, read back in the source's ids, to compare with what MLMD read.
struct ImportedView {
    let store: MetadataStore
    let source: String

    func expectEqual(to expected: Fixtures.Expected) throws {
        let origins = try store.origins(source: source)
        let back: [Origin.Kind: [Int64: Int64]] = origins.mapValues { Dictionary($0.map { ($1, $0) }, uniquingKeysWith: min) }
        func mlmd(_ kind: Origin.Kind, _ id: Int64?) -> Int64? { id.flatMap { back[kind]?[$0] } }

        func types<T: MetadataType & ProtoJSONConvertible>(_ stored: [T], _ section: String, _ kind: Origin.Kind) throws {
            let mapped = stored.compactMap { type -> T? in
                var type = type
                guard let id = mlmd(kind, type.id) else { return nil }
                type.id = id
                return type
            }
            #expect(Set(mapped) == Set(try expected.messages(section, as: T.self)), "\(section)")
        }
        try types(store.getArtifactTypes(), "artifact_types", .artifactType)
        try types(store.getExecutionTypes(), "execution_types", .executionType)
        try types(store.getContextTypes(), "context_types", .contextType)

        func nodes<N: Node & ProtoJSONConvertible>(_ stored: [N], _ section: String, _ kind: Origin.Kind, _ typeKind: Origin.Kind) throws {
            let mapped = stored.compactMap { node -> N? in
                var node = node
                guard let id = mlmd(kind, node.id) else { return nil }
                node.id = id
                node.typeID = mlmd(typeKind, node.typeID)
                return MLMDDoubleReading.asMLMDReadsIt(node)
            }
            #expect(Set(mapped) == Set(try expected.messages(section, as: N.self)), "\(section)")
        }
        try nodes(store.getArtifacts(), "artifacts", .artifact, .artifactType)
        try nodes(store.getExecutions(), "executions", .execution, .executionType)
        try nodes(store.getContexts(), "contexts", .context, .contextType)

        let executions = try store.getExecutions().compactMap(\.id)
        let events = try store.getEventsByExecutionIDs(executions).map { event in
            var event = event
            event.artifactID = mlmd(.artifact, event.artifactID)
            event.executionID = mlmd(.execution, event.executionID)
            return event
        }
        #expect(Set(events) == Set(try expected.messages("events", as: Event.self)))

        var attributions: Set<Attribution> = []
        var associations: Set<Association> = []
        var parents: Set<ParentContext> = []
        for context in try store.getContexts() {
            guard let id = context.id, let mlmdContext = mlmd(.context, id) else { continue }
            for artifact in try store.getArtifactsByContext(id) {
                if let a = mlmd(.artifact, artifact.id) { attributions.insert(Attribution(artifactID: a, contextID: mlmdContext)) }
            }
            for execution in try store.getExecutionsByContext(id) {
                if let e = mlmd(.execution, execution.id) { associations.insert(Association(executionID: e, contextID: mlmdContext)) }
            }
            for parent in try store.getParentContextsByContext(id) {
                if let p = mlmd(.context, parent.id) { parents.insert(ParentContext(childID: mlmdContext, parentID: p)) }
            }
        }
        #expect(attributions == Set(try expected.pairs("attributions").map { Attribution(artifactID: $0["artifact_id"]!, contextID: $0["context_id"]!) }))
        #expect(associations == Set(try expected.pairs("associations").map { Association(executionID: $0["execution_id"]!, contextID: $0["context_id"]!) }))
        #expect(parents == Set(try expected.pairs("parent_contexts").map { ParentContext(childID: $0["child_id"]!, parentID: $0["parent_id"]!) }))
    }
}
