import Foundation

/// Reads the members of one proto3-JSON message, checking names and value kinds.
///
/// Accepts both the proto field name (`type_id`) and its lowerCamelCase JSON name (`typeId`), as
/// proto3-JSON parsers must; rejects unknown and repeated fields with the field's path and line.
struct MessageReader {
    private let object: JSONObject
    private let messageName: String
    private let prefix: String
    private let line: Int
    private var taken: [Bool]

    init(_ value: JSONValue, message messageName: String, field prefix: String = "", line: Int = 0) throws(ProtoJSONError) {
        guard case .object(let object) = value else {
            throw ProtoJSONError(field: prefix, message: "expected a JSON object for \(messageName), found \(value.kindName)", line: line)
        }
        self.object = object
        self.messageName = messageName
        self.prefix = prefix
        self.line = line
        self.taken = Array(repeating: false, count: object.members.count)
    }

    /// The dotted path of a member of this message.
    func path(_ name: String) -> String {
        prefix.isEmpty ? name : prefix + "." + name
    }

    /// Takes the member with proto name `name` (or its camelCase alias), if present.
    /// `null` counts as absent, as in proto3 JSON.
    mutating func take(_ name: String) throws(ProtoJSONError) -> (value: JSONValue, line: Int)? {
        let camel = Self.camelCaseNames[name] ?? Self.lowerCamelCase(name)
        var found: (JSONValue, Int)?
        for (position, member) in object.members.enumerated() where member.key == name || member.key == camel {
            if found != nil {
                throw ProtoJSONError(field: path(name), message: "given twice (as '\(name)' and '\(camel)')", line: member.line)
            }
            taken[position] = true
            found = (member.value, member.line)
        }
        guard let found, found.0 != .null else { return nil }
        return found
    }

    /// Fails on members that no `take` consumed.
    func finish() throws(ProtoJSONError) {
        for (position, member) in object.members.enumerated() where !taken[position] {
            throw ProtoJSONError(field: path(member.key), message: "unknown field in \(messageName)", line: member.line)
        }
    }

    // MARK: - Typed accessors

    mutating func string(_ name: String) throws(ProtoJSONError) -> String? {
        guard let (value, line) = try take(name) else { return nil }
        guard case .string(let string) = value else {
            throw ProtoJSONError(field: path(name), message: "expected a string, found \(value.kindName)", line: line)
        }
        return string
    }

    mutating func int64(_ name: String) throws(ProtoJSONError) -> Int64? {
        guard let (value, line) = try take(name) else { return nil }
        return try Self.int64(value, field: path(name), line: line)
    }

    mutating func double(_ name: String) throws(ProtoJSONError) -> Double? {
        guard let (value, line) = try take(name) else { return nil }
        return try Self.double(value, field: path(name), line: line)
    }

    mutating func bool(_ name: String) throws(ProtoJSONError) -> Bool? {
        guard let (value, line) = try take(name) else { return nil }
        guard case .bool(let flag) = value else {
            throw ProtoJSONError(field: path(name), message: "expected true or false, found \(value.kindName)", line: line)
        }
        return flag
    }

    mutating func enumValue<E: ProtoEnum>(_ name: String, as type: E.Type) throws(ProtoJSONError) -> E? {
        guard let (value, line) = try take(name) else { return nil }
        return try Self.enumValue(value, as: type, field: path(name), line: line)
    }

    /// A map field: the members of the JSON object with their lines.
    mutating func map(_ name: String) throws(ProtoJSONError) -> [JSONObject.Member]? {
        guard let (value, line) = try take(name) else { return nil }
        guard case .object(let object) = value else {
            throw ProtoJSONError(field: path(name), message: "expected a JSON object (a map), found \(value.kindName)", line: line)
        }
        return object.members
    }

    // MARK: - Scalar conversions

    static func int64(_ value: JSONValue, field: String, line: Int) throws(ProtoJSONError) -> Int64 {
        let text: String
        switch value {
        case .string(let s): text = s
        case .number(let n): text = n
        default:
            throw ProtoJSONError(field: field, message: "expected a 64-bit integer, found \(value.kindName)", line: line)
        }
        if let exact = Int64(text) { return exact }
        // proto3 JSON also allows integral numbers written with a fraction or exponent ("3.0", "1e3").
        if let double = Double(text), double.rounded() == double, double >= -9.223372036854775808e18,
            double < 9.223372036854775808e18, text.contains(where: { ".eE".contains($0) })
        {
            return Int64(double)
        }
        throw ProtoJSONError(field: field, message: "'\(text)' is not a 64-bit integer", line: line)
    }

    static func double(_ value: JSONValue, field: String, line: Int) throws(ProtoJSONError) -> Double {
        switch value {
        case .number(let text):
            if let double = Double(text), double.isFinite { return double }
            throw ProtoJSONError(field: field, message: "'\(text)' is out of range for a double", line: line)
        case .string(let text):
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default:
                if let double = Double(text), double.isFinite, (try? JSONParser.parse(text)) != nil { return double }
                throw ProtoJSONError(field: field, message: "'\(text)' is not a number", line: line)
            }
        default:
            throw ProtoJSONError(field: field, message: "expected a number, found \(value.kindName)", line: line)
        }
    }

    static func enumValue<E: ProtoEnum>(_ value: JSONValue, as type: E.Type, field: String, line: Int) throws(ProtoJSONError) -> E {
        switch value {
        case .string(let name):
            if let match = E(rawValue: name) { return match }
            let names = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw ProtoJSONError(field: field, message: "unknown enum value '\(name)' (expected one of \(names))", line: line)
        case .number(let text):
            if let number = Int(text), let match = E(number: number) { return match }
            throw ProtoJSONError(field: field, message: "unknown enum number \(text)", line: line)
        default:
            throw ProtoJSONError(field: field, message: "expected an enum name, found \(value.kindName)", line: line)
        }
    }

    /// The JSON names of every MLMD field name the store reads (computed once, not per field).
    private static let camelCaseNames: [String: String] = Dictionary(uniqueKeysWithValues: [
        "id", "type_id", "type", "name", "uri", "external_id", "state", "last_known_state", "properties", "custom_properties",
        "create_time_since_epoch", "last_update_time_since_epoch", "system_metadata", "int_value", "double_value",
        "string_value", "struct_value", "proto_value", "bool_value", "version", "description", "base_type", "input_type",
        "output_type", "artifact_id", "execution_id", "context_id", "child_id", "parent_id", "path", "steps", "index", "key",
        "milliseconds_since_epoch", "@type", "value", "format", "format_version",
    ].map { ($0, lowerCamelCase($0)) })

    /// `custom_properties` → `customProperties`.
    static func lowerCamelCase(_ name: String) -> String {
        guard name.utf8.contains(UInt8(ascii: "_")) else { return name }
        var out = ""
        var upperNext = false
        for character in name {
            if character == "_" {
                upperNext = true
            } else if upperNext {
                out += character.uppercased()
                upperNext = false
            } else {
                out.append(character)
            }
        }
        return out
    }
}
