extension ProtoJSON {
    static func encode<T: MetadataType>(_ type: T) -> JSONValue {
        var object = JSONObject()
        if let id = type.id { object.append("id", int64(id)) }
        object.append("name", .string(type.name))
        if let version = type.version { object.append("version", .string(version)) }
        if let description = type.description { object.append("description", .string(description)) }
        if let externalID = type.externalID { object.append("external_id", .string(externalID)) }
        if !type.properties.isEmpty {
            object.append("properties", .object(JSONObject(type.properties.map { ($0.key, .string($0.value.rawValue)) })))
        }
        if let baseType = type.baseType { object.append("base_type", .string(baseType.rawValue)) }
        return .object(object)
    }

    static func decodeType<T: MetadataType>(_ json: JSONValue, as: T.Type) throws(ProtoJSONError) -> T {
        var reader = try MessageReader(json, message: T.kind.messageName)
        let id = try reader.int64("id")
        guard let name = try reader.string("name") else {
            throw ProtoJSONError(field: "name", message: "missing; every type needs a name", line: 0)
        }
        let version = try reader.string("version")
        let description = try reader.string("description")
        let externalID = try reader.string("external_id")
        var properties: [String: PropertyType] = [:]
        for member in try reader.map("properties") ?? [] {
            properties[member.key] = try MessageReader.enumValue(
                member.value, as: PropertyType.self, field: "properties." + member.key, line: member.line)
        }
        var baseType: T.BaseType?
        if let (value, line) = try reader.take("base_type") {
            // UNSET (0) is the enum's default and means "no base type".
            if value != .string("UNSET"), value != .number("0") {
                baseType = try MessageReader.enumValue(value, as: T.BaseType.self, field: "base_type", line: line)
            }
        }
        if T.kind == .execution {
            for unsupported in ["input_type", "output_type"] {
                if let (_, line) = try reader.take(unsupported) {
                    throw ProtoJSONError(field: unsupported, message: "ArtifactStructType signatures (experimental in MLMD) are not supported", line: line)
                }
            }
        }
        try reader.finish()
        return T(id: id, name: name, version: version, description: description, externalID: externalID,
                 properties: properties, baseType: baseType)
    }
}
