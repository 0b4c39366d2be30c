internal import GRDB

/// Turns one parsed store file into index rows.
///
/// Used by the rebuild, by the refresh after changes made outside the library, and by journal
/// recovery. A file that cannot be parsed gets a `problem` row naming the file and line instead
/// of entity rows; the rest of the store stays readable.
extension IndexWriter {
    /// Replaces the rows that came from `path` with `content` (nil: the file is gone).
    /// Returns the problem, if the file could not be indexed.
    @discardableResult
    func reindex(path: String, content: ParsedFile?, signature: FileSystem.Signature?, hash: Int64?) throws -> StoreError? {
        guard let content else {
            try removeFile(path: path)
            return nil
        }
        let (folder, name) = IndexSchema.split(path)
        let existing = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT file.id, file.entity_id, problem.file_id IS NOT NULL FROM file LEFT JOIN problem ON problem.file_id = file.id
            WHERE folder = ? AND name = ?
            """), arguments: [folder, name])
        guard let existing else { return try indexNew(path: path, content: content, signature: signature ?? .unknown, hash: hash) }
        let fileID: Int64 = existing[0]
        let entity: Int64? = existing[1]
        let hadProblem: Bool = existing[2]
        // A node file rewritten with the same node (the usual change) is upserted in place;
        // anything else first loses what the file held before.
        let sameNode = content.nodeID != nil && content.nodeID == entity && !hadProblem
        if !sameNode { try clearRows(ofFile: fileID, path: path) }
        try setSignature(fileID: fileID, signature, hash: hash)
        switch content {
        case .type(let record): try upsertType(record, fileID: fileID, body: JSONWriter.fileBytes(record.json))
        case .artifact(let node): try writeNode(node, fileID: fileID, isNew: false, updateFileRow: !sameNode)
        case .execution(let node): try writeNode(node, fileID: fileID, isNew: false, updateFileRow: !sameNode)
        case .context(let node): try writeNode(node, fileID: fileID, isNew: false, updateFileRow: !sameNode)
        case .edges(let edges): try insertEdges(edges, fileID: fileID)
        case .origins(let origins): for origin in origins { try insertOrigin(origin, fileID: fileID) }
        case .problem(let error):
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO problem(file_id, line, message) VALUES (?, ?, ?)")
                .execute(arguments: [fileID, error.line, error.message])
            return error
        }
        return nil
    }

    /// Indexes a file the index has no row for (a rebuild): one insert for the file row, no
    /// lookups. A node whose id another file already holds (a duplicate after a merge) takes
    /// the general path.
    @discardableResult
    func indexNew(path: String, content: ParsedFile, signature: FileSystem.Signature, hash: Int64?) throws -> StoreError? {
        let (folder, name) = IndexSchema.split(path)
        let entity: Int64? = switch content {
        case .type(let record): record.id
        case .artifact(let node): node.id
        case .execution(let node): node.id
        case .context(let node): node.id
        case .edges, .origins, .problem: nil
        }
        let fileID = try FastStatement(db, """
            INSERT INTO file(folder, name, id, entity_id, size, mtime_ns, inode, checked_ns, hash)
            VALUES (?, ?, (SELECT coalesce(max(id), 0) + 1 FROM file), ?, ?, ?, ?, ?, ?) RETURNING id
            """).returning { bind in
                bind.text(folder)
                bind.text(name)
                bind.int(entity)
                bind.int(signature.size)
                bind.int(signature.modificationNanoseconds)
                bind.int(signature.inode)
                bind.int(FileSystem.nowNanoseconds())
                bind.int(hash)
            }
        switch content {
        case .edges(let edges): try insertEdges(edges, fileID: fileID)
        case .origins(let origins): for origin in origins { try insertOrigin(origin, fileID: fileID) }
        case .artifact(let node) where try !nodeIndexed(node): try insertNode(node, fileID: fileID)
        case .execution(let node) where try !nodeIndexed(node): try insertNode(node, fileID: fileID)
        case .context(let node) where try !nodeIndexed(node): try insertNode(node, fileID: fileID)
        default:
            // A type, a problem, or a node whose id another file holds: the general path.
            return try reindex(path: path, content: content, signature: signature, hash: hash)
        }
        return nil
    }

    private func insertEdges(_ edges: [EdgeFile.Edge], fileID: Int64) throws {
        for edge in edges {
            switch edge {
            case .event(let event): try insertEvent(event, fileID: fileID)
            case .attribution(let edge): try insertAttribution(edge, fileID: fileID)
            case .association(let edge): try insertAssociation(edge, fileID: fileID)
            case .parentContext(let edge): try insertParentContext(edge, fileID: fileID)
            case .contextTimes(let times): try insertContextTimes(times, fileID: fileID)
            }
        }
    }

    /// Whether a node with this id is indexed already (from another file: a duplicate id).
    private func nodeIndexed<N: NodeCoding>(_ node: N) throws -> Bool {
        try IndexReader(db: db).nodeExists(kind: N.kind, id: node.id!)
    }

    /// Reads a file from disk and reindexes it.
    @discardableResult
    func reindex(path: String, root: String) throws -> StoreError? {
        let absolute = root + "/" + path
        let signature = FileSystem.signature(absolute)
        guard signature != nil else { return try reindex(path: path, content: nil, signature: nil, hash: nil) }
        let (content, hash) = ParsedFile.readHashed(path, root: root)
        return try reindex(path: path, content: content, signature: signature, hash: hash)
    }
}
