internal import CGit2

extension GitRepository {
    /// A path an unfinished merge left conflicted, with the blob of each stage (nil: the side
    /// does not have the file).
    struct Conflict {
        var path: String
        var ancestor: GitOID?
        var ours: GitOID?
        var theirs: GitOID?
    }

    /// The conflicted paths of the repository index, as it is on disk now.
    func conflicts() throws -> [Conflict] {
        try withIndex { index in
            var iterator: OpaquePointer?
            try Git.check(git_index_conflict_iterator_new(&iterator, index), "list the index's conflicts")
            defer { git_index_conflict_iterator_free(iterator) }
            var out: [Conflict] = []
            while true {
                var ancestor: UnsafePointer<git_index_entry>?
                var ours: UnsafePointer<git_index_entry>?
                var theirs: UnsafePointer<git_index_entry>?
                let code = git_index_conflict_next(&ancestor, &ours, &theirs, iterator)
                if code == GIT_ITEROVER.rawValue { break }
                try Git.check(code, "read a conflict of the index")
                guard let any = ours ?? theirs ?? ancestor else { continue }
                out.append(Conflict(path: String(cString: any.pointee.path), ancestor: ancestor.map { GitOID($0.pointee.id) },
                                    ours: ours.map { GitOID($0.pointee.id) }, theirs: theirs.map { GitOID($0.pointee.id) }))
            }
            return out
        }
    }

    /// Marks `paths` resolved with the working tree's files, as `git add` does (their conflict
    /// stages give way to one entry).
    func markResolved(_ paths: [String]) throws {
        guard !paths.isEmpty else { return }
        try withIndex { index in
            for path in paths { try Git.check(git_index_add_bypath(index, path), "stage \(path)") }
            try Git.check(git_index_write(index), "write the repository index")
        }
    }

    private func withIndex<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        var index: OpaquePointer?
        try Git.check(git_repository_index(&index, handle), "open the repository index")
        defer { git_index_free(index) }
        // Another process (git itself) may have changed it since this repository was opened.
        try Git.check(git_index_read(index, 1), "read the repository index")
        return try body(index!)
    }
}
