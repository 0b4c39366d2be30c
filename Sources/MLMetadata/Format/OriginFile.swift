/// Where an imported entity came from: its id in another MLMD database.
///
/// An import (`mlmd import`) records one origin per type and node it brings in or merges with,
/// so that importing the same database again adds nothing, an export can give MLMD back its own
/// ids, and a user can find a node by the id an MLMD tool printed
/// (``MetadataStore/importedID(source:kind:mlmdID:)``).
public struct Origin: Sendable, Hashable {
    /// What an MLMD id numbers: MLMD keeps one id sequence per table.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case artifactType = "artifact_type"
        case executionType = "execution_type"
        case contextType = "context_type"
        case artifact
        case execution
        case context

        /// The kind of a type of `kind`.
        public init(_ kind: TypeKind) {
            switch kind {
            case .artifact: self = .artifactType
            case .execution: self = .executionType
            case .context: self = .contextType
            }
        }

        /// The kind of a node of `kind`.
        public init(_ kind: NodeKind) {
            switch kind {
            case .artifact: self = .artifact
            case .execution: self = .execution
            case .context: self = .context
            }
        }

        /// The code in the index's `origin` table.
        var code: Int {
            switch self {
            case .artifactType: 1
            case .executionType: 2
            case .contextType: 3
            case .artifact: 4
            case .execution: 5
            case .context: 6
            }
        }
    }

    /// The name the import gave the database (`--source`), a folder name under `origins/`.
    public var source: String
    public var kind: Kind
    /// The id the entity has in the source database.
    public var mlmdID: Int64
    /// The id of the entity in this store.
    public var id: Int64

    public init(source: String, kind: Kind, mlmdID: Int64, id: Int64) {
        self.source = source
        self.kind = kind
        self.mlmdID = mlmdID
        self.id = id
    }

    /// Why `source` cannot name an import source (it becomes a folder name), or nil: 1–64
    /// characters from `A–Z a–z 0–9 . _ -`, not starting with `.`.
    public static func sourceNameProblem(_ source: String) -> String? {
        let allowed = source.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-")
        }
        guard !source.isEmpty, source.utf8.count <= 64, allowed, !source.hasPrefix(".") else {
            return "the import source '\(NameRules.preview(source))' must be 1–64 characters from A–Z, a–z, 0–9, '.', '_' and '-', "
                + "not starting with '.' (it names the folder origins/<source>)"
        }
        return nil
    }
}

/// An origins file, `origins/<source>/<xx>/<batch id>.jsonl`: one line per imported entity,
/// `{"id": "…", "kind": "artifact", "mlmd_id": "5"}`, sorted by bytes, as edge files are.
enum OriginFile {
    static func bytes(_ origins: [Origin]) -> [UInt8] {
        JSONLines.bytes(origins.map(line))
    }

    static func line(_ origin: Origin) -> [UInt8] {
        JSONWriter.write(.object(JSONObject([
            ("id", .string(String(origin.id))), ("kind", .string(origin.kind.rawValue)), ("mlmd_id", .string(String(origin.mlmdID))),
        ])), style: .compact)
    }

    /// The source a path's folder names (`origins/<source>/…`).
    static func source(ofPath path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Substring(StoreLayout.originsFolder) else { return nil }
        return String(parts[1])
    }

    static func parse(_ bytes: [UInt8], path: String) throws(StoreError) -> [Origin] {
        guard let source = source(ofPath: path), Origin.sourceNameProblem(source) == nil else {
            throw StoreError(.dataLoss, "an origins file must sit in origins/<source>/<xx>/, with a valid source name", path: path)
        }
        return try JSONLines.decode(bytes, path: path) { json, line throws(ProtoJSONError) in
            var reader = try MessageReader(json, message: "Origin", line: line)
            let id = try reader.int64("id")
            let kindName = try reader.string("kind")
            let mlmdID = try reader.int64("mlmd_id")
            try reader.finish()
            guard let id, id > 0 else { throw ProtoJSONError(field: "id", message: "an origin needs a positive id", line: line) }
            guard let mlmdID else { throw ProtoJSONError(field: "mlmd_id", message: "an origin needs an mlmd_id", line: line) }
            guard let kindName, let kind = Origin.Kind(rawValue: kindName) else {
                throw ProtoJSONError(field: "kind", message: "kind must be one of "
                    + Origin.Kind.allCases.map(\.rawValue).joined(separator: ", "), line: line)
            }
            return Origin(source: source, kind: kind, mlmdID: mlmdID, id: id)
        }
    }
}
