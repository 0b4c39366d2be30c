import Foundation

/// The parsers that take untrusted bytes, as entry points for the libFuzzer harness
/// (`Sources/mlmd-fuzz`, built by `scripts/fuzz.sh`) and for the regression tests that replay
/// every input that ever crashed (`Tests/Fuzz/regressions/`).
///
/// Each entry point returns what happened instead of trapping, so the tests can check it; the
/// harness traps on ``FuzzOutcome/unexpected(_:)``. A crash or hang inside is a bug in any case.
package enum FuzzEntryPoints {
    /// The three fuzzed parsers, by the name the harness and the corpus folders use.
    package enum Entry: String, CaseIterable, Sendable {
        case filterQuery = "filter"
        case jsonFile = "json"
        case journal = "journal"
    }

    /// What one run did with an input.
    package enum FuzzOutcome: Sendable, Equatable {
        /// The input was accepted (parsed, or ran as a query).
        case accepted
        /// The input was rejected with a proper error.
        case rejected(StoreError.Code)
        /// Something that should never happen: another error type, an `.internal` error, or an
        /// error message that echoes generated SQL.
        case unexpected(String)
    }

    /// Runs `bytes` through one entry point.
    package static func run(_ entry: Entry, _ bytes: [UInt8]) -> [FuzzOutcome] {
        switch entry {
        case .filterQuery: filterQuery(bytes)
        case .jsonFile: jsonFile(bytes)
        case .journal: [journal(bytes)]
        }
    }

    // MARK: Filter queries

    /// A small store in a temporary folder, made once per process: two artifact types with
    /// properties, artifacts, executions, contexts with a parent, events, attributions and
    /// associations, so every kind of field and neighbour a filter names has rows to join.
    private static let store: MetadataStore = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mlmd-fuzz-store-\(getpid())").path
        try? FileManager.default.removeItem(atPath: path)
        do {
            let store = try MetadataStore(path: path, options: StoreOptions(clock: .deterministic(start: 1_767_603_600_000, seed: 1)))
            let types = try store.putTypes(
                artifactTypes: [ArtifactType(name: "Dataset", properties: ["span": .int, "acc": .double, "ok": .boolean, "note": .string]),
                                ArtifactType(name: "Model")],
                executionTypes: [ExecutionType(name: "Trainer", properties: ["steps": .int])],
                contextTypes: [ContextType(name: "pipeline"), ContextType(name: "run")])
            let artifactIDs = try store.putArtifacts([
                Artifact(typeID: types.artifactTypeIDs[0], name: "d1", uri: "gs://b/data/1", state: .live,
                         properties: ["span": 1, "acc": 0.9, "ok": true, "note": "a"], customProperties: ["tag": "gold", "n": 7]),
                Artifact(typeID: types.artifactTypeIDs[0], name: "d2", uri: "gs://b/data/2", externalID: "ext-d2", state: .pending,
                         properties: ["span": 2, "acc": 0.97, "ok": false]),
                Artifact(typeID: types.artifactTypeIDs[0], name: "d3"),
                Artifact(typeID: types.artifactTypeIDs[1], name: "m1", uri: "gs://b/model/1", state: .deleted,
                         customProperties: ["tag": "silver"]),
            ])
            let executionIDs = try store.putExecutions([
                Execution(typeID: types.executionTypeIDs[0], name: "x1", lastKnownState: .running, properties: ["steps": 10]),
                Execution(typeID: types.executionTypeIDs[0], name: "x2", lastKnownState: .complete),
            ])
            let contextIDs = try store.putContexts([Context(typeID: types.contextTypeIDs[0], name: "p"),
                                                    Context(typeID: types.contextTypeIDs[1], name: "r1")])
            try store.putParentContexts([ParentContext(childID: contextIDs[1], parentID: contextIDs[0])])
            try store.putAttributionsAndAssociations(
                attributions: [Attribution(artifactID: artifactIDs[0], contextID: contextIDs[1]),
                               Attribution(artifactID: artifactIDs[3], contextID: contextIDs[0])],
                associations: [Association(executionID: executionIDs[0], contextID: contextIDs[1])])
            try store.putEvents([
                Event(artifactID: artifactIDs[0], executionID: executionIDs[0], type: .input),
                Event(artifactID: artifactIDs[3], executionID: executionIDs[0], type: .output),
                Event(artifactID: artifactIDs[1], executionID: executionIDs[1], type: .output),
            ])
            return store
        } catch {
            fatalError("mlmd-fuzz: cannot build the fuzz store in \(path): \(error)")
        }
    }()

    /// The query (bytes as UTF-8, invalid sequences replaced) as the filter of a listing of each
    /// node kind and as the starting and ending nodes of a lineage subgraph.
    package static func filterQuery(_ bytes: [UInt8]) -> [FuzzOutcome] {
        let query = String(decoding: bytes, as: UTF8.self)
        let options = ListOptions(filterQuery: query)
        let store = self.store
        return [
            outcome(query) { _ = try store.getArtifacts(options) },
            outcome(query) { _ = try store.getExecutions(options) },
            outcome(query) { _ = try store.getContexts(options) },
            outcome(query) {
                _ = try store.getLineageSubgraph(LineageSubgraphQuery(
                    startingNodes: .artifacts(filterQuery: query), maxNumHops: 2,
                    endingExecutions: .init(filterQuery: query)))
            },
        ]
    }

    private static func outcome(_ query: String, _ body: () throws -> Void) -> FuzzOutcome {
        do {
            try body()
            return .accepted
        } catch let error as StoreError {
            // An empty query, or a lineage query whose start matches nothing, is rejected properly too.
            if error.code == .internal { return .unexpected("internal error: \(error.message)") }
            if error.message.contains("SELECT ") && !query.contains("SELECT ") {
                return .unexpected("the error echoes generated SQL: \(error.message.prefix(300))")
            }
            return .rejected(error.code)
        } catch {
            return .unexpected("not a StoreError: \(error)")
        }
    }

    // MARK: JSON files

    /// Where a file of each kind sits in the layout, so ``ParsedFile/parse(_:path:)`` decodes it as that kind.
    package static let jsonPaths = [
        "artifacts/T/2026-01-01/00/1.json",
        "executions/T/2026-01-01/00/1.json",
        "contexts/T/00/1.json",
        "types/artifact/T.json",
        "types/execution/T.json",
        "types/context/T.json",
    ]

    /// The bytes through the JSON parser, then decoded as every kind of store file.
    package static func jsonFile(_ bytes: [UInt8]) -> [FuzzOutcome] {
        var outcomes: [FuzzOutcome]
        do {
            _ = try JSONParser.parse(bytes)
            outcomes = [.accepted]
        } catch {
            outcomes = [.rejected(.dataLoss)]
        }
        for path in jsonPaths {
            switch ParsedFile.parse(bytes, path: path) {
            case .problem(let error): outcomes.append(error.code == .internal ? .unexpected(error.message) : .rejected(error.code))
            case .edges: outcomes.append(.unexpected("\(path) parsed as an edge file"))
            case .origins: outcomes.append(.unexpected("\(path) parsed as an origins file"))
            case .type, .artifact, .execution, .context: outcomes.append(.accepted)
            }
        }
        return outcomes
    }

    // MARK: Journals

    /// The bytes through the journal decoder; a decoded journal must survive encoding and
    /// decoding again unchanged.
    package static func journal(_ bytes: [UInt8]) -> FuzzOutcome {
        guard let journal = Journal.decode(bytes) else { return .rejected(.dataLoss) }
        guard Journal.decode(journal.encoded()) == journal else { return .unexpected("a decoded journal does not round-trip") }
        return .accepted
    }
}
