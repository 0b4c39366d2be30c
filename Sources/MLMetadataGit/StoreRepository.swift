import Foundation
@_spi(Versioning) import MLMetadata

/// A store inside a git repository: commits its changes (a pipeline run per commit), lists the
/// run commits, and reads the store as it was at any revision.
///
/// ```swift
/// let repository = try StoreRepository(store: store)
/// let run = try PipelineRunRecorder(store: store, pipeline: "taxi", runID: "2026-01-07")
/// // … record the run's executions …
/// let (recorded, commit) = try run.complete(in: repository)   // commits when the store says so
/// let before = try repository.store(at: "HEAD~1")               // read-only, from git objects
/// ```
///
/// Commits contain only the store's files: whatever else is staged, modified or untracked in
/// the working tree stays exactly as it was, and the repository index is updated for the
/// committed files only. Each operation opens the repository afresh, so one value may be used
/// from several threads.
public final class StoreRepository: Sendable {
    public let store: MetadataStore
    /// The working tree's root folder.
    public let workingTree: String
    /// The store folder relative to the working tree, `/`-separated; empty when the store is
    /// the working tree's root.
    public let storePrefix: String

    /// Finds the git repository whose working tree holds `store`.
    public init(store: MetadataStore) throws {
        self.store = store
        let repository = try GitRepository(containing: store.path)
        let workdir = Self.realPath(String(repository.workdir.dropLast()))
        let storePath = Self.realPath(store.path)
        guard storePath == workdir || storePath.hasPrefix(workdir + "/") else {
            throw StoreError(.failedPrecondition, "the store is not inside the repository's working tree \(workdir)", path: store.path)
        }
        self.workingTree = workdir
        self.storePrefix = storePath == workdir ? "" : String(storePath.dropFirst(workdir.count + 1))
    }

    /// A store-relative path as a repository path.
    func repositoryPath(_ storePath: String) -> String {
        storePrefix.isEmpty ? storePath : storePrefix + "/" + storePath
    }

    /// The store's own paths (for status and pathspecs): its manifest, scaffold and data folders.
    var storePathspecs: [String] {
        Self.storeEntries.map(repositoryPath)
    }

    /// What a store folder holds that belongs to the store: its manifest, scaffold and data folders.
    static let storeEntries = ["store.json", ".gitignore", ".gitattributes", "types", "artifacts", "executions", "contexts", "edges"]

    /// The root of the working tree of the repository containing `path`.
    public static func workingTree(containing path: String) throws -> String {
        realPath(String(try GitRepository(containing: path).workdir.dropLast()))
    }

    /// `path` with symbolic links resolved (itself when it does not exist).
    public static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// A commit ``StoreRepository`` made.
public struct StoreCommit: Sendable, Hashable {
    /// The commit id (40 hex digits).
    public var id: String
    public var message: String
    /// Repository paths of the files it added, changed or removed.
    public var paths: [String]
    /// Where the time went.
    public var timings: Timings

    /// Seconds spent in each step of a commit.
    public struct Timings: Sendable, Hashable {
        /// Reading the changed files and writing them as blobs.
        public var blobs: Double = 0
        /// Rewriting the trees on the changed paths.
        public var trees: Double = 0
        /// Creating the commit object and moving the branch.
        public var commit: Double = 0
        /// Updating the repository index for the committed paths.
        public var index: Double = 0
        /// Everything, including opening the repository and the retries.
        public var total: Double = 0
    }
}
