extension ProtoJSON {
    /// The fields every node kind shares, in one place.
    private static func encodeCommon<N: Node>(_ node: N, into object: inout JSONObject) {
        if let id = node.id { object.append("id", int64(id)) }
        if let typeID = node.typeID { object.append("type_id", int64(typeID)) }
        if let type = node.type { object.append("type", .string(type)) }
        if let name = node.name { object.append("name", .string(name)) }
        if let externalID = node.externalID { object.append("external_id", .string(externalID)) }
        if !node.properties.isEmpty { object.append("properties", encode(node.properties)) }
        if !node.customProperties.isEmpty { object.append("custom_properties", encode(node.customProperties)) }
        if let time = node.createTimeSinceEpoch { object.append("create_time_since_epoch", int64(time)) }
        if let time = node.lastUpdateTimeSinceEpoch { object.append("last_update_time_since_epoch", int64(time)) }
    }

    private static func decodeCommon<N: Node>(_ reader: inout MessageReader, into node: inout N) throws(ProtoJSONError) {
        node.id = try reader.int64("id")
        node.typeID = try reader.int64("type_id")
        node.type = try reader.string("type")
        node.name = try reader.string("name")
        node.externalID = try reader.string("external_id")
        node.properties = try decodeValueMap(try reader.map("properties"), field: "properties")
        node.customProperties = try decodeValueMap(try reader.map("custom_properties"), field: "custom_properties")
        node.createTimeSinceEpoch = try reader.int64("create_time_since_epoch")
        node.lastUpdateTimeSinceEpoch = try reader.int64("last_update_time_since_epoch")
        if let (_, line) = try reader.take("system_metadata") {
            throw ProtoJSONError(field: "system_metadata", message: "system_metadata is output-only in MLMD and not stored", line: line)
        }
    }

    static func encode(_ artifact: Artifact) -> JSONValue {
        var object = JSONObject()
        encodeCommon(artifact, into: &object)
        if let uri = artifact.uri { object.append("uri", .string(uri)) }
        if let state = artifact.state { object.append("state", .string(state.rawValue)) }
        return .object(object)
    }

    static func decodeArtifact(_ json: JSONValue) throws(ProtoJSONError) -> Artifact {
        var reader = try MessageReader(json, message: "Artifact")
        var artifact = Artifact()
        try decodeCommon(&reader, into: &artifact)
        artifact.uri = try reader.string("uri")
        artifact.state = try reader.enumValue("state", as: Artifact.State.self)
        try reader.finish()
        return artifact
    }

    static func encode(_ execution: Execution) -> JSONValue {
        var object = JSONObject()
        encodeCommon(execution, into: &object)
        if let state = execution.lastKnownState { object.append("last_known_state", .string(state.rawValue)) }
        return .object(object)
    }

    static func decodeExecution(_ json: JSONValue) throws(ProtoJSONError) -> Execution {
        var reader = try MessageReader(json, message: "Execution")
        var execution = Execution()
        try decodeCommon(&reader, into: &execution)
        execution.lastKnownState = try reader.enumValue("last_known_state", as: Execution.State.self)
        try reader.finish()
        return execution
    }

    static func encode(_ context: Context) -> JSONValue {
        var object = JSONObject()
        encodeCommon(context, into: &object)
        return .object(object)
    }

    static func decodeContext(_ json: JSONValue) throws(ProtoJSONError) -> Context {
        var reader = try MessageReader(json, message: "Context")
        var context = Context()
        try decodeCommon(&reader, into: &context)
        try reader.finish()
        return context
    }
}
