import Foundation
internal import CGit2
@_spi(Versioning) import MLMetadata

extension StoreRepository {
    /// Commits the store files the library wrote since the last commit (they are logged as they
    /// are written, so nothing is scanned). Returns nil when there is nothing new to commit.
    public func commitPending(message: String, author: GitIdentity? = nil, committer: GitIdentity? = nil) throws -> StoreCommit? {
        try store.withWriterLock {
            let paths = try store.uncommittedPaths().map(repositoryPath)
            guard !paths.isEmpty else { return nil }
            let commit = try commit(paths: paths, message: message, author: author, committer: committer)
            try store.markCommitted()
            return commit
        }
    }

    /// Commits every change under the store's folder — files the library wrote and files changed
    /// by hand, a merge or another tool — found by comparing the working tree with HEAD. Returns
    /// nil when the store matches HEAD.
    public func commitAll(message: String, author: GitIdentity? = nil, committer: GitIdentity? = nil) throws -> StoreCommit? {
        try store.withWriterLock {
            let paths = try changedPaths()
            guard !paths.isEmpty else {
                try store.markCommitted()
                return nil
            }
            let commit = try commit(paths: paths, message: message, author: author, committer: committer)
            try store.markCommitted()
            return commit
        }
    }

    /// Commits a recorded pipeline run (and any other store change the library made since the
    /// last commit) with a message that summarizes it and ends with machine-readable trailers.
    public func commit(_ run: RecordedRun, author: GitIdentity? = nil, committer: GitIdentity? = nil) throws -> StoreCommit? {
        try commitPending(message: RunCommitMessage(run: run, storePrefix: storePrefix).text, author: author, committer: committer)
    }

    /// Repository paths under the store that differ between the working tree and HEAD.
    func changedPaths() throws -> [String] {
        let repository = try GitRepository(containing: store.path)
        var options = git_status_options()
        try Git.check(git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), "prepare a status")
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
            | GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH.rawValue
        var list: OpaquePointer?
        let specs = storePathspecs
        let pointers = specs.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        var mutable = pointers
        try mutable.withUnsafeMutableBufferPointer { buffer in
            options.pathspec = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            try Git.check(git_status_list_new(&list, repository.handle, &options), "compare the store with HEAD")
        }
        defer { git_status_list_free(list) }
        var paths: Set<String> = []
        for position in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, position) else { continue }
            for delta in [entry.pointee.head_to_index, entry.pointee.index_to_workdir] {
                guard let delta else { continue }
                for file in [delta.pointee.old_file, delta.pointee.new_file] {
                    if let path = file.path { paths.insert(String(cString: path)) }
                }
            }
        }
        // The pathspec also matches prefixes of other names (`types` and `types.txt`).
        let folders = specs.map { $0 + "/" }
        return paths.filter { path in specs.contains(path) || folders.contains { path.hasPrefix($0) } }.sorted()
    }

    /// Commits `paths` (repository paths) as they are in the working tree; a missing file is
    /// removed. Retries when the branch moves meanwhile. Call with the store's writer lock held.
    func commit(paths: [String], message: String, author: GitIdentity?, committer: GitIdentity?) throws -> StoreCommit? {
        let started = Date()
        var timings = StoreCommit.Timings()
        let repository = try GitRepository(containing: store.path)
        let authorSignature = try repository.signature(role: "AUTHOR", override: author)
        let committerSignature = try repository.signature(role: "COMMITTER", override: committer ?? author)
        let objects = try repository.bufferObjects()

        // Blobs, from the bytes read once (no filters, no second read by libgit2).
        var clock = Date()
        var changes: [TreeRewriter.Change] = []
        var entries: [RepositoryIndex.Entry] = []
        for path in paths {
            let absolute = workingTree + "/" + path
            var status = stat()
            guard lstat(absolute, &status) == 0 else {
                // Only a file that is not there is a removal; any other failure is an error.
                guard errno == ENOENT || errno == ENOTDIR else {
                    throw StoreError(.failedPrecondition, "cannot read \(path) to commit it: \(String(cString: strerror(errno)))", path: absolute)
                }
                changes.append(TreeRewriter.Change(path: path, blob: nil))
                continue
            }
            // A link's target may be anywhere: its bytes are never read into a commit.
            guard status.st_mode & S_IFMT != S_IFLNK else {
                throw StoreError(.failedPrecondition, "is a symbolic link; a store commits only real files (replace it with the file itself)",
                                 path: path)
            }
            guard let data = FileManager.default.contents(atPath: absolute) else {
                throw StoreError(.internal, "cannot read \(path) to commit it", path: absolute)
            }
            let blob = try repository.writeBlob(Array(data))
            let executable = status.st_mode & 0o111 != 0
            changes.append(TreeRewriter.Change(path: path, blob: blob, executable: executable))
            entries.append(RepositoryIndex.Entry(path: path, blob: blob, status: status))
        }
        timings.blobs = Date().timeIntervalSince(clock)

        for _ in 0..<20 {
            let head = try repository.headForCommit()
            let base = try head.commit.map(repository.tree(ofCommit:))
            clock = Date()
            let tree = try TreeRewriter(repository: repository).rewrite(base: base, changes: changes)
            timings.trees += Date().timeIntervalSince(clock)
            if tree == base {
                // Nothing differs from HEAD: no empty commit, but the index may still lag.
                try RepositoryIndex(repository: repository).update(entries, removing: changes.filter { $0.blob == nil }.map(\.path))
                return nil
            }
            clock = Date()
            let id = try repository.createCommit(tree: tree, parent: head.commit, message: message,
                                                 author: authorSignature, committer: committerSignature)
            // The objects are on disk before the index and the branch name them.
            try objects.write()
            timings.commit = Date().timeIntervalSince(clock)
            // The index first: if it cannot be written, the branch has not moved and nothing is
            // committed. (Updated before a branch move that then fails, it only shows the store's
            // files as staged, which they are in the working tree.)
            clock = Date()
            try RepositoryIndex(repository: repository).update(entries, removing: changes.filter { $0.blob == nil }.map(\.path))
            timings.index = Date().timeIntervalSince(clock)
            clock = Date()
            do {
                try repository.moveBranch(head.branch, to: id, expecting: head.commit, message: message)
            } catch let error as StoreError where error.code == .aborted {
                // Someone committed meanwhile: rebuild on their commit.
                usleep(UInt32.random(in: 1_000...20_000))
                continue
            }
            timings.commit += Date().timeIntervalSince(clock)
            // One pack per commit piles up: merge them now and then. Best effort: a failure
            // leaves more packs, never fewer objects.
            _ = try? repository.consolidateSmallPacks()
            timings.total = Date().timeIntervalSince(started)
            return StoreCommit(id: id.description, message: message, paths: paths, timings: timings)
        }
        throw StoreError(.aborted, "the branch kept moving while committing; try again")
    }
}
