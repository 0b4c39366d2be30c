import Foundation

/// A metadata store kept as canonical JSON files in a folder: MLMD's data model and API, with
/// every read served from a rebuildable SQLite index inside the folder.
///
/// ```swift
/// let store = try MetadataStore(path: "metadata")
/// let modelType = try store.putArtifactType(ArtifactType(name: "Model", properties: ["accuracy": .double]))
/// var model = Artifact(typeID: modelType, uri: "gs://bucket/model/1")
/// model.properties["accuracy"] = 0.93
/// let (ids) = try store.putArtifacts([model])
/// ```
///
/// The API is synchronous and the store is safe to share between threads and tasks. Several
/// processes may use one store at once: writers take turns on a lock, and readers always see
/// whole writes. Every write call is all-or-nothing, even if the process is killed mid-call.
public final class MetadataStore: Sendable {
    let core: StoreCore

    /// Opens the store in the folder at `path`, creating it when missing (unless
    /// ``StoreOptions/createIfMissing`` is false). Recovers an interrupted write and builds the
    /// index cache if it is missing.
    public init(path: String, options: StoreOptions = StoreOptions()) throws {
        self.core = try StoreCore(path: path, options: options)
    }

    public convenience init(url: URL, options: StoreOptions = StoreOptions()) throws {
        try self.init(path: url.path, options: options)
    }

    /// The absolute path of the store folder.
    public var path: String { core.root }

    /// Files that could not be read into the index when the store was opened; the rest of the
    /// store is readable regardless. Each error names the file and, where known, the line.
    public var problems: [StoreError] { core.openProblems }

    /// Runs reads on a consistent snapshot of the index.
    func read<T>(_ body: (IndexReader) throws -> T) throws -> T {
        try core.index.pool.read { db in try body(IndexReader(db: db)) }
    }
}
