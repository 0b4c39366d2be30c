internal import GRDB
internal import GRDBSQLite

/// Runs one of GRDB's cached statements with values bound straight through SQLite's C API.
///
/// GRDB's `StatementArguments` box every value in an existential array; on the index's insert
/// paths (a rebuild inserts ~10 rows per file) that costs more than SQLite's own work. Only for
/// statements that return no rows.
struct FastStatement {
    private let statement: Statement
    private let db: Database

    init(_ db: Database, _ sql: String) throws {
        self.db = db
        self.statement = try db.cachedStatement(sql: sql)
    }

    /// Binds parameters 1, 2, … with `bind`, runs the statement to completion, and resets it.
    func execute(_ bind: (inout Binder) -> Void) throws {
        let handle = statement.sqliteStatement
        var binder = Binder(handle: handle)
        bind(&binder)
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: statement.sql)
        }
    }

    /// Runs an `INSERT … RETURNING <integer>` and returns the integer.
    func returning(_ bind: (inout Binder) -> Void) throws -> Int64 {
        let handle = statement.sqliteStatement
        var binder = Binder(handle: handle)
        bind(&binder)
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: statement.sql)
        }
        let value = sqlite3_column_int64(handle, 0)
        guard sqlite3_step(handle) == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: sqlite3_errcode(db.sqliteConnection)), message: db.lastErrorMessage,
                                sql: statement.sql)
        }
        return value
    }

    /// Runs a query and hands each row to `body` without converting columns to Swift values
    /// until asked (text columns can be read as raw bytes).
    func forEachRow(binding bind: (inout Binder) -> Void = { _ in }, _ body: (Columns) throws -> Void) throws {
        let handle = statement.sqliteStatement
        var binder = Binder(handle: handle)
        bind(&binder)
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: statement.sql)
            }
            try body(Columns(handle: handle))
        }
    }

    /// The columns of the current row.
    struct Columns {
        fileprivate let handle: OpaquePointer

        func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

        /// The integer, or nil for NULL.
        func optionalInt(_ column: Int32) -> Int64? {
            sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
        }

        /// The text's UTF-8 bytes, valid until the next row; they are followed by a NUL byte.
        func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
            guard let text = sqlite3_column_text(handle, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
            return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column)))
        }

        func string(_ column: Int32) -> String { String(decoding: bytes(column), as: UTF8.self) }
    }

    /// Binds parameters, steps once, and tells whether a row came back (for `SELECT 1 …` checks).
    func exists(_ bind: (inout Binder) -> Void) throws -> Bool {
        let handle = statement.sqliteStatement
        var binder = Binder(handle: handle)
        bind(&binder)
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        guard code == SQLITE_ROW || code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: statement.sql)
        }
        return code == SQLITE_ROW
    }

    struct Binder {
        fileprivate let handle: OpaquePointer
        private var index: Int32 = 0

        fileprivate init(handle: OpaquePointer) {
            self.handle = handle
        }

        private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

        mutating func int(_ value: Int64?) {
            index += 1
            if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
        }

        mutating func int(_ value: Int?) { int(value.map(Int64.init)) }

        mutating func double(_ value: Double?) {
            index += 1
            if let value, !value.isNaN { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
        }

        mutating func text(_ value: String?) {
            index += 1
            guard var value else { sqlite3_bind_null(handle, index); return }
            if value.isEmpty {
                sqlite3_bind_text(handle, index, "", 0, Self.transient)
                return
            }
            value.withUTF8 { bytes in
                _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self),
                                      Int32(bytes.count), Self.transient)
            }
        }

        mutating func blob(_ value: [UInt8]) {
            index += 1
            value.withUnsafeBytes { bytes in
                _ = sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
            }
        }
    }
}
