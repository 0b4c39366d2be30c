/// MLMD messages as proto3 JSON, the format of the store's files and of protobuf's
/// `json_format`: parse what MLMD tools print, print what they parse.
public protocol ProtoJSONConvertible: Sendable {
    /// Parses a proto3-JSON message. Accepts proto field names and lowerCamelCase names, int64
    /// as strings or numbers, enums as names or numbers.
    /// - Throws: ``StoreError`` `.invalidArgument` naming the line and field that are wrong.
    init<Bytes: Collection<UInt8>>(protoJSON bytes: Bytes) throws
    /// The canonical proto3 JSON (FORMAT.md §4): `.pretty` is an entity file's bytes without
    /// the final newline, `.compact` an edge line.
    func protoJSON(_ style: ProtoJSONStyle) -> String
}

public enum ProtoJSONStyle: Sendable {
    case pretty
    case compact
}

extension ProtoJSONConvertible {
    public init(protoJSON text: String) throws {
        try self.init(protoJSON: Array(text.utf8))
    }
}

/// Shared plumbing: parse, decode with field-level errors, print.
enum ProtoJSONIO {
    static func decode<T>(_ bytes: some Collection<UInt8>, _ decode: (JSONValue) throws(ProtoJSONError) -> T) throws(StoreError) -> T {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw StoreError(.invalidArgument, "not valid JSON: \(error.message) (column \(error.column))", line: error.line)
        }
        do {
            return try decode(json)
        } catch {
            throw error.storeError(path: nil, code: .invalidArgument)
        }
    }

    static func text(_ json: JSONValue, _ style: ProtoJSONStyle) -> String {
        String(decoding: JSONWriter.write(json, style: style == .pretty ? .pretty : .compact), as: UTF8.self)
    }
}

extension Artifact: ProtoJSONConvertible {
    public init<Bytes: Collection<UInt8>>(protoJSON bytes: Bytes) throws { self = try ProtoJSONIO.decode(bytes, ProtoJSON.decodeArtifact) }
    public func protoJSON(_ style: ProtoJSONStyle) -> String { ProtoJSONIO.text(ProtoJSON.encode(self), style) }
}

extension Execution: ProtoJSONConvertible {
    public init<Bytes: Collection<UInt8>>(protoJSON bytes: Bytes) throws { self = try ProtoJSONIO.decode(bytes, ProtoJSON.decodeExecution) }
    public func protoJSON(_ style: ProtoJSONStyle) -> String { ProtoJSONIO.text(ProtoJSON.encode(self), style) }
}

extension Context: ProtoJSONConvertible {
    public init<Bytes: Collection<UInt8>>(protoJSON bytes: Bytes) throws { self = try ProtoJSONIO.decode(bytes, ProtoJSON.decodeContext) }
    public func protoJSON(_ style: ProtoJSONStyle) -> String { ProtoJSONIO.text(ProtoJSON.encode(self), style) }
}

extension ArtifactType: ProtoJSONConvertible {
    public init<Bytes: Collection<UInt8>>(protoJSON bytes: Bytes) throws {
        self = try ProtoJSONIO.decode(bytes) { json throws(ProtoJSONError) in try ProtoJSON.decodeType(json, as: ArtifactType.self) }
    }
    public func protoJSON(_ style: ProtoJSONStyle) -> String { ProtoJSONIO.text(ProtoJSON.encode(self), style) }
}

extension ExecutionType: ProtoJSONConvertible {
    public init<Bytes: Collection<UInt8>>(protoJSON bytes: Bytes) throws {
        self = try ProtoJSONIO.decode(bytes) { json throws(ProtoJSONError) in try ProtoJSON.decodeType(json, as: ExecutionType.self) }
    }
    public func protoJSON(_ style: ProtoJSONStyle) -> String { ProtoJSONIO.text(ProtoJSON.encode(self), style) }
}

extension ContextType: ProtoJSONConvertible {
    public init<Bytes: Collection<UInt8>>(protoJSON bytes: Bytes) throws {
        self = try ProtoJSONIO.decode(bytes) { json throws(ProtoJSONError) in try ProtoJSON.decodeType(json, as: ContextType.self) }
    }
    public func protoJSON(_ style: ProtoJSONStyle) -> String { ProtoJSONIO.text(ProtoJSON.encode(self), style) }
}

extension Event: ProtoJSONConvertible {
    public init<Bytes: Collection<UInt8>>(protoJSON bytes: Bytes) throws {
        self = try ProtoJSONIO.decode(bytes) { json throws(ProtoJSONError) in try ProtoJSON.decodeEvent(json) }
    }
    public func protoJSON(_ style: ProtoJSONStyle) -> String { ProtoJSONIO.text(ProtoJSON.encode(self), style) }
}

extension Attribution: ProtoJSONConvertible {
    public init<Bytes: Collection<UInt8>>(protoJSON bytes: Bytes) throws {
        self = try ProtoJSONIO.decode(bytes) { json throws(ProtoJSONError) in
            let (artifact, context) = try ProtoJSON.decodeIDPair(json, message: "Attribution", "artifact_id", "context_id")
            return Attribution(artifactID: artifact, contextID: context)
        }
    }
    public func protoJSON(_ style: ProtoJSONStyle) -> String { ProtoJSONIO.text(ProtoJSON.encode(self), style) }
}

extension Association: ProtoJSONConvertible {
    public init<Bytes: Collection<UInt8>>(protoJSON bytes: Bytes) throws {
        self = try ProtoJSONIO.decode(bytes) { json throws(ProtoJSONError) in
            let (context, execution) = try ProtoJSON.decodeIDPair(json, message: "Association", "context_id", "execution_id")
            return Association(executionID: execution, contextID: context)
        }
    }
    public func protoJSON(_ style: ProtoJSONStyle) -> String { ProtoJSONIO.text(ProtoJSON.encode(self), style) }
}

extension ParentContext: ProtoJSONConvertible {
    public init<Bytes: Collection<UInt8>>(protoJSON bytes: Bytes) throws {
        self = try ProtoJSONIO.decode(bytes) { json throws(ProtoJSONError) in
            let (child, parent) = try ProtoJSON.decodeIDPair(json, message: "ParentContext", "child_id", "parent_id")
            return ParentContext(childID: child, parentID: parent)
        }
    }
    public func protoJSON(_ style: ProtoJSONStyle) -> String { ProtoJSONIO.text(ProtoJSON.encode(self), style) }
}

extension LineageGraph {
    /// The graph as the proto3 JSON of MLMD's `LineageGraph` message.
    public func protoJSON(_ style: ProtoJSONStyle) -> String {
        var object = JSONObject()
        func add(_ key: String, _ values: [JSONValue]) { if !values.isEmpty { object.append(key, .array(values)) } }
        add("artifact_types", artifactTypes.map { ProtoJSON.encode($0) })
        add("execution_types", executionTypes.map { ProtoJSON.encode($0) })
        add("context_types", contextTypes.map { ProtoJSON.encode($0) })
        add("artifacts", artifacts.map { ProtoJSON.encode($0) })
        add("executions", executions.map { ProtoJSON.encode($0) })
        add("contexts", contexts.map { ProtoJSON.encode($0) })
        add("events", events.map { ProtoJSON.encode($0) })
        add("attributions", attributions.map { ProtoJSON.encode($0) })
        add("associations", associations.map { ProtoJSON.encode($0) })
        return ProtoJSONIO.text(.object(object), style)
    }
}
