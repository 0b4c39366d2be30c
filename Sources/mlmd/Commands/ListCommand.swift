import ArgumentParser
import MLMetadata

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List artifacts, executions or contexts.",
        discussion: "Example: mlmd list artifacts --type Model"
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case artifacts, executions, contexts
    }

    @OptionGroup var location: StoreLocation

    @Argument(help: "What to list: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: Kind

    @Option(help: "Only nodes of this type.")
    var type: String?

    func run() throws {
        let store = try location.open()
        switch kind {
        case .artifacts:
            let artifacts = try type.map { try store.getArtifactsByType($0) } ?? store.getArtifacts()
            print(Table(header: ["ID", "TYPE", "STATE", "URI"], rows: artifacts.map {
                [String($0.id ?? 0), $0.type ?? "", $0.state?.rawValue ?? "", $0.uri ?? ""]
            }).rendered)
        case .executions:
            let executions = try type.map { try store.getExecutionsByType($0) } ?? store.getExecutions()
            print(Table(header: ["ID", "TYPE", "STATE"], rows: executions.map {
                [String($0.id ?? 0), shortType($0.type), $0.lastKnownState?.rawValue ?? ""]
            }).rendered)
        case .contexts:
            let contexts = try type.map { try store.getContextsByType($0) } ?? store.getContexts()
            print(Table(header: ["ID", "TYPE", "NAME"], rows: contexts.map {
                [String($0.id ?? 0), $0.type ?? "", $0.name ?? ""]
            }).rendered)
        }
    }

    /// `tfx.components.trainer.component.Trainer` → `Trainer`.
    private func shortType(_ type: String?) -> String {
        guard let type else { return "" }
        return type.split(separator: ".").last.map(String.init) ?? type
    }
}
