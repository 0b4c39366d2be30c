import MLMetadata

/// Brings an ``MLMDGraph`` into a store, all or nothing, keeping every time, merging what the
/// store already has, and recording each entity's MLMD id (its origin).
///
/// The import is written in batches of ``batchSize`` nodes, each one journaled write, so that
/// memory stays bounded; the last batch holds the edges, the updates and every origin, and the
/// store's import record makes the batches one: killed at any point, the store holds none of the
/// import or all of it.
///
/// * Types merge with the stored type of the same name and version (new properties are added).
/// * Contexts merge with the stored context of the same type and name; artifacts and executions
///   with the stored one of the same external id (as TFX's reuse options do).
/// * An entity an earlier import of the same source brought in is updated when the source
///   changed it (an execution that was `RUNNING` then and is `COMPLETE` now), else left alone;
///   so importing the same database again writes nothing.
/// * New artifacts and executions get ids derived from their source, MLMD id and create time, so
///   two clones importing the same database agree on every id and file.
///
/// ```swift
/// let graph = try MLMDSQLiteReader(path: "metadata.sqlite").read()
/// let report = try MLMDImporter(store: store, source: "metadata").run(graph)
/// print(report)   // 4,210 artifacts added, …
/// ```
public struct MLMDImporter {
    public let store: MetadataStore
    /// The name the source's origins are kept under (`origins/<source>/`); import the same
    /// database under the same name every time.
    public let source: String
    /// Called as the import goes on, for a progress line.
    public var progress: (@Sendable (ImportProgress) -> Void)?
    /// New nodes per batch (each batch is one journaled write of the store).
    public var batchSize = 25_000

    public init(store: MetadataStore, source: String, progress: (@Sendable (ImportProgress) -> Void)? = nil) {
        self.store = store
        self.source = source
        self.progress = progress
    }

    /// Imports `graph`; returns what was added, updated and merged.
    @discardableResult
    public func run(_ graph: MLMDGraph) throws -> ImportReport {
        let progress = self.progress
        // The nodes in batches of `batchSize`: contexts first, then artifacts, then executions (a
        // batch may hold the end of one kind and the start of the next).
        typealias Step = (inout ImportRun, ImportTransaction) throws -> Void
        let size = max(1, batchSize)
        var chunks: [[Step]] = [[]]
        var room = size
        func add<N: ImportableNode>(_ nodes: [N], kind: Origin.Kind, typeKind: Origin.Kind) {
            var start = 0
            while start < nodes.count {
                if room == 0 {
                    chunks.append([])
                    room = size
                }
                let slice = nodes[start..<min(start + room, nodes.count)]
                chunks[chunks.count - 1].append { run, transaction in try run.nodes(slice, kind: kind, typeKind: typeKind, in: transaction) }
                room -= slice.count
                start += slice.count
            }
        }
        add(graph.contexts, kind: .context, typeKind: .contextType)
        add(graph.artifacts, kind: .artifact, typeKind: .artifactType)
        add(graph.executions, kind: .execution, typeKind: .executionType)
        return try store.importing(source: source) { session in
            var run = ImportRun(progress: progress, total: graph.artifacts.count + graph.executions.count + graph.contexts.count)
            let last = chunks.popLast()
            // The store runs a batch again when a file changed under it: each run starts from the
            // state before the batch.
            for (index, chunk) in chunks.enumerated() {
                let before = run
                try session.batch { transaction in
                    run = before
                    if index == 0 { try run.start(graph, in: transaction) }
                    for step in chunk { try step(&run, transaction) }
                }
            }
            let before = run
            return try session.finish { transaction in
                run = before
                if chunks.isEmpty { try run.start(graph, in: transaction) }
                for step in last ?? [] { try step(&run, transaction) }
                try run.applyUpdates(in: transaction)
                try run.edges(graph, in: transaction)
                progress?(ImportProgress(phase: .writingFiles, done: 0, total: 0))
                return run.report
            }
        }
    }
}

/// What an import did, by kind.
public struct ImportReport: Sendable, Hashable, CustomStringConvertible {
    /// Counts of one kind of entity.
    public struct Tally: Sendable, Hashable {
        /// New in the store.
        public var added = 0
        /// Imported before, changed in the source since, rewritten.
        public var updated = 0
        /// Imported before and unchanged, or the same as one the store had (merged).
        public var unchanged = 0
        /// The store had it already (a context of the same type and name, an artifact or
        /// execution with the same external id), and it is now mapped to it.
        public var merged = 0
    }

    public var types = Tally()
    public var artifacts = Tally()
    public var executions = Tally()
    public var contexts = Tally()
    /// Events, attributions, associations and parent contexts added (the others existed).
    public var edgesAdded = 0
    public var edgesUnchanged = 0

    /// Whether the import wrote nothing.
    public var isEmpty: Bool {
        [types, artifacts, executions, contexts].allSatisfy { $0.added == 0 && $0.updated == 0 && $0.merged == 0 } && edgesAdded == 0
    }

    /// What `mlmd import` prints: that nothing was new, or what was imported, kind by kind.
    public func summary(of database: String, into store: String, source: String) -> String {
        if isEmpty { return "Nothing new: everything in \(database) was imported before (source '\(source)')." }
        return "Imported \(database) into \(store) as source '\(source)':\n"
            + description.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
    }

    public var description: String {
        func line(_ name: String, _ tally: Tally) -> String {
            "\(name): \(tally.added) added, \(tally.updated) updated, \(tally.merged) merged, \(tally.unchanged) unchanged"
        }
        return [line("types", types), line("contexts", contexts), line("artifacts", artifacts), line("executions", executions),
                "edges: \(edgesAdded) added, \(edgesUnchanged) unchanged"].joined(separator: "\n")
    }
}

/// How far an import is.
public struct ImportProgress: Sendable, Hashable {
    public enum Phase: String, Sendable, Hashable {
        case types
        case nodes
        case edges
        /// The store writes its files (journal, then files); counts are 0.
        case writingFiles = "writing files"
    }

    public var phase: Phase
    public var done: Int
    public var total: Int
}

/// The state of one import: the id maps from MLMD's ids to the store's.
private struct ImportRun {
    /// What earlier imports of the source brought in, then what this one adds.
    var ids: [Origin.Kind: [Int64: Int64]] = [:]
    let progress: (@Sendable (ImportProgress) -> Void)?
    let total: Int
    var done = 0
    var report = ImportReport()
    /// Nodes imported before and changed in the source since: rewritten in the last batch.
    var updates: [(ImportTransaction) throws -> Void] = []

    init(progress: (@Sendable (ImportProgress) -> Void)?, total: Int) {
        self.progress = progress
        self.total = total
    }

    /// The first batch: what earlier imports brought in, and the types.
    mutating func start(_ graph: MLMDGraph, in transaction: ImportTransaction) throws {
        ids = try transaction.knownOrigins()
        for type in graph.artifactTypes { try put(type, in: transaction) }
        for type in graph.executionTypes { try put(type, in: transaction) }
        for type in graph.contextTypes { try put(type, in: transaction) }
        progress?(ImportProgress(phase: .types, done: graph.counts.types, total: graph.counts.types))
    }

    mutating func applyUpdates(in transaction: ImportTransaction) throws {
        for update in updates { try update(transaction) }
    }

    private mutating func put<T: MetadataType>(_ type: T, in transaction: ImportTransaction) throws {
        guard let mlmdID = type.id else { return }
        let kind = Origin.Kind(T.kind)
        let known = ids[kind]?[mlmdID]
        let id = try transaction.putType(type, mlmdID: mlmdID)
        if known != id {
            transaction.recordOrigin(kind, mlmdID: mlmdID, id: id)
            ids[kind, default: [:]][mlmdID] = id
            if known == nil { report.types.added += 1 } else { report.types.updated += 1 }
        } else {
            report.types.unchanged += 1
        }
    }

    // MARK: Nodes

    mutating func nodes<N: ImportableNode>(_ nodes: ArraySlice<N>, kind: Origin.Kind, typeKind: Origin.Kind,
                                           in transaction: ImportTransaction) throws {
        for source in nodes {
            guard let mlmdID = source.id, let mlmdTypeID = source.typeID else { continue }
            guard let typeID = ids[typeKind]?[mlmdTypeID] else {
                throw StoreError(.dataLoss, "\(N.kind.messageName) \(mlmdID) has type_id \(mlmdTypeID), which the database has no type for",
                                 field: "type_id")
            }
            var node = source
            node.typeID = typeID
            node.id = nil
            if let known = ids[kind]?[mlmdID] {
                guard let stored = try N.stored(known, in: transaction) else {
                    throw StoreError(.failedPrecondition, "\(N.kind.messageName) \(known), imported earlier from \(transaction.source) as MLMD id "
                                     + "\(mlmdID), is not readable in the store (see `mlmd fsck`); nothing was imported")
                }
                node.id = known
                node.type = stored.type
                if node == stored {
                    tally(N.kind) { $0.unchanged += 1 }
                } else {
                    let changed = node
                    updates.append { try changed.replace(mlmdID: mlmdID, in: $0) }
                    tally(N.kind) { $0.updated += 1 }
                }
            } else if let existing = try merged(node, in: transaction) {
                transaction.recordOrigin(kind, mlmdID: mlmdID, id: existing)
                ids[kind, default: [:]][mlmdID] = existing
                tally(N.kind) { $0.merged += 1 }
            } else {
                let id = try node.insert(mlmdID: mlmdID, in: transaction)
                ids[kind, default: [:]][mlmdID] = id
                tally(N.kind) { $0.added += 1 }
            }
            done += 1
            if done % 1000 == 0 { progress?(ImportProgress(phase: .nodes, done: done, total: total)) }
        }
        progress?(ImportProgress(phase: .nodes, done: done, total: total))
    }

    /// The stored node the source's node merges with: a context of the same type and name, an
    /// artifact or execution with the same external id.
    private func merged<N: ImportableNode>(_ node: N, in transaction: ImportTransaction) throws -> Int64? {
        if N.kind == .context, let name = node.name, let typeID = node.typeID {
            return try transaction.contextID(typeID: typeID, name: name)
        }
        if let externalID = node.externalID {
            return try transaction.nodeID(kind: N.kind, externalID: externalID)
        }
        return nil
    }

    private mutating func tally(_ kind: NodeKind, _ change: (inout ImportReport.Tally) -> Void) {
        switch kind {
        case .artifact: change(&report.artifacts)
        case .execution: change(&report.executions)
        case .context: change(&report.contexts)
        }
    }

    // MARK: Edges

    mutating func edges(_ graph: MLMDGraph, in transaction: ImportTransaction) throws {
        let total = graph.counts.edges
        var done = 0
        func step() {
            done += 1
            if done % 5000 == 0 { progress?(ImportProgress(phase: .edges, done: done, total: total)) }
        }
        for event in graph.events {
            let artifact = try id(.artifact, event.artifactID, in: "Event")
            let execution = try id(.execution, event.executionID, in: "Event")
            guard let type = event.type else { continue }
            if try transaction.eventExists(artifactID: artifact, executionID: execution, type: type) {
                report.edgesUnchanged += 1
            } else {
                try transaction.add(Event(artifactID: artifact, executionID: execution, path: event.path, type: type,
                                          millisecondsSinceEpoch: event.millisecondsSinceEpoch))
                report.edgesAdded += 1
            }
            step()
        }
        for edge in graph.attributions {
            try add(in: transaction, Attribution(artifactID: try id(.artifact, edge.artifactID, in: "Attribution"),
                                contextID: try id(.context, edge.contextID, in: "Attribution")))
            step()
        }
        for edge in graph.associations {
            try add(in: transaction, Association(executionID: try id(.execution, edge.executionID, in: "Association"),
                                contextID: try id(.context, edge.contextID, in: "Association")))
            step()
        }
        for edge in graph.parentContexts {
            let mapped = ParentContext(childID: try id(.context, edge.childID, in: "ParentContext"),
                                       parentID: try id(.context, edge.parentID, in: "ParentContext"))
            if try transaction.exists(mapped) {
                report.edgesUnchanged += 1
            } else {
                try transaction.add(mapped)
                report.edgesAdded += 1
            }
            step()
        }
        progress?(ImportProgress(phase: .edges, done: done, total: total))
    }

    private mutating func add(in transaction: ImportTransaction, _ edge: Attribution) throws {
        if try transaction.exists(edge) { report.edgesUnchanged += 1 } else { try transaction.add(edge); report.edgesAdded += 1 }
    }

    private mutating func add(in transaction: ImportTransaction, _ edge: Association) throws {
        if try transaction.exists(edge) { report.edgesUnchanged += 1 } else { try transaction.add(edge); report.edgesAdded += 1 }
    }

    private func id(_ kind: Origin.Kind, _ mlmdID: Int64?, in message: String) throws -> Int64 {
        guard let mlmdID, let id = ids[kind]?[mlmdID] else {
            throw StoreError(.dataLoss, "an \(message) refers to \(kind.rawValue) \(mlmdID.map(String.init) ?? "(none)"), which the database does not have")
        }
        return id
    }
}

/// The three node kinds, as the importer writes them.
protocol ImportableNode: Node {
    static func stored(_ id: Int64, in transaction: ImportTransaction) throws -> Self?
    func insert(mlmdID: Int64, in transaction: ImportTransaction) throws -> Int64
    func replace(mlmdID: Int64, in transaction: ImportTransaction) throws
}

extension Artifact: ImportableNode {
    static func stored(_ id: Int64, in transaction: ImportTransaction) throws -> Artifact? { try transaction.artifact(id: id) }
    func insert(mlmdID: Int64, in transaction: ImportTransaction) throws -> Int64 { try transaction.insert(self, mlmdID: mlmdID) }
    func replace(mlmdID: Int64, in transaction: ImportTransaction) throws { try transaction.replace(self, mlmdID: mlmdID) }
}

extension Execution: ImportableNode {
    static func stored(_ id: Int64, in transaction: ImportTransaction) throws -> Execution? { try transaction.execution(id: id) }
    func insert(mlmdID: Int64, in transaction: ImportTransaction) throws -> Int64 { try transaction.insert(self, mlmdID: mlmdID) }
    func replace(mlmdID: Int64, in transaction: ImportTransaction) throws { try transaction.replace(self, mlmdID: mlmdID) }
}

extension Context: ImportableNode {
    static func stored(_ id: Int64, in transaction: ImportTransaction) throws -> Context? { try transaction.context(id: id) }
    func insert(mlmdID: Int64, in transaction: ImportTransaction) throws -> Int64 { try transaction.insert(self, mlmdID: mlmdID) }
    func replace(mlmdID: Int64, in transaction: ImportTransaction) throws { try transaction.replace(self, mlmdID: mlmdID) }
}
