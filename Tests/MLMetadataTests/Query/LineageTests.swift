import Testing
@testable import MLMetadata

/// The verified lineage examples of mlmd-semantics.md §4.1.
@Suite struct LineageTests {
    static let examples: [(String, LineageSubgraphQuery, [String], [String])] = [
        ("3 hops, bidirectional", LineageSubgraphQuery(startingNodes: .artifacts(filterQuery: "name = 'a_4'"), maxNumHops: 3),
         ["a_2", "a_3", "a_4", "a_5"], ["e_1", "e_2", "e_3"]),
        ("3 hops, ending at a_3", LineageSubgraphQuery(startingNodes: .artifacts(filterQuery: "name = 'a_4'"), maxNumHops: 3,
                                                      endingArtifacts: .init(filterQuery: "name = 'a_3'")),
         ["a_2", "a_4", "a_5"], ["e_2", "e_3"]),
        ("3 hops, ending at a_3, and at e_2 included",
         LineageSubgraphQuery(startingNodes: .artifacts(filterQuery: "name = 'a_4'"), maxNumHops: 3,
                              endingArtifacts: .init(filterQuery: "name = 'a_3'"),
                              endingExecutions: .init(filterQuery: "name = 'e_2'", includeEndingNodes: true)),
         ["a_4", "a_5"], ["e_2", "e_3"]),
        ("upstream, 10 hops", LineageSubgraphQuery(startingNodes: .artifacts(filterQuery: "name = 'a_4'"), maxNumHops: 10, direction: .upstream),
         ["a_3", "a_4"], ["e_3"]),
        ("downstream, 10 hops", LineageSubgraphQuery(startingNodes: .artifacts(filterQuery: "name = 'a_4'"), maxNumHops: 10, direction: .downstream),
         ["a_4"], ["e_2"]),
        ("0 hops", LineageSubgraphQuery(startingNodes: .artifacts(filterQuery: "name = 'a_4'"), maxNumHops: 0), ["a_4"], []),
        ("from e_3, 1 hop", LineageSubgraphQuery(startingNodes: .executions(filterQuery: "name = 'e_3'"), maxNumHops: 1),
         ["a_3", "a_4", "a_5"], ["e_3"]),
    ]

    @Test(arguments: examples)
    func verifiedExamples(label: String, query: LineageSubgraphQuery, artifacts: [String], executions: [String]) throws {
        let data = try LineageDataset()
        let graph = try data.store.getLineageSubgraph(query)
        #expect(graph.artifacts.compactMap(\.name).sorted() == artifacts, "\(label)")
        #expect(graph.executions.compactMap(\.name).sorted() == executions, "\(label)")
        // The events are exactly those between returned nodes.
        let artifactIDs = Set(graph.artifacts.map(\.id!))
        let executionIDs = Set(graph.executions.map(\.id!))
        #expect(graph.events.allSatisfy { artifactIDs.contains($0.artifactID!) && executionIDs.contains($0.executionID!) }, "\(label)")
        #expect(graph.artifactTypes.map(\.name) == (artifacts.isEmpty ? [] : ["A"]))
    }

    @Test func startingNodesAreValidated() throws {
        let data = try LineageDataset()
        expectStoreError(.invalidArgument, "Missing arguments for listing starting nodes.") {
            _ = try data.store.getLineageSubgraph(LineageSubgraphQuery(startingNodes: nil))
        }
        expectStoreError(.invalidArgument, "needs a filter_query") {
            _ = try data.store.getLineageSubgraph(LineageSubgraphQuery(startingNodes: .artifacts(filterQuery: "")))
        }
        expectStoreError(.notFound, "Cannot find qualified nodes to start the traversal.") {
            _ = try data.store.getLineageSubgraph(LineageSubgraphQuery(startingNodes: .artifacts(filterQuery: "name = 'nope'")))
        }
        expectStoreError(.invalidArgument, "max_num_hops") {
            _ = try data.store.getLineageSubgraph(LineageSubgraphQuery(startingNodes: .artifacts(filterQuery: "name = 'a_4'"), maxNumHops: -1))
        }
        expectStoreError(.invalidArgument, "Unrecognized name: nope") {
            _ = try data.store.getLineageSubgraph(LineageSubgraphQuery(startingNodes: .artifacts(filterQuery: "nope = 1")))
        }
    }

    @Test func readMaskSelectsTheParts() throws {
        let data = try LineageDataset()
        let query = LineageSubgraphQuery(startingNodes: .artifacts(filterQuery: "name = 'a_4'"), maxNumHops: 3)
        let graph = try data.store.getLineageSubgraph(query, readMask: [.artifacts, .events])
        #expect(graph.artifacts.count == 4)
        #expect(!graph.events.isEmpty)
        #expect(graph.executions.isEmpty && graph.artifactTypes.isEmpty && graph.contexts.isEmpty)
    }

    @Test func contextsAttributionsAndAssociationsOfTheReturnedNodes() throws {
        let data = try ReferenceDataset()
        let graph = try data.store.getLineageSubgraph(LineageSubgraphQuery(startingNodes: .artifacts(filterQuery: "name = 'd1'")))
        #expect(data.names(graph.artifacts) == ["d1", "m5"])
        #expect(data.names(graph.executions) == ["x1"])
        #expect(data.names(graph.contexts) == ["my_pipeline", "run1"])
        #expect(graph.attributions.count == 4)
        #expect(graph.associations == [Association(executionID: data.ids["x1"]!, contextID: data.ids["my_pipeline"]!)])
        #expect(Set(graph.contextTypes.map(\.name)) == ["pipeline", "run"])
        #expect(Set(graph.artifactTypes.map(\.name)) == ["Dataset", "Model"])
        #expect(graph.events.count == 2)
    }

    @Test func upstreamOfAnArtifactIsEverythingItWasMadeFrom() throws {
        let data = try LineageDataset()
        let a5 = try #require(try data.store.getArtifactByTypeAndName("A", "a_5")?.id)
        let graph = try data.store.getUpstreamLineage(ofArtifact: a5)
        #expect(graph.artifacts.compactMap(\.name).sorted() == ["a_3", "a_5"])
        #expect(graph.executions.compactMap(\.name) == ["e_3"])
    }
}
