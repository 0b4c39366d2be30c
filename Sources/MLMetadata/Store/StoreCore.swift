import Foundation
internal import GRDB
import Synchronization

/// The machinery behind ``MetadataStore``: the folder, the index cache, the writer lock, the
/// journal, and the one path every write takes.
final class StoreCore: Sendable {
    /// Absolute path of the store folder, without a trailing slash.
    let root: String
    /// Absolute path of the folder with the index cache, the lock and the journal: the store's
    /// `.mlmd`, or a folder in the user's cache for a store that cannot be written.
    let privateFolder: String
    let options: StoreOptions
    private let indexHolder: IndexHolder
    let lock: WriterLock
    let files: JournaledFiles
    let ids: IDGenerator
    /// Paths written since the last git commit; nil when the store is not in a git working tree.
    let uncommitted: UncommittedLog?
    /// Set for a store that is only read (from git objects, or a folder this user cannot write):
    /// the error every write gets.
    let readOnly: StoreError?
    /// What opening the store set aside or repaired (a journal from elsewhere, a damaged cache).
    let warnings: [StoreError]
    /// The store's format version (`store.json`); writes need the current one.
    var formatVersion: Int { formatVersionState.withLock { $0 } }
    let formatVersionState: Mutex<Int>

    /// The index cache; replaced as a whole when it is found damaged.
    var index: IndexDatabase { indexHolder.current }

    func absolute(_ relativePath: String) -> String { root + "/" + relativePath }

    init(path: String, options: StoreOptions) throws {
        let root = URL(fileURLWithPath: path).standardizedFileURL.path
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.options = options
        self.ids = IDGenerator(clock: options.clock)

        let manifestPath = self.root + "/" + StoreLayout.manifest
        if !FileSystem.exists(manifestPath) && !FileSystem.isSymbolicLink(manifestPath) {
            guard options.createIfMissing, !options.readOnly else {
                throw StoreError(.notFound, "no store here (no \(StoreLayout.manifest)); create one with `mlmd init`", path: self.root)
            }
            try Self.createScaffold(root: self.root)
            try FileSystem.makeDirectories(self.root + "/" + StoreLayout.privateFolder)
            try UncommittedLog.forStore(root: self.root)?.record([StoreLayout.manifest, StoreLayout.gitignore, StoreLayout.gitattributes])
        }
        let manifest = try StoreManifest.decode(try FileSystem.readFile(manifestPath), path: StoreLayout.manifest)
        try manifest.checkReadable(path: StoreLayout.manifest)
        self.formatVersionState = Mutex(manifest.formatVersion)

        var warnings: [StoreError] = []
        let location = try PrivateFolder.locate(root: self.root, readOnly: options.readOnly)
        self.privateFolder = location.path
        self.readOnly = location.readOnly
        self.uncommitted = location.readOnly == nil ? UncommittedLog.forStore(root: self.root) : nil
        warnings += try PrivateFolder.prepare(location.path, label: location.label)
        if location.readOnly != nil, let pending = PrivateFolder.pendingJournalInStore(root: self.root) { warnings.append(pending) }

        let lock = try WriterLock(path: location.path + "/lock")
        self.lock = lock
        let files = try JournaledFiles(root: self.root, privateFolder: location.path)
        self.files = files

        let storeRoot = self.root
        let indexPath = location.path + "/index.sqlite"
        let holder: IndexHolder = try IndexDatabase.describingFailures("open the index cache") { try lock.withLock {
            // An interrupted write is finished first; then whatever else changed is found.
            // On a new (empty) index the refresh is the full rebuild. A damaged index is
            // deleted and built again from the files: it is only a cache.
            func openAndRefresh() throws -> IndexDatabase {
                let (index, isNew) = try IndexDatabase.open(path: indexPath, storeInode: files.storeInode)
                try index.pool.writeWithoutTransaction { db in
                    try db.inTransaction {
                        if isNew {
                            warnings += try Self.build(files, db: db, options: options)
                        } else {
                            warnings += try Self.recover(files, db: db)
                            _ = try Refresh(root: storeRoot, db: db, progress: options.progress).run(check: options.freshnessCheck)
                        }
                        return .commit
                    }
                }
                return index
            }
            do {
                return IndexHolder(try openAndRefresh())
            } catch let error where IndexDatabase.isDamage(error) {
                warnings.append(IndexDatabase.damageNotice(error, path: location.label + "/index.sqlite"))
                IndexDatabase.delete(path: indexPath)
                return IndexHolder(try openAndRefresh())
            }
        } }
        self.indexHolder = holder
        self.warnings = warnings
    }

    /// A read-only store whose index lives in `folder` (a cache) and is built from `files` when
    /// it is not there yet: a store as git holds it at some revision.
    init(snapshotIn folder: String, label: String, files: () throws -> [(path: String, bytes: [UInt8])]) throws {
        self.root = folder
        self.options = StoreOptions(createIfMissing: false)
        self.ids = IDGenerator(clock: options.clock)
        self.uncommitted = nil
        self.readOnly = StoreError(.failedPrecondition, "\(label) is read-only: it is read from git objects")
        self.warnings = []
        // A revision's files are read whatever format they have (every readable one).
        self.formatVersionState = Mutex(StoreManifest.currentVersion)
        // The folder is laid out as a store without files: the index and lock in its .mlmd/.
        let privateFolder = folder + "/" + StoreLayout.privateFolder
        self.privateFolder = privateFolder
        try FileSystem.makeDirectories(privateFolder + "/tmp")
        self.lock = try WriterLock(path: privateFolder + "/lock")
        self.files = try JournaledFiles(root: folder, privateFolder: privateFolder)
        self.indexHolder = IndexHolder(try lock.withLock {
            let (index, _) = try IndexDatabase.open(path: privateFolder + "/index.sqlite", storeInode: nil)
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
                    try writer.settleContextTimes()
                    try IndexSchema.createSecondaryIndexes(db)
                    try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('snapshot', ?)", arguments: [label])
                    return .commit
                }
            }
            return index
        })
    }

    /// Fills an empty index from the files (indexes that reads need are built at the end);
    /// returns what recovery set aside.
    @discardableResult
    static func build(_ files: JournaledFiles, db: Database, options: StoreOptions) throws -> [StoreError] {
        let warnings = try recover(files, db: db)
        try IndexSchema.clear(db)
        try IndexSchema.dropSecondaryIndexes(db)
        _ = try Refresh(root: files.root, db: db, progress: options.progress).run(check: .folders)
        try IndexSchema.createSecondaryIndexes(db)
        return warnings
    }

    /// Finds files changed outside the library since the index last saw them and reindexes them.
    func refresh(check: FreshnessCheck) throws -> Refresh.Report {
        try IndexDatabase.describingFailures("refresh the index cache") { try withDamageRecovery {
            try lock.withLock {
                try index.pool.writeWithoutTransaction { db in
                    var report = Refresh.Report()
                    try db.inTransaction {
                        _ = try Self.recover(files, db: db)
                        report = try Refresh(root: root, db: db, progress: options.progress).run(check: check)
                        return .commit
                    }
                    return report
                }
            }
        } }
    }

    /// Deletes the index cache and builds a new one from the files alone (whatever state the
    /// old one was in).
    func rebuild() throws -> Refresh.Report {
        try IndexDatabase.describingFailures("rebuild the index cache") { try lock.withLock {
            let index = try indexHolder.replace(path: privateFolder + "/index.sqlite", storeInode: files.storeInode)
            return try index.pool.writeWithoutTransaction { db in
                var report = Refresh.Report()
                try db.inTransaction {
                    _ = try Self.recover(files, db: db)
                    try IndexSchema.clear(db)
                    try IndexSchema.dropSecondaryIndexes(db)
                    report = try Refresh(root: files.root, db: db, progress: options.progress).run(check: .folders)
                    try IndexSchema.createSecondaryIndexes(db)
                    return .commit
                }
                return report
            }
        } }
    }

    /// Runs `body`; if it fails because the index cache is damaged (SQLite finds bad pages),
    /// rebuilds the cache from the files and runs `body` once more.
    func withDamageRecovery<T>(_ body: () throws -> T) throws -> T {
        let damaged = index
        do {
            return try body()
        } catch let error where IndexDatabase.isDamage(error) {
            try lock.withLock {
                // Another thread may have replaced it already.
                if index === damaged { _ = try rebuildReplacingDamaged() }
            }
            return try body()
        }
    }

    /// With the writer lock held: a new index built from the files, in place of a damaged one.
    private func rebuildReplacingDamaged() throws -> IndexDatabase {
        let index = try indexHolder.replace(path: privateFolder + "/index.sqlite", storeInode: files.storeInode)
        try index.pool.writeWithoutTransaction { db in
            try db.inTransaction {
                _ = try Self.build(files, db: db, options: options)
                return .commit
            }
        }
        return index
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
    /// while this store object was open, or an edit in place that kept the folder unchanged), the
    /// call is rolled back, that file and every changed folder reindexed, and the call run again
    /// on the fresh index.
    ///
    /// `beforeJournal` sees the call's journal before it is written (an import records the
    /// files its batch creates, ``PendingImport``).
    ///
    /// A store of an older format refuses writes (`migrating` is the migration's own write).
    func write<T>(migrating: Bool = false, _ body: (WriteTransaction) throws -> T,
                  beforeJournal: ((Journal) throws -> Void)? = nil) throws -> T {
        if let readOnly { throw readOnly }
        if !migrating, let refusal = StoreManifest(formatVersion: formatVersion).writeRefusal { throw refusal }
        return try IndexDatabase.describingFailures("write the index cache") { try withDamageRecovery {
            try lock.withLock {
                try index.pool.writeWithoutTransaction { db in
                    // A writer in another process may have died mid-write.
                    if files.hasPending || (files.hasPendingImport && !files.isImporting) {
                        try db.inTransaction { _ = try Self.recover(files, db: db); return .commit }
                    }
                    var attempts = 0
                    while true {
                        do {
                            return try attempt(body, beforeJournal: beforeJournal, db: db)
                        } catch let stale as WriteTransaction.StaleIndex {
                            attempts += 1
                            // Each retry reindexes the file that moved; a file that keeps
                            // changing under the writer (another tool rewriting it) ends the call.
                            guard attempts <= 3 else {
                                throw StoreError(.aborted, "the file kept changing on disk while this call was writing it; try again",
                                                 path: stale.path)
                            }
                            try db.inTransaction {
                                _ = try Refresh(root: root, db: db, progress: options.progress).run(check: .folders)
                                let absolute = self.absolute(stale.path)
                                let (content, hash) = ParsedFile.readHashedIfPresent(stale.path, root: root)
                                let writer = IndexWriter(db: db)
                                try writer.reindex(path: stale.path, content: content, signature: FileSystem.signature(absolute), hash: hash)
                                try writer.settleContextTimes()
                                return .commit
                            }
                        }
                    }
                }
            }
        } }
    }

    private func attempt<T>(_ body: (WriteTransaction) throws -> T, beforeJournal: ((Journal) throws -> Void)?, db: Database) throws -> T {
        var result: T?
        var journal: Journal?
        do {
            try db.inTransaction(.immediate) {
                let transaction = WriteTransaction(core: self, db: db)
                result = try body(transaction)
                let changes = try transaction.finish()
                if !changes.entries.isEmpty {
                    try beforeJournal?(changes)
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
                // the call never reached are what they have anyway). If that fails too (the disk
                // is full), the journal stays, turned to roll back: the next open or write
                // finishes the undo, and nothing half-written is ever indexed.
                do {
                    try files.undo(journal)
                    try files.clear()
                } catch {
                    try? files.markForRollBack(sync: options.durability == .full)
                }
            }
            throw Self.described(error)
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

    /// SQLite's own failures in words that name the index file (a full disk); damage is left as
    /// it is, for ``withDamageRecovery(_:)``.
    static func described(_ error: any Error) -> any Error {
        guard let database = error as? DatabaseError, !IndexDatabase.isDamage(database) else { return error }
        return IndexDatabase.storeError(database, operation: "write the index cache")
    }

    // MARK: - Recovery

    /// Rolls a complete journal forward (or back, when it says so), files and index, or drops an
    /// incomplete one. A journal this store did not write is cleared unapplied; the returned
    /// warning says so.
    static func recover(_ files: JournaledFiles, db: Database) throws -> [StoreError] {
        try files.removeTemporaryFiles()
        var warnings: [StoreError] = []
        switch try files.pending() {
        case nil:
            break
        case .refused(let warning)?:
            try files.clear()
            warnings.append(warning)
        case .journal(let journal)?:
            let writer = IndexWriter(db: db)
            let folders = FileSystem.Folders(root: files.root)
            for entry in journal.entries {
                let bytes = journal.direction == .forward ? entry.new : entry.old
                try files.put(bytes, at: entry.path, folders: folders)
                try writer.reindex(path: entry.path, content: bytes.map { ParsedFile.parse($0, path: entry.path) },
                                   signature: FileSystem.signature(files.root + "/" + entry.path), hash: bytes.map(ContentHash.of))
            }
            try writer.settleContextTimes()
            try files.clear()
        }
        if let warning = try undoUnfinishedImport(files, db: db) { warnings.append(warning) }
        return warnings
    }

    /// Undoes an import this process gave up part-way (see ``ImportSession/abandon()``).
    func undoUnfinishedImport() throws {
        try IndexDatabase.describingFailures("write the index cache") {
            try lock.withLock {
                try index.pool.writeWithoutTransaction { db in
                    try db.inTransaction {
                        _ = try Self.undoUnfinishedImport(files, db: db)
                        return .commit
                    }
                }
            }
        }
    }

    /// Removes what the batches of an import that did not finish created (see ``PendingImport``);
    /// the warning says so. A record from another store folder is cleared without touching files.
    static func undoUnfinishedImport(_ files: JournaledFiles, db: Database) throws -> StoreError? {
        guard let (record, clear) = try files.unfinishedImport() else { return nil }
        let label = StoreLayout.privateFolder + "/import-pending"
        guard record.storeInode == files.storeInode else {
            try clear()
            return StoreError(.failedPrecondition, "the record of an unfinished import written by another store folder (a clone or a copy) "
                + "was not replayed and has been cleared; no file was changed", path: label)
        }
        if record.tokens.contains(where: { StoreLayout.isDataPath($0) && FileSystem.exists(files.root + "/" + $0) }) {
            try clear()
            return nil
        }
        let writer = IndexWriter(db: db)
        let folders = FileSystem.Folders(root: files.root)
        var removed = 0
        for path in record.created.reversed() where StoreLayout.isDataPath(path) {
            if FileSystem.signature(files.root + "/" + path) != nil {
                try files.put(nil, at: path, folders: folders)
                removed += 1
            }
            try writer.reindex(path: path, content: nil, signature: nil, hash: nil)
        }
        // A file rewritten by several batches gets the bytes the first one saw.
        var restored: Set<String> = []
        for (path, old) in record.rewritten where StoreLayout.isDataPath(path) && restored.insert(path).inserted {
            try files.put(old, at: path, folders: folders)
            try writer.reindex(path: path, content: ParsedFile.parse(old, path: path), signature: FileSystem.signature(files.root + "/" + path),
                               hash: ContentHash.of(old))
        }
        try writer.settleContextTimes()
        try clear()
        return StoreError(.aborted, "an import that was stopped before its last batch was undone: \(removed) files it created were removed"
            + (restored.isEmpty ? "" : " and \(restored.count) it changed restored"), path: label)
    }
}

/// The current index database of a store, replaced as a whole when it is found damaged.
private final class IndexHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var index: IndexDatabase

    init(_ index: IndexDatabase) {
        self.index = index
    }

    var current: IndexDatabase { lock.withLock { index } }

    /// Deletes the index files and opens a new, empty index. Call with the writer lock held.
    ///
    /// The old connections are closed first: SQLite deletes a WAL file *by name* when its last
    /// connection closes, which would take the new index's WAL. (A persistent WAL would avoid
    /// that, but costs every open a scan of the old WAL: 5 ms → 25 ms at 1k.) A connection
    /// still busy in another thread, or another process, keeps that small risk; what it could
    /// lose is index rows, which the next refresh finds missing and rereads.
    func replace(path: String, storeInode: Int64) throws -> IndexDatabase {
        try? current.pool.close()
        IndexDatabase.delete(path: path)
        let (fresh, _) = try IndexDatabase.open(path: path, storeInode: storeInode)
        lock.withLock { index = fresh }
        return fresh
    }
}
