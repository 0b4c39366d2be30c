import GRDB

/// Writes rows into the index inside a write transaction.
///
/// Both the write path (entities the API just built) and the reindexer (entities parsed from
/// files) go through these functions, so the index looks the same whichever way a row came in.
struct IndexWriter {
    let db: Database

    // MARK: Files and folders

    /// The id of the file row for `path`, created (with an unknown signature) if missing.
    func fileID(for path: String) throws -> Int64 {
        try fileRow(for: path).id
    }

    /// The id of the file row for `path` and whether it was just created.
    func fileRow(for path: String) throws -> (id: Int64, isNew: Bool) {
        if let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM file WHERE path = ?"), arguments: [path]) {
            return (id, false)
        }
        try db.cachedStatement(sql: "INSERT INTO file(path, folder) VALUES (?, ?)").execute(arguments: [path, FileSystem.parentPath(path)])
        return (db.lastInsertedRowID, true)
    }

    /// Records the signature a file has now (nil: unknown, so the next check re-reads it).
    func setSignature(fileID: Int64, _ signature: FileSystem.Signature?, checkedAt: Int64 = FileSystem.nowNanoseconds()) throws {
        try db.cachedStatement(sql: "UPDATE file SET size = ?, mtime_ns = ?, inode = ?, checked_ns = ? WHERE id = ?").execute(arguments: [
            signature?.size ?? -1, signature?.modificationNanoseconds ?? -1, signature?.inode ?? -1, checkedAt, fileID,
        ])
    }

    /// Records a folder's signature (nil: forget the folder).
    func setFolderSignature(_ path: String, _ signature: FileSystem.Signature?, checkedAt: Int64 = FileSystem.nowNanoseconds()) throws {
        guard let signature else {
            try db.cachedStatement(sql: "DELETE FROM folder WHERE path = ?").execute(arguments: [path])
            return
        }
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO folder(path, mtime_ns, inode, checked_ns) VALUES (?, ?, ?, ?)")
            .execute(arguments: [path, signature.modificationNanoseconds, signature.inode, checkedAt])
    }

    /// Deletes every row that came from the file, keeping the file row itself.
    func clearRows(ofFile fileID: Int64) throws {
        for table in [IndexSchema.artifacts, IndexSchema.executions, IndexSchema.contexts] {
            try db.cachedStatement(sql: """
                DELETE FROM \(table.propertyTable) WHERE \(table.idColumn) IN (SELECT id FROM \(table.table) WHERE file_id = ?)
                """).execute(arguments: [fileID])
            try db.cachedStatement(sql: "DELETE FROM \(table.table) WHERE file_id = ?").execute(arguments: [fileID])
        }
        for table in ["type", "event", "attribution", "association", "parent_context", "problem"] {
            try db.cachedStatement(sql: "DELETE FROM \(table) WHERE file_id = ?").execute(arguments: [fileID])
        }
    }

    func removeFile(path: String) throws {
        guard let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM file WHERE path = ?"), arguments: [path]) else { return }
        try clearRows(ofFile: id)
        try db.cachedStatement(sql: "DELETE FROM file WHERE id = ?").execute(arguments: [id])
    }

    // MARK: Entities

    func upsertType(_ type: TypeRecord, fileID: Int64, body: [UInt8]) throws {
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO type(id, kind, name, version, stem_key, external_id, file_id, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                type.id, IndexSchema.code(type.kind), type.name, type.version ?? "", type.stem.lowercased(),
                type.externalID, fileID, Data(body),
            ])
    }

    func upsertNode<N: NodeCoding>(_ node: N, fileID: Int64) throws {
        let table = IndexSchema.table(N.kind)
        guard let id = node.id, let typeID = node.typeID else { preconditionFailure("indexing a node without id or type") }
        var columns = "id, type_id, name, external_id, create_time, update_time, file_id, body"
        var values: [(any DatabaseValueConvertible)?] = [
            id, typeID, node.name, node.externalID, node.createTimeSinceEpoch ?? 0, node.lastUpdateTimeSinceEpoch ?? 0,
            fileID, Data(RecordCodec.encode(node)),
        ]
        switch N.kind {
        case .artifact:
            columns += ", uri, state"
            values += [node.indexedURI, node.indexedState]
        case .execution:
            columns += ", state"
            values += [node.indexedState]
        case .context:
            break
        }
        let arguments = StatementArguments(values)
        let placeholders = Array(repeating: "?", count: values.count).joined(separator: ", ")
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO \(table.table)(\(columns)) VALUES (\(placeholders))")
            .execute(arguments: arguments)
        try db.cachedStatement(sql: "DELETE FROM \(table.propertyTable) WHERE \(table.idColumn) = ?").execute(arguments: [id])
        let insert = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO \(table.propertyTable)(\(table.idColumn), is_custom, name, int_value, double_value, string_value, bool_value)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for (isCustom, properties) in [(false, node.properties), (true, node.customProperties)] {
            for (name, value) in properties {
                // One typed column per row, as MLMD's property tables; struct and proto values
                // are not queryable by value and keep all columns NULL.
                var columns: [(any DatabaseValueConvertible)?] = [nil, nil, nil, nil]
                switch value {
                case .int(let v): columns[0] = v
                case .double(let v): columns[1] = v.isNaN ? nil : v
                case .string(let v): columns[2] = v
                case .bool(let v): columns[3] = v
                case .struct, .proto: break
                }
                try insert.execute(arguments: StatementArguments([id, isCustom, name] + columns))
            }
        }
    }

    // MARK: Edges

    func insertEvent(_ event: Event, fileID: Int64) throws {
        let path: String? = event.path.map { steps in
            String(decoding: JSONWriter.write(ProtoJSON.encode(Event(path: steps, type: nil)), style: .compact), as: UTF8.self)
        }
        try db.cachedStatement(sql: """
            INSERT INTO event(artifact_id, execution_id, type, milliseconds, path, file_id) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                event.artifactID, event.executionID, event.type?.number ?? 0, event.millisecondsSinceEpoch, path, fileID,
            ])
    }

    func insertAttribution(_ edge: Attribution, fileID: Int64) throws {
        try db.cachedStatement(sql: "INSERT INTO attribution(context_id, artifact_id, file_id) VALUES (?, ?, ?)")
            .execute(arguments: [edge.contextID, edge.artifactID, fileID])
    }

    func insertAssociation(_ edge: Association, fileID: Int64) throws {
        try db.cachedStatement(sql: "INSERT INTO association(context_id, execution_id, file_id) VALUES (?, ?, ?)")
            .execute(arguments: [edge.contextID, edge.executionID, fileID])
    }

    func insertParentContext(_ edge: ParentContext, fileID: Int64) throws {
        try db.cachedStatement(sql: "INSERT INTO parent_context(child_id, parent_id, file_id) VALUES (?, ?, ?)")
            .execute(arguments: [edge.childID, edge.parentID, fileID])
    }
}

import Foundation
