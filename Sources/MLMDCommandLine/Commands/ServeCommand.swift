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
        let server = try Self.serverExecutable()
        let arguments = serverArguments == ["--help-server"] ? ["--help"] : ["--store", try location.resolve()] + serverArguments
        let argv: [UnsafeMutablePointer<CChar>?] = ([server] + arguments).map { strdup($0) } + [nil]
        execv(server, argv)
        throw CommandError("cannot run \(server): \(String(cString: strerror(errno)))")
    }

    /// `mlmd-serve` next to this executable (a `swift build` folder or an install), else on PATH.
    static func serverExecutable() throws -> String {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let sibling = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("mlmd-serve").path
        if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/mlmd-serve"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw CommandError("""
            mlmd serve needs the server, which is built separately: `swift build --product mlmd-serve` \
            (same configuration as mlmd); it was not found next to \(own) or on PATH
            """)
    }
}
