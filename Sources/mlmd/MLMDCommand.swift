import ArgumentParser

@main
struct MLMDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlmd",
        abstract: "ML metadata (MLMD's model) as canonical JSON files you commit next to your code.",
        discussion: """
            The store is a folder of JSON files (one per type, artifact, execution and context; \
            edges in sharded JSON Lines files) plus an ignored index cache. Commands find the store \
            with --store, else the nearest folder upwards that holds a store.json.
            """,
        subcommands: [InitCommand.self, ExampleCommand.self, TypesCommand.self, ListCommand.self, ReindexCommand.self]
    )
}
