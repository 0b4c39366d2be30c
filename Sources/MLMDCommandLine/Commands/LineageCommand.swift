import ArgumentParser
import MLMetadata

struct LineageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lineage",
        abstract: "Show what an artifact or execution was made from (upstream) and what was made from it (downstream).",
        discussion: """
            Name the node by id, TYPE/NAME or TYPE@latest (the newest of that type), optionally \
            prefixed by its kind (artifact:…, execution:…). \
            Text output is an indented tree; dot (Graphviz) and mermaid draw the graph; json is \
            MLMD's LineageGraph message.
            Examples:
              mlmd lineage Model@latest --upstream
              mlmd lineage execution:796302073924613076 --hops 2 --format mermaid
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, dot, mermaid, json
    }

    @OptionGroup var location: ReadLocation

    @Argument(help: ArgumentHelp("The starting node: ID, TYPE/NAME or TYPE@latest, optionally prefixed by artifact: or execution:.", valueName: "node"))
    var node: NodeReference

    @Flag(help: "Only what the node was made from.")
    var upstream = false

    @Flag(help: "Only what was made from the node.")
    var downstream = false

    @Option(help: "At most this many artifact–execution hops (default: 20).")
    var hops = 20

    @Option(help: "text, dot, mermaid or json.")
    var format: Format = .text

    func validate() throws {
        if upstream && downstream { throw ValidationError("--upstream and --downstream exclude each other; give neither for both directions") }
        if hops < 0 { throw ValidationError("--hops must not be negative") }
    }

    func run() throws {
        let store = try location.open()
        let (start, root) = try resolve(store)
        let direction: LineageSubgraphQuery.Direction = upstream ? .upstream : downstream ? .downstream : .bidirectional
        let query = LineageSubgraphQuery(startingNodes: start, maxNumHops: hops, direction: direction)
        let graph = try store.getLineageSubgraph(query)
        let view = LineageView(graph: graph)
        switch format {
        case .json: Console.print(graph.protoJSON(.pretty))
        case .dot: Console.print(view.dot)
        case .mermaid: Console.print(view.mermaid)
        case .text:
            if direction != .downstream {
                Console.print(Style.bold("Upstream") + Style.dim(" (made from)"))
                Console.print(view.tree(from: root, upstream: true))
            }
            if direction != .upstream {
                if direction == .bidirectional { Console.print("") }
                Console.print(Style.bold("Downstream") + Style.dim(" (made from it)"))
                Console.print(view.tree(from: root, upstream: false))
            }
        }
    }

    /// The starting node as a lineage query start and as a graph node.
    private func resolve(_ store: MetadataStore) throws -> (LineageSubgraphQuery.StartingNodes, LineageView.NodeID) {
        func execution(_ id: Int64) -> (LineageSubgraphQuery.StartingNodes, LineageView.NodeID) {
            (.executions(filterQuery: "id = \(id)"), .execution(id))
        }
        func artifact(_ id: Int64) -> (LineageSubgraphQuery.StartingNodes, LineageView.NodeID) {
            (.artifacts(filterQuery: "id = \(id)"), .artifact(id))
        }
        switch node.kind {
        case .execution: return execution(try node.execution(in: store).id!)
        case .artifact: return artifact(try node.artifact(in: store).id!)
        case .context: throw ValidationError("lineage starts at an artifact or an execution, not a context")
        case nil:
            // A bare id or type may name either kind: artifacts first, then executions.
            if let found = try? node.artifact(in: store) { return artifact(found.id!) }
            if let found = try? node.execution(in: store) { return execution(found.id!) }
            throw StoreError(.notFound, "no artifact or execution \(node)")
        }
    }
}

/// Renderings of a lineage graph.
struct LineageView {
    let graph: LineageGraph

    enum NodeID: Hashable {
        case artifact(Int64)
        case execution(Int64)
    }

    private var artifacts: [Int64: Artifact] { Dictionary(uniqueKeysWithValues: graph.artifacts.map { ($0.id!, $0) }) }
    private var executions: [Int64: Execution] { Dictionary(uniqueKeysWithValues: graph.executions.map { ($0.id!, $0) }) }

    func label(_ node: NodeID) -> String {
        switch node {
        case .artifact(let id):
            let artifact = artifacts[id]
            return "\(artifact?.type ?? "Artifact") \(id)" + (artifact?.name.map { " \($0)" } ?? "") + (artifact?.uri.map { $0.isEmpty ? "" : "  \($0)" } ?? "")
        case .execution(let id):
            let execution = executions[id]
            return "\(Describe.shortType(execution?.type)) \(id)" + (execution?.lastKnownState.map { "  \($0.rawValue)" } ?? "")
        }
    }

    /// The nodes one step up (what a node was made from) or down (what was made from it).
    func neighbours(_ node: NodeID, upstream: Bool) -> [NodeID] {
        graph.events.compactMap { event -> NodeID? in
            guard let type = event.type, let artifact = event.artifactID, let execution = event.executionID else { return nil }
            switch (node, upstream, type.isOutput) {
            case (.artifact(let id), true, true) where id == artifact: return .execution(execution)
            case (.artifact(let id), false, false) where id == artifact: return .execution(execution)
            case (.execution(let id), true, false) where id == execution: return .artifact(artifact)
            case (.execution(let id), false, true) where id == execution: return .artifact(artifact)
            default: return nil
            }
        }
    }

    /// An indented tree; a node seen before is listed again but not expanded.
    func tree(from root: NodeID, upstream: Bool) -> String {
        var lines: [String] = [label(root)]
        var expanded: Set<NodeID> = [root]
        func walk(_ node: NodeID, prefix: String) {
            let children = neighbours(node, upstream: upstream)
            for (position, child) in children.enumerated() {
                let last = position == children.count - 1
                let seen = expanded.contains(child)
                lines.append(prefix + (last ? "└─ " : "├─ ") + label(child) + (seen ? Style.dim("  (shown above)") : ""))
                if !seen {
                    expanded.insert(child)
                    walk(child, prefix: prefix + (last ? "   " : "│  "))
                }
            }
        }
        walk(root, prefix: "")
        return lines.count == 1 ? lines[0] + Style.dim("  (nothing)") : lines.joined(separator: "\n")
    }

    /// Data-flow edges: artifact → execution for inputs, execution → artifact for outputs.
    private var edges: [(from: String, to: String)] {
        graph.events.compactMap { event in
            guard let type = event.type, let artifact = event.artifactID, let execution = event.executionID else { return nil }
            return type.isOutput ? ("e\(execution)", "a\(artifact)") : ("a\(artifact)", "e\(execution)")
        }
    }

    var dot: String {
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var lines = ["digraph lineage {", "  rankdir=LR;"]
        for artifact in graph.artifacts { lines.append("  a\(artifact.id!) [shape=ellipse, label=\(quoted(label(.artifact(artifact.id!))))];") }
        for execution in graph.executions { lines.append("  e\(execution.id!) [shape=box, label=\(quoted(label(.execution(execution.id!))))];") }
        for edge in edges { lines.append("  \(edge.from) -> \(edge.to);") }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    var mermaid: String {
        func text(_ label: String) -> String { label.replacingOccurrences(of: "\"", with: "#quot;") }
        var lines = ["flowchart LR"]
        for artifact in graph.artifacts {
            let a = artifact
            lines.append("  a\(a.id!)([\"\(text("\(a.type ?? "Artifact")" + (a.name.map { "<br/>\($0)" } ?? "")))\"])")
        }
        for execution in graph.executions {
            lines.append("  e\(execution.id!)[\"\(text(Describe.shortType(execution.type) + (execution.lastKnownState.map { "<br/>\($0.rawValue)" } ?? "")))\"]")
        }
        for edge in edges { lines.append("  \(edge.from) --> \(edge.to)") }
        return lines.joined(separator: "\n")
    }
}
