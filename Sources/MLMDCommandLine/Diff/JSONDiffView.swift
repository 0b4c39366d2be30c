import Foundation
import MLMetadata

/// The JSON rendering, for tools: everything the diff holds, ids as strings (as proto3 JSON
/// writes int64), values as MLMD `Value` messages, keys sorted.
enum JSONDiffView {
    static func render(_ report: StoreDiffReport) throws -> String {
        let diff = report.diff
        var object: [String: Any] = [
            "from": diff.oldLabel, "to": diff.newLabel, "summary": DiffWording.summary(diff),
            "store_existed_before": diff.storeExistedBefore, "store_exists_after": diff.storeExistsAfter,
            "runs": diff.runs.map(run), "types": diff.types.map(type), "nodes": diff.nodes.map(node),
            "edges": ["added": edges(diff.edges, added: true), "removed": edges(diff.edges, added: false)],
            "other_files": diff.otherFiles.map { ["path": $0.path, "change": $0.change.rawValue] }, "problems": diff.problems.map(\.description),
        ]
        if let comparison = report.comparison { object["previous_run_comparison"] = self.comparison(comparison) }
        if let lineage = report.lineage { object["newest_model"] = ["artifact_id": String(lineage.model.id), "lineage_mermaid": lineage.mermaid] }
        return try text(object)
    }

    static func render(_ report: RunComparisonReport) throws -> String {
        var object = comparison(report.comparison)
        object["baseline_from"] = report.baselineLabel
        object["candidate_from"] = report.candidateLabel
        return try text(object)
    }

    private static func text(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]),
               as: UTF8.self)
    }

    private static func comparison(_ comparison: RunComparison) -> [String: Any] {
        [
            "baseline": runSummary(comparison.baseline.run), "candidate": runSummary(comparison.candidate.run),
            "nodes": comparison.nodes.map { node -> [String: Any] in
                [
                    "node": node.node,
                    "baseline_state": node.baseline?.execution.lastKnownState?.rawValue ?? NSNull(),
                    "candidate_state": node.candidate?.execution.lastKnownState?.rawValue ?? NSNull(),
                    "parameters": node.parameters.map(field),
                    "outputs": node.outputs.map { output -> [String: Any] in
                        [
                            "key": output.key, "provenance": DiffWording.provenance(output),
                            "baseline_artifact_id": output.baseline.map { String($0.artifact.id!) } ?? NSNull(),
                            "candidate_artifact_id": output.candidate.map { String($0.artifact.id!) } ?? NSNull(),
                            "changes": output.changes.map(field),
                        ]
                    },
                ]
            },
            "metrics": comparison.metrics.map { metric -> [String: Any] in
                ["name": metric.name, "node": metric.node, "output": metric.output, "property": metric.property,
                 "old": metric.old, "new": metric.new, "delta": metric.delta, "relative_change": metric.relativeChange ?? NSNull()]
            },
        ]
    }

    private static func runSummary(_ run: PipelineRun) -> [String: Any] {
        ["name": run.name, "context_id": String(run.context.id!), "pipeline": run.pipeline ?? NSNull(), "state": run.state.rawValue,
         "metrics": run.metrics]
    }

    private static func run(_ run: RunChange) -> [String: Any] {
        var object: [String: Any] = ["change": run.change.rawValue, "context_id": String(run.id), "name": run.name]
        guard let details = run.details else { return object }
        object.merge(runSummary(details.run)) { first, _ in first }
        object["executions"] = details.steps.map { step -> [String: Any] in
            let id = step.execution.id!
            var execution: [String: Any] = [
                "id": String(id), "node": step.node, "type": step.execution.type ?? NSNull(),
                "state": step.execution.lastKnownState?.rawValue ?? NSNull(),
                "outputs": step.outputs.map { ["key": $0.key, "artifact_id": String($0.artifact.id!), "type": $0.artifact.type ?? NSNull(),
                                               "uri": $0.artifact.uri ?? NSNull(), "new": $0.isNew] as [String: Any] },
            ]
            if let previous = run.previousStates[id] { execution["previous_state"] = previous }
            if run.change == .changed { execution["added"] = run.addedExecutions.contains(id) }
            return execution
        }
        return object
    }

    private static func type(_ type: TypeChange) -> [String: Any] {
        ["change": type.change.rawValue, "kind": type.kind.rawValue, "id": String(type.id), "name": type.name,
         "old_name": type.oldName ?? NSNull(), "fields": type.fields.map(field), "nodes_moved": type.nodesMoved]
    }

    private static func node(_ node: NodeChange) -> [String: Any] {
        ["change": node.change.rawValue, "kind": node.kind.rawValue, "id": String(node.id), "type": node.type,
         "name": node.name ?? NSNull(), "state": node.state ?? NSNull(), "uri": node.uri ?? NSNull(), "fields": node.fields.map(field)]
    }

    private static func field(_ change: FieldChange) -> [String: Any] {
        ["field": change.field, "old": change.old.map(value) ?? NSNull(), "new": change.new.map(value) ?? NSNull(),
         "delta": change.delta ?? NSNull(), "relative_change": change.relativeChange ?? NSNull()]
    }

    /// An MLMD `Value` message as proto3 JSON would write it.
    private static func value(_ value: Value) -> [String: Any] {
        switch value {
        case .int(let v): ["int_value": String(v)]
        case .double(let v): ["double_value": v]
        case .string(let v): ["string_value": v]
        case .bool(let v): ["bool_value": v]
        case .struct: ["struct_value": (try? JSONSerialization.jsonObject(with: Data(value.description.utf8))) ?? value.description]
        case .proto(let any): ["proto_value": ["@type": any.typeURL, "value": any.value.base64EncodedString()]]
        }
    }

    private static func edges(_ edges: EdgeChanges, added: Bool) -> [String: Any] {
        let events = added ? edges.addedEvents : edges.removedEvents
        return [
            "events": events.map { event -> [String: Any] in
                ["artifact_id": event.artifactID.map(String.init) ?? NSNull(), "execution_id": event.executionID.map(String.init) ?? NSNull(),
                 "type": event.type?.rawValue ?? NSNull(), "path": MetadataStore.eventPathKey(event.path)]
            },
            "attributions": (added ? edges.addedAttributions : edges.removedAttributions)
                .map { ["artifact_id": String($0.artifactID), "context_id": String($0.contextID)] },
            "associations": (added ? edges.addedAssociations : edges.removedAssociations)
                .map { ["execution_id": String($0.executionID), "context_id": String($0.contextID)] },
            "parent_contexts": (added ? edges.addedParentContexts : edges.removedParentContexts)
                .map { ["child_id": String($0.childID), "parent_id": String($0.parentID)] },
        ]
    }
}
