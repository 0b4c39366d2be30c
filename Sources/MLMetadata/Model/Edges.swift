/// An artifact read or written by an execution (MLMD's `Event`).
public struct Event: Sendable, Hashable {
    /// MLMD's `Event.Type`.
    public enum Kind: String, ProtoEnum {
        case unknown = "UNKNOWN"
        case declaredOutput = "DECLARED_OUTPUT"
        case declaredInput = "DECLARED_INPUT"
        case input = "INPUT"
        case output = "OUTPUT"
        case internalInput = "INTERNAL_INPUT"
        case internalOutput = "INTERNAL_OUTPUT"
        case pendingOutput = "PENDING_OUTPUT"

        public var number: Int {
            switch self {
            case .unknown: 0
            case .declaredOutput: 1
            case .declaredInput: 2
            case .input: 3
            case .output: 4
            case .internalInput: 5
            case .internalOutput: 6
            case .pendingOutput: 7
            }
        }

        /// Whether the artifact flows into the execution (an input of some sort).
        public var isInput: Bool {
            self == .input || self == .declaredInput || self == .internalInput
        }

        /// Whether the artifact flows out of the execution (an output of some sort).
        public var isOutput: Bool {
            self == .output || self == .declaredOutput || self == .internalOutput || self == .pendingOutput
        }
    }

    /// One step of an event path: a position or a key.
    public enum Step: Sendable, Hashable {
        case index(Int64)
        case key(String)
    }

    public var artifactID: Int64?
    public var executionID: Int64?
    /// Where the artifact sits among the execution's inputs or outputs, e.g. `[.key("examples"), .index(0)]`.
    public var path: [Step]?
    /// MLMD's `type` field. `nil` is rejected on writes, as MLMD does.
    public var type: Kind?
    /// Set by the store when absent.
    public var millisecondsSinceEpoch: Int64?

    public init(artifactID: Int64? = nil, executionID: Int64? = nil, path: [Step]? = nil, type: Kind?,
                millisecondsSinceEpoch: Int64? = nil) {
        self.artifactID = artifactID
        self.executionID = executionID
        self.path = path
        self.type = type
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }
}

/// An artifact belongs to a context (MLMD's `Attribution`).
public struct Attribution: Sendable, Hashable {
    public var artifactID: Int64
    public var contextID: Int64

    public init(artifactID: Int64, contextID: Int64) {
        self.artifactID = artifactID
        self.contextID = contextID
    }
}

/// An execution belongs to a context (MLMD's `Association`).
public struct Association: Sendable, Hashable {
    public var executionID: Int64
    public var contextID: Int64

    public init(executionID: Int64, contextID: Int64) {
        self.executionID = executionID
        self.contextID = contextID
    }
}

/// A context nested in another (MLMD's `ParentContext`).
public struct ParentContext: Sendable, Hashable {
    public var childID: Int64
    public var parentID: Int64

    public init(childID: Int64, parentID: Int64) {
        self.childID = childID
        self.parentID = parentID
    }
}
