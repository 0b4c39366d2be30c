import Foundation
import Testing
@testable import MLMetadata

/// A store in a fresh temporary folder, with a deterministic clock.
struct StoreFixture {
    let directory: TemporaryDirectory
    let store: MetadataStore

    init(_ label: String = #function, durability: StoreOptions.Durability = .relaxed, start: Int64 = 1_767_603_600_000,
         seed: UInt64 = 1) throws {
        directory = TemporaryDirectory(label)
        store = try MetadataStore(path: directory.path,
                                  options: StoreOptions(durability: durability, clock: .deterministic(start: start, seed: seed)))
    }

    /// Opens the same folder again (as another process would).
    func reopen(start: Int64 = 1_767_700_000_000) throws -> MetadataStore {
        try MetadataStore(path: directory.path, options: StoreOptions(clock: .deterministic(start: start, seed: 2)))
    }

    /// The store's files and their bytes, without the private folder.
    func snapshot() -> [String: String] {
        Dictionary(uniqueKeysWithValues: directory.files(excluding: ".mlmd").map { ($0, directory.read($0)) })
    }
}

/// Types most tests need: `Dataset{span:INT, split:STRING}`, `Model{accuracy:DOUBLE}`,
/// `Trainer{steps:INT}`, `pipeline`, `run{number:INT}`.
struct TypeIDs {
    var dataset: Int64
    var model: Int64
    var trainer: Int64
    var pipeline: Int64
    var run: Int64

    init(_ store: MetadataStore) throws {
        let ids = try store.putTypes(
            artifactTypes: [ArtifactType(name: "Dataset", properties: ["span": .int, "split": .string]),
                            ArtifactType(name: "Model", properties: ["accuracy": .double])],
            executionTypes: [ExecutionType(name: "Trainer", properties: ["steps": .int])],
            contextTypes: [ContextType(name: "pipeline"), ContextType(name: "run", properties: ["number": .int])])
        dataset = ids.artifactTypeIDs[0]
        model = ids.artifactTypeIDs[1]
        trainer = ids.executionTypeIDs[0]
        pipeline = ids.contextTypeIDs[0]
        run = ids.contextTypeIDs[1]
    }
}

/// Expects `body` to throw a ``StoreError`` with `code` whose message contains `fragment`.
func expectStoreError(_ code: StoreError.Code, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation,
                      _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected \(code) error containing '\(fragment)', but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as StoreError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(error.description.contains(fragment), "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a StoreError, got \(error)", sourceLocation: sourceLocation)
    }
}
