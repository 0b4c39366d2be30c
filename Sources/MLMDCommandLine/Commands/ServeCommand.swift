import ArgumentParser
import Foundation

/// `mlmd serve`: runs the `mlmd-serve` executable in place of this process.
///
/// The server is a separate product so that `mlmd` (and the demo) build without gRPC; this
/// command finds the store as every command does and hands over to the server binary next to
/// this one, so that signals reach the server directly.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve MLMD's gRPC service over the store, for MLMD's clients and TFX pipelines.",
        discussion: """
            Runs mlmd-serve, built with `swift build --product mlmd-serve` (same configuration as mlmd); \
            `mlmd serve --help-server` lists its options (--host, --port, --tls-cert, --tls-key, \
            --max-request-size, --commit-delay, --commit-idle, --log-level). \
            Example: mlmd serve --store ml-store --port 8080
            """
    )

    @OptionGroup var location: StoreLocation

    @Argument(parsing: .allUnrecognized, help: "Options of mlmd-serve.")
    var serverArguments: [String] = []

    func run() throws {
        let arguments = serverArguments == ["--help-server"] ? ["--help"] : ["--store", try location.resolve()] + serverArguments
        try SiblingExecutable.exec("mlmd-serve", arguments: arguments, buildHint: "swift build --product mlmd-serve")
    }
}
