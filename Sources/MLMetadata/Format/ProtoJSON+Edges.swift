extension ProtoJSON {
    static func encode(_ event: Event) -> JSONValue {
        var object = JSONObject()
        if let id = event.artifactID { object.append("artifact_id", int64(id)) }
        if let id = event.executionID { object.append("execution_id", int64(id)) }
        if let path = event.path {
            let steps: [JSONValue] = path.map { step in
                switch step {
                case .index(let index): .object(JSONObject([("index", int64(index))]))
                case .key(let key): .object(JSONObject([("key", .string(key))]))
                }
            }
            object.append("path", .object(steps.isEmpty ? JSONObject() : JSONObject([("steps", .array(steps))])))
        }
        if let type = event.type { object.append("type", .string(type.rawValue)) }
        if let time = event.millisecondsSinceEpoch { object.append("milliseconds_since_epoch", int64(time)) }
        return .object(object)
    }

    static func decodeEvent(_ json: JSONValue, line: Int = 0) throws(ProtoJSONError) -> Event {
        var reader = try MessageReader(json, message: "Event", line: line)
        var event = Event(type: nil)
        event.artifactID = try reader.int64("artifact_id")
        event.executionID = try reader.int64("execution_id")
        if let (pathJSON, pathLine) = try reader.take("path") {
            event.path = try decodePath(pathJSON, line: pathLine)
        }
        event.type = try reader.enumValue("type", as: Event.Kind.self)
        event.millisecondsSinceEpoch = try reader.int64("milliseconds_since_epoch")
        if let (_, fieldLine) = try reader.take("system_metadata") {
            throw ProtoJSONError(field: "system_metadata", message: "system_metadata is output-only in MLMD and not stored", line: fieldLine)
        }
        try reader.finish()
        return event
    }

    /// An `Event.Path` message: `{"steps": [{"key": …}, {"index": …}]}`.
    static func decodePath(_ json: JSONValue, line: Int) throws(ProtoJSONError) -> [Event.Step] {
        var pathReader = try MessageReader(json, message: "Event.Path", field: "path", line: line)
        var steps: [Event.Step] = []
        if let (stepsJSON, stepsLine) = try pathReader.take("steps") {
            guard case .array(let items) = stepsJSON else {
                throw ProtoJSONError(field: "path.steps", message: "expected an array, found \(stepsJSON.kindName)", line: stepsLine)
            }
            for (position, item) in items.enumerated() {
                let field = "path.steps[\(position)]"
                var stepReader = try MessageReader(item, message: "Event.Path.Step", field: field, line: stepsLine)
                let index = try stepReader.int64("index")
                let key = try stepReader.string("key")
                try stepReader.finish()
                switch (index, key) {
                case (let index?, nil): steps.append(.index(index))
                case (nil, let key?): steps.append(.key(key))
                default:
                    throw ProtoJSONError(field: field, message: "a step sets exactly one of index and key", line: stepsLine)
                }
            }
        }
        try pathReader.finish()
        return steps
    }

    static func encode(_ attribution: Attribution) -> JSONValue {
        .object(JSONObject([("artifact_id", int64(attribution.artifactID)), ("context_id", int64(attribution.contextID))]))
    }

    static func encode(_ association: Association) -> JSONValue {
        .object(JSONObject([("context_id", int64(association.contextID)), ("execution_id", int64(association.executionID))]))
    }

    static func encode(_ parent: ParentContext) -> JSONValue {
        .object(JSONObject([("child_id", int64(parent.childID)), ("parent_id", int64(parent.parentID))]))
    }

    /// Reads two required id fields of an edge message.
    static func decodeIDPair(_ json: JSONValue, message: String, _ first: String, _ second: String,
                             line: Int = 0) throws(ProtoJSONError) -> (Int64, Int64) {
        var reader = try MessageReader(json, message: message, line: line)
        let a = try reader.int64(first)
        let b = try reader.int64(second)
        if let (_, fieldLine) = try reader.take("system_metadata") {
            throw ProtoJSONError(field: "system_metadata", message: "system_metadata is output-only in MLMD and not stored", line: fieldLine)
        }
        try reader.finish()
        guard let a else { throw ProtoJSONError(field: first, message: "missing in \(message)", line: line) }
        guard let b else { throw ProtoJSONError(field: second, message: "missing in \(message)", line: line) }
        return (a, b)
    }
}
