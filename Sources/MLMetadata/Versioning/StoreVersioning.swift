/// Settings a store keeps in its `store.json`, shared with everyone who clones it.
public struct StoreSettings: Sendable, Hashable {
    /// Whether completing a pipeline run commits it to git (with MLMetadataGit). Off by default;
    /// a call or `mlmd` flag can override it.
    public var commitRuns: Bool

    public init(commitRuns: Bool = false) {
        self.commitRuns = commitRuns
    }
}

extension MetadataStore {
    /// The settings in the store's `store.json`.
    public var settings: StoreSettings {
        get throws {
            let manifest = try StoreManifest.decode(try FileSystem.readFile(core.absolute(StoreLayout.manifest)), path: StoreLayout.manifest)
            return StoreSettings(commitRuns: manifest.commitRuns)
        }
    }

    /// Rewrites `store.json` with `settings` (atomically, under the writer lock).
    public func updateSettings(_ settings: StoreSettings) throws {
        if let readOnly = core.readOnly { throw readOnly }
        try core.updateManifest { $0.commitRuns = settings.commitRuns }
    }
}

extension StoreCore {
    /// Rewrites `store.json` with `change` applied, atomically and under the writer lock, and
    /// logs it as uncommitted.
    func updateManifest(_ change: (inout StoreManifest) -> Void) throws {
        try lock.withLock {
            let path = absolute(StoreLayout.manifest)
            var manifest = try StoreManifest.decode(try FileSystem.readFile(path), path: StoreLayout.manifest)
            change(&manifest)
            try FileSystem.writeFile(path + ".tmp", JSONWriter.fileBytes(manifest.json), sync: options.durability == .full)
            try FileSystem.rename(path + ".tmp", to: path)
            try uncommitted?.record([StoreLayout.manifest])
            formatVersionState.withLock { $0 = manifest.formatVersion }
        }
    }
}

/// What MLMetadataGit needs from a store: not for applications.
extension MetadataStore {
    /// Runs `body` holding the store's writer lock: no write call of any process changes the
    /// store meanwhile.
    @_spi(Versioning)
    public func withWriterLock<T>(_ body: () throws -> T) throws -> T {
        try core.lock.withLock(body)
    }

    /// Whether the store sits in a git working tree (then it logs what it writes).
    @_spi(Versioning)
    public var logsUncommittedPaths: Bool { core.uncommitted != nil }

    /// The store-relative paths written by the library since ``markCommitted()``, sorted. Call
    /// with the writer lock held.
    @_spi(Versioning)
    public func uncommittedPaths() throws -> [String] {
        try core.uncommitted?.paths() ?? []
    }

    /// Forgets the logged paths (they are committed). Call with the writer lock held.
    @_spi(Versioning)
    public func markCommitted() throws {
        try core.uncommitted?.clear()
    }

    /// A read-only store built from files held in memory (a store as git has it at some
    /// revision). Its index is kept in `cacheFolder`: a later call with the same folder reuses it
    /// without calling `files`. Writes fail with `failedPrecondition`.
    @_spi(Versioning)
    public static func snapshot(cacheFolder: String, label: String,
                                files: () throws -> [(path: String, bytes: [UInt8])]) throws -> MetadataStore {
        MetadataStore(core: try StoreCore(snapshotIn: cacheFolder, label: label, files: files))
    }
}
