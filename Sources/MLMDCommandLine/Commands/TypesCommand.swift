import ArgumentParser
import MLMetadata

struct TypesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "types",
        abstract: "List the store's artifact, execution and context types with their properties.",
        discussion: "Example: mlmd types --format json"
    )

    @OptionGroup var location: ReadLocation
    @OptionGroup var output: FormatOption

    func run() throws {
        let store = try location.open()
        let artifactTypes = try store.getArtifactTypes().sorted { $0.name < $1.name }
        let executionTypes = try store.getExecutionTypes().sorted { $0.name < $1.name }
        let contextTypes = try store.getContextTypes().sorted { $0.name < $1.name }
        switch output.format {
        case .json, .jsonl:
            // One list of every type; each message says its kind by its fields (base_type values differ).
            let messages = artifactTypes.map { $0.protoJSON(.pretty) } + executionTypes.map { $0.protoJSON(.pretty) }
                + contextTypes.map { $0.protoJSON(.pretty) }
            if output.format == .jsonl {
                for type in artifactTypes { Console.print(type.protoJSON(.compact)) }
                for type in executionTypes { Console.print(type.protoJSON(.compact)) }
                for type in contextTypes { Console.print(type.protoJSON(.compact)) }
            } else {
                Console.print("[\n" + messages.map { $0.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") }
                    .joined(separator: ",\n") + "\n]")
            }
        case .table, .markdown:
            var rows: [[String]] = []
            func add<T: MetadataType>(_ kind: String, _ types: [T]) {
                for type in types {
                    rows.append([kind, type.name, type.version ?? "", type.baseType?.rawValue ?? "",
                                 type.properties.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.rawValue)" }.joined(separator: " ")])
                }
            }
            add("artifact", artifactTypes)
            add("execution", executionTypes)
            add("context", contextTypes)
            Table(header: ["KIND", "NAME", "VERSION", "BASE", "PROPERTIES"], rows: rows).print(output.format)
        }
    }
}
