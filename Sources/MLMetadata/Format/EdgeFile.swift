/// An edge file: JSON Lines, one proto3-JSON edge message per line, lines sorted by their bytes.
///
/// A line's message kind follows from its two id fields: `artifact_id` + `execution_id` is an
/// Event, `artifact_id` + `context_id` an Attribution, `context_id` + `execution_id` an
/// Association, `child_id` + `parent_id` a ParentContext. A line with `id` (a partial Context)
/// holds a context's times (``ContextTimes``, format version 2): not an edge, but recorded by
/// the same write call in the same file.
enum EdgeFile {
    enum Edge: Hashable, Sendable {
        case event(Event)
        case attribution(Attribution)
        case association(Association)
        case parentContext(ParentContext)
        /// Not an edge: when the call created or updated a context.
        case contextTimes(ContextTimes)

        var json: JSONValue {
            switch self {
            case .event(let event): ProtoJSON.encode(event)
            case .attribution(let edge): ProtoJSON.encode(edge)
            case .association(let edge): ProtoJSON.encode(edge)
            case .parentContext(let edge): ProtoJSON.encode(edge)
            case .contextTimes(let times): times.json
            }
        }

        /// The line as written (compact canonical JSON, no newline).
        var line: [UInt8] { JSONWriter.write(json, style: .compact) }
    }

    /// The canonical bytes of an edge file holding `edges` (sorted, one per line, no duplicates).
    static func bytes(_ edges: [Edge]) -> [UInt8] {
        JSONLines.bytes(edges.map(\.line))
    }

    static func parse(_ bytes: [UInt8], path: String) throws(StoreError) -> [Edge] {
        try JSONLines.decode(bytes, path: path) { json, _ throws(ProtoJSONError) in try decode(json) }
    }

    static func decode(_ json: JSONValue) throws(ProtoJSONError) -> Edge {
        guard case .object(let object) = json else {
            throw ProtoJSONError(field: "", message: "expected a JSON object, found \(json.kindName)", line: 0)
        }
        func has(_ name: String) -> Bool {
            object[name] != nil || object[MessageReader.lowerCamelCase(name)] != nil
        }
        if has("id") { return .contextTimes(try ContextTimes.decode(json)) }
        switch (has("artifact_id"), has("execution_id"), has("context_id"), has("child_id") || has("parent_id")) {
        case (true, true, false, false):
            let event = try ProtoJSON.decodeEvent(json)
            guard event.type != nil, event.type != .unknown else {
                throw ProtoJSONError(field: "type", message: "an Event needs a type", line: 0)
            }
            return .event(event)
        case (true, false, true, false):
            let (artifact, context) = try ProtoJSON.decodeIDPair(json, message: "Attribution", "artifact_id", "context_id")
            return .attribution(Attribution(artifactID: artifact, contextID: context))
        case (false, true, true, false):
            let (context, execution) = try ProtoJSON.decodeIDPair(json, message: "Association", "context_id", "execution_id")
            return .association(Association(executionID: execution, contextID: context))
        case (false, false, false, true):
            let (child, parent) = try ProtoJSON.decodeIDPair(json, message: "ParentContext", "child_id", "parent_id")
            return .parentContext(ParentContext(childID: child, parentID: parent))
        default:
            throw ProtoJSONError(field: "", message: "not an edge: a line needs exactly the id pair of an Event (artifact_id, execution_id), "
                + "Attribution (artifact_id, context_id), Association (context_id, execution_id) or ParentContext (child_id, parent_id), or context times (a Context with id and times)", line: 0)
        }
    }
}
