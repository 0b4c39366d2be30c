import Foundation
@_spi(Versioning) import MLMetadata

extension StoreRepository {
    /// What changed in the store from revision `old` to revision `new`, or to the working store
    /// when `new` is nil (`git diff A B`, `git diff A`).
    ///
    /// Only the files that differ are read: git compares the trees (and, for the working store,
    /// the index's file signatures), so the cost follows the size of the change, not of the
    /// store. Runs are described from the store in the new state, opened only when runs changed.
    public func diff(from old: String, to new: String? = nil) throws -> StoreDiff {
        try Self.diff(from: old, to: new, prefix: storePrefix, repositoryContaining: store.path, workingStore: store)
    }

    /// The diff of the store at `prefix` (relative to the working tree root) of the repository
    /// containing `path`; the store need not exist in either state.
    public static func diff(from old: String, to new: String?, prefix: String, repositoryContaining path: String) throws -> StoreDiff {
        try diff(from: old, to: new, prefix: prefix, repositoryContaining: path, workingStore: nil)
    }

    /// The best common ancestor of two revisions, as a commit id: `A...B` compares it with B.
    public static func mergeBase(of one: String, and two: String, repositoryContaining path: String) throws -> String {
        let repository = try GitRepository(containing: path)
        return try repository.mergeBase(try repository.commit(revision: one), try repository.commit(revision: two)).description
    }

    private static func diff(from old: String, to new: String?, prefix: String, repositoryContaining path: String,
                             workingStore: MetadataStore?) throws -> StoreDiff {
        let repository = try GitRepository(containing: path)
        // Before the first commit, HEAD names nothing yet: the working store is all new.
        let unborn = old == "HEAD" && repository.isHeadUnborn
        let (oldCommit, oldTree): (GitOID?, GitOID?) = unborn ? (nil, nil) : try storeTree(at: old, prefix: prefix, in: repository)
        let storeNames = Set(storeEntries)
        func isStoreFile(_ path: String) -> Bool { storeNames.contains(String(path.prefix { $0 != "/" })) }
        var changes: [ChangedFile] = []
        var result: StoreDiff
        if let new {
            let (newCommit, newTree) = try storeTree(at: new, prefix: prefix, in: repository)
            for delta in try repository.deltas(from: oldTree, to: newTree) where isStoreFile(delta.path) {
                changes.append(ChangedFile(path: delta.path, old: try delta.old.map(repository.blobBytes), new: try delta.new.map(repository.blobBytes)))
            }
            var opened: MetadataStore?
            result = try StoreDiff(changes: changes, storeExistedBefore: oldTree != nil, storeExistsAfter: newTree != nil) {
                opened = try store(at: newCommit.description, prefix: prefix, repositoryContaining: path)
                return opened
            }
            result.newStore = opened
            result.newLabel = label(new, newCommit)
        } else {
            let root = repository.workdir + (prefix.isEmpty ? "" : prefix + "/")
            let storeFolder = prefix.isEmpty ? "" : prefix + "/"
            let commitTree = try oldCommit.map(repository.tree(ofCommit:))
            let specs = storeNames.sorted().map { storeFolder + $0 }
            for delta in try repository.deltasToWorkingTree(from: commitTree, pathspecs: specs) {
                guard delta.path.hasPrefix(storeFolder) else { continue }
                let relative = String(delta.path.dropFirst(storeFolder.count))
                guard isStoreFile(relative), specs.contains(where: { delta.path == $0 || delta.path.hasPrefix($0 + "/") }) else { continue }
                let bytes = FileManager.default.contents(atPath: root + relative).map { [UInt8]($0) }
                var oldBlob = delta.old
                if delta.isConflicted, let oldTree, let entry = try repository.entry(at: relative, in: oldTree), !entry.isTree {
                    oldBlob = entry.oid
                }
                changes.append(ChangedFile(path: relative, old: try oldBlob.map(repository.blobBytes), new: bytes))
            }
            let exists = FileManager.default.fileExists(atPath: root + "store.json")
            var opened = workingStore
            result = try StoreDiff(changes: changes, storeExistedBefore: oldTree != nil, storeExistsAfter: exists) {
                if opened == nil { opened = try MetadataStore(path: root, options: StoreOptions(createIfMissing: false)) }
                return opened
            }
            result.newStore = opened
            result.newLabel = "the working store"
        }
        result.oldLabel = oldCommit.map { label(old, $0) } ?? "HEAD (no commit yet)"
        return result
    }

    /// A revision's commit and the tree of the store in it (nil when it has no store there).
    private static func storeTree(at revision: String, prefix: String, in repository: GitRepository) throws -> (GitOID, GitOID?) {
        let commit = try repository.commit(revision: revision)
        let root = try repository.tree(ofCommit: commit)
        guard let entry = try repository.entry(at: prefix, in: root), entry.isTree,
              try repository.entry(at: "store.json", in: entry.oid) != nil else { return (commit, nil) }
        return (commit, entry.oid)
    }

    /// `HEAD~1 (3a08f1c)`, or the short id alone when the revision is a commit id: how reports
    /// name a revision.
    public static func describeRevision(_ revision: String, repositoryContaining path: String) throws -> String {
        let repository = try GitRepository(containing: path)
        return label(revision, try repository.commit(revision: revision))
    }

    private static func label(_ revision: String, _ commit: GitOID) -> String {
        let short = String(commit.description.prefix(7))
        return commit.description.hasPrefix(revision.lowercased()) ? short : "\(revision) (\(short))"
    }
}
