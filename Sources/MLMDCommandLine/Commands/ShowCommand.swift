import ArgumentParser
import MLMetadata

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one artifact, execution or context with its properties, events, contexts and neighbours.",
        discussion: """
            Name the node by id, as TYPE/NAME, or as TYPE@latest (the newest node of that type).
            Examples:
              mlmd show execution 796302073924613076
              mlmd show context pipeline/chicago_taxi
              mlmd show artifact Model@latest --format json
            """
    )

    @OptionGroup var location: ReadLocation
    @OptionGroup var output: FormatOption

    @Argument(help: "artifact, execution or context")
    var kind: NodeKindArgument

    @Argument(help: ArgumentHelp("The node: \(NodeReference.helpText).", valueName: "node"))
    var node: NodeReference

    func run() throws {
        let store = try location.open()
        switch kind {
        case .artifact:
            let artifact = try node.artifact(in: store)
            if output.format == .json || output.format == .jsonl { return MessageOutput.print([artifact], output.format) }
            header("Artifact", artifact)
            field("uri", artifact.uri ?? "")
            field("state", Style.state(artifact.state?.rawValue ?? ""))
            properties(artifact)
            let events = try store.getEventsByArtifactIDs([artifact.id!])
            let executions = Dictionary(uniqueKeysWithValues: try store.getExecutionsByID(events.compactMap(\.executionID)).map { ($0.id!, $0) })
            section("Produced by", events.filter { $0.type?.isOutput == true }.map { event in
                describe(executions[event.executionID!], id: event.executionID!) + eventNote(event)
            })
            section("Used by", events.filter { $0.type?.isOutput != true }.map { event in
                describe(executions[event.executionID!], id: event.executionID!) + eventNote(event)
            })
            section("Contexts", try store.getContextsByArtifact(artifact.id!).map(describe))
        case .execution:
            let execution = try node.execution(in: store)
            if output.format == .json || output.format == .jsonl { return MessageOutput.print([execution], output.format) }
            header("Execution", execution)
            field("state", Style.state(execution.lastKnownState?.rawValue ?? ""))
            properties(execution)
            let events = try store.getEventsByExecutionIDs([execution.id!])
            let artifacts = Dictionary(uniqueKeysWithValues: try store.getArtifactsByID(events.compactMap(\.artifactID)).map { ($0.id!, $0) })
            section("Inputs", events.filter { $0.type?.isOutput != true }.map { event in
                describe(artifacts[event.artifactID!], id: event.artifactID!) + eventNote(event)
            })
            section("Outputs", events.filter { $0.type?.isOutput == true }.map { event in
                describe(artifacts[event.artifactID!], id: event.artifactID!) + eventNote(event)
            })
            section("Contexts", try store.getContextsByExecution(execution.id!).map(describe))
        case .context:
            let context = try node.context(in: store)
            if output.format == .json || output.format == .jsonl { return MessageOutput.print([context], output.format) }
            header("Context", context)
            properties(context)
            section("Parents", try store.getParentContextsByContext(context.id!).map(describe))
            section("Children", try store.getChildrenContextsByContext(context.id!).map(describe))
            section("Executions", try store.getExecutionsByContext(context.id!).map { describe($0, id: $0.id!) })
            section("Artifacts", try store.getArtifactsByContext(context.id!).map { describe($0, id: $0.id!) })
        }
    }

    private func header<N: Node>(_ kind: String, _ node: N) {
        Console.print(Style.bold("\(kind) \(node.id!)") + "  " + Style.cyan(node.type ?? ""))
        if let name = node.name { field("name", name) }
        if let externalID = node.externalID { field("external id", externalID) }
        field("created", Describe.time(node.createTimeSinceEpoch))
        field("updated", Describe.time(node.lastUpdateTimeSinceEpoch))
    }

    private func field(_ name: String, _ value: String) {
        Console.print("  " + Style.dim(name.padding(toLength: 12, withPad: " ", startingAt: 0)) + " " + value)
    }

    private func properties<N: Node>(_ node: N) {
        section("Properties", node.properties.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" })
        section("Custom properties", node.customProperties.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" })
    }

    private func section(_ title: String, _ lines: [String]) {
        guard !lines.isEmpty else { return }
        Console.print("")
        Console.print(Style.bold(title))
        for line in lines { Console.print("  " + line) }
    }

    private func describe(_ execution: Execution?, id: Int64) -> String {
        guard let execution else { return "execution \(id) (missing)" }
        return "execution \(id)  \(Describe.shortType(execution.type))" + (execution.name.map { " \($0)" } ?? "")
            + "  " + Style.state(execution.lastKnownState?.rawValue ?? "")
    }

    private func describe(_ artifact: Artifact?, id: Int64) -> String {
        guard let artifact else { return "artifact \(id) (missing)" }
        return "artifact \(id)  \(artifact.type ?? "")" + (artifact.name.map { " \($0)" } ?? "") + "  " + (artifact.uri ?? "")
    }

    private func describe(_ context: Context) -> String {
        "context \(context.id!)  \(context.type ?? "")/\(context.name ?? "")"
    }

    /// ` as examples[0] (INPUT)`.
    private func eventNote(_ event: Event) -> String {
        let path = (event.path ?? []).map { step -> String in
            switch step {
            case .key(let key): key
            case .index(let index): "[\(index)]"
            }
        }.joined()
        return Style.dim((path.isEmpty ? "" : "  as \(path)") + "  (\(event.type?.rawValue ?? ""))")
    }
}
