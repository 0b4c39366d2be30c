import ArgumentParser
import MLMetadata

/// The root `mlmd` command.
struct MLMDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlmd",
        abstract: "ML metadata (MLMD's model) as canonical JSON files you commit next to your code.",
        discussion: """
            The store is a folder of JSON files (one per type, artifact, execution and context; \
            edges in sharded JSON Lines files) plus an ignored index cache. Commands find the store \
            with --store, else the nearest folder upwards that holds a store.json.

            Examples:
              mlmd init metadata                  create a store
              mlmd runs                           one row per pipeline run, with metrics
              mlmd list artifacts --filter 'properties.accuracy.double_value > 0.9'
              mlmd lineage Model/model-3 --upstream
              mlmd fsck                           check every file
              mlmd log                            the commits of pipeline runs
              mlmd diff HEAD~1                    what changed since HEAD~1, field by field
              mlmd diff --run latest~1 --run latest   the last two runs, node by node
              mlmd runs --at HEAD~3               any read, as of a git revision
            """,
        version: LibraryVersion.description,
        subcommands: [
            InitCommand.self, PutCommand.self, ListCommand.self, ShowCommand.self, TypesCommand.self,
            LineageCommand.self, RunsCommand.self, DiffCommand.self, CommitCommand.self, LogCommand.self, GitCommand.self, FsckCommand.self,
            ReindexCommand.self, MigrateCommand.self, TextconvCommand.self, MergeFileCommand.self, SyncCommand.self, ImportCommand.self, ExportCommand.self,
            ServeCommand.self, ScriptCommand.self, ExampleCommand.self,
        ]
    )
}
