import MLMDServiceProtocol
import MLMDInterchange
import MLMetadata
import SwiftProtobuf

// List options, lineage queries and lineage graphs between the wire and the model.

extension ListOptions {
    /// MLMD's page size when the request has options but no `max_result_size` (the proto's default).
    static let wireDefaultPageSize = 20

    /// The options of a listing call: nil (no options) lists everything in one response, as in MLMD.
    package init?(wire: MlMetadata_ListOperationOptions?, field: String = "options") throws(StoreError) {
        guard let wire else { return nil }
        let size = wire.hasMaxResultSize ? Int(wire.maxResultSize) : Self.wireDefaultPageSize
        guard size > 0 else {
            throw StoreError(.invalidArgument, "\(field).max_result_size must be positive, got \(size)", field: "\(field).max_result_size")
        }
        let order: OrderField = switch wire.orderByField.field {
        case .createTime: .createTime
        case .lastUpdateTime: .lastUpdateTime
        case .id, .unspecified: .id
        }
        self.init(filterQuery: wire.hasFilterQuery && !wire.filterQuery.isEmpty ? wire.filterQuery : nil,
                  orderBy: order,
                  isAscending: wire.orderByField.hasIsAsc ? wire.orderByField.isAsc : true,
                  maxResultSize: size,
                  nextPageToken: wire.hasNextPageToken && !wire.nextPageToken.isEmpty ? wire.nextPageToken : nil)
    }
}

extension LineageSubgraphQuery {
    package init(wire: MlMetadata_LineageSubgraphQueryOptions) {
        let starting: StartingNodes? = switch wire.startingNodes {
        case .startingArtifacts(let nodes)?: .artifacts(filterQuery: nodes.filterQuery)
        case .startingExecutions(let nodes)?: .executions(filterQuery: nodes.filterQuery)
        case nil: nil
        }
        let direction: Direction = switch wire.direction {
        case .upstream: .upstream
        case .downstream: .downstream
        case .bidirectional, .unspecified: .bidirectional
        }
        func ending(_ isSet: Bool, _ nodes: MlMetadata_LineageSubgraphQueryOptions.EndingNodes) -> EndingNodes? {
            isSet ? EndingNodes(filterQuery: nodes.filterQuery, includeEndingNodes: nodes.includeEndingNodes) : nil
        }
        self.init(startingNodes: starting,
                  maxNumHops: wire.hasMaxNumHops ? Int(clamping: wire.maxNumHops) : nil,
                  direction: direction,
                  endingArtifacts: ending(wire.hasEndingArtifacts, wire.endingArtifacts),
                  endingExecutions: ending(wire.hasEndingExecutions, wire.endingExecutions))
    }
}

extension LineageGraph.Field {
    /// The fields a `read_mask` selects; an empty mask selects all of them.
    package static func readMask(_ mask: Google_Protobuf_FieldMask?) throws(StoreError) -> Set<LineageGraph.Field> {
        var fields: Set<LineageGraph.Field> = []
        for (position, path) in (mask?.paths ?? []).enumerated() {
            // A field of the message that MLMD never fills either (COMPATIBILITY.md, "Lineage").
            if path == "parent_contexts" { continue }
            guard let field = LineageGraph.Field(rawValue: path) else {
                throw StoreError(.invalidArgument, "read_mask.paths[\(position)]: '\(path)' is not a field of LineageGraph "
                    + "(artifacts, executions, contexts, artifact_types, execution_types, context_types, events, "
                    + "attributions, associations, parent_contexts)", field: "read_mask.paths[\(position)]")
            }
            fields.insert(field)
        }
        return fields
    }
}

extension LineageGraph {
    package var wire: MlMetadata_LineageGraph {
        var wire = MlMetadata_LineageGraph()
        wire.artifactTypes = artifactTypes.map(\.wire)
        wire.executionTypes = executionTypes.map(\.wire)
        wire.contextTypes = contextTypes.map(\.wire)
        wire.artifacts = artifacts.map(\.wire)
        wire.executions = executions.map(\.wire)
        wire.contexts = contexts.map(\.wire)
        wire.events = events.map(\.wire)
        wire.attributions = attributions.map(\.wire)
        wire.associations = associations.map(\.wire)
        return wire
    }
}
