import ArgumentParser
import MLMetadata

struct TypesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "types",
        abstract: "List the store's types with their properties.",
        discussion: "Example: mlmd types --store sample-store"
    )

    @OptionGroup var location: StoreLocation

    func run() throws {
        let store = try location.open()
        var rows: [[String]] = []
        for type in try store.getArtifactTypes() { rows.append(["artifact", type.name, describe(type.properties)]) }
        for type in try store.getExecutionTypes() { rows.append(["execution", type.name, describe(type.properties)]) }
        for type in try store.getContextTypes() { rows.append(["context", type.name, describe(type.properties)]) }
        print(Table(header: ["KIND", "NAME", "PROPERTIES"], rows: rows).rendered)
    }

    private func describe(_ properties: [String: PropertyType]) -> String {
        properties.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.rawValue)" }.joined(separator: " ")
    }
}
