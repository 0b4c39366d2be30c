/// What changed in a store between two states (two git revisions, or a revision and the
/// working store), in MLMD's terms: runs, types, nodes with their changed fields, and edges.
///
/// Built by `StoreRepository.diff(from:to:)` (MLMetadataGit) from the files that differ, or by
/// ``StoreDiff/init(changes:newStore:)`` from any list of changed files.
public struct StoreDiff: Sendable {
    /// Pipeline runs added, updated (an execution of the run added or changed) or removed.
    public var runs: [RunChange] = []
    public var types: [TypeChange] = []
    /// Artifacts, executions and contexts, in kind order then id order.
    public var nodes: [NodeChange] = []
    public var edges = EdgeChanges()
    /// Files outside the entity layout that were added, changed or removed (`store.json`,
    /// `.gitattributes`, …), by store-relative path.
    public var otherFiles: [FileChange] = []
    /// Files that could not be read on one side: the error names the file and line, and its
    /// message starts with the side (`before:` or `after:`).
    public var problems: [StoreError] = []
    /// Whether the store existed in the old state (false: everything is added).
    public var storeExistedBefore = true
    /// Whether the store exists in the new state (false: everything is removed).
    public var storeExistsAfter = true
    /// What the old state is, for headings: `HEAD~1 (3a08f1c)`. Set by whoever built the diff.
    public var oldLabel = "before"
    /// What the new state is: `HEAD (120dc14)`, `the working store`.
    public var newLabel = "after"
    /// The store in the new state, when the diff opened it (to describe runs).
    public var newStore: MetadataStore?

    public init() {}

    /// Whether nothing differs.
    public var isEmpty: Bool {
        runs.isEmpty && types.isEmpty && nodes.isEmpty && edges.isEmpty && otherFiles.isEmpty && problems.isEmpty
            && storeExistedBefore == storeExistsAfter
    }

    /// The changed nodes of one kind.
    public func nodes(_ kind: NodeKind) -> [NodeChange] { nodes.filter { $0.kind == kind } }
}

/// How an entity differs between the two states.
public enum ChangeKind: String, Sendable, Hashable, CaseIterable {
    case added
    case removed
    case changed
    /// A type whose name changed (same id, or its nodes moved to the new name).
    case renamed
}

/// A file outside the entity layout that differs.
public struct FileChange: Sendable, Hashable {
    public var path: String
    public var change: ChangeKind

    public init(path: String, change: ChangeKind) {
        self.path = path
        self.change = change
    }
}

/// A type added, removed, changed or renamed.
public struct TypeChange: Sendable, Hashable {
    public var kind: TypeKind
    public var id: Int64
    /// The name (`name@version` for a versioned type) in the new state, else in the old.
    public var name: String
    /// The name before, for a renamed type.
    public var oldName: String?
    public var change: ChangeKind
    /// For changed and renamed types: the fields that differ (`properties.<name>` holds the kind).
    public var fields: [FieldChange]
    /// For a renamed type: how many of its nodes the diff saw move to the new name.
    public var nodesMoved = 0

    public init(kind: TypeKind, id: Int64, name: String, oldName: String? = nil, change: ChangeKind, fields: [FieldChange] = [],
                nodesMoved: Int = 0) {
        self.kind = kind
        self.id = id
        self.name = name
        self.oldName = oldName
        self.change = change
        self.fields = fields
        self.nodesMoved = nodesMoved
    }
}

/// An artifact, execution or context added, removed or changed.
public struct NodeChange: Sendable, Hashable {
    public var kind: NodeKind
    public var id: Int64
    /// The node's type name (new state, else old).
    public var type: String
    public var name: String?
    public var change: ChangeKind
    /// The fields that differ (changed nodes); every field of an added or removed node is
    /// left out — see ``state`` and ``uri`` for the essentials.
    public var fields: [FieldChange]
    /// An artifact's `state` or an execution's `last_known_state` (new state, else old).
    public var state: String?
    /// An artifact's uri (new state, else old).
    public var uri: String?
    public var createTime: Int64?

    public init(kind: NodeKind, id: Int64, type: String, name: String? = nil, change: ChangeKind, fields: [FieldChange] = [],
                state: String? = nil, uri: String? = nil, createTime: Int64? = nil) {
        self.kind = kind
        self.id = id
        self.type = type
        self.name = name
        self.change = change
        self.fields = fields
        self.state = state
        self.uri = uri
        self.createTime = createTime
    }
}

/// Edges (events, attributions, associations, parent contexts) added or removed. MLMD never
/// removes edges; a removal means files were edited or deleted by hand, or the store was.
public struct EdgeChanges: Sendable, Hashable {
    public var addedEvents: [Event] = []
    public var removedEvents: [Event] = []
    public var addedAttributions: [Attribution] = []
    public var removedAttributions: [Attribution] = []
    public var addedAssociations: [Association] = []
    public var removedAssociations: [Association] = []
    public var addedParentContexts: [ParentContext] = []
    public var removedParentContexts: [ParentContext] = []

    public init() {}

    public var addedCount: Int { addedEvents.count + addedAttributions.count + addedAssociations.count + addedParentContexts.count }
    public var removedCount: Int {
        removedEvents.count + removedAttributions.count + removedAssociations.count + removedParentContexts.count
    }
    public var isEmpty: Bool { addedCount == 0 && removedCount == 0 }
}

/// A pipeline run the diff touches.
public struct RunChange: Sendable, Hashable {
    /// `added`: the run's context is new; `changed`: executions of an existing run were added
    /// or changed; `removed`: the run's context is gone.
    public var change: ChangeKind
    /// The run's context id and name (its `pipeline_run` context).
    public var id: Int64
    public var name: String
    /// The run as it is in the new state (nil for a removed run).
    public var details: RunDetails?
    /// For a changed run: the executions added to it.
    public var addedExecutions: Set<Int64> = []
    /// For a changed run: the old state of each execution that changed, by execution id.
    public var previousStates: [Int64: String] = [:]

    public init(change: ChangeKind, id: Int64, name: String, details: RunDetails? = nil,
                addedExecutions: Set<Int64> = [], previousStates: [Int64: String] = [:]) {
        self.change = change
        self.id = id
        self.name = name
        self.details = details
        self.addedExecutions = addedExecutions
        self.previousStates = previousStates
    }
}
