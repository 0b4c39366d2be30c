/// The three kinds of types MLMD knows.
public enum TypeKind: String, Sendable, Hashable, CaseIterable {
    case artifact
    case execution
    case context

    /// The message name, as in error messages and the format spec.
    public var messageName: String {
        switch self {
        case .artifact: "ArtifactType"
        case .execution: "ExecutionType"
        case .context: "ContextType"
        }
    }
}

/// What artifact, execution and context types have in common.
public protocol MetadataType: Sendable, Hashable {
    associatedtype BaseType: ProtoEnum
    static var kind: TypeKind { get }
    var id: Int64? { get set }
    var name: String { get set }
    var version: String? { get set }
    var description: String? { get set }
    var externalID: String? { get set }
    var properties: [String: PropertyType] { get set }
    /// The system base type (`mlmd.Dataset`, `mlmd.Train`, …); `nil` when unset.
    var baseType: BaseType? { get set }
    init(id: Int64?, name: String, version: String?, description: String?, externalID: String?,
         properties: [String: PropertyType], baseType: BaseType?)
}

/// An artifact type (MLMD's `ArtifactType`), such as `Examples` or `Model`.
public struct ArtifactType: MetadataType {
    public static let kind = TypeKind.artifact

    /// MLMD's `ArtifactType.SystemDefinedBaseType`.
    public enum BaseType: String, ProtoEnum {
        case dataset = "DATASET"
        case model = "MODEL"
        case metrics = "METRICS"
        case statistics = "STATISTICS"

        public var number: Int {
            switch self {
            case .dataset: 1
            case .model: 2
            case .metrics: 3
            case .statistics: 4
            }
        }
    }

    public var id: Int64?
    public var name: String
    public var version: String?
    public var description: String?
    public var externalID: String?
    public var properties: [String: PropertyType]
    public var baseType: BaseType?

    public init(id: Int64? = nil, name: String, version: String? = nil, description: String? = nil,
                externalID: String? = nil, properties: [String: PropertyType] = [:], baseType: BaseType? = nil) {
        self.id = id
        self.name = name
        self.version = version
        self.description = description
        self.externalID = externalID
        self.properties = properties
        self.baseType = baseType
    }
}

/// An execution type (MLMD's `ExecutionType`), such as a pipeline component.
public struct ExecutionType: MetadataType {
    public static let kind = TypeKind.execution

    /// MLMD's `ExecutionType.SystemDefinedBaseType`.
    public enum BaseType: String, ProtoEnum {
        case train = "TRAIN"
        case transform = "TRANSFORM"
        case process = "PROCESS"
        case evaluate = "EVALUATE"
        case deploy = "DEPLOY"

        public var number: Int {
            switch self {
            case .train: 1
            case .transform: 2
            case .process: 3
            case .evaluate: 4
            case .deploy: 5
            }
        }
    }

    public var id: Int64?
    public var name: String
    public var version: String?
    public var description: String?
    public var externalID: String?
    public var properties: [String: PropertyType]
    public var baseType: BaseType?

    public init(id: Int64? = nil, name: String, version: String? = nil, description: String? = nil,
                externalID: String? = nil, properties: [String: PropertyType] = [:], baseType: BaseType? = nil) {
        self.id = id
        self.name = name
        self.version = version
        self.description = description
        self.externalID = externalID
        self.properties = properties
        self.baseType = baseType
    }
}

/// A context type (MLMD's `ContextType`), such as `pipeline`, `pipeline_run` or `node`.
public struct ContextType: MetadataType {
    public static let kind = TypeKind.context

    /// MLMD defines no base types for contexts; the enum has no cases.
    public enum BaseType: ProtoEnum {
        public typealias RawValue = String
        public var number: Int { switch self {} }
        public init?(rawValue: String) { nil }
        public var rawValue: String { switch self {} }
        public static var allCases: [BaseType] { [] }
    }

    public var id: Int64?
    public var name: String
    public var version: String?
    public var description: String?
    public var externalID: String?
    public var properties: [String: PropertyType]
    public var baseType: BaseType?

    public init(id: Int64? = nil, name: String, version: String? = nil, description: String? = nil,
                externalID: String? = nil, properties: [String: PropertyType] = [:], baseType: BaseType? = nil) {
        self.id = id
        self.name = name
        self.version = version
        self.description = description
        self.externalID = externalID
        self.properties = properties
        self.baseType = baseType
    }
}
