import GRDB

/// Turns one parsed store file into index rows.
///
/// Used by the rebuild, by the refresh after changes made outside the library, and by journal
/// recovery. A file that cannot be parsed gets a `problem` row naming the file and line instead
/// of entity rows; the rest of the store stays readable.
extension IndexWriter {
    /// Replaces the rows that came from `path` with `content` (nil: the file is gone).
    /// Returns the problem, if the file could not be indexed.
    @discardableResult
    func reindex(path: String, content: ParsedFile?, signature: FileSystem.Signature?) throws -> StoreError? {
        guard let content else {
            try removeFile(path: path)
            return nil
        }
        let (fileID, isNew) = try fileRow(for: path)
        if !isNew { try clearRows(ofFile: fileID, path: path) }
        try setSignature(fileID: fileID, signature)
        switch content {
        case .type(let record): try upsertType(record, fileID: fileID, body: JSONWriter.fileBytes(record.json))
        case .artifact(let node): try upsertNode(node, fileID: fileID, isNew: isNew && !nodeIndexed(node))
        case .execution(let node): try upsertNode(node, fileID: fileID, isNew: isNew && !nodeIndexed(node))
        case .context(let node): try upsertNode(node, fileID: fileID, isNew: isNew && !nodeIndexed(node))
        case .edges(let edges):
            for edge in edges {
                switch edge {
                case .event(let event): try insertEvent(event, fileID: fileID)
                case .attribution(let edge): try insertAttribution(edge, fileID: fileID)
                case .association(let edge): try insertAssociation(edge, fileID: fileID)
                case .parentContext(let edge): try insertParentContext(edge, fileID: fileID)
                }
            }
        case .problem(let error):
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO problem(file_id, line, message) VALUES (?, ?, ?)")
                .execute(arguments: [fileID, error.line, error.message])
            return error
        }
        return nil
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
        return try reindex(path: path, content: signature == nil ? nil : ParsedFile.read(path, root: root), signature: signature)
    }
}
