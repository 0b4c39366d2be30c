/// The three kinds of nodes in the metadata graph.
public enum NodeKind: String, Sendable, Hashable, CaseIterable {
    case artifact
    case execution
    case context

    /// The kind of type that nodes of this kind are instances of.
    public var typeKind: TypeKind {
        switch self {
        case .artifact: .artifact
        case .execution: .execution
        case .context: .context
        }
    }

    /// The message name (`Artifact`, `Execution`, `Context`).
    public var messageName: String {
        switch self {
        case .artifact: "Artifact"
        case .execution: "Execution"
        case .context: "Context"
        }
    }
}

/// What artifacts, executions and contexts have in common.
public protocol Node: Sendable, Hashable {
    static var kind: NodeKind { get }
    var id: Int64? { get set }
    var typeID: Int64? { get set }
    /// The type's name. Filled in on reads; on writes it may stand in for ``typeID``.
    var type: String? { get set }
    var name: String? { get set }
    var externalID: String? { get set }
    var properties: [String: Value] { get set }
    var customProperties: [String: Value] { get set }
    /// Milliseconds since the Unix epoch; set by the store.
    var createTimeSinceEpoch: Int64? { get set }
    /// Milliseconds since the Unix epoch; set by the store.
    var lastUpdateTimeSinceEpoch: Int64? { get set }
}

/// A piece of data a pipeline reads or writes (MLMD's `Artifact`).
public struct Artifact: Node {
    public static let kind = NodeKind.artifact

    /// MLMD's `Artifact.State`.
    public enum State: String, ProtoEnum {
        case unknown = "UNKNOWN"
        case pending = "PENDING"
        case live = "LIVE"
        case markedForDeletion = "MARKED_FOR_DELETION"
        case deleted = "DELETED"
        case abandoned = "ABANDONED"
        case reference = "REFERENCE"

        public var number: Int {
            switch self {
            case .unknown: 0
            case .pending: 1
            case .live: 2
            case .markedForDeletion: 3
            case .deleted: 4
            case .abandoned: 5
            case .reference: 6
            }
        }
    }

    public var id: Int64?
    public var typeID: Int64?
    public var type: String?
    public var name: String?
    public var uri: String?
    public var externalID: String?
    /// `nil` (unset) is distinct from ``State/unknown``, as in MLMD.
    public var state: State?
    public var properties: [String: Value]
    public var customProperties: [String: Value]
    public var createTimeSinceEpoch: Int64?
    public var lastUpdateTimeSinceEpoch: Int64?

    public init(id: Int64? = nil, typeID: Int64? = nil, type: String? = nil, name: String? = nil,
                uri: String? = nil, externalID: String? = nil, state: State? = nil,
                properties: [String: Value] = [:], customProperties: [String: Value] = [:],
                createTimeSinceEpoch: Int64? = nil, lastUpdateTimeSinceEpoch: Int64? = nil) {
        self.id = id
        self.typeID = typeID
        self.type = type
        self.name = name
        self.uri = uri
        self.externalID = externalID
        self.state = state
        self.properties = properties
        self.customProperties = customProperties
        self.createTimeSinceEpoch = createTimeSinceEpoch
        self.lastUpdateTimeSinceEpoch = lastUpdateTimeSinceEpoch
    }
}

/// One run of a component (MLMD's `Execution`).
public struct Execution: Node {
    public static let kind = NodeKind.execution

    /// MLMD's `Execution.State`.
    public enum State: String, ProtoEnum {
        case unknown = "UNKNOWN"
        case new = "NEW"
        case running = "RUNNING"
        case complete = "COMPLETE"
        case failed = "FAILED"
        case cached = "CACHED"
        case canceled = "CANCELED"

        public var number: Int {
            switch self {
            case .unknown: 0
            case .new: 1
            case .running: 2
            case .complete: 3
            case .failed: 4
            case .cached: 5
            case .canceled: 6
            }
        }
    }

    public var id: Int64?
    public var typeID: Int64?
    public var type: String?
    public var name: String?
    public var externalID: String?
    /// `nil` (unset) is distinct from ``State/unknown``, as in MLMD.
    public var lastKnownState: State?
    public var properties: [String: Value]
    public var customProperties: [String: Value]
    public var createTimeSinceEpoch: Int64?
    public var lastUpdateTimeSinceEpoch: Int64?

    public init(id: Int64? = nil, typeID: Int64? = nil, type: String? = nil, name: String? = nil,
                externalID: String? = nil, lastKnownState: State? = nil,
                properties: [String: Value] = [:], customProperties: [String: Value] = [:],
                createTimeSinceEpoch: Int64? = nil, lastUpdateTimeSinceEpoch: Int64? = nil) {
        self.id = id
        self.typeID = typeID
        self.type = type
        self.name = name
        self.externalID = externalID
        self.lastKnownState = lastKnownState
        self.properties = properties
        self.customProperties = customProperties
        self.createTimeSinceEpoch = createTimeSinceEpoch
        self.lastUpdateTimeSinceEpoch = lastUpdateTimeSinceEpoch
    }
}

/// A group of artifacts and executions: a pipeline, a run, a node (MLMD's `Context`).
public struct Context: Node {
    public static let kind = NodeKind.context

    public var id: Int64?
    public var typeID: Int64?
    public var type: String?
    /// Required and unique within the context's type.
    public var name: String?
    public var externalID: String?
    public var properties: [String: Value]
    public var customProperties: [String: Value]
    public var createTimeSinceEpoch: Int64?
    public var lastUpdateTimeSinceEpoch: Int64?

    public init(id: Int64? = nil, typeID: Int64? = nil, type: String? = nil, name: String? = nil,
                externalID: String? = nil, properties: [String: Value] = [:],
                customProperties: [String: Value] = [:],
                createTimeSinceEpoch: Int64? = nil, lastUpdateTimeSinceEpoch: Int64? = nil) {
        self.id = id
        self.typeID = typeID
        self.type = type
        self.name = name
        self.externalID = externalID
        self.properties = properties
        self.customProperties = customProperties
        self.createTimeSinceEpoch = createTimeSinceEpoch
        self.lastUpdateTimeSinceEpoch = lastUpdateTimeSinceEpoch
    }
}
