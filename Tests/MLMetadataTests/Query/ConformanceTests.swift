import Foundation
import Testing
@testable import MLMetadata

/// Builds the dataset of Tests/Interop/conformance.json in MLMetadata and, through the official
/// Python library, in Google's MLMD; runs the same filter queries (and queries MLMD rejects) and
/// lineage queries on both; compares the results by name (ids differ).
@Suite struct ConformanceTests {
    static let dataPath = SampleStoreTests.repositoryRoot + "/Tests/Interop/conformance.json"

    struct Results: Equatable {
        var filters: [[String]]
        var errors: [String]
        var lineage: [[String: [String]]]
        var lineageEventCounts: [Int]
    }

    @Test(.enabled(if: InteropTests.python != nil || InteropTests.required, "needs a Python with ml-metadata 1.17.1 (see .ci/run)"))
    func filterAndLineageQueriesAgreeWithMLMD() throws {
        let data = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.dataPath))) as! [String: Any]
        let ours = try Self.runOurs(data)
        let theirs = try Self.runMLMD()
        #expect((data["filters"] as! [Any]).count >= 40)
        #expect((data["lineage"] as! [Any]).count >= 10)
        let queries = data["filters"] as! [[String]]
        for (index, query) in queries.enumerated() {
            #expect(ours.filters[index] == theirs.filters[index], "\(query[0]) filter \(query[1])")
        }
        for (index, query) in (data["errors"] as! [[String]]).enumerated() {
            #expect(ours.errors[index] == theirs.errors[index], "\(query[0]) filter \(query[1])")
        }
        for (index, query) in (data["lineage"] as! [[String: Any]]).enumerated() {
            #expect(ours.lineage[index] == theirs.lineage[index], "lineage \(query)")
            #expect(ours.lineageEventCounts[index] == theirs.lineageEventCounts[index], "lineage events \(query)")
        }
    }

    static func runMLMD() throws -> Results {
        let python = try #require(InteropTests.python, "MLMD_REQUIRE_INTEROP=1 but no Python with ml_metadata was found")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [SampleStoreTests.repositoryRoot + "/Tests/Interop/conformance.py", dataPath]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(errorText)")
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let lineage = json["lineage"] as! [[String: Any]]
        return Results(filters: json["filters"] as! [[String]], errors: json["errors"] as! [String],
                       lineage: lineage.map { ["artifacts": $0["artifacts"] as! [String], "executions": $0["executions"] as! [String],
                                               "contexts": $0["contexts"] as! [String]] },
                       lineageEventCounts: lineage.map { $0["events"] as! Int })
    }

    static func runOurs(_ data: [String: Any]) throws -> Results {
        let directory = TemporaryDirectory("conformance")
        let store = try MetadataStore(path: directory.path)
        try load(data, into: store)
        var results = Results(filters: [], errors: [], lineage: [], lineageEventCounts: [])
        for query in data["filters"] as! [[String]] {
            results.filters.append(try names(store, kind: query[0], filter: query[1]))
        }
        for query in data["errors"] as! [[String]] {
            do {
                _ = try names(store, kind: query[0], filter: query[1])
                results.errors.append("accepted")
            } catch let error as StoreError {
                results.errors.append(error.code.rawValue)
            }
        }
        for spec in data["lineage"] as! [[String: Any]] {
            let start = spec["start"] as! [String]
            var query = LineageSubgraphQuery(
                startingNodes: start[0] == "artifact" ? .artifacts(filterQuery: start[1]) : .executions(filterQuery: start[1]),
                maxNumHops: spec["hops"] as? Int, direction: LineageSubgraphQuery.Direction(rawValue: spec["direction"] as! String)!)
            if let ending = spec["ending_artifacts"] as? [Any] {
                query.endingArtifacts = .init(filterQuery: ending[0] as! String, includeEndingNodes: ending[1] as! Bool)
            }
            if let ending = spec["ending_executions"] as? [Any] {
                query.endingExecutions = .init(filterQuery: ending[0] as! String, includeEndingNodes: ending[1] as! Bool)
            }
            let graph = try store.getLineageSubgraph(query)
            results.lineage.append(["artifacts": graph.artifacts.compactMap(\.name).sorted(),
                                    "executions": graph.executions.compactMap(\.name).sorted(),
                                    "contexts": graph.contexts.compactMap(\.name).sorted()])
            results.lineageEventCounts.append(graph.events.count)
        }
        return results
    }

    static func names(_ store: MetadataStore, kind: String, filter: String) throws -> [String] {
        let options = ListOptions(filterQuery: filter)
        return switch kind {
        case "artifact": try store.getArtifacts(options).items.compactMap(\.name).sorted()
        case "execution": try store.getExecutions(options).items.compactMap(\.name).sorted()
        default: try store.getContexts(options).items.compactMap(\.name).sorted()
        }
    }

    /// Loads the dataset exactly as conformance.py does. Values come from the store's own JSON
    /// parser, which keeps `true`, `3` and `3.0` apart.
    static func load(_ data: [String: Any], into store: MetadataStore) throws {
        guard case .object(let json) = try JSONParser.parse(Data(contentsOf: URL(fileURLWithPath: dataPath))) else { return }
        func value(_ json: JSONValue) -> Value {
            switch json {
            case .bool(let flag): .bool(flag)
            case .number(let text): Int64(text).map(Value.int) ?? .double(Double(text)!)
            case .string(let text): .string(text)
            default: .string("")
            }
        }
        func objects(_ key: String) -> [JSONObject] {
            guard case .array(let items)? = json[key] else { return [] }
            return items.compactMap { if case .object(let object) = $0 { object } else { nil } }
        }
        func string(_ object: JSONObject, _ key: String) -> String? {
            if case .string(let text)? = object[key] { text } else { nil }
        }
        func properties(_ object: JSONObject, _ key: String) -> [String: Value] {
            guard case .object(let map)? = object[key] else { return [:] }
            return Dictionary(uniqueKeysWithValues: map.members.map { ($0.key, value($0.value)) })
        }
        func propertyTypes(_ object: JSONObject) -> [String: PropertyType] {
            guard case .object(let map)? = object["properties"] else { return [:] }
            return Dictionary(uniqueKeysWithValues: map.members.map { member in
                guard case .string(let name) = member.value else { return (member.key, .unknown) }
                return (member.key, PropertyType(rawValue: name)!)
            })
        }
        for spec in objects("artifact_types") {
            try store.putArtifactType(ArtifactType(name: string(spec, "name")!, properties: propertyTypes(spec)))
        }
        for spec in objects("execution_types") {
            try store.putExecutionType(ExecutionType(name: string(spec, "name")!, properties: propertyTypes(spec)))
        }
        for spec in objects("context_types") {
            try store.putContextType(ContextType(name: string(spec, "name")!, properties: propertyTypes(spec)))
        }
        var ids: [String: Int64] = [:]
        for spec in objects("artifacts") {
            let artifact = Artifact(type: string(spec, "type"), name: string(spec, "name"), uri: string(spec, "uri"),
                                    externalID: string(spec, "external_id"), state: string(spec, "state").flatMap(Artifact.State.init(rawValue:)),
                                    properties: properties(spec, "properties"), customProperties: properties(spec, "custom_properties"))
            ids[artifact.name!] = try store.putArtifacts([artifact])[0]
        }
        for spec in objects("executions") {
            let execution = Execution(type: string(spec, "type"), name: string(spec, "name"), externalID: string(spec, "external_id"),
                                      lastKnownState: string(spec, "state").flatMap(Execution.State.init(rawValue:)),
                                      properties: properties(spec, "properties"), customProperties: properties(spec, "custom_properties"))
            ids[execution.name!] = try store.putExecutions([execution])[0]
        }
        for spec in objects("contexts") {
            let context = Context(type: string(spec, "type"), name: string(spec, "name"),
                                  properties: properties(spec, "properties"), customProperties: properties(spec, "custom_properties"))
            ids[context.name!] = try store.putContexts([context])[0]
        }
        try store.putParentContexts((data["parent_contexts"] as! [[String]]).map { ParentContext(childID: ids[$0[0]]!, parentID: ids[$0[1]]!) })
        try store.putAttributionsAndAssociations(
            attributions: (data["attributions"] as! [[String]]).map { Attribution(artifactID: ids[$0[0]]!, contextID: ids[$0[1]]!) },
            associations: (data["associations"] as! [[String]]).map { Association(executionID: ids[$0[0]]!, contextID: ids[$0[1]]!) })
        try store.putEvents((data["events"] as! [[Any]]).map { spec in
            let steps: [Event.Step] = (spec[3] as! [Any]).map { ($0 as? String).map(Event.Step.key) ?? .index(Int64("\($0)")!) }
            return Event(artifactID: ids[spec[0] as! String], executionID: ids[spec[1] as! String], path: steps.isEmpty ? nil : steps,
                         type: Event.Kind(rawValue: spec[2] as! String))
        })
    }
}
