import Foundation
import MLMetadata

/// What the write phases recorded, for checking the reads (the harness' `book`).
struct Book {
    struct Run {
        var name: String
        var executionIDs: [Int64] = []
        var artifactIDs: Set<Int64> = []
        var events: [Edge] = []
        var contextID: Int64 = 0
    }

    /// (artifact id, execution id, is output).
    struct Edge: Hashable {
        var artifact: Int64
        var execution: Int64
        var isOutput: Bool
    }

    var runs: [Run] = []
    var events: [Edge] = []
    var modelAccuracy: [Int64: Double] = [:]
    /// Artifact ids per type, in the order the harness' `ids_by_type` dict has them.
    var idsByType: [(type: String, ids: [Int64])] = []
    var lastPushedModel: Int64 = 0

    mutating func add(_ id: Int64, type: String) {
        if let index = idsByType.firstIndex(where: { $0.type == type }) {
            idsByType[index].ids.append(id)
        } else {
            idsByType.append((type, [id]))
        }
    }

    func ids(of type: String) -> [Int64] { idsByType.first { $0.type == type }?.ids ?? [] }
}

struct Benchmark {
    let path: String
    let n: Int
    let repeats: Int
    let batchSize: Int
    let log: Log
    var rng: PythonRandom
    var typeIDs: [String: Int64] = [:]
    var book = Book()
    var bulkIDs: [Int64] = []
    var expectedBulkQuery: [Int64] = []

    var runCount: Int { max(1, Int((Double(n) / Double(Scenario.artifactsPerRun)).rounded(.toNearestOrEven))) }

    // MARK: a) types

    mutating func registerTypes(_ store: MetadataStore) throws -> [String: Any] {
        var timings: [String: Any] = [:]
        var total = 0.0
        func props(_ list: [(String, PropertyType)]) -> [String: PropertyType] { Dictionary(uniqueKeysWithValues: list) }
        var start = now()
        for (name, properties) in Scenario.artifactTypes {
            typeIDs[name] = try store.putArtifactType(ArtifactType(name: name, properties: props(properties)))
        }
        var elapsed = now() - start
        timings["artifact_types_s"] = elapsed
        total += elapsed
        start = now()
        for (name, properties) in Scenario.executionTypes {
            typeIDs[name] = try store.putExecutionType(ExecutionType(name: name, properties: props(properties)))
        }
        elapsed = now() - start
        timings["execution_types_s"] = elapsed
        total += elapsed
        start = now()
        for (name, properties) in Scenario.contextTypes {
            typeIDs[name] = try store.putContextType(ContextType(name: name, properties: props(properties)))
        }
        elapsed = now() - start
        timings["context_types_s"] = elapsed
        timings["total_s"] = total + elapsed
        return timings
    }

    // MARK: b) pipeline runs

    /// Records runs `first..<first+count`; returns the harness' timing dictionary.
    mutating func pipelineRuns(_ store: MetadataStore, first: Int = 0, count: Int, recordInBook: Bool = true) throws -> [String: Any] {
        let pipeline = Scenario.pipelineName
        var pipelineContext = Context(typeID: typeIDs["pipeline"], name: pipeline, properties: ["pipeline_root": .string("/pipelines/\(pipeline)")])
        var nodeContexts: [String: Context] = [:]
        for step in Scenario.pipeline {
            nodeContexts[step.component] = Context(typeID: typeIDs["node"], name: "\(pipeline).\(step.component)",
                                                   properties: ["pipeline_name": .string(pipeline), "component_type": .string(step.component)])
        }
        if first > 0 {
            // Continuing on an existing store: the shared contexts exist; pass them by id as the harness does after run 0.
            pipelineContext.id = try store.getContextByTypeAndName("pipeline", pipeline)!.id
            for (component, context) in nodeContexts {
                nodeContexts[component]!.id = try store.getContextByTypeAndName("node", context.name!)!.id
            }
        }
        var previousModel: Artifact? = first > 0 ? try store.getArtifactByTypeAndName("Model", "run-\(String(first - 1).leftPadded(6)).Trainer.model") : nil
        var runTimes: [Double] = []
        var calls = 0
        for run in first..<first + count {
            let runName = "run-\(String(run).leftPadded(6))"
            var runContext = Context(typeID: typeIDs["pipeline_run"], name: runName, properties: ["run_number": .int(Int64(run)), "trigger": "schedule"])
            var produced: [String: Artifact] = [:]
            var runBook = Book.Run(name: runName)
            var runTime = 0.0
            for step in Scenario.pipeline {
                let execution = Execution(typeID: typeIDs[step.component], name: "\(runName).\(step.component)", lastKnownState: .complete,
                                          properties: Scenario.executionProperties(step.component, runName: runName, rng: &rng))
                var pairs: [ArtifactAndEvent] = []
                for (key, source) in step.inputs {
                    let artifact: Artifact
                    if source.hasPrefix("prev:") {
                        guard let previousModel else { continue }
                        artifact = previousModel
                    } else {
                        artifact = produced[source]!
                    }
                    pairs.append(ArtifactAndEvent(artifact, .input, path: [.key(key), .index(0)]))
                }
                var newOutputs: [(String, String)] = []
                for (key, type) in step.outputs {
                    let artifact = Artifact(typeID: typeIDs[type], name: "\(runName).\(step.component).\(key)",
                                            uri: "/pipelines/\(pipeline)/\(step.component)/\(key)/\(run)", state: .live,
                                            properties: Scenario.runArtifactProperties(type, run: run, rng: &rng, produced: produced,
                                                                                       previousModel: previousModel))
                    newOutputs.append(("\(step.component).\(key)", type))
                    pairs.append(ArtifactAndEvent(artifact, .output, path: [.key(key), .index(0)]))
                }
                let contexts = [pipelineContext, runContext, nodeContexts[step.component]!]

                let start = now()
                let result = try store.putExecution(execution, artifactsAndEvents: pairs, contexts: contexts,
                                                    options: PutExecutionOptions(forceReuseContext: true))
                runTime += now() - start
                calls += 1

                pipelineContext.id = result.contextIDs[0]
                runContext.id = result.contextIDs[1]
                nodeContexts[step.component]!.id = result.contextIDs[2]
                for index in pairs.indices { pairs[index].artifact!.id = result.artifactIDs[index] }
                for (pair, artifactID) in zip(pairs, result.artifactIDs) {
                    let edge = Book.Edge(artifact: artifactID, execution: result.executionID, isOutput: pair.event!.type == .output)
                    if recordInBook { book.events.append(edge) }
                    runBook.events.append(edge)
                    runBook.artifactIDs.insert(artifactID)
                }
                let outputPairs = pairs.suffix(newOutputs.count)
                for ((name, type), pair) in zip(newOutputs, outputPairs) {
                    produced[name] = pair.artifact!
                    if recordInBook { book.add(pair.artifact!.id!, type: type) }
                }
                runBook.executionIDs.append(result.executionID)
            }
            let model = produced["Trainer.model"]!
            if recordInBook {
                book.modelAccuracy[model.id!] = model.properties["accuracy"]!.doubleValue!
                book.lastPushedModel = produced["Pusher.pushed_model"]!.id!
                runBook.contextID = runContext.id!
                book.runs.append(runBook)
            }
            previousModel = model
            runTimes.append(runTime)
            if (run - first + 1) % max(1, count / 10) == 0 {
                log("  runs: \(run - first + 1)/\(count)  last run \(String(format: "%.1f", runTime * 1e3)) ms")
            }
        }
        let decile = max(1, count / 10)
        let total = runTimes.reduce(0, +)
        return [
            "total_s": total, "per_run_mean_s": total / Double(count), "per_run_median_s": median(runTimes),
            "per_run_first_decile_median_s": median(Array(runTimes.prefix(decile))),
            "per_run_last_decile_median_s": median(Array(runTimes.suffix(decile))),
            "per_put_execution_mean_s": total / Double(calls), "put_execution_calls": calls,
        ]
    }

    // MARK: c) bulk

    mutating func bulkArtifacts(_ store: MetadataStore) throws -> [String: Any] {
        var batchTimes: [Double] = []
        for start in stride(from: 0, to: n, by: batchSize) {
            var batch: [Artifact] = []
            for i in start..<min(n, start + batchSize) {
                let quality = pythonRound6(rng.random())
                batch.append(Artifact(typeID: typeIDs["Examples"], name: "bulk-\(String(i).leftPadded(7))", uri: "/data/bulk/\(String(i).leftPadded(7))",
                                      state: .live,
                                      properties: ["span": .int(Int64(i / batchSize)), "version": .int(Int64(i % 5)), "split_names": "[\"train\"]"],
                                      customProperties: ["source": "bulk", "quality": .double(quality)]))
            }
            let begin = now()
            let ids = try store.putArtifacts(batch)
            batchTimes.append(now() - begin)
            for (artifact, id) in zip(batch, ids) {
                bulkIDs.append(id)
                if artifact.properties["version"] == 3, artifact.customProperties["quality"]!.doubleValue! > 0.5 {
                    expectedBulkQuery.append(id)
                }
            }
        }
        let total = batchTimes.reduce(0, +)
        return ["total_s": total, "batches": batchTimes.count, "per_batch_median_s": median(batchTimes),
                "per_artifact_mean_s": total / Double(max(1, n))]
    }

    // MARK: d) reads

    mutating func reads(_ store: MetadataStore) throws -> [String: Any] {
        var ops: [String: Any] = [:]
        let probe = book.runs[book.runs.count / 2]
        let expectedExamples = Set(book.ids(of: "Examples")).union(bulkIDs)

        var (samples, artifacts) = try measure(repeats) { try store.getArtifactsByType("Model") }
        ops["get_artifacts_by_type_Model"] = summary(samples).merging(["check": check(
            Set(artifacts.map { $0.id! }) == Set(book.modelAccuracy.keys), ["count": artifacts.count, "expected": book.modelAccuracy.count])]) { $1 }

        (samples, artifacts) = try measure(repeats) { try store.getArtifactsByType("Examples") }
        ops["get_artifacts_by_type_Examples"] = summary(samples).merging(["check": check(
            artifacts.count == expectedExamples.count && Set(artifacts.map { $0.id! }) == expectedExamples,
            ["count": artifacts.count, "expected": expectedExamples.count])]) { $1 }

        let allIDs = book.idsByType.flatMap(\.ids) + bulkIDs
        let sampleIDs = rng.sample(allIDs, min(1000, allIDs.count))
        (samples, artifacts) = try measure(repeats) { try store.getArtifactsByID(sampleIDs) }
        ops["get_artifacts_by_id_1000"] = summary(samples).merging(["check": check(
            artifacts.map { $0.id! }.sorted() == sampleIDs.sorted(), ["count": artifacts.count, "expected": sampleIDs.count])]) { $1 }

        (samples, artifacts) = try measure(repeats) { try store.getArtifactsByContext(probe.contextID) }
        ops["get_artifacts_by_context_run"] = summary(samples).merging(["run": probe.name, "check": check(
            Set(artifacts.map { $0.id! }) == probe.artifactIDs, ["count": artifacts.count, "expected": probe.artifactIDs.count])]) { $1 }

        let expectedModels = Set(book.modelAccuracy.filter { $0.value > 0.9 }.keys)
        for (name, expected, predicate) in [
            ("model_accuracy", expectedModels, { (a: Artifact) in a.type == "Model" && a.properties["accuracy"]!.doubleValue! > 0.9 }),
            ("bulk_version_quality", Set(expectedBulkQuery), { (a: Artifact) in
                a.type == "Examples" && a.properties["version"] == 3 && a.customProperties["quality"]!.doubleValue! > 0.5
            }),
        ] {
            let query = Scenario.filterQueries[name]!
            let (samples, result) = try measure(repeats) { try pagedQuery(store, query) }
            ops["get_artifacts_filter_\(name)"] = summary(samples).merging([
                "filter_query": query, "order_by": "CREATE_TIME desc", "page_size": Self.pageSize,
                "check": checkPaged(result, expected: expected, predicate: predicate),
            ]) { $1 }
        }

        let (eventSamples, events) = try measure(repeats) { try store.getEventsByExecutionIDs(probe.executionIDs) }
        let got = Set(events.map { Book.Edge(artifact: $0.artifactID!, execution: $0.executionID!, isOutput: $0.type == .output) })
        ops["get_events_by_execution_ids_run"] = summary(eventSamples).merging(["run": probe.name, "executions": probe.executionIDs.count,
            "check": check(events.count == probe.events.count && got == Set(probe.events),
                           ["count": events.count, "expected": probe.events.count])]) { $1 }
        return ops
    }

    /// The MLMD client's page size (`MAX_NUM_RESULT`).
    static let pageSize = 100

    /// All artifacts matching `query`, newest first, 100 per request, as the MLMD client pages.
    func pagedQuery(_ store: MetadataStore, _ query: String) throws -> (items: [Artifact], pages: Int) {
        var options = ListOptions(filterQuery: query, orderBy: .createTime, isAscending: false, maxResultSize: Self.pageSize)
        var items: [Artifact] = []
        var pages = 0
        repeat {
            let page = try store.getArtifacts(options)
            items += page.items
            pages += 1
            options.nextPageToken = page.nextPageToken
        } while options.nextPageToken != nil
        return (items, pages)
    }

    /// The harness' `check_paged`: not empty, no duplicates, exact id set, newest first, predicate holds.
    func checkPaged(_ result: (items: [Artifact], pages: Int), expected: Set<Int64>, predicate: (Artifact) -> Bool) -> [String: Any] {
        let ids = result.items.map { $0.id! }
        let keys = result.items.map { ($0.createTimeSinceEpoch!, $0.id!) }
        let ordered = zip(keys, keys.dropFirst()).allSatisfy { $0.0.0 >= $0.1.0 }
        let noDuplicates = Set(ids).count == ids.count
        let exact = Set(ids) == expected
        let matches = result.items.allSatisfy(predicate)
        return check(!ids.isEmpty && noDuplicates && exact && ordered && matches, [
            "count": ids.count, "expected": expected.count, "pages": result.pages, "no_duplicates": noDuplicates,
            "exact_id_set": exact, "all_match_predicate": matches, "create_time_desc": ordered,
            "ties_by_id_desc": zip(keys, keys.dropFirst()).allSatisfy { $0.0 > $0.1 },
        ])
    }

    // MARK: e) lineage

    /// `get_lineage_subgraph` from the last run's PushedModel, checked against a BFS over the
    /// events the benchmark wrote.
    func lineage(_ store: MetadataStore) throws -> [String: Any] {
        var ops: [String: Any] = [:]
        let start = book.lastPushedModel
        let queries: [(String, LineageSubgraphQuery.Direction, Set<LineageGraph.Field>)] = [
            ("lineage_upstream_20hops", .upstream, []),
            ("lineage_bidirectional_20hops", .bidirectional, []),
            ("lineage_upstream_20hops_nodes_events_only", .upstream, [.artifacts, .executions, .events]),
        ]
        for (name, direction, mask) in queries {
            let query = LineageSubgraphQuery(startingNodes: .artifacts(filterQuery: "id = \(start)"), maxNumHops: 20, direction: direction)
            let (samples, graph) = try measure(repeats) { try store.getLineageSubgraph(query, readMask: mask) }
            let (expectedArtifacts, expectedExecutions) = expectedLineage(from: start, direction: direction, hops: 20)
            let expectedEvents = Set(book.events.filter { expectedArtifacts.contains($0.artifact) && expectedExecutions.contains($0.execution) })
            let gotArtifacts = Set(graph.artifacts.map { $0.id! })
            let gotExecutions = Set(graph.executions.map { $0.id! })
            let gotEvents = Set(graph.events.map { Book.Edge(artifact: $0.artifactID!, execution: $0.executionID!, isOutput: $0.type == .output) })
            ops[name] = summary(samples).merging([
                "start_artifact_id": start, "direction": direction.rawValue.lowercased(), "max_num_hops": 20,
                "field_mask": mask.isEmpty ? "all" : mask.map(\.rawValue).sorted().joined(separator: ","),
                "check": check(gotArtifacts == expectedArtifacts && gotExecutions == expectedExecutions && gotEvents == expectedEvents
                               && graph.events.count == expectedEvents.count, [
                    "artifacts": gotArtifacts.count, "executions": gotExecutions.count, "events": graph.events.count,
                    "contexts": graph.contexts.count, "expected_artifacts": expectedArtifacts.count,
                    "expected_executions": expectedExecutions.count, "expected_events": expectedEvents.count,
                ]),
            ]) { $1 }
        }
        return ops
    }

    /// The harness' `lineage_bfs`: one hop is one artifact–execution edge; upstream follows an
    /// artifact to the execution that output it and an execution to its inputs.
    func expectedLineage(from start: Int64, direction: LineageSubgraphQuery.Direction, hops: Int) -> (Set<Int64>, Set<Int64>) {
        enum NodeID: Hashable { case artifact(Int64), execution(Int64) }
        var up: [NodeID: [NodeID]] = [:]
        var down: [NodeID: [NodeID]] = [:]
        for event in book.events {
            let (a, e) = (NodeID.artifact(event.artifact), NodeID.execution(event.execution))
            if event.isOutput {
                up[a, default: []].append(e)
                down[e, default: []].append(a)
            } else {
                up[e, default: []].append(a)
                down[a, default: []].append(e)
            }
        }
        let adjacency = switch direction {
        case .upstream: [up]
        case .downstream: [down]
        case .bidirectional: [up, down]
        }
        var seen: Set<NodeID> = [.artifact(start)]
        var frontier: [(NodeID, Int)] = [(.artifact(start), 0)]
        while !frontier.isEmpty {
            let (node, distance) = frontier.removeFirst()
            if distance == hops { continue }
            for map in adjacency {
                for next in map[node] ?? [] where seen.insert(next).inserted { frontier.append((next, distance + 1)) }
            }
        }
        var artifacts: Set<Int64> = []
        var executions: Set<Int64> = []
        for node in seen {
            switch node {
            case .artifact(let id): artifacts.insert(id)
            case .execution(let id): executions.insert(id)
            }
        }
        return (artifacts, executions)
    }

    // MARK: f) reopen

    func reopen(check freshness: FreshnessCheck) throws -> [String: Any] {
        var counts: [Int] = []
        let (samples, _) = try measure(repeats) { () throws -> Void in
            let store = try MetadataStore(path: path, options: StoreOptions(createIfMissing: false, freshnessCheck: freshness))
            counts.append(try store.getArtifactTypes().count)
        }
        return summary(samples).merging(["check": check(counts.allSatisfy { $0 == Scenario.artifactTypes.count },
                                                        ["count": counts.last ?? 0, "expected": Scenario.artifactTypes.count])]) { $1 }
    }
}
