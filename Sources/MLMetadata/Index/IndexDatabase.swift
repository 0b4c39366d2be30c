import Foundation
internal import GRDB

/// The SQLite database behind the index cache, opened in WAL mode so that readers in any
/// process see the last committed write and never a half-applied one.
final class IndexDatabase: Sendable {
    let pool: DatabasePool
    let path: String

    /// Opens the index at `path`, creating it if needed. An index written by another schema
    /// version, or one SQLite cannot open, is deleted and created empty; `isNew` then tells the
    /// caller to rebuild it from the files. Call with the store's writer lock held.
    static func open(path: String) throws -> (index: IndexDatabase, isNew: Bool) {
        let existed = FileManager.default.fileExists(atPath: path)
        if existed, let index = try? IndexDatabase(path: path),
            (try? index.pool.writeWithoutTransaction { try Self.schemaVersion($0) }) == IndexSchema.version
        {
            return (index, false)
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let index = try IndexDatabase(path: path)
        try index.pool.write { db in try IndexSchema.create(db) }
        return (index, true)
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
}
