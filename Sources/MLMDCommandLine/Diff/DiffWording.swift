import Foundation
import MLMetadata

/// The words and numbers the diff views share, so that terminal, markdown and JSON agree.
enum DiffWording {
    /// `0.8837`, `10000`, `"text"`, or `(none)` for an absent value.
    static func value(_ value: Value?) -> String {
        guard let value else { return "(none)" }
        return value.description
    }

    /// `+0.0175 (+2.0%)`; the relative part only when the old value is not zero.
    static func change(delta: Double?, relative: Double?) -> String? {
        guard let delta else { return nil }
        let absolute = delta.rounded() == delta && abs(delta) < 1e15 ? String(format: "%+.0f", delta) : String(format: "%+.4g", delta)
        guard let relative else { return absolute }
        return "\(absolute) (\(String(format: "%+.1f", relative * 100))%)"
    }

    static func change(_ field: FieldChange) -> String? {
        change(delta: field.delta, relative: field.relativeChange)
    }

    /// `3 artifacts added, 1 changed, 2 removed`.
    static func counts(_ changes: [ChangeKind], noun: String, plural: String? = nil) -> String? {
        let order: [ChangeKind] = [.added, .renamed, .changed, .removed]
        let parts = order.compactMap { kind -> (Int, ChangeKind)? in
            let count = changes.filter { $0 == kind }.count
            return count == 0 ? nil : (count, kind)
        }
        guard let first = parts.first else { return nil }
        let name = first.0 == 1 ? noun : (plural ?? noun + "s")
        return (["\(first.0) \(name) \(first.1.rawValue)"] + parts.dropFirst().map { "\($0.0) \($0.1.rawValue)" }).joined(separator: ", ")
    }

    /// The one-line summary of a store diff.
    static func summary(_ diff: StoreDiff) -> String {
        var parts: [String] = []
        if !diff.storeExistedBefore && diff.storeExistsAfter { parts.append("store created") }
        if diff.storeExistedBefore && !diff.storeExistsAfter { parts.append("store removed") }
        for kind in [ChangeKind.added, .changed, .removed] {
            let count = diff.runs.filter { $0.change == kind }.count
            if count > 0 { parts.append("\(count) run\(count == 1 ? "" : "s") \(kind == .changed ? "updated" : kind.rawValue)") }
        }
        if let types = counts(diff.types.map(\.change), noun: "type") { parts.append(types) }
        for kind in NodeKind.allCases {
            if let nodes = counts(diff.nodes(kind).map(\.change), noun: kind.rawValue) { parts.append(nodes) }
        }
        if diff.edges.addedCount > 0 { parts.append("\(diff.edges.addedCount) edges added") }
        if diff.edges.removedCount > 0 { parts.append("\(diff.edges.removedCount) edges removed") }
        if let files = counts(diff.otherFiles.map(\.change), noun: "other file") { parts.append(files) }
        if !diff.problems.isEmpty { parts.append("\(diff.problems.count) unreadable file\(diff.problems.count == 1 ? "" : "s")") }
        return parts.isEmpty ? "no changes" : parts.joined(separator: " · ")
    }

    /// `Model 796302086508128918 "model-3"`.
    static func node(type: String?, id: Int64?, name: String?) -> String {
        Describe.shortType(type) + " " + (id.map(String.init) ?? "?") + (name.map { " \"\($0)\"" } ?? "")
    }

    static func artifact(_ artifact: Artifact) -> String {
        node(type: artifact.type, id: artifact.id, name: artifact.name)
    }

    /// What an output is in the candidate run: the same artifact as the baseline's, an earlier
    /// one reused, or one produced anew.
    static func provenance(_ output: OutputComparison) -> String {
        guard let candidate = output.candidate else { return "not produced" }
        if output.sameArtifact { return "reused (same artifact)" }
        return candidate.isNew ? "new" : "reused"
    }

    /// The newest added artifact that is a model, for the lineage graph.
    static func newestModel(_ diff: StoreDiff) -> NodeChange? {
        diff.nodes(.artifact).filter { $0.change == .added && isModel($0.type) }
            .max { ($0.createTime ?? 0, $0.id) < ($1.createTime ?? 0, $1.id) }
    }

    static func isModel(_ type: String) -> Bool {
        let name = type.split(separator: ".").last.map(String.init) ?? type
        return name == "Model" || name.hasSuffix("Model") && !name.hasPrefix("Pushed")
    }

    /// The upstream lineage of an artifact as a Mermaid flowchart, the artifact highlighted.
    static func lineageMermaid(of artifactID: Int64, in store: MetadataStore) throws -> String {
        let graph = try store.getLineageSubgraph(LineageSubgraphQuery(startingNodes: .artifacts(filterQuery: "id = \(artifactID)"),
                                                                      maxNumHops: 20, direction: .upstream))
        return LineageView(graph: graph).mermaid + "\n  style a\(artifactID) stroke-width:3px"
    }
}
