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
    /// The origins this batch recorded; the session writes them all in its last batch.
    private(set) var origins: [Origin] = []

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
        try transaction.validate(node, type: type, label: label)
        try transaction.checkNameAndExternalIDFree(node, type: type, label: label)
        var id = try transaction.freeDerivedContextID(of: node, type: type)
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
        try transaction.validate(node, type: type, label: label)
        try transaction.checkNameAndExternalIDFree(node, type: type, label: label, replacing: stored)
        guard node != stored else { return }
        try transaction.store(node, type: type, isNew: false)
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

    /// Writes the origins of the whole import (this batch's and `earlier`); the last batch does.
    func writeOrigins(with earlier: [Origin]) throws {
        try transaction.addOrigins(earlier + origins, source: source)
    }
}

/// An import written in several journaled batches and yet all or nothing (``PendingImport``):
/// the last batch writes every origin of the session (one of its files is the token that says
/// the import finished). Killed before the last batch is complete, the next open removes what
/// the earlier batches created and restores what they rewrote; a failure in the process does so
/// at once.
package final class ImportSession {
    private let store: MetadataStore
    package let source: String
    private var origins: [Origin] = []
    /// Whether a batch before the last has written (and so the import record is open).
    private var started = false

    init(store: MetadataStore, source: String) {
        self.store = store
        self.source = source
    }

    /// One batch before the last. What it rewrites is recorded (old bytes), so keep that small
    /// (merged types); updates of many nodes belong in the last batch.
    package func batch<T>(_ body: (ImportTransaction) throws -> T) throws -> T {
        try run(last: false, body)
    }

    /// The last batch: everything else (updates of earlier imports, merged types), and every
    /// origin of the session.
    package func finish<T>(_ body: (ImportTransaction) throws -> T) throws -> T {
        let result = try run(last: true, body)
        try store.core.files.finishImport()
        return result
    }

    private func run<T>(last: Bool, _ body: (ImportTransaction) throws -> T) throws -> T {
        let core = store.core
        let sync = core.options.durability == .full
        var batchOrigins: [Origin] = []
        let result = try core.write({ transaction in
            let importer = ImportTransaction(transaction: transaction, source: self.source)
            let result = try body(importer)
            if last { try importer.writeOrigins(with: self.origins) }
            batchOrigins = importer.origins
            return result
        }, beforeJournal: { journal in
            if last {
                guard self.started else { return }
                // The token: a file only this batch creates. Found on disk, it says the import finished.
                guard let token = journal.entries.first(where: { $0.old == nil })?.path else {
                    throw StoreError(.internal, "the last batch of an import creates no file to mark it complete")
                }
                try core.files.recordImport(created: [], token: token, start: false, sync: sync)
            } else {
                try core.files.recordImport(created: journal.entries.filter { $0.old == nil }.map(\.path),
                                            rewritten: journal.entries.compactMap { entry in entry.old.map { (entry.path, $0) } },
                                            token: nil, start: !self.started, sync: sync)
                self.started = true
            }
        })
        if !last { origins += batchOrigins }
        return result
    }

    /// Removes what the batches written so far created (a later batch failed in this process).
    func abandon() throws {
        guard started else { return }
        started = false
        store.core.files.releaseImport()
        try store.core.undoUnfinishedImport()
    }
}

extension MetadataStore {
    /// Runs `body`, an import from `source` written in batches (``ImportSession``): whatever
    /// happens, killed at any point or failing in any batch, the store holds all of it or none.
    package func importing<T>(source: String, _ body: (ImportSession) throws -> T) throws -> T {
        if let problem = Origin.sourceNameProblem(source) { throw StoreError.invalidArgument(problem, field: "source") }
        let session = ImportSession(store: self, source: source)
        do {
            return try body(session)
        } catch {
            // If even the undo fails, the record stays behind and the next open finishes it.
            try? session.abandon()
            throw error
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
