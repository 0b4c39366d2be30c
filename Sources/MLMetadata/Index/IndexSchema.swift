internal import GRDB

/// The tables of the index cache (`.mlmd/index.sqlite`).
///
/// The cache holds everything a read needs: each type's canonical JSON and each node's compact
/// binary record (`body`, see ``RecordCodec``) plus the
/// columns and property rows that queries filter on, and every edge with the file it came from.
/// The `file` table keeps each store file's signature so that changes made outside the library
/// are found without reading unchanged files. Bump ``version`` whenever the schema changes: an
/// index with another version is dropped and rebuilt from the files.
enum IndexSchema {
    static let version = 9

    /// Table and column names of one node kind.
    struct NodeTable: Sendable {
        let kind: NodeKind
        let table: String
        let propertyTable: String
        /// The id column in the property table and in edge tables.
        let idColumn: String
    }

    static let artifacts = NodeTable(kind: .artifact, table: "artifact", propertyTable: "artifact_property", idColumn: "artifact_id")
    static let executions = NodeTable(kind: .execution, table: "execution", propertyTable: "execution_property", idColumn: "execution_id")
    static let contexts = NodeTable(kind: .context, table: "context", propertyTable: "context_property", idColumn: "context_id")

    static func table(_ kind: NodeKind) -> NodeTable {
        switch kind {
        case .artifact: artifacts
        case .execution: executions
        case .context: contexts
        }
    }

    /// Numeric codes of type kinds in the `type` table (as MLMD's `type_kind`).
    static func code(_ kind: TypeKind) -> Int {
        switch kind {
        case .execution: 0
        case .artifact: 1
        case .context: 2
        }
    }

    /// A store-relative path as the `file` table keeps it: (folder, name).
    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    /// Edge kinds in the `edge` table; each has a view with MLMD's column names.
    enum EdgeKind: Int {
        /// a = artifact, b = execution.
        case event = 1
        /// a = artifact, b = context.
        case attribution = 2
        /// a = execution, b = context.
        case association = 3
        /// a = child context, b = parent context.
        case parentContext = 4
    }

    /// The indexes reads need but a bulk load does not: a rebuild drops them, inserts every
    /// row, then creates them in one sorted pass each, which is much faster than keeping them
    /// up to date row by row.
    static let secondaryIndexes: [(name: String, definition: String)] = [artifacts, executions, contexts].flatMap { table in
        [
            ("\(table.table)_by_type_name", "\(table.table)(type_id, name)"),
            ("\(table.table)_by_external_id", "\(table.table)(external_id) WHERE external_id IS NOT NULL"),
            ("\(table.table)_by_create_time", "\(table.table)(create_time, id)"),
            // Listing one type newest (or oldest) first, the most common paged read.
            ("\(table.table)_by_type_create_time", "\(table.table)(type_id, create_time, id)"),
            ("\(table.table)_by_update_time", "\(table.table)(update_time, id)"),
        ]
    } + [
        ("artifact_by_uri", "artifact(uri)"),
        ("edge_by_a", "edge(kind, a, b)"),
        ("edge_by_b", "edge(kind, b, a)"),
        ("edge_by_file", "edge(file_id)"),
        ("origin_by_id", "origin(id, kind)"),
        ("origin_by_file", "origin(file_id)"),
        ("context_time_by_context", "context_time(context_id)"),
        ("context_time_by_file", "context_time(file_id)"),
    ]

    static func dropSecondaryIndexes(_ db: Database) throws {
        for index in secondaryIndexes { try db.execute(sql: "DROP INDEX IF EXISTS \(index.name)") }
    }

    static func createSecondaryIndexes(_ db: Database) throws {
        for index in secondaryIndexes { try db.execute(sql: "CREATE INDEX IF NOT EXISTS \(index.name) ON \(index.definition)") }
    }

    /// Deletes every row but the schema version, leaving an index to be rebuilt.
    static func clear(_ db: Database) throws {
        for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'meta'") {
            try db.execute(sql: "DELETE FROM \(table)")
        }
    }

    /// Every write call touches these tables and indexes; each one costs a page write when the
    /// transaction commits, so the schema keeps them few: one file table (clustered by path) with
    /// one index, one
    /// edge table with three, node tables without a file index (the file row names its entity).
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

            -- Every store file the index has read, with the signature it had then (size, mtime,
            -- inode, as git's index keeps them) and when that signature was taken.
            -- Clustered by path, so that a check walks files folder by folder in one scan.
            CREATE TABLE file (
              folder TEXT NOT NULL,           -- the parent folder's path ('' for the store root)
              name TEXT NOT NULL,
              id INTEGER NOT NULL,            -- what entity and edge rows refer to
              entity_id INTEGER,              -- the type or node a type or node file holds
              size INTEGER NOT NULL DEFAULT -1,
              mtime_ns INTEGER NOT NULL DEFAULT -1,
              inode INTEGER NOT NULL DEFAULT -1,
              checked_ns INTEGER NOT NULL DEFAULT 0,
              hash INTEGER,                   -- ContentHash of the bytes indexed (NULL: unknown)
              PRIMARY KEY (folder, name)
            ) WITHOUT ROWID;
            CREATE UNIQUE INDEX file_by_id ON file(id);
            -- Files that could not be indexed, with the reason (reported by open and fsck).
            CREATE TABLE problem (
              file_id INTEGER PRIMARY KEY,
              line INTEGER,
              message TEXT NOT NULL
            );
            -- Every folder of the store's data with its signature: adding, removing or replacing
            -- a file changes its folder's mtime, so comparing folders finds every change git makes.
            CREATE TABLE folder (
              path TEXT PRIMARY KEY,
              mtime_ns INTEGER NOT NULL,
              inode INTEGER NOT NULL,
              checked_ns INTEGER NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE type (
              id INTEGER PRIMARY KEY,
              kind INTEGER NOT NULL,
              name TEXT NOT NULL,
              version TEXT NOT NULL,          -- '' when unversioned (MLMD treats NULL and '' alike)
              stem_key TEXT NOT NULL,         -- lower-cased file stem: names that clash on case-insensitive disks
              external_id TEXT,
              file_id INTEGER NOT NULL,
              body BLOB NOT NULL
            );
            CREATE INDEX type_by_name ON type(kind, name, version);
            CREATE INDEX type_by_stem ON type(kind, stem_key);
            CREATE INDEX type_by_external_id ON type(external_id) WHERE external_id IS NOT NULL;
            """)
        for table in [artifacts, executions, contexts] {
            let extraColumns = switch table.kind {
            case .artifact: "uri TEXT, state INTEGER,"
            case .execution: "state INTEGER,"
            case .context: ""
            }
            try db.execute(sql: """
                CREATE TABLE \(table.table) (
                  id INTEGER PRIMARY KEY,
                  type_id INTEGER NOT NULL,
                  name TEXT,
                  external_id TEXT,
                  \(extraColumns)
                  create_time INTEGER NOT NULL,
                  update_time INTEGER NOT NULL,
                  file_id INTEGER NOT NULL,
                  body BLOB NOT NULL
                );
                CREATE TABLE \(table.propertyTable) (
                  \(table.idColumn) INTEGER NOT NULL,
                  is_custom INTEGER NOT NULL,
                  name TEXT NOT NULL,
                  int_value INTEGER,
                  double_value REAL,
                  string_value TEXT,
                  bool_value INTEGER,
                  PRIMARY KEY (\(table.idColumn), is_custom, name)
                ) WITHOUT ROWID;
                """)
        }
        try db.execute(sql: """
            -- All edges in one table (see EdgeKind), read through the views below.
            CREATE TABLE edge (
              kind INTEGER NOT NULL,
              a INTEGER NOT NULL,
              b INTEGER NOT NULL,
              type INTEGER,                   -- events: the event type
              milliseconds INTEGER,           -- events
              path TEXT,                      -- events: the steps as compact JSON, NULL without a path
              file_id INTEGER NOT NULL
            );

            CREATE VIEW event AS SELECT rowid AS edge_id, a AS artifact_id, b AS execution_id, type, milliseconds, path, file_id
              FROM edge WHERE kind = 1;
            CREATE VIEW attribution AS SELECT a AS artifact_id, b AS context_id, file_id FROM edge WHERE kind = 2;
            CREATE VIEW association AS SELECT a AS execution_id, b AS context_id, file_id FROM edge WHERE kind = 3;
            -- Imported entities' ids in their MLMD database (origins/ files). Not unique: two
            -- branches that imported the same rows each add a file, normally with the same ids.
            CREATE TABLE origin (
              source TEXT NOT NULL,
              kind INTEGER NOT NULL,          -- Origin.Kind.code
              mlmd_id INTEGER NOT NULL,
              id INTEGER NOT NULL,
              file_id INTEGER NOT NULL
            );
            CREATE INDEX origin_by_mlmd_id ON origin(source, kind, mlmd_id);

            -- Contexts' recorded times (ContextTimes): lines of edge files, and the times a
            -- context file of format 1 holds itself. A context's row and body carry the
            -- earliest create time and the latest update time of its rows.
            CREATE TABLE context_time (
              context_id INTEGER NOT NULL,
              create_time INTEGER,
              update_time INTEGER,
              file_id INTEGER NOT NULL
            );
            -- Contexts whose time rows changed: settled before the transaction commits.
            CREATE TABLE context_time_pending (id INTEGER PRIMARY KEY);

            CREATE VIEW parent_context AS SELECT a AS child_id, b AS parent_id, file_id FROM edge WHERE kind = 4;
            """)
        try createSecondaryIndexes(db)
        try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('schema_version', ?)", arguments: [String(version)])
    }
}
