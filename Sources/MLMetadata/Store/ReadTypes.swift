extension MetadataStore {
    /// The artifact type with this name and version (MLMD's `GetArtifactType`).
    /// - Throws: `.notFound` when there is none.
    public func getArtifactType(_ name: String, version: String? = nil) throws -> ArtifactType {
        try getType(name, version: version, as: ArtifactType.self)
    }

    public func getExecutionType(_ name: String, version: String? = nil) throws -> ExecutionType {
        try getType(name, version: version, as: ExecutionType.self)
    }

    public func getContextType(_ name: String, version: String? = nil) throws -> ContextType {
        try getType(name, version: version, as: ContextType.self)
    }

    /// Every artifact type, by id.
    public func getArtifactTypes() throws -> [ArtifactType] { try getTypes(as: ArtifactType.self) }
    public func getExecutionTypes() throws -> [ExecutionType] { try getTypes(as: ExecutionType.self) }
    public func getContextTypes() throws -> [ContextType] { try getTypes(as: ContextType.self) }

    /// The artifact types with these ids, by id; unknown ids are skipped.
    public func getArtifactTypesByID(_ ids: [Int64]) throws -> [ArtifactType] { try getTypes(ids: ids, as: ArtifactType.self) }
    public func getExecutionTypesByID(_ ids: [Int64]) throws -> [ExecutionType] { try getTypes(ids: ids, as: ExecutionType.self) }
    public func getContextTypesByID(_ ids: [Int64]) throws -> [ContextType] { try getTypes(ids: ids, as: ContextType.self) }

    /// The artifact types with these external ids.
    /// - Throws: `.invalidArgument` for an empty external id, `.notFound` when none matches.
    public func getArtifactTypesByExternalIDs(_ externalIDs: [String]) throws -> [ArtifactType] {
        try getTypes(externalIDs: externalIDs, as: ArtifactType.self)
    }

    public func getExecutionTypesByExternalIDs(_ externalIDs: [String]) throws -> [ExecutionType] {
        try getTypes(externalIDs: externalIDs, as: ExecutionType.self)
    }

    public func getContextTypesByExternalIDs(_ externalIDs: [String]) throws -> [ContextType] {
        try getTypes(externalIDs: externalIDs, as: ContextType.self)
    }

    private func getType<T: MetadataType>(_ name: String, version: String?, as: T.Type) throws -> T {
        guard let record = try read({ try $0.type(kind: T.kind, name: name, version: version) }) else {
            throw StoreError.notFound("No type found for query, name: `\(name)`, version: `\(version ?? "nullopt")`")
        }
        return record.typed(as: T.self)
    }

    private func getTypes<T: MetadataType>(as: T.Type) throws -> [T] {
        try read { try $0.types(kind: T.kind) }.map { $0.typed(as: T.self) }
    }

    private func getTypes<T: MetadataType>(ids: [Int64], as: T.Type) throws -> [T] {
        try read { reader in
            try Set(ids).sorted().compactMap { try reader.type(id: $0) }.filter { $0.kind == T.kind }
        }.map { $0.typed(as: T.self) }
    }

    private func getTypes<T: MetadataType>(externalIDs: [String], as: T.Type) throws -> [T] {
        try ReadChecks.externalIDs(externalIDs)
        let found = try read { reader in
            try Set(externalIDs).compactMap { try reader.typeID(externalID: $0) }.sorted().compactMap { try reader.type(id: $0) }
        }.filter { $0.kind == T.kind }
        guard !found.isEmpty else {
            throw StoreError.notFound("No \(T.kind.messageName) found with external_id in [\(externalIDs.joined(separator: ", "))]")
        }
        return found.map { $0.typed(as: T.self) }
    }
}

enum ReadChecks {
    /// MLMD rejects an empty external id in a lookup.
    static func externalIDs(_ externalIDs: [String]) throws(StoreError) {
        if externalIDs.contains("") {
            throw .invalidArgument("external_ids must not contain an empty string")
        }
    }
}
