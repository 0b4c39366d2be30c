/// One write call that brings in entities recorded elsewhere (an MLMD database), keeping their
/// own times, and records where each came from (`origins/`, FORMAT.md §8).
///
/// The importer (the `MLMDInterchange` module) decides what to write; this type writes it with
/// the store's rules (validation, derived ids, the journal), all or nothing. Reads see the call's
/// own writes.
package final class ImportTransaction {
    private let transaction: WriteTransaction
    /// The name of the source database, the folder of its origins file.
    package let source: String
    private var origins: [Origin] = []

    init(transaction: WriteTransaction, source: String) {
        self.transaction = transaction
        self.source = source
    }

    // MARK: - Reads

    /// What earlier imports of this source brought in: MLMD id → store id, per kind.
    package func knownOrigins() throws -> [Origin.Kind: [Int64: Int64]] {
        try transaction.reader.origins(source: source)
    }

    package func contextID(typeID: Int64, name: String) throws -> Int64? {
        try transaction.reader.nodeID(kind: .context, typeID: typeID, name: name)
    }

    package func nodeID(kind: NodeKind, typeID: Int64, name: String) throws -> Int64? {
        try transaction.reader.nodeID(kind: kind, typeID: typeID, name: name)
    }

    package func nodeID(kind: NodeKind, externalID: String) throws -> Int64? {
        try transaction.reader.nodeID(kind: kind, externalID: externalID)
    }

    package func artifact(id: Int64) throws -> Artifact? { try transaction.reader.node(id: id, as: Artifact.self) }
    package func execution(id: Int64) throws -> Execution? { try transaction.reader.node(id: id, as: Execution.self) }
    package func context(id: Int64) throws -> Context? { try transaction.reader.node(id: id, as: Context.self) }

    package func eventExists(artifactID: Int64, executionID: Int64, type: Event.Kind) throws -> Bool {
        try transaction.reader.eventExists(artifactID: artifactID, executionID: executionID, type: type)
    }

    package func exists(_ edge: Attribution) throws -> Bool { try transaction.reader.attributionExists(edge) }
    package func exists(_ edge: Association) throws -> Bool { try transaction.reader.associationExists(edge) }
    package func exists(_ edge: ParentContext) throws -> Bool { try transaction.reader.parentContextExists(edge) }

    // MARK: - Types

    /// Stores the type, or merges it with the stored type of the same name and version as
    /// `put_*_type(can_add_fields, can_omit_fields)` does. Returns its id; the caller records
    /// the origin when it is new.
    package func putType<T: MetadataType>(_ type: T, mlmdID: Int64) throws -> Int64 {
        var type = type
        type.id = nil
        return try describing("\(T.kind.messageName) '\(type.name)' (MLMD id \(mlmdID))") {
            try transaction.putType(type, canAddFields: true, canOmitFields: true)
        }
    }

    // MARK: - Nodes

    /// Stores a node the store does not have, with its own create and update times, under a new
    /// id (a context's derived id when free, else an id derived from its MLMD id); records its
    /// origin. `node.typeID` is the store's type id. Returns the new id.
    package func insert(_ node: Artifact, mlmdID: Int64) throws -> Int64 { try insertNode(node, mlmdID: mlmdID) }
    package func insert(_ node: Execution, mlmdID: Int64) throws -> Int64 { try insertNode(node, mlmdID: mlmdID) }
    package func insert(_ node: Context, mlmdID: Int64) throws -> Int64 { try insertNode(node, mlmdID: mlmdID) }

    /// Rewrites a stored node (`node.id`) with the source's newer content and times.
    package func replace(_ node: Artifact, mlmdID: Int64) throws { try replaceNode(node, mlmdID: mlmdID) }
    package func replace(_ node: Execution, mlmdID: Int64) throws { try replaceNode(node, mlmdID: mlmdID) }
    package func replace(_ node: Context, mlmdID: Int64) throws { try replaceNode(node, mlmdID: mlmdID) }

    /// Records that the source's entity is the store's `id` (a context or artifact that merged
    /// with one the store had).
    package func recordOrigin(_ kind: Origin.Kind, mlmdID: Int64, id: Int64) {
        origins.append(Origin(source: source, kind: kind, mlmdID: mlmdID, id: id))
    }

    private func insertNode<N: NodeCoding>(_ node: N, mlmdID: Int64) throws -> Int64 {
        let label = "\(N.kind.messageName) (MLMD id \(mlmdID))"
        let reader = transaction.reader
        guard let typeID = node.typeID, let type = try reader.type(id: typeID), type.kind == N.kind.typeKind else {
            throw StoreError.notFound("\(label): no \(N.kind.typeKind.messageName) with id \(node.typeID.map(String.init) ?? "none")")
        }
        guard let createTime = node.createTimeSinceEpoch, let updateTime = node.lastUpdateTimeSinceEpoch else {
            throw StoreError.invalidArgument("\(label): an imported node keeps its create and update times, and has none", field: "create_time_since_epoch")
        }
        var node = node
        node.type = type.name
        try validate(node, type: type, label: label)
        if let name = node.name, let existing = try reader.nodeID(kind: N.kind, typeID: type.id, name: name) {
            throw StoreError.alreadyExists("\(label): \(N.kind.messageName) \(existing) of type '\(type.displayName)' is already named '\(name)'")
        }
        if let externalID = node.externalID, let existing = try reader.nodeID(kind: N.kind, externalID: externalID) {
            throw StoreError.alreadyExists("\(label): \(N.kind.messageName) \(existing) already has external_id '\(externalID)'")
        }
        var id: Int64?
        if N.kind == .context, let name = node.name {
            let derived = Identifiers.contextID(typeID: type.id, name: name)
            if try !reader.nodeExists(kind: .context, id: derived) { id = derived }
        }
        if id == nil {
            var attempt = 0
            var candidate = Identifiers.importedID(source: source, kind: N.kind, mlmdID: mlmdID, createTime: createTime)
            while try reader.nodeExists(kind: N.kind, id: candidate) {
                attempt += 1
                candidate = Identifiers.importedID(source: source, kind: N.kind, mlmdID: mlmdID, createTime: createTime, attempt: attempt)
            }
            id = candidate
        }
        node.id = id
        node.createTimeSinceEpoch = createTime
        node.lastUpdateTimeSinceEpoch = updateTime
        try transaction.store(node, type: type, isNew: true)
        recordOrigin(Origin.Kind(N.kind), mlmdID: mlmdID, id: id!)
        return id!
    }

    private func replaceNode<N: NodeCoding>(_ node: N, mlmdID: Int64) throws {
        let label = "\(N.kind.messageName) (MLMD id \(mlmdID))"
        let reader = transaction.reader
        guard let id = node.id, let stored = try reader.node(id: id, as: N.self), let type = try reader.type(id: stored.typeID ?? 0) else {
            throw StoreError.notFound("\(label): the store has no \(N.kind.messageName) \(node.id.map(String.init) ?? "without id") to update")
        }
        var node = node
        node.typeID = type.id
        node.type = type.name
        // The file's place follows the create time, which an MLMD node never changes.
        node.createTimeSinceEpoch = stored.createTimeSinceEpoch
        try validate(node, type: type, label: label)
        if let name = node.name, name != stored.name, let existing = try reader.nodeID(kind: N.kind, typeID: type.id, name: name) {
            throw StoreError.alreadyExists("\(label): \(N.kind.messageName) \(existing) of type '\(type.displayName)' is already named '\(name)'")
        }
        if let externalID = node.externalID, externalID != stored.externalID, let existing = try reader.nodeID(kind: N.kind, externalID: externalID) {
            throw StoreError.alreadyExists("\(label): \(N.kind.messageName) \(existing) already has external_id '\(externalID)'")
        }
        guard node != stored else { return }
        try transaction.store(node, type: type, isNew: false)
    }

    private func validate<N: NodeCoding>(_ node: N, type: TypeRecord, label: String) throws {
        if let problem = EntityRules.problems(of: node, type: type).first {
            throw StoreError.invalidArgument("\(label): \(problem.message)", field: problem.field)
        }
    }

    private func describing<T>(_ label: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var error as StoreError {
            error.message = "\(label): \(error.message)"
            throw error
        }
    }

    // MARK: - Edges (store ids)

    package func add(_ event: Event) throws { try transaction.add(.event(event)) }
    package func add(_ edge: Attribution) throws { try transaction.add(.attribution(edge)) }
    package func add(_ edge: Association) throws { try transaction.add(.association(edge)) }

    /// Adds a parent-context link, refusing one that would close a cycle, as the store's writes do.
    package func add(_ edge: ParentContext) throws {
        if try edge.childID == edge.parentID || transaction.reader.isAncestor(edge.childID, of: edge.parentID) {
            throw StoreError.invalidArgument("parent context \(edge.parentID) of context \(edge.childID) would form a cycle", field: "parent_id")
        }
        try transaction.add(.parentContext(edge))
    }

    /// Writes this call's origins file; called once the importer is done.
    func finish() throws {
        try transaction.addOrigins(origins, source: source)
    }
}

extension MetadataStore {
    /// Runs `body` as one all-or-nothing write that imports from `source` (see
    /// ``ImportTransaction``): killed at any point, the store holds all of it or none.
    package func importing<T>(source: String, _ body: (ImportTransaction) throws -> T) throws -> T {
        if let problem = Origin.sourceNameProblem(source) { throw StoreError.invalidArgument(problem, field: "source") }
        return try core.write { transaction in
            let importer = ImportTransaction(transaction: transaction, source: source)
            let result = try body(importer)
            try importer.finish()
            return result
        }
    }

    /// The store id of the entity imported from `source` with the MLMD id `mlmdID`, or nil.
    ///
    /// ```swift
    /// let id = try store.importedID(source: "metadata", kind: .artifact, mlmdID: 42)   // MLMD printed 42
    /// ```
    public func importedID(source: String, kind: Origin.Kind, mlmdID: Int64) throws -> Int64? {
        try read { try $0.importedID(source: source, kind: kind, mlmdID: mlmdID) }
    }

    /// Where an entity was imported from: its MLMD id in each source that brought it in.
    public func origins(of id: Int64) throws -> [Origin] {
        try read { try $0.origins(ofID: id) }
    }

    /// Every origin of a source: MLMD id → store id, per kind (for exports, which give MLMD back its ids).
    public func origins(source: String) throws -> [Origin.Kind: [Int64: Int64]] {
        try read { try $0.origins(source: source) }
    }

    /// The import sources the store has origins of.
    public func importSources() throws -> [String] {
        try read { try $0.originSources() }
    }
}
