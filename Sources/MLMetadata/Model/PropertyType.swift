/// The declared kind of a type's property (MLMD's `PropertyType`).
public enum PropertyType: String, Sendable, Hashable, CaseIterable {
    case unknown = "UNKNOWN"
    case int = "INT"
    case double = "DOUBLE"
    case string = "STRING"
    case `struct` = "STRUCT"
    case proto = "PROTO"
    case boolean = "BOOLEAN"

    /// The proto enum number.
    public var number: Int {
        switch self {
        case .unknown: 0
        case .int: 1
        case .double: 2
        case .string: 3
        case .struct: 4
        case .proto: 5
        case .boolean: 6
        }
    }

    public init?(number: Int) {
        guard let match = Self.allCases.first(where: { $0.number == number }) else { return nil }
        self = match
    }
}
