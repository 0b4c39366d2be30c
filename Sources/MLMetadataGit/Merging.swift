import Foundation
@_spi(Versioning) import MLMetadata

/// What ``StoreRepository/resolveConflicts()`` did with the store files a merge left conflicted.
public struct ConflictResolution: Sendable, Hashable {
    /// A store file that is still conflicted, and why.
    public struct Unresolved: Sendable, Hashable {
        /// Repository-relative path.
        public var path: String
        /// The fields changed to two different values (empty: the whole file, e.g. deleted on
        /// one side and changed on the other, or not JSON).
        public var fields: [String]
    }

    /// Repository-relative paths merged field by field and staged.
    public var resolved: [String] = []
    /// Store files left conflicted: each holds a conflict block that names its fields.
    public var unresolved: [Unresolved] = []
}

extension StoreRepository {
    /// Merges every conflicted store file of an unfinished merge (`git merge`, `pull`, `rebase`,
    /// `cherry-pick` made without the `mlmd` merge driver, or a merge through libgit2) field by
    /// field, as the driver would (``StoreFileMerge``), from the three versions in the index:
    /// clean results are written and staged; the others are written with a conflict block that
    /// names the conflicting fields and stay conflicted. Paths outside the store are left alone.
    @discardableResult
    public func resolveConflicts() throws -> ConflictResolution {
        let repository = try GitRepository(containing: store.path)
        var resolution = ConflictResolution()
        var staged: [String] = []
        let prefix = storePrefix.isEmpty ? "" : storePrefix + "/"
        for conflict in try repository.conflicts() where conflict.path.hasPrefix(prefix) {
            let relative = String(conflict.path.dropFirst(prefix.count))
            guard Self.storeEntries.contains(String(relative.prefix { $0 != "/" })) else { continue }
            guard let ours = conflict.ours, let theirs = conflict.theirs else {
                resolution.unresolved.append(.init(path: conflict.path, fields: []))
                continue
            }
            let result = StoreFileMerge.merge(base: try conflict.ancestor.map(repository.blobBytes), ours: try repository.blobBytes(ours),
                                              theirs: try repository.blobBytes(theirs), path: conflict.path)
            // Never written through a symbolic link (a folder the other side replaced by one).
            guard !Self.passesThroughLink(conflict.path, below: workingTree) else {
                resolution.unresolved.append(.init(path: conflict.path, fields: []))
                continue
            }
            // Replaced by rename, as git writes files, so an open store's folder check sees it.
            let file = workingTree + "/" + conflict.path
            try Data(result.bytes).write(to: URL(fileURLWithPath: file), options: .atomic)
            if result.isClean {
                staged.append(conflict.path)
                resolution.resolved.append(conflict.path)
            } else {
                resolution.unresolved.append(.init(path: conflict.path, fields: result.conflictedFields))
            }
        }
        try repository.markResolved(staged)
        _ = try store.refresh()
        return resolution
    }

    /// Whether `path` (relative to `root`) or one of its folders is a symbolic link.
    private static func passesThroughLink(_ path: String, below root: String) -> Bool {
        var current = root
        for component in path.split(separator: "/") {
            current += "/" + component
            var status = stat()
            if lstat(current, &status) == 0, status.st_mode & S_IFMT == S_IFLNK { return true }
        }
        return false
    }
}
