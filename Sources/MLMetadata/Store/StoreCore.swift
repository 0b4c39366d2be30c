import Foundation
internal import GRDB

/// The machinery behind ``MetadataStore``: the folder, the index cache, the writer lock, the
/// journal, and the one path every write takes.
final class StoreCore: Sendable {
    /// Absolute path of the store folder, without a trailing slash.
    let root: String
    let options: StoreOptions
    let index: IndexDatabase
    let lock: WriterLock
    let files: JournaledFiles
    let ids: IDGenerator
    /// Paths written since the last git commit; nil when the store is not in a git working tree.
    let uncommitted: UncommittedLog?
    /// Set for a store read from git objects (``MetadataStore/snapshot``): why writes are refused.
    let readOnlyReason: String?

    func absolute(_ relativePath: String) -> String { root + "/" + relativePath }

    init(path: String, options: StoreOptions) throws {
        let root = URL(fileURLWithPath: path).standardizedFileURL.path
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.options = options
        self.ids = IDGenerator(clock: options.clock)
        self.uncommitted = UncommittedLog.forStore(root: self.root)
        self.readOnlyReason = nil

        let manifestPath = self.root + "/" + StoreLayout.manifest
        if !FileSystem.exists(manifestPath) {
            guard options.createIfMissing else {
                throw StoreError(.notFound, "no store here (no \(StoreLayout.manifest)); create one with `mlmd init`", path: self.root)
            }
            try Self.createScaffold(root: self.root)
            try FileSystem.makeDirectories(self.root + "/" + StoreLayout.privateFolder)
            try uncommitted?.record([StoreLayout.manifest, StoreLayout.gitignore, StoreLayout.gitattributes])
        }
        let manifest = try StoreManifest.decode(try FileSystem.readFile(manifestPath), path: StoreLayout.manifest)
        try manifest.checkSupported(path: StoreLayout.manifest)

        let privateFolder = self.root + "/" + StoreLayout.privateFolder
        try FileSystem.makeDirectories(privateFolder + "/tmp")
        self.lock = try WriterLock(path: privateFolder + "/lock")
        let files = try JournaledFiles(root: self.root)
        self.files = files

        let storeRoot = self.root
        self.index = try lock.withLock {
            let (index, isNew) = try IndexDatabase.open(path: privateFolder + "/index.sqlite")
            // An interrupted write is finished first; then whatever else changed is found.
            // On a new (empty) index the refresh is the full rebuild.
            try index.pool.writeWithoutTransaction { db in
                try db.inTransaction {
                    if isNew {
                        try Self.build(files, db: db, options: options)
                    } else {
                        try Self.recover(files, db: db)
                        _ = try Refresh(root: storeRoot, db: db, progress: options.progress).run(check: options.freshnessCheck)
                    }
                    return .commit
                }
            }
            return index
        }
    }

    /// A read-only store whose index lives in `folder` (a cache) and is built from `files` when
    /// it is not there yet: a store as git holds it at some revision.
    init(snapshotIn folder: String, label: String, files: () throws -> [(path: String, bytes: [UInt8])]) throws {
        self.root = folder
        self.options = StoreOptions(createIfMissing: false)
        self.ids = IDGenerator(clock: options.clock)
        self.uncommitted = nil
        self.readOnlyReason = "\(label) is read-only: it is read from git objects"
        // The folder is laid out as a store without files: the index and lock in its .mlmd/.
        let privateFolder = folder + "/" + StoreLayout.privateFolder
        try FileSystem.makeDirectories(privateFolder + "/tmp")
        self.lock = try WriterLock(path: privateFolder + "/lock")
        self.files = try JournaledFiles(root: folder)
        self.index = try lock.withLock {
            let (index, _) = try IndexDatabase.open(path: privateFolder + "/index.sqlite")
            try index.pool.writeWithoutTransaction { db in
                // The marker commits with the rows: a build cut short is redone.
                let complete = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'snapshot'") != nil
                guard !complete else { return }
                let contents = try files()
                try db.inTransaction {
                    try IndexSchema.clear(db)
                    try IndexSchema.dropSecondaryIndexes(db)
                    let parsed = Refresh.parse(contents)
                    let writer = IndexWriter(db: db)
                    for (file, content) in zip(contents, parsed) {
                        try writer.indexNew(path: file.path, content: content, signature: .unknown, hash: nil)
                    }
                    try IndexSchema.createSecondaryIndexes(db)
                    try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('snapshot', ?)", arguments: [label])
                    return .commit
                }
            }
            return index
        }
    }

    /// Fills an empty index from the files (indexes that reads need are built at the end).
    @discardableResult
    static func build(_ files: JournaledFiles, db: Database, options: StoreOptions) throws -> Refresh.Report {
        try recover(files, db: db)
        try IndexSchema.clear(db)
        try IndexSchema.dropSecondaryIndexes(db)
        let report = try Refresh(root: files.root, db: db, progress: options.progress).run(check: .folders)
        try IndexSchema.createSecondaryIndexes(db)
        return report
    }

    /// Finds files changed outside the library since the index last saw them and reindexes them.
    func refresh(check: FreshnessCheck) throws -> Refresh.Report {
        try lock.withLock {
            try index.pool.writeWithoutTransaction { db in
                var report = Refresh.Report()
                try db.inTransaction {
                    try Self.recover(files, db: db)
                    report = try Refresh(root: root, db: db, progress: options.progress).run(check: check)
                    return .commit
                }
                return report
            }
        }
    }

    /// Empties the index and reads every file again.
    func rebuild() throws -> Refresh.Report {
        try lock.withLock {
            try index.pool.writeWithoutTransaction { db in
                var report = Refresh.Report()
                try db.inTransaction {
                    report = try Self.build(files, db: db, options: options)
                    return .commit
                }
                return report
            }
        }
    }

    /// Writes `store.json`, `.gitignore` and `.gitattributes` into a new store folder.
    static func createScaffold(root: String) throws(StoreError) {
        try FileSystem.makeDirectories(root)
        let manifest = JSONWriter.fileBytes(StoreManifest(formatVersion: StoreManifest.currentVersion).json)
        // The manifest goes last: a folder with store.json is a complete store.
        try FileSystem.writeFile(root + "/" + StoreLayout.gitignore, Array(StoreScaffold.gitignore.utf8))
        try FileSystem.writeFile(root + "/" + StoreLayout.gitattributes, Array(StoreScaffold.gitattributes.utf8))
        try FileSystem.writeFile(root + "/" + StoreLayout.manifest + ".tmp", manifest)
        try FileSystem.rename(root + "/" + StoreLayout.manifest + ".tmp", to: root + "/" + StoreLayout.manifest)
    }

    // MARK: - Writing

    /// Runs one write call: serialized with every other writer, validated and indexed inside one
    /// SQLite transaction, then made durable through the journal. Either every file and index
    /// row of the call is written, or none is.
    ///
    /// If a file the call would write changed on disk since the index read it (a `git checkout`
    /// while this store object was open), the call is rolled back, the index refreshed, and the
    /// call run once more on the fresh index.
    func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        if let readOnlyReason { throw StoreError(.failedPrecondition, readOnlyReason) }
        return try lock.withLock {
            try index.pool.writeWithoutTransaction { db in
                // A writer in another process may have died mid-write.
                if files.hasPending {
                    try db.inTransaction { try Self.recover(files, db: db); return .commit }
                }
                do {
                    return try attempt(body, db: db)
                } catch let error as WriteTransaction.StaleIndex {
                    _ = error
                    try db.inTransaction {
                        _ = try Refresh(root: root, db: db, progress: options.progress).run(check: .folders)
                        return .commit
                    }
                    return try attempt(body, db: db)
                }
            }
        }
    }

    private func attempt<T>(_ body: (WriteTransaction) throws -> T, db: Database) throws -> T {
        var result: T?
        var journal: Journal?
        do {
            try db.inTransaction(.immediate) {
                let transaction = WriteTransaction(core: self, db: db)
                result = try body(transaction)
                let changes = try transaction.finish()
                if !changes.entries.isEmpty {
                    let folders = transaction.foldersBefore(changes)
                    try files.begin(changes, sync: options.durability == .full)
                    journal = changes
                    CrashPoints.reach(.journalWritten)
                    try files.apply(changes)
                    CrashPoints.reach(.filesApplied)
                    try transaction.recordSignatures(folders: folders)
                }
                return .commit
            }
        } catch {
            if let journal {
                // The index rolled back; put the files back as they were (the old bytes of files
                // the call never reached are what they have anyway).
                try? files.undo(journal)
                try? files.clear()
            }
            throw error
        }
        if let journal {
            CrashPoints.reach(.indexCommitted)
            if options.durability == .full { try FileSystem.syncFileSystem(containing: root) }
            try files.clear()
            // The write is complete; failing to log it must not report it as failed (a commit
            // with --all still finds the files).
            try? uncommitted?.record(journal.entries.map(\.path))
        }
        return result!
    }

    // MARK: - Recovery

    /// Rolls a complete journal forward (files and index), or drops an incomplete one.
    static func recover(_ files: JournaledFiles, db: Database) throws {
        try files.removeTemporaryFiles()
        guard let journal = try files.pending() else { return }
        let writer = IndexWriter(db: db)
        for entry in journal.entries {
            try files.put(entry.new, at: entry.path)
            try writer.reindex(path: entry.path, content: entry.new.map { ParsedFile.parse($0, path: entry.path) },
                               signature: FileSystem.signature(files.root + "/" + entry.path), hash: entry.new.map(ContentHash.of))
        }
        try files.clear()
    }
}
