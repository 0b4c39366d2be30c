/// The content of one store file, parsed and checked but not yet indexed.
///
/// Parsing is the expensive part of indexing and needs no database, so the rebuild and refresh
/// parse files on all cores and insert the results on the database's thread.
enum ParsedFile: Sendable {
    case type(TypeRecord)
    case artifact(Artifact)
    case execution(Execution)
    case context(Context)
    case edges([EdgeFile.Edge])
    case origins([Origin])
    /// The file cannot be indexed; the error names the file and, where known, the line.
    case problem(StoreError)

    /// Whether the file could not be indexed.
    var isProblem: Bool {
        if case .problem = self { true } else { false }
    }

    /// The id of the node a node file holds.
    var nodeID: Int64? {
        switch self {
        case .artifact(let node): node.id
        case .execution(let node): node.id
        case .context(let node): node.id
        case .type, .edges, .origins, .problem: nil
        }
    }

    /// Reads and parses the file at a store-relative path.
    static func read(_ path: String, root: String) -> ParsedFile {
        readHashed(path, root: root).content
    }

    /// Reads and parses the file at a store-relative path, with the ``ContentHash`` of the bytes
    /// read (nil when they could not be read).
    static func readHashed(_ path: String, root: String) -> (content: ParsedFile, hash: Int64?) {
        do {
            let bytes = try FileSystem.readFile(root + "/" + path)
            return (parse(bytes, path: path), ContentHash.of(bytes))
        } catch {
            return (.problem(StoreError(error.code, error.message, path: path)), nil)
        }
    }

    /// Like ``readHashed(_:root:)``, but nil when there is no file at the path (nothing to index).
    static func readHashedIfPresent(_ path: String, root: String) -> (content: ParsedFile?, hash: Int64?) {
        guard FileSystem.signature(root + "/" + path) != nil else { return (nil, nil) }
        let (content, hash) = readHashed(path, root: root)
        return (content, hash)
    }

    /// Parses a file's bytes according to where the file sits in the layout.
    static func parse(_ bytes: [UInt8], path: String) -> ParsedFile {
        do throws(StoreError) {
            guard let entry = StoreLayout.classify(path) else {
                throw StoreError(.dataLoss, "file is not part of the store layout (see FORMAT.md)", path: path)
            }
            switch entry {
            case .type(let kind): return .type(try parseType(bytes, kind: kind, path: path))
            case .node(.artifact): return .artifact(try parseNode(bytes, as: Artifact.self, path: path))
            case .node(.execution): return .execution(try parseNode(bytes, as: Execution.self, path: path))
            case .node(.context): return .context(try parseNode(bytes, as: Context.self, path: path))
            case .edges: return .edges(try EdgeFile.parse(bytes, path: path))
            case .origins: return .origins(try OriginFile.parse(bytes, path: path))
            }
        } catch {
            // A file git left mid-merge says what conflicts, not that it is not JSON. Conflict
            // markers never parse, so only a file that failed is looked at.
            if let conflict = MergeConflict.find(in: bytes) { return .problem(conflict.error(path: path)) }
            return .problem(error)
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
