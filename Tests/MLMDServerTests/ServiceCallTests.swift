import Foundation
import GRPCCore
import MLMDServiceProtocol
import MLMetadata
import Testing
@testable import MLMDServer

/// Calls through a real server and client over loopback: MLMD's semantics, statuses and limits.
@Suite struct ServiceCallTests {
    /// Puts the types a run needs; returns (Dataset, Trainer, pipeline_run) ids.
    static func putTypes(_ client: StoreClient) async throws -> (dataset: Int64, trainer: Int64, run: Int64) {
        var request = MlMetadata_PutTypesRequest()
        request.artifactTypes = [Wire.artifactType("Dataset", ["span": .int])]
        request.executionTypes = [Wire.executionType("Trainer")]
        request.contextTypes = [Wire.contextType("pipeline_run")]
        let response = try await client.putTypes(request)
        return (response.artifactTypeIds[0], response.executionTypeIds[0], response.contextTypeIds[0])
    }

    @Test func putExecutionThenReadItBackEveryWay() async throws {
        try await withServer { client, _, _ in
            let types = try await Self.putTypes(client)
            var request = MlMetadata_PutExecutionRequest()
            request.execution.typeID = types.trainer
            request.execution.lastKnownState = .complete
            var pair = MlMetadata_PutExecutionRequest.ArtifactAndEvent()
            pair.artifact.typeID = types.dataset
            pair.artifact.uri = "/data/1"
            pair.artifact.properties["span"] = Wire.int(3)
            pair.event.type = .output
            request.artifactEventPairs = [pair, MlMetadata_PutExecutionRequest.ArtifactAndEvent()]
            var run = MlMetadata_Context()
            run.typeID = types.run
            run.name = "run-1"
            request.contexts = [run]
            let put = try await client.putExecution(request)
            #expect(put.artifactIds.count == 2)
            #expect(put.artifactIds[1] == -1)

            var byContext = MlMetadata_GetArtifactsByContextRequest()
            byContext.contextID = put.contextIds[0]
            let artifacts = try await client.getArtifactsByContext(byContext).artifacts
            #expect(artifacts.map(\.id) == [put.artifactIds[0]])
            #expect(artifacts.first?.properties["span"]?.intValue == 3)
            #expect(artifacts.first?.type == "Dataset")

            var events = MlMetadata_GetEventsByExecutionIDsRequest()
            events.executionIds = [put.executionID]
            let found = try await client.getEventsByExecutionIDs(events).events
            #expect(found.map(\.artifactID) == [put.artifactIds[0]])
            #expect(found.first?.type == .output)

            var lineage = MlMetadata_GetLineageSubgraphRequest()
            lineage.lineageSubgraphQueryOptions.startingArtifacts.filterQuery = "uri = '/data/1'"
            let graph = try await client.getLineageSubgraph(lineage).lineageSubgraph
            #expect(graph.executions.map(\.id) == [put.executionID])
            #expect(graph.contexts.map(\.name) == ["run-1"])
            #expect(graph.artifactTypes.map(\.name) == ["Dataset"])

            var byName = MlMetadata_GetContextByTypeAndNameRequest()
            byName.typeName = "pipeline_run"
            byName.contextName = "run-1"
            #expect(try await client.getContextByTypeAndName(byName).context.id == put.contextIds[0])
            byName.contextName = "no-such-run"
            #expect(try await client.getContextByTypeAndName(byName).hasContext == false)
        }
    }

    @Test func errorsArriveWithMLMDsStatusCodesAndTheirContext() async throws {
        try await withServer { client, _, _ in
            let types = try await Self.putTypes(client)

            var missingType = MlMetadata_GetArtifactTypeRequest()
            missingType.typeName = "Nope"
            #expect(await rpcFailure { try await client.getArtifactType(missingType) }?.code == .notFound)

            var conflicting = MlMetadata_PutArtifactTypeRequest()
            conflicting.artifactType = Wire.artifactType("Dataset", ["span": .string])
            #expect(await rpcFailure { try await client.putArtifactType(conflicting) }?.code == .alreadyExists)

            var batch = MlMetadata_PutArtifactsRequest()
            var good = MlMetadata_Artifact()
            good.typeID = types.dataset
            var bad = good
            bad.properties["span"] = Wire.string("three")
            batch.artifacts = [good, bad]
            let invalid = try #require(await rpcFailure { try await client.putArtifacts(batch) })
            #expect(invalid.code == .invalidArgument)
            #expect(invalid.metadataValue("mlmd-request-index") == "1")
            #expect(invalid.metadataValue("mlmd-field") == "properties.span")
            #expect(invalid.message.contains("artifacts[1]"))
            // Nothing of the failed batch was written.
            #expect(try await client.getArtifacts(MlMetadata_GetArtifactsRequest()).artifacts.isEmpty)

            var subgraph = MlMetadata_PutLineageSubgraphRequest()
            var edge = MlMetadata_PutLineageSubgraphRequest.EventEdge()
            edge.executionIndex = 2
            edge.artifactIndex = 0
            edge.event.type = .input
            subgraph.eventEdges = [edge]
            #expect(await rpcFailure { try await client.putLineageSubgraph(subgraph) }?.code == .outOfRange)

            #expect(await rpcFailure { try await client.getLineageGraph(MlMetadata_GetLineageGraphRequest()) }?.code == .unimplemented)

            var filtered = MlMetadata_GetArtifactsRequest()
            filtered.options.filterQuery = "uri = = 'x'"
            let query = try #require(await rpcFailure { try await client.getArtifacts(filtered) })
            #expect(query.code == .invalidArgument)
            #expect(query.metadataValue("mlmd-query-position") == "1:7")

            var deprecated = MlMetadata_PutArtifactTypeRequest()
            deprecated.artifactType = Wire.artifactType("Other")
            deprecated.allFieldsMatch = false
            #expect(await rpcFailure { try await client.putArtifactType(deprecated) }?.code == .unimplemented)
        }
    }

    @Test func listingsPageByTwentyByDefaultAndEverythingWithoutOptions() async throws {
        try await withServer { client, _, _ in
            let types = try await Self.putTypes(client)
            var put = MlMetadata_PutArtifactsRequest()
            put.artifacts = (0..<25).map { index in
                var artifact = MlMetadata_Artifact()
                artifact.typeID = types.dataset
                artifact.uri = "/data/\(index)"
                return artifact
            }
            let ids = try await client.putArtifacts(put).artifactIds

            #expect(try await client.getArtifacts(MlMetadata_GetArtifactsRequest()).artifacts.count == 25)
            var paged = MlMetadata_GetArtifactsRequest()
            paged.options = MlMetadata_ListOperationOptions()
            let first = try await client.getArtifacts(paged)
            #expect(first.artifacts.count == 20)
            #expect(first.hasNextPageToken)
            paged.options.nextPageToken = first.nextPageToken
            let second = try await client.getArtifacts(paged)
            #expect(second.artifacts.count == 5)
            #expect(!second.hasNextPageToken)
            #expect((first.artifacts + second.artifacts).map(\.id) == ids.sorted())
        }
    }

    @Test func anOversizedRequestIsRefusedAndTheServerKeepsServing() async throws {
        try await withServer(configuration: ServerConfiguration(maxRequestSize: 64 << 10)) { client, _, _ in
            let types = try await Self.putTypes(client)
            var huge = MlMetadata_PutArtifactsRequest()
            huge.artifacts = (0..<4).map { _ in
                var artifact = MlMetadata_Artifact()
                artifact.typeID = types.dataset
                artifact.uri = String(repeating: "u", count: 30_000)
                return artifact
            }
            let refused = try #require(await rpcFailure { try await client.putArtifacts(huge) })
            #expect(refused.code == .resourceExhausted)
            huge.artifacts = [huge.artifacts[0]]
            #expect(try await client.putArtifacts(huge).artifactIds.count == 1)
        }
    }

    @Test func manyClientsWriteAtOnceAndEveryWriteLands() async throws {
        try await withServer { client, _, _ in
            let types = try await Self.putTypes(client)
            let ids = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        var ids: [Int64] = []
                        for step in 0..<10 {
                            var request = MlMetadata_PutExecutionRequest()
                            request.execution.typeID = types.trainer
                            var pair = MlMetadata_PutExecutionRequest.ArtifactAndEvent()
                            pair.artifact.typeID = types.dataset
                            pair.artifact.uri = "/w\(worker)/\(step)"
                            pair.event.type = .output
                            request.artifactEventPairs = [pair]
                            var run = MlMetadata_Context()
                            run.typeID = types.run
                            run.name = "run-\(worker)"
                            request.contexts = [run]
                            request.options.reuseContextIfAlreadyExist = true
                            ids.append(try await client.putExecution(request).executionID)
                            // Reads go on while others write.
                            _ = try await client.getExecutions(MlMetadata_GetExecutionsRequest())
                        }
                        return ids
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(Set(ids).count == 80)
            #expect(try await client.getExecutions(MlMetadata_GetExecutionsRequest()).executions.count == 80)
            #expect(try await client.getContexts(MlMetadata_GetContextsRequest()).contexts.count == 8)
        }
    }
}
