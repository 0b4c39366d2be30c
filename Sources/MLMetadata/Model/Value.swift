import Foundation

/// A property value, as MLMD's `Value` message: exactly one of int, double, string, struct,
/// proto or bool.
///
/// Literals make user code read naturally:
/// ```swift
/// artifact.properties["span"] = 3
/// artifact.properties["accuracy"] = 0.93
/// artifact.customProperties["framework"] = "tensorflow"
/// artifact.customProperties["blessed"] = true
/// ```
public enum Value: Sendable, Hashable {
    case int(Int64)
    case double(Double)
    case string(String)
    /// A `google.protobuf.Struct`: a JSON object.
    case `struct`([String: StructValue])
    /// A `google.protobuf.Any`: a type URL and the serialized message.
    case proto(ProtoAny)
    case bool(Bool)

    /// The property type this value satisfies in a type declaration.
    public var propertyType: PropertyType {
        switch self {
        case .int: .int
        case .double: .double
        case .string: .string
        case .struct: .struct
        case .proto: .proto
        case .bool: .boolean
        }
    }

    public var intValue: Int64? { if case .int(let v) = self { v } else { nil } }
    public var doubleValue: Double? { if case .double(let v) = self { v } else { nil } }
    public var stringValue: String? { if case .string(let v) = self { v } else { nil } }
    public var boolValue: Bool? { if case .bool(let v) = self { v } else { nil } }
    public var structValue: [String: StructValue]? { if case .struct(let v) = self { v } else { nil } }
    public var protoValue: ProtoAny? { if case .proto(let v) = self { v } else { nil } }

    /// The value as a `Double` when it is numeric (int or double).
    public var numericValue: Double? {
        switch self {
        case .int(let v): Double(v)
        case .double(let v): v
        default: nil
        }
    }
}

extension Value: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral
{
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension Value: CustomStringConvertible {
    /// A short human-readable rendering (`3`, `0.93`, `"text"`, `true`, `{…}`).
    public var description: String {
        switch self {
        case .int(let v): String(v)
        case .double(let v): PythonFloat.format(v)
        case .string(let v): String(reflecting: v)
        case .bool(let v): String(v)
        case .struct(let fields):
            String(decoding: JSONWriter.write(.object(StructValue.jsonObject(fields)), style: .compact), as: UTF8.self)
        case .proto(let any): "<\(any.typeURL): \(any.value.count) bytes>"
        }
    }
}

/// A value inside a `google.protobuf.Struct` (the JSON data model; numbers are doubles).
public indirect enum StructValue: Sendable, Hashable {
    case null
    case number(Double)
    case string(String)
    case bool(Bool)
    case list([StructValue])
    case object([String: StructValue])
}

extension StructValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: StructValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, StructValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}

/// A packed protocol buffer message (`google.protobuf.Any`).
public struct ProtoAny: Sendable, Hashable {
    /// For example `type.googleapis.com/my.package.Message`.
    public var typeURL: String
    /// The serialized message.
    public var value: Data

    public init(typeURL: String, value: Data) {
        self.typeURL = typeURL
        self.value = value
    }
}
