import Foundation

/// A store file as readable text, one fact per line, so that a line diff of two versions reads
/// as a field-level diff. `mlmd textconv` prints it for git's `diff.mlmd.textconv`, which makes
/// `git diff` and `git log -p` show store files this way.
///
/// ```
/// artifact ModelEvaluation 796302086508128918
/// uri: gs://pipelines/taxi/Evaluator/evaluation/3
/// state: LIVE
/// created: 2026-01-06 09:00:12.000 UTC
/// custom_properties.accuracy: 0.8837
/// ```
public enum StoreFileText {
    /// Renders a type, node or edge file. `path` may be the store-relative path or just a name
    /// ending in the file's name (git hands textconv a temporary copy named `XXXXXX_<name>`);
    /// where the path does not say the kind, the content does.
    public static func render(_ bytes: [UInt8], path: String) throws -> String {
        let entry = StoreLayout.classify(path)
        if entry == .origins {
            return try OriginFile.parse(bytes, path: path).map { "\($0.kind.rawValue) \($0.id) was \($0.source) MLMD id \($0.mlmdID)" }
                .joined(separator: "\n") + "\n"
        }
        if entry == .edges || (entry == nil && path.hasSuffix(".jsonl")) {
            return try EdgeFile.parse(bytes, path: path).map(describe).joined(separator: "\n") + "\n"
        }
        let json = try ParsedFile.parseJSON(bytes, path: path)
        guard case .object(let object) = json else { throw StoreError(.dataLoss, "not a JSON object", path: path) }
        do throws(ProtoJSONError) {
            return try describe(json, object: object, entry: entry)
        } catch {
            throw error.storeError(path: path)
        }
    }

    private static func describe(_ json: JSONValue, object: JSONObject, entry: StoreLayout.Entry?) throws(ProtoJSONError) -> String {
        switch entry {
        case .type(let kind): return describe(try TypeRecord.decode(json, kind: kind), kindKnown: true)
        case .node(.artifact): return describe(try ProtoJSON.decodeArtifact(json), kind: "artifact")
        case .node(.execution): return describe(try ProtoJSON.decodeExecution(json), kind: "execution")
        case .node(.context): return describe(try ProtoJSON.decodeContext(json), kind: "context")
        case .edges, .origins, nil: break
        }
        guard object["type_id"] != nil || object["typeId"] != nil else {
            // A type file: artifact, execution or context type, by which base type parses.
            for kind in TypeKind.allCases {
                if let record = try? TypeRecord.decode(json, kind: kind) { return describe(record, kindKnown: false) }
            }
            return describe(try TypeRecord.decode(json, kind: .context), kindKnown: false)
        }
        if object["uri"] != nil || object["state"] != nil {
            return describe(try ProtoJSON.decodeArtifact(json), kind: "artifact")
        }
        if object["last_known_state"] != nil || object["lastKnownState"] != nil {
            return describe(try ProtoJSON.decodeExecution(json), kind: "execution")
        }
        // Contexts and stateless executions have the same fields; name neither.
        return describe(try ProtoJSON.decodeContext(json), kind: nil)
    }

    private static func describe(_ type: TypeRecord, kindKnown: Bool) -> String {
        var lines = ["\(kindKnown ? type.kind.rawValue + " type" : "type") \(type.stem) \(type.id)"]
        for (field, value) in type.comparableFields.sorted(by: { FieldOrder.precedes($0.key, $1.key) }) where field != "name" {
            lines.append("\(field): \(value.stringValue ?? value.description)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func describe(_ node: some Node, kind: String?) -> String {
        var lines = [[kind, node.type, node.id.map(String.init)].compactMap { $0 }.joined(separator: " ")]
        for (field, value) in node.comparableFields.sorted(by: { FieldOrder.precedes($0.key, $1.key) }) where field != "type" {
            let text = field.contains("properties.") ? value.description : value.stringValue ?? value.description
            lines.append("\(field): \(text)")
        }
        // A context file of format 2 has no times (its edge files record them).
        if let created = node.createTimeSinceEpoch { lines.append("created: \(time(created))") }
        if let updated = node.lastUpdateTimeSinceEpoch { lines.append("updated: \(time(updated))") }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func describe(_ edge: EdgeFile.Edge) -> String {
        switch edge {
        case .event(let event):
            let path = MetadataStore.eventPathKey(event.path)
            let flow = event.type?.isOutput == true
                ? "execution \(event.executionID ?? 0) → artifact \(event.artifactID ?? 0)"
                : "artifact \(event.artifactID ?? 0) → execution \(event.executionID ?? 0)"
            return "event \(event.type?.rawValue ?? "UNSET") \(flow)" + (path.isEmpty ? "" : " as \(path)")
                + (event.millisecondsSinceEpoch.map { " at \(time($0))" } ?? "")
        case .attribution(let edge): return "attribution: artifact \(edge.artifactID) in context \(edge.contextID)"
        case .association(let edge): return "association: execution \(edge.executionID) in context \(edge.contextID)"
        case .parentContext(let edge): return "parent context: context \(edge.childID) in context \(edge.parentID)"
        case .contextTimes(let times):
            return "context \(times.contextID)" + (times.createTime.map { " created \(time($0))" } ?? "")
                + (times.updateTime.map { " updated \(time($0))" } ?? "")
        }
    }

    /// `2026-01-06 09:00:12.000 UTC`.
    static func time(_ milliseconds: Int64?) -> String {
        guard let milliseconds else { return "unset" }
        let seconds = Int64((Double(milliseconds) / 1000).rounded(.down))
        let ms = milliseconds - seconds * 1000
        let clock = ((seconds % 86_400) + 86_400) % 86_400
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : String(value) }
        let fraction = String(ms + 1000).dropFirst()
        return "\(StoreLayout.day(milliseconds)) \(two(clock / 3600)):\(two(clock / 60 % 60)):\(two(clock % 60)).\(fraction) UTC"
    }
}
