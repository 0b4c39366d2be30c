import ArgumentParser
import Foundation
import MLMDInterchange
import MLMetadata

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the store as an MLMD database (SQLite, schema 10) that MLMD 1.11–1.17 and TFX open as it is.",
        discussion: """
            Every type, artifact, execution, context and edge is written with its times. Entities that \
            `mlmd import` brought in get their MLMD ids back (from the store's only import source, or \
            the one --ids names); the others keep the store's ids. The file is written whole or not at all.
            Example: mlmd export metadata.sqlite --store metadata --at v1.2
            """
    )

    @Argument(help: ArgumentHelp("The database file to write.", valueName: "database"))
    var database: String

    @OptionGroup var location: ReadLocation

    @Option(help: ArgumentHelp("Whose ids imported entities get: an import source's name (their MLMD ids), or 'store' (the store's ids). "
                               + "Default: the only import source, if there is one.", valueName: "source|store"))
    var ids: String?

    @Flag(help: "Replace the database file if it exists.")
    var force = false

    func run() throws {
        let store = try location.open()
        var exporter = MLMDExporter(store: store)
        switch ids {
        case nil: break
        case "store": exporter.ids = .store
        case let name?:
            let sources = try store.importSources()
            guard sources.contains(name) else {
                throw CommandError("--ids \(name): the store has no import source of that name (it has: "
                    + (sources.isEmpty ? "none" : sources.joined(separator: ", ")) + ")")
            }
            exporter.ids = .source(name)
        }
        let graph = try exporter.graph()
        try MLMDSQLiteWriter(path: database).write(graph, replacing: force)
        Console.print("Exported \(graph.counts) to \(database) (MLMD schema 10).")
    }
}
