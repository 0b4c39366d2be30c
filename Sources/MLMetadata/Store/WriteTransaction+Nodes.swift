/// How one node is inserted or updated (shared by putArtifacts/Executions/Contexts,
/// putExecution and putLineageSubgraph).
struct UpsertOptions {
    /// MLMD `update_mask` paths; empty means "replace the whole node".
    var fieldMask: [String] = []
    /// The given `last_update_time_since_epoch` must equal the stored one.
    var abortIfLatestUpdatedTimeChanged = false
    /// Bump `last_update_time_since_epoch` even when nothing changed.
    var forceUpdateTime = false
}

extension WriteTransaction {
    /// Inserts `node` (no id) or updates the stored node with its id, with MLMD's validation.
    /// `label` names the node in errors (`artifacts[2]`, `execution`).
    @discardableResult
    func upsert<N: NodeCoding>(_ node: N, label: String, options: UpsertOptions = UpsertOptions()) throws -> Int64 {
        if let id = node.id {
            return try update(node, id: id, label: label, options: options)
        }
        return try insert(node, label: label)
    }

    /// The type a new node names by `type_id` or, as a convenience MLMD lacks, by `type` name.
    private func resolveType<N: Node>(of node: N, label: String) throws -> TypeRecord {
        let kind = N.kind.typeKind
        if let typeID = node.typeID {
            guard let type = try reader.type(id: typeID), type.kind == kind else {
                throw StoreError.notFound("\(label): Cannot find type for type_id: \(typeID) (no \(kind.messageName) has this id)")
            }
            return type
        }
        if let name = node.type {
            guard let type = try reader.type(kind: kind, name: name, version: nil) else {
                throw StoreError.notFound("\(label): Cannot find \(kind.messageName) named '\(name)'")
            }
            return type
        }
        throw StoreError.invalidArgument("\(label): Type id is missing.")
    }

    private func insert<N: NodeCoding>(_ node: N, label: String) throws -> Int64 {
        let type = try resolveType(of: node, label: label)
        var node = node
        node.typeID = type.id
        node.type = type.name
        node.applyStoreDefaults()
        try validate(node, type: type, label: label)
        try checkNameAndExternalIDFree(node, type: type, label: label)
        let newID = try freeDerivedContextID(of: node, type: type) ?? newNodeID(kind: N.kind)
        node.id = newID
        node.createTimeSinceEpoch = now
        node.lastUpdateTimeSinceEpoch = now
        try store(node, type: type, isNew: true)
        return newID
    }

    private func update<N: NodeCoding>(_ node: N, id: Int64, label: String, options: UpsertOptions) throws -> Int64 {
        guard let stored = try reader.node(id: id, as: N.self) else {
            throw StoreError.invalidArgument("\(label): Cannot find the given id \(id)")
        }
        if let typeID = node.typeID, typeID != stored.typeID {
            throw StoreError.invalidArgument("\(label): Given type_id \(typeID) is different from the one known before: \(stored.typeID ?? 0)")
        }
        guard let type = try reader.type(id: stored.typeID ?? 0) else {
            throw StoreError.notFound("\(label): Cannot find type for type_id: \(stored.typeID ?? 0) of stored \(N.kind.messageName) \(id)")
        }
        if options.abortIfLatestUpdatedTimeChanged, node.lastUpdateTimeSinceEpoch != stored.lastUpdateTimeSinceEpoch {
            throw StoreError.failedPrecondition("\(label): `abort_if_latest_updated_time_changed` is set, and the stored \(N.kind.messageName) "
                + "with id \(id) has a different last_update_time_since_epoch: stored \(stored.lastUpdateTimeSinceEpoch ?? 0), "
                + "given \(node.lastUpdateTimeSinceEpoch.map(String.init) ?? "none")")
        }
        var updated = options.fieldMask.isEmpty ? replaced(stored, with: node) : masked(stored, with: node, mask: options.fieldMask)
        updated.type = type.name
        try validate(updated, type: type, label: label)
        try checkNameAndExternalIDFree(updated, type: type, label: label, replacing: stored)
        // A no-op update leaves the file and last_update_time alone (unless forced).
        if updated == stored && !options.forceUpdateTime { return id }
        updated.lastUpdateTimeSinceEpoch = now
        try store(updated, type: type, isNew: false)
        return id
    }

    /// A whole update: the given node replaces the stored one, except what MLMD keeps
    /// (id, type, create time, and the name of artifacts and executions).
    private func replaced<N: NodeCoding>(_ stored: N, with node: N) -> N {
        var updated = node
        updated.id = stored.id
        updated.typeID = stored.typeID
        updated.createTimeSinceEpoch = stored.createTimeSinceEpoch
        updated.lastUpdateTimeSinceEpoch = stored.lastUpdateTimeSinceEpoch
        if N.kind != .context { updated.name = stored.name }
        updated.applyStoreDefaults()
        return updated
    }

    /// A masked update: only the listed fields change; unknown paths are ignored, as in MLMD.
    private func masked<N: NodeCoding>(_ stored: N, with node: N, mask: [String]) -> N {
        var updated = stored
        for path in mask {
            switch path {
            case "external_id": updated.externalID = node.externalID
            case "name": if N.kind == .context { updated.name = node.name }
            case "properties": updated.properties = node.properties
            case "custom_properties": updated.customProperties = node.customProperties
            default:
                if updated.copyKindField(path, from: node) {
                    continue
                } else if path.hasPrefix("properties.") {
                    let key = String(path.dropFirst("properties.".count))
                    updated.properties[key] = node.properties[key]
                } else if path.hasPrefix("custom_properties.") {
                    let key = String(path.dropFirst("custom_properties.".count))
                    updated.customProperties[key] = node.customProperties[key]
                }
            }
        }
        return updated
    }

    /// Refuses a node whose name (within its type) or external id another node has; `stored` is
    /// the node an update replaces, whose own name and external id are no clash.
    func checkNameAndExternalIDFree<N: NodeCoding>(_ node: N, type: TypeRecord, label: String, replacing stored: N? = nil) throws {
        if let name = node.name, name != stored?.name, let existing = try reader.nodeID(kind: N.kind, typeID: type.id, name: name) {
            throw StoreError.alreadyExists("\(label): Given node already exists: \(N.kind.messageName) \(existing) of type '\(type.displayName)' is already named '\(name)'")
        }
        if let externalID = node.externalID, externalID != stored?.externalID, let existing = try reader.nodeID(kind: N.kind, externalID: externalID) {
            throw StoreError.alreadyExists("\(label): Given node already exists: \(N.kind.messageName) \(existing) already has external_id '\(externalID)'")
        }
    }

    /// The id a new context takes: derived from its type and name so that every clone agrees,
    /// unless another context has it (one renamed away from this name keeps its id). Nil for
    /// artifacts and executions, and for a context whose derived id is taken.
    func freeDerivedContextID<N: NodeCoding>(of node: N, type: TypeRecord) throws -> Int64? {
        guard N.kind == .context, let name = node.name else { return nil }
        let derived = Identifiers.contextID(typeID: type.id, name: name)
        return try reader.nodeExists(kind: .context, id: derived) ? nil : derived
    }

    /// MLMD's property validation plus the store's text rules: the first of
    /// ``EntityRules/problems(of:type:)``, which `mlmd fsck` and the index check on read.
    func validate<N: NodeCoding>(_ node: N, type: TypeRecord, label: String) throws {
        if let problem = EntityRules.problems(of: node, type: type).first {
            throw StoreError.invalidArgument("\(label): \(problem.message)", field: problem.field)
        }
    }
}
