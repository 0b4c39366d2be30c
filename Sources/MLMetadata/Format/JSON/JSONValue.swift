/// A parsed JSON document, kept close to its text.
///
/// Numbers keep their literal text so that 64-bit integers survive exactly; objects keep their
/// members in document order together with the line each member starts on, so that decoding
/// errors can point at the line of the offending field.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A short name of the value's JSON kind, for error messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// The members of a JSON object in document order.
struct JSONObject: Sendable, Equatable {
    struct Member: Sendable, Equatable {
        var key: String
        var value: JSONValue
        /// 1-based line of the member's key in the source text (0 when built in memory).
        var line: Int
    }

    var members: [Member]

    init(_ members: [Member] = []) {
        self.members = members
    }

    /// Builds an object from key/value pairs (line numbers unknown).
    init(_ pairs: [(String, JSONValue)]) {
        self.members = pairs.map { Member(key: $0.0, value: $0.1, line: 0) }
    }

    subscript(key: String) -> JSONValue? {
        members.first { $0.key == key }?.value
    }

    mutating func append(_ key: String, _ value: JSONValue) {
        members.append(Member(key: key, value: value, line: 0))
    }

    var isEmpty: Bool { members.isEmpty }
}
