import Foundation
@_spi(Versioning) import MLMetadata

extension StoreRepository {
    /// The store as it is in `revision` (a commit id, branch, tag or `HEAD~2`), read straight
    /// from git objects: the working tree is not touched. The result is read-only; its index is
    /// cached by tree id in the repository's git folder (`mlmd/snapshots/`), so opening the same
    /// state again costs no more than opening a store.
    public func store(at revision: String) throws -> MetadataStore {
        try Self.store(at: revision, prefix: storePrefix, repositoryContaining: store.path)
    }

    /// The store at `prefix` (relative to the working tree root) in `revision` of the
    /// repository containing `path` (which need not hold the store today).
    public static func store(at revision: String, prefix: String, repositoryContaining path: String) throws -> MetadataStore {
        let repository = try GitRepository(containing: path)
        let commit = try repository.commit(revision: revision)
        let root = try repository.tree(ofCommit: commit)
        let label = "the store \(prefix.isEmpty ? "." : prefix) at \(revision)"
        guard let entry = try repository.entry(at: prefix, in: root), entry.isTree else {
            throw StoreError(.notFound, "\(revision) has no store at \(prefix.isEmpty ? "the repository root" : prefix)")
        }
        guard try repository.entry(at: "store.json", in: entry.oid) != nil else {
            throw StoreError(.notFound, "\(revision) has no store at \(prefix.isEmpty ? "the repository root" : prefix) (no store.json)")
        }
        let cache = repository.commondir + "mlmd/snapshots/" + entry.oid.description
        return try MetadataStore.snapshot(cacheFolder: cache, label: label) {
            try repository.blobs(in: entry.oid)
                .filter { !$0.path.hasPrefix(".") && $0.path != "store.json" }
                .map { (path: $0.path, bytes: try repository.blobBytes($0.oid)) }
        }
    }
}

extension PipelineRunRecorder {
    /// Ends the run: summarizes it and, when `commit` says so (default: the store's
    /// ``StoreSettings/commitRuns`` setting), commits it to `repository`. The commit is nil when
    /// not committing or when nothing changed.
    public func complete(in repository: StoreRepository, commit: Bool? = nil, author: GitIdentity? = nil) throws
        -> (run: RecordedRun, commit: StoreCommit?) {
        let recorded = try summary()
        guard try commit ?? store.settings.commitRuns else { return (recorded, nil) }
        return (recorded, try repository.commit(recorded, author: author))
    }
}
