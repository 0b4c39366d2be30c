import Foundation
internal import GRDB

/// The SQLite database behind the index cache, opened in WAL mode so that readers in any
/// process see the last committed write and never a half-applied one.
final class IndexDatabase: Sendable {
    let pool: DatabasePool
    let path: String

    /// Opens the index at `path`, creating it if needed. An index written by another schema
    /// version, one SQLite cannot open, or one made for another store folder (`storeInode`
    /// differs: the cache came with a clone or a copy) is deleted and created empty; `isNew`
    /// then tells the caller to rebuild it from the files. Call with the store's writer lock held.
    static func open(path: String, storeInode: Int64?) throws -> (index: IndexDatabase, isNew: Bool) {
        let existed = FileManager.default.fileExists(atPath: path)
        if existed, let index = try? IndexDatabase(path: path),
            let (version, inode) = try? index.pool.writeWithoutTransaction({ db in (try Self.schemaVersion(db), try Self.storeInode(db)) }),
            version == IndexSchema.version, storeInode == nil || inode == storeInode
        {
            return (index, false)
        }
        delete(path: path)
        let index = try IndexDatabase(path: path)
        try index.pool.write { db in
            try IndexSchema.create(db)
            if let storeInode {
                try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('store_inode', ?)", arguments: [String(storeInode)])
            }
        }
        return (index, true)
    }

    /// Deletes the index files (a cache: nothing is lost).
    static func delete(path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private init(path: String) throws {
        var configuration = Configuration()
        configuration.label = "mlmd-index"
        configuration.foreignKeysEnabled = false
        // Writers in other processes hold the lock briefly; wait for them rather than fail.
        configuration.busyMode = .timeout(60)
        configuration.prepareDatabase { db in
            // The index is a cache: NORMAL keeps it consistent across crashes and power loss (WAL)
            // without an fsync per transaction; the files, not the index, are what must be durable.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Big rebuilds touch every index page many times; a roomy cache keeps SQLite from
            // spilling (and rewriting) dirty pages to the WAL mid-transaction.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            // Reads of scattered rows (one type's artifacts among all) cost a pread per page;
            // memory-mapped pages cost nothing once the file is in the page cache.
            try db.execute(sql: "PRAGMA mmap_size = 4294967296")
        }
        self.pool = try DatabasePool(path: path, configuration: configuration)
        self.path = path
    }

    /// Read on the writer's connection: opening a reader connection just for this costs as much
    /// as the rest of an open.
    private static func schemaVersion(_ db: Database) throws -> Int? {
        guard try db.tableExists("meta") else { return nil }
        return try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'").flatMap(Int.init)
    }

    private static func storeInode(_ db: Database) throws -> Int64? {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'store_inode'").flatMap { Int64($0) }
    }

    // MARK: Damage

    /// Whether an error means the index file is damaged (bad pages, not a database at all).
    static func isDamage(_ error: any Error) -> Bool {
        if let error = error as? StoreError { return error.underlying?.domain == "index" }
        guard let error = error as? DatabaseError else { return false }
        return error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB
    }

    /// What opening a store says when it found its index damaged and rebuilt it.
    static func damageNotice(_ error: any Error, path: String) -> StoreError {
        var notice = (error as? DatabaseError).map { storeError($0, operation: "read the index cache") } ?? (error as? StoreError) ?? RecordCodec.damaged
        notice.message = "the index cache was damaged (\(notice.message)); it has been rebuilt from the store's files"
        return notice
    }

    /// Runs `body`, turning SQLite's failures into ``storeError(_:operation:)``.
    static func describingFailures<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw storeError(error, operation: operation)
        }
    }

    /// An SQLite failure as a store error that names the index file and keeps SQLite's code:
    /// a full disk is RESOURCE_EXHAUSTED, a damaged file DATA_LOSS, a read-only one PERMISSION_DENIED.
    static func storeError(_ error: DatabaseError, operation: String) -> StoreError {
        let code: StoreError.Code = switch error.resultCode {
        case .SQLITE_FULL: .resourceExhausted
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: .dataLoss
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN: .permissionDenied
        case .SQLITE_BUSY, .SQLITE_LOCKED: .unavailable
        default: .internal
        }
        let sqliteMessage = error.message ?? "error \(error.resultCode.rawValue)"
        let hint: String = switch code {
        case .resourceExhausted: "; the disk is full: the store's files are unchanged, free some space and retry"
        case .dataLoss: "; it is a cache: `mlmd reindex` rebuilds it from the files"
        default: ""
        }
        return StoreError(code, "cannot \(operation): \(sqliteMessage)\(hint)", path: StoreLayout.privateFolder + "/index.sqlite",
                          underlying: StoreError.Underlying(domain: "sqlite", code: error.extendedResultCode.rawValue,
                                                            name: "\(error.extendedResultCode)"))
    }
}
