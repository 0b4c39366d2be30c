import ArgumentParser
import Foundation
import MLMDInterchange
import MLMDCommandLine
import MLMDInterchangeGRPC
import MLMetadata

/// `mlmd-import-grpc`: `mlmd import grpc://HOST:PORT` — imports what a running MLMD service holds.
/// A separate executable so that `mlmd` builds without gRPC.
@main
struct ImportGRPCMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlmd import",
        abstract: "Import what a running MLMD service (MLMD's gRPC server, on MySQL, PostgreSQL or SQLite) holds into the store.")

    @Argument(help: ArgumentHelp("The service: grpc://HOST:PORT.", valueName: "grpc://host:port"))
    var service: String

    @Option(help: ArgumentHelp("The store folder.", valueName: "path"))
    var store: String

    @Option(help: ArgumentHelp("The name origins are kept under (origins/<source>/); default: HOST-PORT.", valueName: "name"))
    var source: String?

    @Option(help: ArgumentHelp("New nodes per write batch.", valueName: "count"))
    var batchSize = 25_000

    func run() async throws {
        do {
            let (host, port) = try Self.parse(service)
            let sourceName = source ?? "\(host)-\(port)".map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "-" }.reduce("") { $0 + String($1) }
            if let problem = Origin.sourceNameProblem(sourceName) { throw StoreError(.invalidArgument, problem, field: "source") }
            let metadataStore = try MetadataStore(path: store, options: StoreOptions(createIfMissing: false))
            // On a terminal: how many nodes and edges have been read so far.
            let reading = ProgressBar.standardErrorIsTerminal ? Self.readingLine(service) : nil
            let graph = try await MLMDServiceReader(host: host, port: port, progress: reading).read()
            if reading != nil { FileHandle.standardError.write(Data("\n".utf8)) }
            FileHandle.standardError.write(Data("Read \(service): \(graph.counts)\n".utf8))
            var importer = MLMDImporter(store: metadataStore, source: sourceName, progress: ProgressBar.forImport())
            importer.batchSize = max(1, batchSize)
            let report = try importer.run(graph)
            print(report.summary(of: service, into: metadataStore.path, source: sourceName))
        } catch let error as StoreError {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(error.code.exitCode)
        }
    }

    /// A line on standard error that says what is being read and how many so far.
    static func readingLine(_ service: String) -> @Sendable (String, Int) -> Void {
        { what, count in
            let line = "\rReading \(service): \(count) \(what)\u{1B}[K"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// `grpc://HOST:PORT` → (HOST, PORT).
    static func parse(_ text: String) throws -> (String, Int) {
        guard text.hasPrefix("grpc://") else { throw StoreError(.invalidArgument, "a service is named grpc://HOST:PORT, not '\(text)'") }
        let rest = text.dropFirst("grpc://".count)
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port),
              colon != rest.startIndex else {
            throw StoreError(.invalidArgument, "a service is named grpc://HOST:PORT with a port from 1 to 65535, not '\(text)'")
        }
        return (String(rest[..<colon]), port)
    }
}
