extension MetadataStore {
    /// Inserts an artifact type, or checks and extends the stored type with the same name and
    /// version (MLMD's `PutArtifactType`). Returns the type's id.
    ///
    /// - Parameters:
    ///   - canAddFields: the given type may declare properties the stored type lacks; they are added.
    ///   - canOmitFields: the given type may leave out properties the stored type declares.
    /// - Throws: ``StoreError`` `.alreadyExists` when the type is incompatible with the stored one,
    ///   `.invalidArgument` for a missing name or an `UNKNOWN` property type.
    @discardableResult
    public func putArtifactType(_ type: ArtifactType, canAddFields: Bool = false, canOmitFields: Bool = false) throws -> Int64 {
        try core.write { try $0.putType(type, canAddFields: canAddFields, canOmitFields: canOmitFields) }
    }

    /// Inserts or extends an execution type; see ``putArtifactType(_:canAddFields:canOmitFields:)``.
    @discardableResult
    public func putExecutionType(_ type: ExecutionType, canAddFields: Bool = false, canOmitFields: Bool = false) throws -> Int64 {
        try core.write { try $0.putType(type, canAddFields: canAddFields, canOmitFields: canOmitFields) }
    }

    /// Inserts or extends a context type; see ``putArtifactType(_:canAddFields:canOmitFields:)``.
    @discardableResult
    public func putContextType(_ type: ContextType, canAddFields: Bool = false, canOmitFields: Bool = false) throws -> Int64 {
        try core.write { try $0.putType(type, canAddFields: canAddFields, canOmitFields: canOmitFields) }
    }

    /// The ids of the types given to ``MetadataStore/putTypes(artifactTypes:executionTypes:contextTypes:canAddFields:canOmitFields:)``, in input order.
    public struct PutTypesResult: Sendable, Hashable {
        public var artifactTypeIDs: [Int64]
        public var executionTypeIDs: [Int64]
        public var contextTypeIDs: [Int64]
    }

    /// Puts types of all three kinds at once, all or nothing (MLMD's `PutTypes`).
    @discardableResult
    public func putTypes(artifactTypes: [ArtifactType] = [], executionTypes: [ExecutionType] = [],
                         contextTypes: [ContextType] = [], canAddFields: Bool = false,
                         canOmitFields: Bool = false) throws -> PutTypesResult {
        try core.write { transaction in
            PutTypesResult(
                artifactTypeIDs: try artifactTypes.map {
                    try transaction.putType($0, canAddFields: canAddFields, canOmitFields: canOmitFields)
                },
                executionTypeIDs: try executionTypes.map {
                    try transaction.putType($0, canAddFields: canAddFields, canOmitFields: canOmitFields)
                },
                contextTypeIDs: try contextTypes.map {
                    try transaction.putType($0, canAddFields: canAddFields, canOmitFields: canOmitFields)
                })
        }
    }
}

extension WriteTransaction {
    func putType<T: MetadataType>(_ type: T, canAddFields: Bool, canOmitFields: Bool) throws -> Int64 {
        let kind = T.kind
        let version = type.version?.isEmpty == true ? nil : type.version
        let stored = type.name.isEmpty ? nil : try reader.type(kind: kind, name: type.name, version: version)
        // A type already stored under this exact name and version (written before the path rules
        // were this strict) may be put again; `mlmd fsck` reports its name. New types obey them.
        let problems = EntityRules.problems(ofType: TypeRecord(type, id: 0))
            .filter { stored == nil || ($0.field != "name" && $0.field != "version") }
        if let problem = problems.first {
            throw StoreError.invalidArgument(problem.message, field: problem.field)
        }
        guard let stored else {
            return try createType(type, version: version)
        }
        var updated = stored
        let what = "\(kind.messageName) '\(stored.displayName)'"
        for (name, storedType) in stored.properties.sorted(by: { $0.key < $1.key }) {
            if let given = type.properties[name] {
                guard given == storedType else {
                    throw StoreError.alreadyExists("Type already exists with different properties: Conflicting property value type "
                        + "for '\(name)' of \(what): stored \(storedType.rawValue), given \(given.rawValue)")
                }
            } else if !canOmitFields {
                throw StoreError.alreadyExists("Type already exists with different properties: can_omit_fields is false while "
                    + "stored type has more properties: \(what) declares '\(name)', which the given type omits")
            }
        }
        for (name, given) in type.properties.sorted(by: { $0.key < $1.key }) where stored.properties[name] == nil {
            guard canAddFields else {
                throw StoreError.alreadyExists("Type already exists with different properties: can_add_fields is false while "
                    + "the given type has more properties: '\(name)' is not declared by the stored \(what)")
            }
            updated.properties[name] = given
        }
        if let baseType = type.baseType?.rawValue {
            if stored.baseType == nil {
                updated.baseType = baseType
            } else if stored.baseType != baseType {
                throw StoreError(.unimplemented, "base_type update is not supported yet: \(what) has base_type \(stored.baseType!), given \(baseType)")
            }
        }
        if let externalID = type.externalID, externalID != stored.externalID {
            try checkTypeExternalIDFree(externalID, for: what)
            updated.externalID = externalID
        }
        // As MLMD: description and version of a stored type are not updated.
        if updated != stored { try store(updated) }
        return stored.id
    }

    private func createType<T: MetadataType>(_ type: T, version: String?) throws -> Int64 {
        let kind = T.kind
        var record = TypeRecord(type, id: Identifiers.typeID(kind: kind, name: type.name, version: version))
        record.version = version
        let what = "\(kind.messageName) '\(record.displayName)'"
        // Case and normalization twins collide as files on macOS and Windows (FORMAT.md §1).
        for existing in try reader.types(kind: kind) {
            if let clash = EntityRules.clash(between: record, and: existing) {
                throw StoreError(.alreadyExists, clash, field: "name")
            }
        }
        if let externalID = record.externalID { try checkTypeExternalIDFree(externalID, for: what) }
        if try reader.type(id: record.id) != nil {
            throw StoreError(.internal, "\(what) derives the id \(record.id), which another type already has")
        }
        try store(record)
        return record.id
    }

    private func checkTypeExternalIDFree(_ externalID: String, for what: String) throws {
        if let owner = try reader.typeID(externalID: externalID), let type = try reader.type(id: owner) {
            throw StoreError.alreadyExists("\(what): external_id '\(externalID)' already belongs to \(type.kind.messageName) '\(type.displayName)'")
        }
    }
}
