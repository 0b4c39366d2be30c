import Foundation
internal import CGit2
import MLMetadata

/// An open libgit2 repository. Not shared between threads: each operation of
/// ``StoreRepository`` opens its own.
final class GitRepository {
    let handle: OpaquePointer
    /// The working tree, with a trailing slash.
    let workdir: String
    /// The repository's git folder (`.git/`, or a worktree's), with a trailing slash.
    let gitdir: String
    /// The folder shared by all worktrees (`.git/`), with a trailing slash.
    let commondir: String
    /// Objects written since ``bufferObjects()`` (for the pack that stores them).
    fileprivate(set) var bufferedObjects: [GitOID] = []

    /// Notes an object written through this repository.
    func wrote(_ oid: GitOID) {
        bufferedObjects.append(oid)
    }

    private static let initialized: Void = {
        git_libgit2_init()
        // Strict creation looks up every entry of every tree written; ours come from trees read
        // from the repository and blobs just written (measured: ~30 ms per commit at 100k files).
        _ = mlmd_git_enable_strict_object_creation(0)
        return ()
    }()

    /// Opens the repository whose working tree contains `path`.
    init(containing path: String) throws {
        _ = Self.initialized
        var repository: OpaquePointer?
        let code = git_repository_open_ext(&repository, path, 0, nil)
        if code == GIT_ENOTFOUND.rawValue {
            throw StoreError(.failedPrecondition, "not inside a git repository (no .git found above it)", path: path)
        }
        try Git.check(code, "open the repository containing \(path)")
        handle = repository!
        guard let workdir = git_repository_workdir(handle) else {
            git_repository_free(handle)
            throw StoreError(.failedPrecondition, "the repository is bare (it has no working tree)", path: path)
        }
        self.workdir = String(cString: workdir)
        self.gitdir = String(cString: git_repository_path(handle))
        self.commondir = String(cString: git_repository_commondir(handle))
    }

    deinit {
        git_repository_free(handle)
    }

    // MARK: HEAD

    /// What HEAD points at.
    struct Head {
        /// The branch HEAD names (`refs/heads/main`).
        var branch: String
        /// The commit the branch points at; nil on an unborn branch (no commit yet).
        var commit: GitOID?
    }

    /// HEAD, refusing states where committing would be unsafe: a detached HEAD, or a merge,
    /// rebase, cherry-pick or similar in progress.
    func headForCommit() throws -> Head {
        let state = git_repository_state(handle)
        if state != Int32(GIT_REPOSITORY_STATE_NONE.rawValue) {
            throw StoreError(.failedPrecondition, "the repository is in the middle of \(Self.describe(state: state)); finish or abort it before committing",
                             path: workdir)
        }
        if git_repository_head_detached(handle) == 1 {
            throw StoreError(.failedPrecondition, "HEAD is detached; check out a branch before committing runs", path: workdir)
        }
        var reference: OpaquePointer?
        try Git.check(git_reference_lookup(&reference, handle, "HEAD"), "read HEAD")
        defer { git_reference_free(reference) }
        guard let target = git_reference_symbolic_target(reference) else {
            throw StoreError(.failedPrecondition, "HEAD is detached; check out a branch before committing runs", path: workdir)
        }
        let branch = String(cString: target)
        var oid = git_oid()
        let code = git_reference_name_to_id(&oid, handle, branch)
        if code == GIT_ENOTFOUND.rawValue { return Head(branch: branch, commit: nil) }
        try Git.check(code, "resolve \(branch)")
        return Head(branch: branch, commit: GitOID(oid))
    }

    private static func describe(state: Int32) -> String {
        switch UInt32(state) {
        case GIT_REPOSITORY_STATE_MERGE.rawValue: "a merge"
        case GIT_REPOSITORY_STATE_REVERT.rawValue, GIT_REPOSITORY_STATE_REVERT_SEQUENCE.rawValue: "a revert"
        case GIT_REPOSITORY_STATE_CHERRYPICK.rawValue, GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE.rawValue: "a cherry-pick"
        case GIT_REPOSITORY_STATE_BISECT.rawValue: "a bisect"
        case GIT_REPOSITORY_STATE_REBASE.rawValue, GIT_REPOSITORY_STATE_REBASE_INTERACTIVE.rawValue,
             GIT_REPOSITORY_STATE_REBASE_MERGE.rawValue: "a rebase"
        case GIT_REPOSITORY_STATE_APPLY_MAILBOX.rawValue, GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE.rawValue: "an am"
        default: "another operation"
        }
    }

    // MARK: Objects

    /// Writes a blob (the bytes as they are: no filters).
    func writeBlob(_ bytes: [UInt8]) throws -> GitOID {
        var oid = git_oid()
        try bytes.withUnsafeBytes { buffer in
            try Git.check(git_blob_create_from_buffer(&oid, handle, buffer.baseAddress, buffer.count), "write a blob")
        }
        wrote(GitOID(oid))
        return GitOID(oid)
    }

    /// The tree of a commit.
    func tree(ofCommit commit: GitOID) throws -> GitOID {
        var object: OpaquePointer?
        var oid = commit.raw
        try Git.check(git_commit_lookup(&object, handle, &oid), "read commit \(commit)")
        defer { git_commit_free(object) }
        return GitOID(git_commit_tree_id(object).pointee)
    }

    /// Resolves a revision (`HEAD~2`, a branch, a tag, a commit id) to a commit.
    func commit(revision: String) throws -> GitOID {
        var object: OpaquePointer?
        let code = git_revparse_single(&object, handle, revision)
        if code == GIT_ENOTFOUND.rawValue || code == GIT_EAMBIGUOUS.rawValue || code == GIT_EINVALIDSPEC.rawValue {
            throw StoreError(.notFound, "unknown revision '\(revision)'\(code == GIT_EAMBIGUOUS.rawValue ? " (ambiguous)" : "") in the repository at \(workdir)")
        }
        try Git.check(code, "resolve revision '\(revision)'")
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        try Git.check(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), "find the commit of '\(revision)'")
        defer { git_object_free(commit) }
        return GitOID(git_object_id(commit).pointee)
    }

    /// The id of the entry at `path` (a `/`-separated path) in `tree`, and whether it is a tree;
    /// nil when there is none.
    func entry(at path: String, in tree: GitOID) throws -> (oid: GitOID, isTree: Bool)? {
        if path.isEmpty { return (tree, true) }
        let treeObject = try lookupTree(tree)
        defer { git_tree_free(treeObject) }
        var entry: OpaquePointer?
        let code = git_tree_entry_bypath(&entry, treeObject, path)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try Git.check(code, "look up \(path)")
        defer { git_tree_entry_free(entry) }
        return (GitOID(git_tree_entry_id(entry).pointee), git_tree_entry_type(entry) == GIT_OBJECT_TREE)
    }

    func lookupTree(_ tree: GitOID) throws -> OpaquePointer {
        var object: OpaquePointer?
        var oid = tree.raw
        try Git.check(git_tree_lookup(&object, handle, &oid), "read tree \(tree)")
        return object!
    }

    /// Every blob below `tree`, with its path relative to it.
    func blobs(in tree: GitOID) throws -> [(path: String, oid: GitOID)] {
        final class Collector {
            var blobs: [(path: String, oid: GitOID)] = []
        }
        let collector = Collector()
        let treeObject = try lookupTree(tree)
        defer { git_tree_free(treeObject) }
        let callback: git_treewalk_cb = { root, entry, payload in
            guard let root, let entry, let payload else { return 0 }
            if git_tree_entry_type(entry) == GIT_OBJECT_BLOB {
                let collector = Unmanaged<Collector>.fromOpaque(payload).takeUnretainedValue()
                collector.blobs.append((String(cString: root) + String(cString: git_tree_entry_name(entry)),
                                        GitOID(git_tree_entry_id(entry).pointee)))
            }
            return 0
        }
        try Git.check(git_tree_walk(treeObject, GIT_TREEWALK_PRE, callback, Unmanaged.passUnretained(collector).toOpaque()),
                      "list tree \(tree)")
        return collector.blobs
    }

    /// A blob's bytes.
    func blobBytes(_ oid: GitOID) throws -> [UInt8] {
        var blob: OpaquePointer?
        var raw = oid.raw
        try Git.check(git_blob_lookup(&blob, handle, &raw), "read blob \(oid)")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let content = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: content, count: size))
    }

    // MARK: Signatures and commits

    /// The author or committer: `GIT_<ROLE>_NAME`/`_EMAIL` from the environment, else git config.
    func signature(role: String, override: GitIdentity?) throws -> GitSignature {
        let environment = ProcessInfo.processInfo.environment
        let name = override?.name ?? environment["GIT_\(role)_NAME"]
        let email = override?.email ?? environment["GIT_\(role)_EMAIL"]
        var signature: UnsafeMutablePointer<git_signature>?
        if let name, let email {
            try Git.check(git_signature_now(&signature, name, email), "make a signature for \(name) <\(email)>")
        } else {
            let code = git_signature_default(&signature, handle)
            if code == GIT_ENOTFOUND.rawValue {
                throw StoreError(.failedPrecondition, "git does not know who you are: set user.name and user.email (git config) or pass --author",
                                 path: workdir)
            }
            try Git.check(code, "read user.name and user.email from git config")
            if name != nil || email != nil {
                let configured = GitIdentity(name: String(cString: signature!.pointee.name), email: String(cString: signature!.pointee.email))
                git_signature_free(signature)
                signature = nil
                try Git.check(git_signature_now(&signature, name ?? configured.name, email ?? configured.email), "make a signature")
            }
        }
        return GitSignature(signature!)
    }

    /// Creates a commit object (the branch does not move).
    func createCommit(tree: GitOID, parent: GitOID?, message: String, author: GitSignature, committer: GitSignature) throws -> GitOID {
        let treeObject = try lookupTree(tree)
        defer { git_tree_free(treeObject) }
        var parentObject: OpaquePointer?
        if let parent {
            var raw = parent.raw
            try Git.check(git_commit_lookup(&parentObject, handle, &raw), "read commit \(parent)")
        }
        defer { if let parentObject { git_commit_free(parentObject) } }
        var oid = git_oid()
        var parents: [OpaquePointer?] = parentObject.map { [$0] } ?? []
        let code = parents.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(&oid, handle, nil, author.handle, committer.handle, "UTF-8", message, treeObject,
                              buffer.count, buffer.baseAddress)
        }
        try Git.check(code, "create the commit")
        wrote(GitOID(oid))
        return GitOID(oid)
    }

    /// Moves `branch` to `commit` only if it still points at `expected` (nil: only if it does
    /// not exist yet); otherwise fails with `aborted`.
    func moveBranch(_ branch: String, to commit: GitOID, expecting expected: GitOID?, message: String) throws {
        var reference: OpaquePointer?
        var oid = commit.raw
        let logMessage = "commit: " + (message.split(separator: "\n").first.map(String.init) ?? "")
        let moved: Int32
        if var current = expected?.raw {
            moved = git_reference_create_matching(&reference, handle, branch, &oid, 1, &current, logMessage)
        } else {
            moved = git_reference_create(&reference, handle, branch, &oid, 0, logMessage)
        }
        if reference != nil { git_reference_free(reference) }
        if moved == GIT_EMODIFIED.rawValue || moved == GIT_EEXISTS.rawValue || moved == GIT_ELOCKED.rawValue {
            throw StoreError(.aborted, "\(branch) moved while the commit was being made")
        }
        try Git.check(moved, "update \(branch)")
    }

    // MARK: Writing objects in one pack

    /// From here on, new objects are kept in memory until ``writeBufferedObjects()`` writes
    /// them as one pack: two files instead of one loose file per object, which is most of a
    /// commit's cost where creating files is slow.
    func bufferObjects() throws -> ObjectBuffer {
        var backend: UnsafeMutablePointer<git_odb_backend>?
        try Git.check(git_mempack_new(&backend), "create an in-memory object store")
        var odb: OpaquePointer?
        try Git.check(git_repository_odb(&odb, handle), "open the object database")
        defer { git_odb_free(odb) }
        // Highest priority: writes go to memory; the ODB owns the backend from here.
        try Git.check(git_odb_add_backend(odb, backend, 1_000), "add the in-memory object store")
        return ObjectBuffer(repository: self, backend: backend!)
    }

    /// The objects written since ``bufferObjects()``.
    struct ObjectBuffer {
        let repository: GitRepository
        let backend: UnsafeMutablePointer<git_odb_backend>

        /// Writes the buffered objects as one pack (with its index) and empties the buffer.
        func write() throws {
            defer {
                git_mempack_reset(backend)
                repository.bufferedObjects.removeAll()
            }
            guard !repository.bufferedObjects.isEmpty else { return }
            var odb: OpaquePointer?
            try Git.check(git_repository_odb(&odb, repository.handle), "open the object database")
            defer { git_odb_free(odb) }
            var read: [OpaquePointer] = []
            defer { read.forEach { git_odb_object_free($0) } }
            var objects: [PackWriter.Object] = []
            for oid in repository.bufferedObjects {
                var raw = oid.raw
                var object: OpaquePointer?
                try Git.check(git_odb_read(&object, odb, &raw), "read new object \(oid)")
                read.append(object!)
                objects.append(PackWriter.Object(oid: oid, type: Int(git_odb_object_type(object).rawValue),
                                                 content: UnsafeRawBufferPointer(start: git_odb_object_data(object),
                                                                                 count: git_odb_object_size(object))))
            }
            try PackWriter.write(objects, to: repository.commondir + "objects/pack")
        }
    }
}

/// A name and email for a commit.
public struct GitIdentity: Sendable, Hashable {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    /// Parses `Name <email>` (git's `--author` form).
    public init?(parsing text: String) {
        guard let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close else { return nil }
        let name = text[..<open].trimmingCharacters(in: .whitespaces)
        let email = String(text[text.index(after: open)..<close])
        guard !name.isEmpty, !email.isEmpty else { return nil }
        self.init(name: name, email: email)
    }
}

/// An owned `git_signature`.
final class GitSignature {
    let handle: UnsafeMutablePointer<git_signature>

    init(_ handle: UnsafeMutablePointer<git_signature>) {
        self.handle = handle
    }

    deinit {
        git_signature_free(handle)
    }
}

/// A git object id.
struct GitOID: Hashable, CustomStringConvertible {
    var raw: git_oid

    init(_ raw: git_oid) {
        self.raw = raw
    }

    /// Parses 40 hex digits.
    init?(hex: String) {
        var raw = git_oid()
        guard hex.utf8.count == 40, git_oid_fromstr(&raw, hex) == 0 else { return nil }
        self.raw = raw
    }

    var bytes: [UInt8] {
        withUnsafeBytes(of: raw.id) { Array($0) }
    }

    var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(40)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func == (lhs: GitOID, rhs: GitOID) -> Bool { lhs.bytes == rhs.bytes }
    func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
}

/// libgit2 return codes to errors.
enum Git {
    /// Throws for a negative libgit2 return code, with libgit2's message. The operation is
    /// described only on failure (naming a blob costs more than reading it).
    static func check(_ code: Int32, _ operation: @autoclosure () -> String) throws {
        guard code < 0 else { return }
        let last = git_error_last()
        let detail = last.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "error \(code)"
        // libgit2's error class (GIT_ERROR_ODB, GIT_ERROR_INDEX, …) says which part failed.
        let errorClass = last.map { $0.pointee.klass } ?? 0
        let storeCode: StoreError.Code = code == GIT_ENOTFOUND.rawValue ? .notFound : code == GIT_ELOCKED.rawValue ? .unavailable : .internal
        throw StoreError(storeCode, "git: cannot \(operation()): \(detail)",
                         underlying: StoreError.Underlying(domain: "libgit2", code: errorClass, name: errorClassNames[errorClass]))
    }
}

/// libgit2's `git_error_t` names, for ``StoreError/Underlying``.
private let errorClassNames: [Int32: String] = [
    0: "GIT_ERROR_NONE", 1: "GIT_ERROR_NOMEMORY", 2: "GIT_ERROR_OS", 3: "GIT_ERROR_INVALID", 4: "GIT_ERROR_REFERENCE",
    5: "GIT_ERROR_ZLIB", 6: "GIT_ERROR_REPOSITORY", 7: "GIT_ERROR_CONFIG", 8: "GIT_ERROR_REGEX", 9: "GIT_ERROR_ODB",
    10: "GIT_ERROR_INDEX", 11: "GIT_ERROR_OBJECT", 12: "GIT_ERROR_NET", 13: "GIT_ERROR_TAG", 14: "GIT_ERROR_TREE",
    15: "GIT_ERROR_INDEXER", 16: "GIT_ERROR_SSL", 17: "GIT_ERROR_SUBMODULE", 18: "GIT_ERROR_THREAD", 19: "GIT_ERROR_STASH",
    20: "GIT_ERROR_CHECKOUT", 21: "GIT_ERROR_FETCHHEAD", 22: "GIT_ERROR_MERGE", 23: "GIT_ERROR_SSH", 24: "GIT_ERROR_FILTER",
    25: "GIT_ERROR_REVERT", 26: "GIT_ERROR_CALLBACK", 27: "GIT_ERROR_CHERRYPICK", 28: "GIT_ERROR_DESCRIBE", 29: "GIT_ERROR_REBASE",
    30: "GIT_ERROR_FILESYSTEM", 31: "GIT_ERROR_PATCH", 32: "GIT_ERROR_WORKTREE", 33: "GIT_ERROR_SHA", 34: "GIT_ERROR_HTTP",
    35: "GIT_ERROR_INTERNAL",
]
