import ArgumentParser
import Foundation
import MLMDInterchange
import MLMetadata

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import an MLMD database (TFX's metadata.sqlite) into the store, with every id, time and edge.",
        discussion: """
            Reads the SQLite file MLMD writes (schema 7 to 10: MLMD 1.1 to 1.17) without changing it, \
            and writes everything in it in one all-or-nothing step. Importing the same database again \
            adds only what was recorded since, so a pipeline can keep writing MLMD while you import. \
            Types and contexts merge with the store's own (same name and version; same type and name). \
            Each node keeps its MLMD id as its origin: `mlmd show artifact SOURCE#42` finds MLMD's artifact 42.
            Example: mlmd import pipelines/taxi/metadata.sqlite --store metadata
            """
    )

    @Argument(help: ArgumentHelp("The MLMD database: an SQLite file, or grpc://HOST:PORT for a running MLMD service "
                                 + "(needs mlmd-import-grpc, built with `swift build --product mlmd-import-grpc`).", valueName: "database"))
    var database: String

    @OptionGroup var location: StoreLocation

    @Option(help: ArgumentHelp("The name origins are kept under (origins/<source>/); default: the file's name without its extension. "
                               + "Use the same one for every import of a database.", valueName: "name"))
    var source: String?

    @Option(help: ArgumentHelp("New nodes per write batch: each batch is one journaled write of the store, and memory grows with it.",
                               valueName: "count"))
    var batchSize = 25_000

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
    }

    func run() throws {
        if database.hasPrefix("grpc://") { try importFromService() }
        let sourceName = source ?? Self.defaultSource(for: database)
        if let problem = Origin.sourceNameProblem(sourceName) {
            throw CommandError(problem + (source == nil ? "; pass --source NAME" : ""))
        }
        let store = try location.open()
        let reader = MLMDSQLiteReader(path: database)
        let version = try reader.schemaVersion()
        let graph = try reader.read()
        Console.printError("Read \(database) (MLMD schema \(version)): \(graph.counts)")
        var importer = MLMDImporter(store: store, source: sourceName, progress: ProgressBar.forImport())
        importer.batchSize = batchSize
        let report = try importer.run(graph)
        Console.print(report.summary(of: database, into: store.path, source: sourceName))
    }

    /// `mlmd import grpc://HOST:PORT`: the gRPC client is in its own executable, so that `mlmd`
    /// builds without gRPC; this process becomes that one.
    private func importFromService() throws -> Never {
        var arguments = [database, "--store", try location.resolve(), "--batch-size", String(batchSize)]
        if let source { arguments += ["--source", source] }
        try SiblingExecutable.exec("mlmd-import-grpc", arguments: arguments, buildHint: "swift build --product mlmd-import-grpc")
    }

    /// `metadata` for `…/metadata.sqlite`, with characters a folder name cannot have turned into `-`.
    static func defaultSource(for path: String) -> String {
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let safe = String(stem.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar)) ? Character(scalar) : "-"
        })
        let trimmed = safe.drop { $0 == "." }
        return String(trimmed.prefix(64))
    }
}
