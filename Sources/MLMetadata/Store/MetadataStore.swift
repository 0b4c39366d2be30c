import Foundation
internal import GRDB

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

    init(core: StoreCore) {
        self.core = core
    }

    public convenience init(url: URL, options: StoreOptions = StoreOptions()) throws {
        try self.init(path: url.path, options: options)
    }

    /// The absolute path of the store folder.
    public var path: String { core.root }

    /// The store's files that cannot be read into the index (bad JSON, wrong fields, files that
    /// do not belong in the layout); the rest of the store is readable regardless. Each error
    /// names the file and, where known, the line.
    public var problems: [StoreError] {
        get throws {
            try read { reader in try reader.problems() }
        }
    }

    /// Deletes the index cache and builds it again from the files (what `mlmd reindex` does);
    /// ``StoreOptions/progress`` is called as files are read.
    @discardableResult
    public func rebuildIndex() throws -> RefreshResult {
        let report = try core.rebuild()
        return RefreshResult(indexedFiles: report.indexed, removedFiles: report.removed, verifiedFiles: report.verified, problems: report.problems)
    }

    /// What ``refresh(check:)`` found.
    public struct RefreshResult: Sendable, Hashable {
        /// Files read into the index because they were new or had changed.
        public var indexedFiles: Int
        /// Files that were gone.
        public var removedFiles: Int
        /// Files whose signature was taken too close to their last change to prove them
        /// unchanged (git's "racily clean" entries, e.g. files this library wrote moments before
        /// the signature): their bytes were read and compared with the index's hash of them
        /// instead of being parsed and reindexed.
        public var verifiedFiles: Int
        /// Changed files that could not be read.
        public var problems: [StoreError]
    }

    /// Brings the index cache in line with files changed outside the library since the store
    /// was opened (a `git checkout`, a hand edit), reindexing only what changed. Opening a
    /// store does this already; call it when a long-lived store object should see such changes.
    @discardableResult
    public func refresh(check: FreshnessCheck = .folders) throws -> RefreshResult {
        let report = try core.refresh(check: check)
        return RefreshResult(indexedFiles: report.indexed, removedFiles: report.removed, verifiedFiles: report.verified, problems: report.problems)
    }

    /// Why node `id` of `kind` is not readable, when the store has its file but cannot read it
    /// (bad JSON, an invalid message, a symbolic link): reads by id leave such nodes out, and this
    /// says which file is at fault. Nil when there is no such file.
    public func unreadableFile(of kind: NodeKind, id: Int64) throws -> StoreError? {
        try read { reader in try reader.problem(ofNode: kind, id: id) }
    }

    /// What opening the store set aside or repaired, each naming its file: a journal that came
    /// with a clone or a copy (not replayed), symbolic links removed from the private folder, a
    /// damaged index cache that was rebuilt, an interrupted write a read-only store cannot finish.
    /// `mlmd` prints them as warnings.
    public var warnings: [StoreError] { core.warnings }

    /// Whether writes are refused (a store read from git objects, or one this user cannot write).
    public var isReadOnly: Bool { core.readOnly != nil }

    /// Runs reads on a consistent snapshot of the index. A damaged index is rebuilt from the
    /// files and the read run again; any other SQLite failure names the index file.
    func read<T>(_ body: (IndexReader) throws -> T) throws -> T {
        do {
            return try core.withDamageRecovery {
                try core.index.pool.read { db in try body(IndexReader(db: db)) }
            }
        } catch let error as DatabaseError {
            throw IndexDatabase.storeError(error, operation: "read the index cache")
        }
    }
}
