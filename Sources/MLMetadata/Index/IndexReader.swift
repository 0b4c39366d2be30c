import Foundation
internal import GRDB

/// Reads rows of the index back into model values.
struct IndexReader {
    let db: Database

    // MARK: Types

    private static let typeColumns = "id, kind, body"

    func type(id: Int64) throws -> TypeRecord? {
        try fetchType(sql: "SELECT \(Self.typeColumns) FROM type WHERE id = ?", [id]).first
    }

    func type(kind: TypeKind, name: String, version: String?) throws -> TypeRecord? {
        try fetchType(sql: "SELECT \(Self.typeColumns) FROM type WHERE kind = ? AND name = ? AND version = ?",
                      [IndexSchema.code(kind), name, version ?? ""]).first
    }

    func types(kind: TypeKind) throws -> [TypeRecord] {
        try fetchType(sql: "SELECT \(Self.typeColumns) FROM type WHERE kind = ? ORDER BY id", [IndexSchema.code(kind)])
    }

    /// The type of any kind holding `externalID`.
    func typeID(externalID: String) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM type WHERE external_id = ?"), arguments: [externalID])
    }

    /// A type of the kind whose file stem equals `stem` ignoring case.
    func type(kind: TypeKind, stemKey: String) throws -> TypeRecord? {
        try fetchType(sql: "SELECT \(Self.typeColumns) FROM type WHERE kind = ? AND stem_key = ?",
                      [IndexSchema.code(kind), stemKey]).first
    }

    private func fetchType(sql: String, _ arguments: StatementArguments) throws -> [TypeRecord] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { row in
            let kind = TypeKind.allCases.first { IndexSchema.code($0) == row[1] as Int }!
            let body: Data = row[2]
            if let cached = Self.typeCache.record(for: body) { return cached }
            let record = try TypeRecord.decode(ParsedFile.parseJSON(Array(body), path: "index"), kind: kind)
            Self.typeCache.insert(record, for: body)
            return record
        }
    }

    /// Types are read on every write call; their JSON is parsed once per distinct content.
    private static let typeCache = TypeCache()

    private final class TypeCache: @unchecked Sendable {
        private let lock = NSLock()
        private var records: [Data: TypeRecord] = [:]

        func record(for body: Data) -> TypeRecord? { lock.withLock { records[body] } }

        func insert(_ record: TypeRecord, for body: Data) {
            lock.withLock {
                if records.count > 10_000 { records.removeAll() }
                records[body] = record
            }
        }
    }

    // MARK: Nodes

    func node<N: NodeCoding>(id: Int64, as type: N.Type) throws -> N? {
        let table = IndexSchema.table(N.kind)
        return try nodes(sql: "SELECT body FROM \(table.table) WHERE id = ?", [id], as: N.self).first
    }

    /// Runs `sql`, whose first column is a node's `body`, and decodes each row.
    func nodes<N: NodeCoding>(sql: String, _ arguments: StatementArguments = [], as type: N.Type) throws -> [N] {
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        var out: [N] = []
        while let row = try cursor.next() {
            out.append(try row.withUnsafeData(atIndex: 0) { data in
                guard let data else { throw StoreError(.internal, "index row without a body") }
                return try data.withUnsafeBytes { try RecordCodec.decode($0, as: N.self) }
            })
        }
        return out
    }

    func nodeID(kind: NodeKind, typeID: Int64, name: String) throws -> Int64? {
        let table = IndexSchema.table(kind)
        return try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM \(table.table) WHERE type_id = ? AND name = ?"),
                                  arguments: [typeID, name])
    }

    func nodeID(kind: NodeKind, externalID: String) throws -> Int64? {
        let table = IndexSchema.table(kind)
        return try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM \(table.table) WHERE external_id = ?"),
                                  arguments: [externalID])
    }

    func nodeExists(kind: NodeKind, id: Int64) throws -> Bool {
        try FastStatement(db, "SELECT 1 FROM \(IndexSchema.table(kind).table) WHERE id = ?").exists { $0.int(id) }
    }

    /// Contexts whose own file holds their times (format 1), by id.
    func contextsWithTimesInTheirFiles() throws -> [Int64] {
        try Int64.fetchAll(db, sql: """
            SELECT DISTINCT context.id FROM context
            JOIN context_time ON context_time.file_id = context.file_id AND context_time.context_id = context.id
            ORDER BY context.id
            """)
    }

    /// The store-relative path of the file a node was read from.
    func filePath(ofNode kind: NodeKind, id: Int64) throws -> String? {
        let table = IndexSchema.table(kind)
        return try Row.fetchOne(db.cachedStatement(sql: """
            SELECT file.folder, file.name FROM \(table.table) JOIN file ON file.id = \(table.table).file_id WHERE \(table.table).id = ?
            """), arguments: [id]).map { Self.path($0) }
    }

    func filePath(ofType id: Int64) throws -> String? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT file.folder, file.name FROM type JOIN file ON file.id = type.file_id WHERE type.id = ?"),
                         arguments: [id]).map { Self.path($0) }
    }

    /// The store-relative path of the file with this row id.
    func filePath(id: Int64) throws -> String? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT folder, name FROM file WHERE id = ?"), arguments: [id]).map { Self.path($0) }
    }

    /// A path from a row whose first two columns are a file's folder and name.
    static func path(_ row: Row, from column: Int = 0) -> String {
        let folder: String = row[column]
        let name: String = row[column + 1]
        return folder.isEmpty ? name : folder + "/" + name
    }

    /// What the index knows of a file: its row id, signature (nil if unknown) and problem.
    struct FileState {
        var id: Int64
        var signature: FileSystem.Signature?
        var problem: String?
    }

    func fileState(path: String) throws -> FileState? {
        let (folder, name) = IndexSchema.split(path)
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT file.id, size, mtime_ns, inode, problem.message FROM file LEFT JOIN problem ON problem.file_id = file.id
            WHERE folder = ? AND name = ?
            """), arguments: [folder, name]) else { return nil }
        let size: Int64 = row[1]
        return FileState(id: row[0], signature: size < 0 ? nil : FileSystem.Signature(size: size, modificationNanoseconds: row[2], inode: row[3]),
                         problem: row[4])
    }

    /// The signature recorded for a folder; nil when the folder is unknown.
    func folderSignature(path: String) throws -> FileSystem.Signature? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT mtime_ns, inode FROM folder WHERE path = ?"),
                                         arguments: [path]) else { return nil }
        return FileSystem.Signature(size: 0, modificationNanoseconds: row[0], inode: row[1])
    }

    /// Every file that could not be indexed, by path.
    func problems() throws -> [StoreError] {
        try Row.fetchAll(db, sql: """
            SELECT file.folder, file.name, problem.line, problem.message FROM problem JOIN file ON file.id = problem.file_id
            ORDER BY file.folder, file.name
            """).map { StoreError(.dataLoss, $0[3], path: Self.path($0), line: $0[2]) }
    }

    /// The problem of the file that would hold node `id` of `kind` (a node file is named by its
    /// id), if such a file is in the store but could not be read.
    func problem(ofNode kind: NodeKind, id: Int64) throws -> StoreError? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT file.folder, file.name, problem.line, problem.message FROM file JOIN problem ON problem.file_id = file.id
            WHERE file.name = ? AND (file.folder = ? OR file.folder LIKE ?) LIMIT 1
            """), arguments: ["\(id).json", StoreLayout.folder(of: kind), StoreLayout.folder(of: kind) + "/%"])
            .map { StoreError(.dataLoss, $0[3], path: Self.path($0), line: $0[2]) }
    }

    // MARK: Edges

    func eventExists(artifactID: Int64, executionID: Int64, type: Event.Kind) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM event WHERE artifact_id = ? AND execution_id = ? AND type = ?"),
                          arguments: [artifactID, executionID, type.number]) ?? false
    }

    func attributionExists(_ edge: Attribution) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM attribution WHERE context_id = ? AND artifact_id = ?"),
                          arguments: [edge.contextID, edge.artifactID]) ?? false
    }

    func associationExists(_ edge: Association) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM association WHERE context_id = ? AND execution_id = ?"),
                          arguments: [edge.contextID, edge.executionID]) ?? false
    }

    func parentContextExists(_ edge: ParentContext) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM parent_context WHERE child_id = ? AND parent_id = ?"),
                          arguments: [edge.childID, edge.parentID]) ?? false
    }

    // MARK: Origins

    /// The store id of an imported entity (the smallest, should two branches disagree).
    func importedID(source: String, kind: Origin.Kind, mlmdID: Int64) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT min(id) FROM origin WHERE source = ? AND kind = ? AND mlmd_id = ?"),
                           arguments: [source, kind.code, mlmdID])
    }

    /// Every origin of a source: mlmd id → store id, per kind.
    func origins(source: String) throws -> [Origin.Kind: [Int64: Int64]] {
        var out: [Origin.Kind: [Int64: Int64]] = [:]
        let codes = Dictionary(uniqueKeysWithValues: Origin.Kind.allCases.map { ($0.code, $0) })
        let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT kind, mlmd_id, min(id) FROM origin WHERE source = ? GROUP BY kind, mlmd_id"),
                                       arguments: [source])
        while let row = try rows.next() {
            guard let kind = codes[row[0]] else { continue }
            out[kind, default: [:]][row[1]] = row[2]
        }
        return out
    }

    /// Where an entity was imported from (every source that brought it in or merged with it).
    func origins(ofID id: Int64) throws -> [Origin] {
        let codes = Dictionary(uniqueKeysWithValues: Origin.Kind.allCases.map { ($0.code, $0) })
        return try Row.fetchAll(db.cachedStatement(sql: "SELECT DISTINCT source, kind, mlmd_id FROM origin WHERE id = ? ORDER BY source, kind, mlmd_id"),
                                arguments: [id]).compactMap { row in
            codes[row[1]].map { Origin(source: row[0], kind: $0, mlmdID: row[2], id: id) }
        }
    }

    /// The import sources the store knows.
    func originSources() throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT DISTINCT source FROM origin ORDER BY source"))
    }

    /// Whether `ancestor` is `context` itself or reachable through parent links from it.
    func isAncestor(_ ancestor: Int64, of context: Int64) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
            WITH RECURSIVE up(id) AS (SELECT ? UNION SELECT parent_id FROM parent_context JOIN up ON child_id = up.id)
            SELECT 1 FROM up WHERE id = ? LIMIT 1
            """), arguments: [context, ancestor]) ?? false
    }
}
