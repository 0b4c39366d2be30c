import GRDB

/// Turns the bytes of one store file into index rows.
///
/// Used by the full rebuild, by the refresh after changes made outside the library, and by
/// journal recovery. A file that cannot be parsed gets a `problem` row naming the file and line
/// instead of entity rows; the rest of the store stays readable.
extension IndexWriter {
    /// Replaces the rows that came from `path` with what `bytes` hold (nil: the file is gone).
    /// Returns the problem, if the file could not be indexed.
    @discardableResult
    func reindex(path: String, bytes: [UInt8]?, signature: FileSystem.Signature?) throws -> StoreError? {
        guard let bytes else {
            try removeFile(path: path)
            return nil
        }
        let fileID = try fileID(for: path)
        try clearRows(ofFile: fileID)
        try setSignature(fileID: fileID, signature)
        do {
            try index(path: path, bytes: bytes, fileID: fileID)
            return nil
        } catch let error as StoreError {
            // Nothing from a bad file is half-indexed: drop what was inserted before the failure.
            try clearRows(ofFile: fileID)
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO problem(file_id, line, message) VALUES (?, ?, ?)")
                .execute(arguments: [fileID, error.line, error.message])
            return error
        }
    }

    private func index(path: String, bytes: [UInt8], fileID: Int64) throws {
        guard let entry = StoreLayout.classify(path) else {
            throw StoreError(.dataLoss, "file is not part of the store layout (see FORMAT.md)", path: path)
        }
        switch entry {
        case .type(let kind):
            let record = try Self.parseType(bytes, kind: kind, path: path)
            try upsertType(record, fileID: fileID, body: bytes)
        case .node(.artifact):
            try upsertNode(try Self.parseNode(bytes, as: Artifact.self, path: path), fileID: fileID)
        case .node(.execution):
            try upsertNode(try Self.parseNode(bytes, as: Execution.self, path: path), fileID: fileID)
        case .node(.context):
            try upsertNode(try Self.parseNode(bytes, as: Context.self, path: path), fileID: fileID)
        case .edges:
            for edge in try EdgeFile.parse(bytes, path: path) {
                switch edge {
                case .event(let event): try insertEvent(event, fileID: fileID)
                case .attribution(let edge): try insertAttribution(edge, fileID: fileID)
                case .association(let edge): try insertAssociation(edge, fileID: fileID)
                case .parentContext(let edge): try insertParentContext(edge, fileID: fileID)
                }
            }
        }
    }

    static func parseJSON(_ bytes: [UInt8], path: String) throws(StoreError) -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw StoreError(.dataLoss, "not valid JSON: \(error.message) (column \(error.column))", path: path, line: error.line)
        }
    }

    static func parseType(_ bytes: [UInt8], kind: TypeKind, path: String) throws(StoreError) -> TypeRecord {
        let json = try parseJSON(bytes, path: path)
        let record: TypeRecord
        do {
            record = try TypeRecord.decode(json, kind: kind)
        } catch {
            throw error.storeError(path: path)
        }
        guard record.id != 0 else { throw StoreError(.dataLoss, "\(kind.messageName) has no id", path: path) }
        return record
    }

    static func parseNode<N: NodeCoding>(_ bytes: [UInt8], as: N.Type, path: String) throws(StoreError) -> N {
        let json = try parseJSON(bytes, path: path)
        let node: N
        do {
            node = try N.decode(json)
        } catch {
            throw error.storeError(path: path)
        }
        guard node.id != nil else { throw StoreError(.dataLoss, "\(N.kind.messageName) has no id", path: path) }
        guard node.typeID != nil else { throw StoreError(.dataLoss, "\(N.kind.messageName) has no type_id", path: path) }
        return node
    }
}
