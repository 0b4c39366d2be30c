internal import GRDB

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
        let (folder, name) = IndexSchema.split(path)
        if let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM file WHERE folder = ? AND name = ?"), arguments: [folder, name]) {
            return (id, false)
        }
        let id = try Int64.fetchOne(db.cachedStatement(sql: """
            INSERT INTO file(folder, name, id) VALUES (?, ?, (SELECT coalesce(max(id), 0) + 1 FROM file)) RETURNING id
            """), arguments: [folder, name])!
        return (id, true)
    }

    /// Records the signature a file has now (nil: unknown, so the next check re-reads it) and
    /// the hash of the bytes indexed from it.
    func setSignature(fileID: Int64, _ signature: FileSystem.Signature?, hash: Int64?, checkedAt: Int64 = FileSystem.nowNanoseconds()) throws {
        try db.cachedStatement(sql: "UPDATE file SET size = ?, mtime_ns = ?, inode = ?, checked_ns = ?, hash = ? WHERE id = ?").execute(arguments: [
            signature?.size ?? -1, signature?.modificationNanoseconds ?? -1, signature?.inode ?? -1, checkedAt, hash, fileID,
        ])
    }

    /// Trusts the racily clean signatures of a folder's files from `checkedAt` on: their bytes
    /// were found to be the ones indexed (same hash) after their racy window had passed.
    func confirmRacySignatures(inFolder folder: String, checkedAt: Int64, window: Int64) throws {
        try db.cachedStatement(sql: """
            UPDATE file SET checked_ns = ?1
            WHERE folder = ?2 AND hash IS NOT NULL AND checked_ns <= mtime_ns + ?3 AND mtime_ns + ?3 < ?1
            """).execute(arguments: [checkedAt, folder, window])
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
    func clearRows(ofFile fileID: Int64, path: String) throws {
        let entity = try Int64.fetchOne(db.cachedStatement(sql: "SELECT entity_id FROM file WHERE id = ?"), arguments: [fileID])
        switch StoreLayout.classify(path) {
        case .type?:
            if let entity { try db.cachedStatement(sql: "DELETE FROM type WHERE id = ? AND file_id = ?").execute(arguments: [entity, fileID]) }
        case .node(let kind)?:
            if let entity {
                let table = IndexSchema.table(kind)
                try db.cachedStatement(sql: """
                    DELETE FROM \(table.propertyTable) WHERE \(table.idColumn) = ?1
                      AND EXISTS (SELECT 1 FROM \(table.table) WHERE id = ?1 AND file_id = ?2)
                    """).execute(arguments: [entity, fileID])
                try db.cachedStatement(sql: "DELETE FROM \(table.table) WHERE id = ? AND file_id = ?").execute(arguments: [entity, fileID])
                if kind == .context { try clearContextTimes(ofFile: fileID) }
            }
        case .edges?:
            try db.cachedStatement(sql: "DELETE FROM edge WHERE file_id = ?").execute(arguments: [fileID])
            try clearContextTimes(ofFile: fileID)
        case .origins?:
            try db.cachedStatement(sql: "DELETE FROM origin WHERE file_id = ?").execute(arguments: [fileID])
        case nil:
            break
        }
        try db.cachedStatement(sql: "UPDATE file SET entity_id = NULL WHERE id = ?").execute(arguments: [fileID])
        try db.cachedStatement(sql: "DELETE FROM problem WHERE file_id = ?").execute(arguments: [fileID])
    }

    func removeFile(path: String) throws {
        let (folder, name) = IndexSchema.split(path)
        guard let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM file WHERE folder = ? AND name = ?"),
                                          arguments: [folder, name]) else { return }
        try clearRows(ofFile: id, path: path)
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
        try db.cachedStatement(sql: "UPDATE file SET entity_id = ? WHERE id = ?").execute(arguments: [type.id, fileID])
    }

    /// Inserts the row and property rows of a node the index does not hold, from a file whose
    /// row already names it.
    func insertNode<N: NodeCoding>(_ node: N, fileID: Int64) throws {
        try writeNode(node, fileID: fileID, isNew: true, updateFileRow: false)
    }

    /// Inserts or replaces a node's row and property rows. `isNew`: the id is not in the index
    /// yet, so there are no old property rows to delete.
    func upsertNode<N: NodeCoding>(_ node: N, fileID: Int64, isNew: Bool = false) throws {
        try writeNode(node, fileID: fileID, isNew: isNew, updateFileRow: true)
    }

    /// Writes a node's row and property rows; `updateFileRow`: also record it as the file's entity.
    func writeNode<N: NodeCoding>(_ node: N, fileID: Int64, isNew: Bool, updateFileRow: Bool) throws {
        let table = IndexSchema.table(N.kind)
        guard let id = node.id, let typeID = node.typeID else { preconditionFailure("indexing a node without id or type") }
        let (kindColumns, kindPlaceholders) = switch N.kind {
        case .artifact: (", uri, state", ", ?, ?")
        case .execution: (", state", ", ?")
        case .context: ("", "")
        }
        try FastStatement(db, """
            INSERT OR REPLACE INTO \(table.table)(id, type_id, name, external_id, create_time, update_time, file_id, body\(kindColumns))
            VALUES (?, ?, ?, ?, ?, ?, ?, ?\(kindPlaceholders))
            """).execute { bind in
            bind.int(id)
            bind.int(typeID)
            bind.text(node.name)
            bind.text(node.externalID)
            bind.int(node.createTimeSinceEpoch ?? 0)
            bind.int(node.lastUpdateTimeSinceEpoch ?? 0)
            bind.int(fileID)
            bind.blob(RecordCodec.encode(node))
            switch N.kind {
            case .artifact:
                bind.text(node.indexedURI)
                bind.int(node.indexedState)
            case .execution:
                bind.int(node.indexedState)
            case .context:
                break
            }
        }
        if updateFileRow {
            try db.cachedStatement(sql: "UPDATE file SET entity_id = ? WHERE id = ?").execute(arguments: [id, fileID])
        }
        if N.kind == .context {
            // A context file of format 1 holds its own times, one of format 2 none; the row's
            // times are worked out from every record of them (settleContextTimes()).
            if !isNew { try clearContextTimes(ofFile: fileID) }
            if node.createTimeSinceEpoch != nil || node.lastUpdateTimeSinceEpoch != nil {
                try insertContextTimes(ContextTimes(contextID: id, createTime: node.createTimeSinceEpoch,
                                                    updateTime: node.lastUpdateTimeSinceEpoch), fileID: fileID)
            } else {
                try markContextTimesPending(id)
            }
        }
        if !isNew {
            try db.cachedStatement(sql: "DELETE FROM \(table.propertyTable) WHERE \(table.idColumn) = ?").execute(arguments: [id])
        }
        let insert = try FastStatement(db, """
            INSERT OR REPLACE INTO \(table.propertyTable)(\(table.idColumn), is_custom, name, int_value, double_value, string_value, bool_value)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for (isCustom, properties) in [(0, node.properties), (1, node.customProperties)] {
            for (name, value) in properties {
                // One typed column per row, as MLMD's property tables; struct and proto values
                // are not queryable by value and keep all columns NULL.
                try insert.execute { bind in
                    bind.int(id)
                    bind.int(isCustom)
                    bind.text(name)
                    bind.int(value.intValue)
                    bind.double(value.doubleValue)
                    bind.text(value.stringValue)
                    bind.int(value.boolValue.map { $0 ? 1 : 0 })
                }
            }
        }
    }

    // MARK: Edges

    func insertEvent(_ event: Event, fileID: Int64) throws {
        let path = event.path.map(Self.stepsJSON)
        try FastStatement(db, "INSERT INTO edge(kind, a, b, type, milliseconds, path, file_id) VALUES (1, ?, ?, ?, ?, ?, ?)").execute { bind in
            bind.int(event.artifactID)
            bind.int(event.executionID)
            bind.int(event.type?.number ?? 0)
            bind.int(event.millisecondsSinceEpoch)
            bind.text(path)
            bind.int(fileID)
        }
    }

    /// An event's path as the `path` column keeps it: the compact proto3 JSON of `Event.Path`.
    static func stepsJSON(_ steps: [Event.Step]) -> String {
        guard !steps.isEmpty else { return "{}" }
        var out: [UInt8] = Array(#"{"steps": ["#.utf8)
        for (position, step) in steps.enumerated() {
            if position > 0 { out += Array(", ".utf8) }
            switch step {
            case .index(let index): out += Array(#"{"index": ""#.utf8) + Array(String(index).utf8) + Array(#""}"#.utf8)
            case .key(let key):
                out += Array(#"{"key": "#.utf8)
                JSONWriter.writeString(key, into: &out)
                out.append(UInt8(ascii: "}"))
            }
        }
        out += Array("]}".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    func insertAttribution(_ edge: Attribution, fileID: Int64) throws {
        try insertEdge(.attribution, edge.artifactID, edge.contextID, fileID: fileID)
    }

    func insertAssociation(_ edge: Association, fileID: Int64) throws {
        try insertEdge(.association, edge.executionID, edge.contextID, fileID: fileID)
    }

    func insertParentContext(_ edge: ParentContext, fileID: Int64) throws {
        try insertEdge(.parentContext, edge.childID, edge.parentID, fileID: fileID)
    }

    // MARK: Context times

    func insertContextTimes(_ times: ContextTimes, fileID: Int64) throws {
        try FastStatement(db, "INSERT INTO context_time(context_id, create_time, update_time, file_id) VALUES (?, ?, ?, ?)").execute { bind in
            bind.int(times.contextID)
            bind.int(times.createTime)
            bind.int(times.updateTime)
            bind.int(fileID)
        }
        try markContextTimesPending(times.contextID)
    }

    private func markContextTimesPending(_ contextID: Int64) throws {
        try FastStatement(db, "INSERT OR IGNORE INTO context_time_pending(id) VALUES (?)").execute { $0.int(contextID) }
    }

    private func clearContextTimes(ofFile fileID: Int64) throws {
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO context_time_pending(id) SELECT context_id FROM context_time WHERE file_id = ?
            """).execute(arguments: [fileID])
        try db.cachedStatement(sql: "DELETE FROM context_time WHERE file_id = ?").execute(arguments: [fileID])
    }

    /// Gives every context whose time records changed the earliest create time and the latest
    /// update time of its records (row columns and body), as reads return them. Called before
    /// an index transaction that indexed files or wrote contexts commits.
    func settleContextTimes() throws {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM context_time_pending)") == true else { return }
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT context.id, context.body, times.create_time, times.update_time
            FROM context_time_pending JOIN context ON context.id = context_time_pending.id
            LEFT JOIN (
              SELECT context_id, min(create_time) AS create_time,
                     max(max(coalesce(create_time, update_time), coalesce(update_time, create_time))) AS update_time
              FROM context_time WHERE context_id IN (SELECT id FROM context_time_pending) GROUP BY context_id
            ) AS times ON times.context_id = context.id
            """))
        let update = try FastStatement(db, "UPDATE context SET create_time = ?, update_time = ?, body = ? WHERE id = ?")
        for row in rows {
            let id: Int64 = row[0]
            let body: Data = row[1]
            var context = try body.withUnsafeBytes { try RecordCodec.decode($0, as: Context.self) }
            let create: Int64? = row[2], updateTime: Int64? = row[3]
            guard context.createTimeSinceEpoch != create || context.lastUpdateTimeSinceEpoch != updateTime else { continue }
            context.createTimeSinceEpoch = create
            context.lastUpdateTimeSinceEpoch = updateTime
            try update.execute { bind in
                bind.int(create ?? 0)
                bind.int(updateTime ?? 0)
                bind.blob(RecordCodec.encode(context))
                bind.int(id)
            }
        }
        try db.execute(sql: "DELETE FROM context_time_pending")
    }

    // MARK: Origins

    func insertOrigin(_ origin: Origin, fileID: Int64) throws {
        try FastStatement(db, "INSERT INTO origin(source, kind, mlmd_id, id, file_id) VALUES (?, ?, ?, ?, ?)").execute { bind in
            bind.text(origin.source)
            bind.int(origin.kind.code)
            bind.int(origin.mlmdID)
            bind.int(origin.id)
            bind.int(fileID)
        }
    }

    private func insertEdge(_ kind: IndexSchema.EdgeKind, _ a: Int64, _ b: Int64, fileID: Int64) throws {
        try FastStatement(db, "INSERT INTO edge(kind, a, b, file_id) VALUES (?, ?, ?, ?)").execute { bind in
            bind.int(kind.rawValue)
            bind.int(a)
            bind.int(b)
            bind.int(fileID)
        }
    }
}

import Foundation
