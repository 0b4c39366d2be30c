import Foundation

/// proto3-JSON encoding of MLMD messages, with proto field names (`type_id`, not `typeId`).
///
/// `encode` functions build the JSON tree that ``JSONWriter`` turns into canonical bytes;
/// `decode` functions accept any valid proto3-JSON spelling and reject unknown fields.
enum ProtoJSON {}

extension ProtoJSON {
    static func int64(_ value: Int64) -> JSONValue { .string(String(value)) }
    static func double(_ value: Double) -> JSONValue {
        value.isFinite ? .number(PythonFloat.format(value)) : .string(PythonFloat.format(value))
    }

    // MARK: Value

    static func encode(_ value: Value) -> JSONValue {
        switch value {
        case .int(let v): .object(JSONObject([("int_value", int64(v))]))
        case .double(let v): .object(JSONObject([("double_value", double(v))]))
        case .string(let v): .object(JSONObject([("string_value", .string(v))]))
        case .bool(let v): .object(JSONObject([("bool_value", .bool(v))]))
        case .struct(let fields): .object(JSONObject([("struct_value", .object(StructValue.jsonObject(fields)))]))
        case .proto(let any):
            .object(JSONObject([("proto_value", .object(JSONObject([
                ("@type", .string(any.typeURL)), ("value", .string(any.value.base64EncodedString())),
            ])))]))
        }
    }

    static func decodeValue(_ json: JSONValue, field: String, line: Int) throws(ProtoJSONError) -> Value {
        var reader = try MessageReader(json, message: "Value", field: field, line: line)
        var values: [Value] = []
        if let v = try reader.int64("int_value") { values.append(.int(v)) }
        if let v = try reader.double("double_value") { values.append(.double(v)) }
        if let v = try reader.string("string_value") { values.append(.string(v)) }
        if let v = try reader.bool("bool_value") { values.append(.bool(v)) }
        if let (v, valueLine) = try reader.take("struct_value") {
            guard case .object(let object) = v else {
                throw ProtoJSONError(field: reader.path("struct_value"), message: "expected a JSON object, found \(v.kindName)", line: valueLine)
            }
            values.append(.struct(try StructValue.decodeFields(object, field: reader.path("struct_value"))))
        }
        if let (v, valueLine) = try reader.take("proto_value") {
            values.append(.proto(try decodeAny(v, field: reader.path("proto_value"), line: valueLine)))
        }
        try reader.finish()
        guard values.count == 1 else {
            let message = values.isEmpty
                ? "a Value must set one of int_value, double_value, string_value, struct_value, proto_value, bool_value"
                : "a Value must set only one of its fields (oneof)"
            throw ProtoJSONError(field: field, message: message, line: line)
        }
        return values[0]
    }

    static func decodeAny(_ json: JSONValue, field: String, line: Int) throws(ProtoJSONError) -> ProtoAny {
        var reader = try MessageReader(json, message: "google.protobuf.Any", field: field, line: line)
        guard let typeURL = try reader.string("@type") else {
            throw ProtoJSONError(field: field, message: "a proto value needs an \"@type\"", line: line)
        }
        guard let encoded = try reader.string("value") else {
            throw ProtoJSONError(field: field, message: "a proto value is stored as {\"@type\": URL, \"value\": base64 of the serialized message}; "
                + "messages written as JSON fields cannot be stored without their descriptor", line: line)
        }
        guard let bytes = Data(base64Encoded: encoded) else {
            throw ProtoJSONError(field: field + ".value", message: "not valid base64", line: line)
        }
        try reader.finish()
        return ProtoAny(typeURL: typeURL, value: bytes)
    }

    /// A `map<string, Value>` field.
    static func encode(_ values: [String: Value]) -> JSONValue {
        .object(JSONObject(values.map { ($0.key, encode($0.value)) }))
    }

    static func decodeValueMap(_ members: [JSONObject.Member]?, field: String) throws(ProtoJSONError) -> [String: Value] {
        guard let members else { return [:] }
        var out: [String: Value] = [:]
        out.reserveCapacity(members.count)
        for member in members {
            out[member.key] = try decodeValue(member.value, field: field + "." + member.key, line: member.line)
        }
        return out
    }
}

extension StructValue {
    /// The JSON form of a `google.protobuf.Struct` (numbers as doubles, as protobuf prints them).
    static func jsonObject(_ fields: [String: StructValue]) -> JSONObject {
        JSONObject(fields.map { ($0.key, $0.value.json) })
    }

    var json: JSONValue {
        switch self {
        case .null: .null
        // Never reached for stored values: the writer refuses non-finite struct numbers and the
        // reader refuses them in files (EntityRules, `decodeFields`); `null` only renders an
        // in-memory value that could never be stored.
        case .number(let v): .number(v.isFinite ? PythonFloat.format(v) : "null")
        case .string(let v): .string(v)
        case .bool(let v): .bool(v)
        case .list(let items): .array(items.map(\.json))
        case .object(let fields): .object(Self.jsonObject(fields))
        }
    }

    /// Decodes a `google.protobuf.Struct` from a file or from input, refusing numbers that do not
    /// fit a double (`1e309`): they would become ±Infinity, which a Struct cannot hold and which
    /// would be written back as something else. `field` is the struct's path, for the error.
    static func decodeFields(_ object: JSONObject, field: String) throws(ProtoJSONError) -> [String: StructValue] {
        var out: [String: StructValue] = [:]
        for member in object.members {
            out[member.key] = try StructValue(checking: member.value, field: field + "." + member.key, line: member.line)
        }
        return out
    }

    private init(checking json: JSONValue, field: String, line: Int) throws(ProtoJSONError) {
        switch json {
        case .number(let text):
            guard let number = Double(text), number.isFinite else {
                throw ProtoJSONError(field: field, message: "'\(text)' is out of range for a double; a struct_value can hold only "
                    + "finite numbers (store it as a double_value, or as a string)", line: line)
            }
            self = .number(number)
        case .array(let items):
            var out: [StructValue] = []
            out.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                out.append(try StructValue(checking: item, field: "\(field)[\(index)]", line: line))
            }
            self = .list(out)
        case .object(let object):
            self = .object(try Self.decodeFields(object, field: field))
        case .null, .bool, .string:
            self = StructValue(json: json)
        }
    }

    /// Decodes a struct the store wrote itself (the index's record bodies), without checks.
    static func fields(_ object: JSONObject) -> [String: StructValue] {
        var out: [String: StructValue] = [:]
        for member in object.members { out[member.key] = StructValue(json: member.value) }
        return out
    }

    init(json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let v): self = .bool(v)
        case .number(let text): self = .number(Double(text) ?? .nan)
        case .string(let v): self = .string(v)
        case .array(let items): self = .list(items.map(StructValue.init(json:)))
        case .object(let object): self = .object(Self.fields(object))
        }
    }
}
