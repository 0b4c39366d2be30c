/// Reading MLMD messages from text as tools produce it: one JSON message, a JSON array of
/// messages, or JSON Lines (one message per line).
public enum ProtoJSONDocument {
    /// The messages in `bytes`. Errors name `source` (a file name, or "standard input"), the
    /// line, and the field.
    public static func messages<M: ProtoJSONConvertible>(_ bytes: [UInt8], as type: M.Type, source: String) throws -> [M] {
        try values(bytes, source: source).map { value, line in
            do {
                return try M(protoJSON: JSONWriter.write(value, style: .compact))
            } catch let error as StoreError {
                // Report the line of the message in the input rather than within the message.
                throw StoreError(.invalidArgument, error.message, path: source, line: line + (error.line ?? 1) - 1)
            }
        }
    }

    /// The `PutExecutionRequest` messages in `bytes` (see ``messages(_:as:source:)``).
    public static func putExecutionRequests(_ bytes: [UInt8], source: String) throws -> [PutExecutionRequest] {
        try values(bytes, source: source).map { value, line in
            do throws(ProtoJSONError) {
                return try PutExecutionRequest.decode(value)
            } catch {
                throw StoreError(.invalidArgument, error.description, path: source, line: line + max(error.line, 1) - 1)
            }
        }
    }

    /// The 1-based line each message of the document starts on (for an array: the array's line).
    public static func messageLines(_ bytes: [UInt8], source: String) throws -> [Int] {
        try values(bytes, source: source).map(\.1)
    }

    /// What `mlmd put execution` reads: plain `Execution` messages, or `PutExecutionRequest`
    /// messages (recognised by their `execution` field).
    public enum ExecutionInput: Sendable {
        case executions([Execution])
        case requests([PutExecutionRequest])
    }

    /// Reads executions or put-execution requests (see ``ExecutionInput``); all messages of one
    /// document must be of the same kind.
    public static func executionInput(_ bytes: [UInt8], source: String) throws -> ExecutionInput {
        let documentValues = try values(bytes, source: source)
        func isRequest(_ value: JSONValue) -> Bool {
            guard case .object(let object) = value else { return false }
            return object.members.contains { $0.key == "execution" }
        }
        let requestCount = documentValues.filter { isRequest($0.0) }.count
        if requestCount == 0 { return .executions(try messages(bytes, as: Execution.self, source: source)) }
        if let (_, line) = documentValues.first(where: { !isRequest($0.0) }) {
            throw StoreError(.invalidArgument, "mixes PutExecutionRequest messages (with an \"execution\" field) and plain Execution messages",
                             path: source, line: line)
        }
        return .requests(try putExecutionRequests(bytes, source: source))
    }

    /// The JSON values of the document with the line each starts on.
    static func values(_ bytes: [UInt8], source: String) throws(StoreError) -> [(JSONValue, Int)] {
        let text = bytes.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
        guard !text.isEmpty else { throw StoreError(.invalidArgument, "no input: expected a JSON message, a JSON array or JSON Lines", path: source) }
        let leadingLines = bytes[..<text.startIndex].filter { $0 == UInt8(ascii: "\n") }.count
        do {
            switch try JSONParser.parse(text) {
            case .array(let items):
                // Lines of the elements are not kept by the parser; report the array's line.
                return items.map { ($0, leadingLines + 1) }
            case let value:
                return [(value, leadingLines + 1)]
            }
        } catch let wholeError {
            // Not one JSON value: try JSON Lines.
            var out: [(JSONValue, Int)] = []
            let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            guard lines.filter({ !$0.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") } }).count > 1 else {
                throw StoreError(.invalidArgument, "not valid JSON: \(wholeError.message) (column \(wholeError.column))", path: source,
                                 line: wholeError.line + leadingLines)
            }
            for (index, line) in lines.enumerated() where !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) {
                do {
                    out.append((try JSONParser.parse(line), index + 1))
                } catch {
                    throw StoreError(.invalidArgument, "not valid JSON Lines: \(error.message) (column \(error.column))", path: source, line: index + 1)
                }
            }
            return out
        }
    }
}

/// MLMD's `PutExecutionRequest`: an execution with its artifacts, events and contexts, and the
/// options of ``MetadataStore/putExecution(_:artifactsAndEvents:contexts:options:)``.
public struct PutExecutionRequest: Sendable, Hashable {
    public var execution: Execution
    public var artifactsAndEvents: [ArtifactAndEvent]
    public var contexts: [Context]
    public var options: PutExecutionOptions

    public init(execution: Execution, artifactsAndEvents: [ArtifactAndEvent] = [], contexts: [Context] = [],
                options: PutExecutionOptions = PutExecutionOptions()) {
        self.execution = execution
        self.artifactsAndEvents = artifactsAndEvents
        self.contexts = contexts
        self.options = options
    }

    static func decode(_ json: JSONValue) throws(ProtoJSONError) -> PutExecutionRequest {
        var reader = try MessageReader(json, message: "PutExecutionRequest")
        guard let (executionJSON, _) = try reader.take("execution") else {
            throw ProtoJSONError(field: "execution", message: "No execution is found", line: 0)
        }
        var request = PutExecutionRequest(execution: try ProtoJSON.decodeExecution(executionJSON))
        if let (pairs, line) = try reader.take("artifact_event_pairs") {
            guard case .array(let items) = pairs else {
                throw ProtoJSONError(field: "artifact_event_pairs", message: "expected an array", line: line)
            }
            for (position, item) in items.enumerated() {
                var pair = try MessageReader(item, message: "ArtifactAndEvent", field: "artifact_event_pairs[\(position)]", line: line)
                let artifact = try pair.take("artifact").map { value, _ throws(ProtoJSONError) in try ProtoJSON.decodeArtifact(value) }
                let event = try pair.take("event").map { value, _ throws(ProtoJSONError) in try ProtoJSON.decodeEvent(value) }
                try pair.finish()
                request.artifactsAndEvents.append(ArtifactAndEvent(artifact: artifact, event: event))
            }
        }
        if let (contexts, line) = try reader.take("contexts") {
            guard case .array(let items) = contexts else { throw ProtoJSONError(field: "contexts", message: "expected an array", line: line) }
            for item in items { request.contexts.append(try ProtoJSON.decodeContext(item)) }
        }
        if let (options, line) = try reader.take("options") {
            var flags = try MessageReader(options, message: "PutExecutionRequest.Options", field: "options", line: line)
            request.options.reuseContextIfAlreadyExist = try flags.bool("reuse_context_if_already_exist") ?? false
            request.options.reuseArtifactIfAlreadyExistByExternalID = try flags.bool("reuse_artifact_if_already_exist_by_external_id") ?? false
            request.options.forceReuseContext = try flags.bool("force_reuse_context") ?? false
            request.options.forceUpdateTime = try flags.bool("force_update_time") ?? false
            try flags.finish()
        }
        _ = try reader.take("transaction_options")
        try reader.finish()
        return request
    }
}
