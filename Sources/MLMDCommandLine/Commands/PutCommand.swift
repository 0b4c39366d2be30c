import ArgumentParser
import Foundation
import MLMetadata

struct PutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put",
        abstract: "Write types, artifacts, executions, contexts or edges from MLMD's proto3 JSON.",
        discussion: """
            Reads one JSON message, a JSON array of messages, or JSON Lines from FILE or standard \
            input: the JSON that protobuf's json_format writes for MLMD's messages, so the output \
            of MLMD tools can be piped in. Messages with an id update, others insert. All messages \
            of one call are written together or not at all. Prints the ids, in input order.
            `mlmd put execution` also takes MLMD's PutExecutionRequest ({"execution": …, \
            "artifact_event_pairs": [{"artifact": …, "event": …}], "contexts": […], "options": …}): \
            the execution with its artifacts, events and contexts in one atomic call (several \
            requests are several calls, each atomic).
            Examples:
              echo '{"name": "Model", "properties": {"accuracy": "DOUBLE"}}' | mlmd put artifact-type
              mlmd put artifact --mask state artifacts.jsonl
              mlmd put execution run.json --reuse-context --reuse-artifact-by-external-id
            """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case artifactType = "artifact-type"
        case executionType = "execution-type"
        case contextType = "context-type"
        case artifact, execution, context, event, attribution, association
        case parentContext = "parent-context"
    }

    @OptionGroup var location: StoreLocation

    @Argument(help: "What the input holds: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: Kind

    @Argument(help: "The input file (default: standard input; - also means standard input).")
    var file: String?

    @Option(name: .customLong("mask"), help: "Update only these fields (repeatable): uri, state, properties.<name>, …")
    var fieldMask: [String] = []

    @Flag(help: "Updates fail unless their last_update_time_since_epoch matches the stored one.")
    var abortIfUpdated = false

    @Flag(help: "Types: the given type may add properties to the stored one.")
    var canAddFields = false

    @Flag(help: "Types: the given type may omit properties of the stored one.")
    var canOmitFields = false

    @Flag(help: "Executions: use the stored context with the same type and name instead of failing.")
    var reuseContext = false

    @Flag(help: "Executions: update the stored artifact with the same external id instead of failing.")
    var reuseArtifactByExternalID = false

    @Flag(help: "Executions: contexts given with an id are only checked to exist, never updated.")
    var forceReuseContext = false

    @Flag(help: "Executions: bump the execution's last update time even if nothing changed.")
    var forceUpdateTime = false

    @Option(help: "Output format: text or json.")
    var format: IDFormat = .text

    enum IDFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func validate() throws {
        let nodeKinds: [Kind] = [.artifact, .execution, .context]
        if !fieldMask.isEmpty && !nodeKinds.contains(kind) { throw ValidationError("--mask applies to artifacts, executions and contexts") }
        if (canAddFields || canOmitFields) && ![.artifactType, .executionType, .contextType].contains(kind) {
            throw ValidationError("--can-add-fields and --can-omit-fields apply to types")
        }
        if (reuseContext || reuseArtifactByExternalID || forceReuseContext || forceUpdateTime) && kind != .execution {
            throw ValidationError("--reuse-context, --reuse-artifact-by-external-id, --force-reuse-context and --force-update-time apply to executions")
        }
    }

    func run() throws {
        let (bytes, source) = try readInput()
        let store = try location.open()
        do {
            try put(bytes, source: source, store: store)
        } catch var error as StoreError where error.path == nil {
            // The store names the message by its position ("artifacts[1]: …"); add where it is.
            if let index = Self.messageIndex(in: error.message), let lines = try? ProtoJSONDocument.messageLines(bytes, source: source),
               lines.indices.contains(index) {
                error.path = source
                error.line = lines[index]
            }
            throw error
        }
    }

    /// `1` for a message that starts `artifacts[1]: …` or `artifact_types[1]: …`.
    static func messageIndex(in message: String) -> Int? {
        guard let open = message.firstIndex(of: "["), let close = message[open...].firstIndex(of: "]"),
              message[..<open].allSatisfy({ $0.isLetter || $0 == "_" }) else { return nil }
        return Int(message[message.index(after: open)..<close])
    }

    private func put(_ bytes: [UInt8], source: String, store: MetadataStore) throws {
        switch kind {
        case .artifactType:
            let types = try ProtoJSONDocument.messages(bytes, as: ArtifactType.self, source: source)
            printIDs(try store.putTypes(artifactTypes: types, canAddFields: canAddFields, canOmitFields: canOmitFields).artifactTypeIDs)
        case .executionType:
            let types = try ProtoJSONDocument.messages(bytes, as: ExecutionType.self, source: source)
            printIDs(try store.putTypes(executionTypes: types, canAddFields: canAddFields, canOmitFields: canOmitFields).executionTypeIDs)
        case .contextType:
            let types = try ProtoJSONDocument.messages(bytes, as: ContextType.self, source: source)
            printIDs(try store.putTypes(contextTypes: types, canAddFields: canAddFields, canOmitFields: canOmitFields).contextTypeIDs)
        case .artifact:
            let artifacts = try ProtoJSONDocument.messages(bytes, as: Artifact.self, source: source)
            printIDs(try store.putArtifacts(artifacts, fieldMask: fieldMask, abortIfLatestUpdatedTimeChanged: abortIfUpdated))
        case .execution:
            try putExecutions(bytes, source: source, store: store)
        case .context:
            let contexts = try ProtoJSONDocument.messages(bytes, as: Context.self, source: source)
            printIDs(try store.putContexts(contexts, fieldMask: fieldMask, abortIfLatestUpdatedTimeChanged: abortIfUpdated))
        case .event:
            let events = try ProtoJSONDocument.messages(bytes, as: Event.self, source: source)
            try store.putEvents(events)
            done("\(events.count) event\(events.count == 1 ? "" : "s")")
        case .attribution:
            let edges = try ProtoJSONDocument.messages(bytes, as: Attribution.self, source: source)
            try store.putAttributionsAndAssociations(attributions: edges, associations: [])
            done("\(edges.count) attribution\(edges.count == 1 ? "" : "s")")
        case .association:
            let edges = try ProtoJSONDocument.messages(bytes, as: Association.self, source: source)
            try store.putAttributionsAndAssociations(attributions: [], associations: edges)
            done("\(edges.count) association\(edges.count == 1 ? "" : "s")")
        case .parentContext:
            let edges = try ProtoJSONDocument.messages(bytes, as: ParentContext.self, source: source)
            try store.putParentContexts(edges)
            done("\(edges.count) parent context\(edges.count == 1 ? "" : "s")")
        }
    }

    /// Plain executions go to putExecutions; PutExecutionRequests each to putExecution.
    private func putExecutions(_ bytes: [UInt8], source: String, store: MetadataStore) throws {
        switch try ProtoJSONDocument.executionInput(bytes, source: source) {
        case .executions(let executions):
            printIDs(try store.putExecutions(executions, fieldMask: fieldMask, abortIfLatestUpdatedTimeChanged: abortIfUpdated))
        case .requests(let requests):
            for request in requests {
                var options = request.options
                options.reuseContextIfAlreadyExist = options.reuseContextIfAlreadyExist || reuseContext
                options.reuseArtifactIfAlreadyExistByExternalID = options.reuseArtifactIfAlreadyExistByExternalID || reuseArtifactByExternalID
                options.forceReuseContext = options.forceReuseContext || forceReuseContext
                options.forceUpdateTime = options.forceUpdateTime || forceUpdateTime
                let result = try store.putExecution(request.execution, artifactsAndEvents: request.artifactsAndEvents,
                                                    contexts: request.contexts, options: options)
                switch format {
                case .text:
                    Console.print("execution \(result.executionID); artifacts \(result.artifactIDs.map(String.init).joined(separator: ", ")); "
                        + "contexts \(result.contextIDs.map(String.init).joined(separator: ", "))")
                case .json:
                    let artifacts = result.artifactIDs.map { "\"\($0)\"" }.joined(separator: ", ")
                    let contexts = result.contextIDs.map { "\"\($0)\"" }.joined(separator: ", ")
                    Console.print("{\"artifact_ids\": [\(artifacts)], \"context_ids\": [\(contexts)], \"execution_id\": \"\(result.executionID)\"}")
                }
            }
        }
    }

    private func readInput() throws -> ([UInt8], String) {
        guard let file, file != "-" else {
            return (Console.readInput(), "standard input")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw StoreError(.notFound, "cannot read the input file", path: file)
        }
        return (Array(data), file)
    }

    private func printIDs(_ ids: [Int64]) {
        switch format {
        case .text: for id in ids { Console.print(String(id)) }
        case .json: Console.print("{\"ids\": [" + ids.map { "\"\($0)\"" }.joined(separator: ", ") + "]}")
        }
    }

    private func done(_ what: String) {
        switch format {
        case .text: Console.print("Recorded \(what).")
        case .json: Console.print("{}")
        }
    }
}
