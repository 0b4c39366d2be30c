internal import GRDB

extension MetadataStore {
    // MARK: Artifacts

    /// Every artifact, by id.
    public func getArtifacts() throws -> [Artifact] { try nodes(Artifact.self) }

    /// The artifacts with these ids, sorted by id; unknown ids are skipped.
    public func getArtifactsByID(_ ids: [Int64]) throws -> [Artifact] { try nodes(ids: ids, as: Artifact.self) }

    /// The artifacts of a type, by id; an unknown type gives an empty list.
    public func getArtifactsByType(_ typeName: String, version: String? = nil) throws -> [Artifact] {
        try nodes(typeName: typeName, version: version, as: Artifact.self)
    }

    /// The artifact of this type with this name, or nil.
    public func getArtifactByTypeAndName(_ typeName: String, _ name: String, version: String? = nil) throws -> Artifact? {
        try node(typeName: typeName, name: name, version: version, as: Artifact.self)
    }

    /// The artifacts whose uri is exactly one of `uris`, by id.
    public func getArtifactsByURI(_ uris: [String]) throws -> [Artifact] {
        try read { reader in
            try Set(uris).flatMap { uri in
                try reader.nodes(sql: "SELECT body FROM artifact WHERE uri = ?", [uri], as: Artifact.self)
            }
        }.sorted { $0.id! < $1.id! }
    }

    public func getArtifactsByURI(_ uri: String) throws -> [Artifact] { try getArtifactsByURI([uri]) }

    /// - Throws: `.invalidArgument` for an empty external id, `.notFound` when none matches.
    public func getArtifactsByExternalIDs(_ externalIDs: [String]) throws -> [Artifact] {
        try nodes(externalIDs: externalIDs, as: Artifact.self)
    }

    /// The artifacts attributed to a context, by id.
    public func getArtifactsByContext(_ contextID: Int64) throws -> [Artifact] {
        try read { reader in
            try reader.nodes(sql: """
                SELECT body FROM artifact WHERE id IN (SELECT artifact_id FROM attribution WHERE context_id = ?) ORDER BY id
                """, [contextID], as: Artifact.self)
        }
    }

    /// The artifacts with these ids and their types (MLMD's `get_artifacts_and_types_by_artifact_ids`).
    public func getArtifactsAndTypesByArtifactIDs(_ ids: [Int64]) throws -> (artifacts: [Artifact], types: [ArtifactType]) {
        let artifacts = try getArtifactsByID(ids)
        let types = try getArtifactTypesByID(Array(Set(artifacts.compactMap(\.typeID))))
        return (artifacts, types)
    }

    // MARK: Executions

    public func getExecutions() throws -> [Execution] { try nodes(Execution.self) }
    public func getExecutionsByID(_ ids: [Int64]) throws -> [Execution] { try nodes(ids: ids, as: Execution.self) }

    public func getExecutionsByType(_ typeName: String, version: String? = nil) throws -> [Execution] {
        try nodes(typeName: typeName, version: version, as: Execution.self)
    }

    public func getExecutionByTypeAndName(_ typeName: String, _ name: String, version: String? = nil) throws -> Execution? {
        try node(typeName: typeName, name: name, version: version, as: Execution.self)
    }

    public func getExecutionsByExternalIDs(_ externalIDs: [String]) throws -> [Execution] {
        try nodes(externalIDs: externalIDs, as: Execution.self)
    }

    /// The executions associated with a context, by id.
    public func getExecutionsByContext(_ contextID: Int64) throws -> [Execution] {
        try read { reader in
            try reader.nodes(sql: """
                SELECT body FROM execution WHERE id IN (SELECT execution_id FROM association WHERE context_id = ?) ORDER BY id
                """, [contextID], as: Execution.self)
        }
    }

    // MARK: Contexts

    public func getContexts() throws -> [Context] { try nodes(Context.self) }
    public func getContextsByID(_ ids: [Int64]) throws -> [Context] { try nodes(ids: ids, as: Context.self) }

    public func getContextsByType(_ typeName: String, version: String? = nil) throws -> [Context] {
        try nodes(typeName: typeName, version: version, as: Context.self)
    }

    public func getContextByTypeAndName(_ typeName: String, _ name: String, version: String? = nil) throws -> Context? {
        try node(typeName: typeName, name: name, version: version, as: Context.self)
    }

    public func getContextsByExternalIDs(_ externalIDs: [String]) throws -> [Context] {
        try nodes(externalIDs: externalIDs, as: Context.self)
    }

    /// The contexts an artifact is attributed to, by id.
    public func getContextsByArtifact(_ artifactID: Int64) throws -> [Context] {
        try read { reader in
            try reader.nodes(sql: """
                SELECT body FROM context WHERE id IN (SELECT context_id FROM attribution WHERE artifact_id = ?) ORDER BY id
                """, [artifactID], as: Context.self)
        }
    }

    /// The contexts an execution is associated with, by id.
    public func getContextsByExecution(_ executionID: Int64) throws -> [Context] {
        try read { reader in
            try reader.nodes(sql: """
                SELECT body FROM context WHERE id IN (SELECT context_id FROM association WHERE execution_id = ?) ORDER BY id
                """, [executionID], as: Context.self)
        }
    }

    /// The direct parents of a context, by id; an unknown id gives an empty list.
    public func getParentContextsByContext(_ contextID: Int64) throws -> [Context] {
        try getParentContextsByContexts([contextID])[contextID] ?? []
    }

    /// The direct children of a context, by id.
    public func getChildrenContextsByContext(_ contextID: Int64) throws -> [Context] {
        try getChildrenContextsByContexts([contextID])[contextID] ?? []
    }

    /// The direct parents of each context (contexts without parents are left out).
    public func getParentContextsByContexts(_ contextIDs: [Int64]) throws -> [Int64: [Context]] {
        try related(contextIDs, sql: """
            SELECT context.body FROM parent_context JOIN context ON context.id = parent_context.parent_id
            WHERE parent_context.child_id = ? ORDER BY context.id
            """)
    }

    /// The direct children of each context (contexts without children are left out).
    public func getChildrenContextsByContexts(_ contextIDs: [Int64]) throws -> [Int64: [Context]] {
        try related(contextIDs, sql: """
            SELECT context.body FROM parent_context JOIN context ON context.id = parent_context.child_id
            WHERE parent_context.parent_id = ? ORDER BY context.id
            """)
    }

    // MARK: Events

    /// The events of these executions, in the order they were recorded.
    public func getEventsByExecutionIDs(_ executionIDs: [Int64]) throws -> [Event] {
        try events(column: "execution_id", ids: executionIDs)
    }

    /// The events of these artifacts, in the order they were recorded.
    public func getEventsByArtifactIDs(_ artifactIDs: [Int64]) throws -> [Event] {
        try events(column: "artifact_id", ids: artifactIDs)
    }

    // MARK: Edges, all at once (exports)

    /// Every attribution (artifact in context), by context then artifact.
    public func getAttributions() throws -> [Attribution] {
        try read { reader in
            try Row.fetchAll(reader.db, sql: "SELECT DISTINCT artifact_id, context_id FROM attribution ORDER BY context_id, artifact_id")
                .map { Attribution(artifactID: $0[0], contextID: $0[1]) }
        }
    }

    /// Every association (execution in context), by context then execution.
    public func getAssociations() throws -> [Association] {
        try read { reader in
            try Row.fetchAll(reader.db, sql: "SELECT DISTINCT execution_id, context_id FROM association ORDER BY context_id, execution_id")
                .map { Association(executionID: $0[0], contextID: $0[1]) }
        }
    }

    /// Every parent-context link, by child then parent.
    public func getParentContexts() throws -> [ParentContext] {
        try read { reader in
            try Row.fetchAll(reader.db, sql: "SELECT DISTINCT child_id, parent_id FROM parent_context ORDER BY child_id, parent_id")
                .map { ParentContext(childID: $0[0], parentID: $0[1]) }
        }
    }

    // MARK: - Shared

    private func nodes<N: NodeCoding>(_ type: N.Type) throws -> [N] {
        try read { try $0.nodes(sql: "SELECT body FROM \(IndexSchema.table(N.kind).table) ORDER BY id", as: N.self) }
    }

    private func nodes<N: NodeCoding>(ids: [Int64], as type: N.Type) throws -> [N] {
        guard !ids.isEmpty else { return [] }
        // One statement for any number of ids: they travel as a JSON array.
        let list = "[" + ids.map(String.init).joined(separator: ",") + "]"
        return try read { reader in
            try reader.nodes(sql: """
                SELECT body FROM \(IndexSchema.table(N.kind).table) WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id
                """, [list], as: N.self)
        }
    }

    private func nodes<N: NodeCoding>(typeName: String, version: String?, as type: N.Type) throws -> [N] {
        try read { reader in
            guard let type = try reader.type(kind: N.kind.typeKind, name: typeName, version: version) else { return [] }
            // Walking the (type, time) index needs no sort in SQLite, which would copy every row;
            // ids are time-ordered, so the order by id below has little left to do.
            return try reader.nodes(sql: "SELECT body FROM \(IndexSchema.table(N.kind).table) WHERE type_id = ? ORDER BY create_time, id",
                                    [type.id], as: N.self).sorted { $0.id! < $1.id! }
        }
    }

    private func node<N: NodeCoding>(typeName: String, name: String, version: String?, as type: N.Type) throws -> N? {
        try read { reader in
            guard let type = try reader.type(kind: N.kind.typeKind, name: typeName, version: version),
                let id = try reader.nodeID(kind: N.kind, typeID: type.id, name: name)
            else { return nil }
            return try reader.node(id: id, as: N.self)
        }
    }

    private func nodes<N: NodeCoding>(externalIDs: [String], as type: N.Type) throws -> [N] {
        try ReadChecks.externalIDs(externalIDs)
        let found = try read { reader in
            try Set(externalIDs).compactMap { try reader.nodeID(kind: N.kind, externalID: $0) }.sorted()
                .compactMap { try reader.node(id: $0, as: N.self) }
        }
        guard !found.isEmpty else {
            throw StoreError.notFound("No \(N.kind.messageName) found with external_id in [\(externalIDs.joined(separator: ", "))]")
        }
        return found
    }

    /// Runs `sql` (one `?`: a context id; selects context bodies) for each context.
    private func related(_ contextIDs: [Int64], sql: String) throws -> [Int64: [Context]] {
        try read { reader in
            var out: [Int64: [Context]] = [:]
            for id in Set(contextIDs) {
                let found = try reader.nodes(sql: sql, [id], as: Context.self)
                if !found.isEmpty { out[id] = found }
            }
            return out
        }
    }

    private func events(column: String, ids: [Int64]) throws -> [Event] {
        guard !ids.isEmpty else { return [] }
        let list = "[" + ids.map(String.init).joined(separator: ",") + "]"
        return try read { reader in
            let rows = try Row.fetchAll(reader.db.cachedStatement(sql: """
                SELECT artifact_id, execution_id, type, milliseconds, path, file_id FROM event
                WHERE \(column) IN (SELECT value FROM json_each(?)) ORDER BY edge_id
                """), arguments: [list])
            // The same event recorded on two branches sits in two edge files: keep the copy from
            // the file whose path sorts first (FORMAT.md §6).
            var chosen: [[Int64]: Row] = [:]
            var order: [[Int64]] = []
            for row in rows {
                let key: [Int64] = [row[0], row[1], row[2]]
                if let existing = chosen[key] {
                    if try reader.filePath(id: row[5]) ?? "" < reader.filePath(id: existing[5]) ?? "" { chosen[key] = row }
                } else {
                    chosen[key] = row
                    order.append(key)
                }
            }
            // Paths repeat (TFX uses a handful of keys): decode each distinct one once.
            var paths: [String: [Event.Step]] = [:]
            return try order.map { key in
                let row = chosen[key]!
                var event = Event(artifactID: row[0], executionID: row[1], type: Event.Kind(number: row[2]), millisecondsSinceEpoch: row[3])
                if let path: String = row[4] {
                    if let steps = paths[path] {
                        event.path = steps
                    } else {
                        let steps = try ProtoJSON.decodePath(ParsedFile.parseJSON(Array(path.utf8), path: "index"), line: 0)
                        paths[path] = steps
                        event.path = steps
                    }
                }
                return event
            }
        }
    }
}
