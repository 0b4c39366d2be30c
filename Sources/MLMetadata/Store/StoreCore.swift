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

    func absolute(_ relativePath: String) -> String { root + "/" + relativePath }

    init(path: String, options: StoreOptions) throws {
        let root = URL(fileURLWithPath: path).standardizedFileURL.path
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.options = options
        self.ids = IDGenerator(clock: options.clock)

        let manifestPath = self.root + "/" + StoreLayout.manifest
        if !FileSystem.exists(manifestPath) {
            guard options.createIfMissing else {
                throw StoreError(.notFound, "no store here (no \(StoreLayout.manifest)); create one with `mlmd init`", path: self.root)
            }
            try Self.createScaffold(root: self.root)
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
        try lock.withLock {
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
        if journal != nil {
            CrashPoints.reach(.indexCommitted)
            if options.durability == .full { try FileSystem.syncFileSystem(containing: root) }
            try files.clear()
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
                               signature: FileSystem.signature(files.root + "/" + entry.path))
        }
        try files.clear()
    }
}
