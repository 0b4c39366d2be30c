import ArgumentParser
import Dispatch
import Foundation
import Logging
import MLMDServer
import MLMetadata

/// `mlmd-serve`: MLMD's gRPC service over a store. `mlmd serve` runs it with the store it found.
struct ServeMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlmd serve",
        abstract: "Serve MLMD's gRPC MetadataStoreService over a store, for MLMD's clients and TFX pipelines.",
        discussion: """
            Point MLMD's Python client at it with metadata_store_pb2.MetadataStoreClientConfig(host=…, port=…). \
            SIGINT or SIGTERM stops it gracefully: calls in flight finish, then pending runs are committed \
            (when the store's commit_runs setting is on).
            """)

    @Option(help: ArgumentHelp("The store folder.", valueName: "path"))
    var store: String

    @Option(help: "The address to listen on (IPv4 or IPv6; 0.0.0.0 or :: for every interface).")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one (the ready line names it).")
    var port = 8080

    @Option(help: ArgumentHelp("PEM certificate chain: serve TLS (with --tls-key).", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("PEM private key of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Option(help: ArgumentHelp("The largest request accepted, in MiB.", valueName: "MiB"))
    var maxRequestSize = 4

    @Option(help: ArgumentHelp("Seconds a finished run must go without writes before it is committed.", valueName: "seconds"))
    var commitDelay = 5.0

    @Option(help: ArgumentHelp("Seconds without any write after which other pending changes are committed.", valueName: "seconds"))
    var commitIdle = 60.0

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard maxRequestSize > 0 else { throw ValidationError("--max-request-size must be positive") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
        for (option, file) in [("--tls-cert", tlsCert), ("--tls-key", tlsKey)] {
            if let file, !FileManager.default.isReadableFile(atPath: file) {
                throw ValidationError("\(option): cannot read \(file)")
            }
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "mlmd.serve")
        let metadataStore: MetadataStore
        let server: MetadataStoreServer
        do {
            guard FileManager.default.fileExists(atPath: URL(fileURLWithPath: store).appendingPathComponent("store.json").path) else {
                throw StoreError(.notFound, "\(store) is not a store (it has no store.json); create one with `mlmd init \(store)`")
            }
            metadataStore = try MetadataStore(path: store, options: StoreOptions(createIfMissing: false))
            for warning in metadataStore.warnings { logger.warning("\(warning)") }
            let tls = tlsCert.map { ServerConfiguration.TLSFiles(certificateChain: $0, privateKey: tlsKey!) }
            server = try MetadataStoreServer(
                store: metadataStore,
                configuration: ServerConfiguration(host: host, port: port, tls: tls, maxRequestSize: maxRequestSize << 20,
                                                   commitPolicy: CommitPolicy(runQuietPeriod: commitDelay, idlePeriod: commitIdle)),
                logger: logger)
        } catch let error as StoreError {
            throw Self.fail(error)
        }

        let signals = Self.onTermination {
            Self.say("mlmd serve: shutting down; calls in flight finish first")
            server.beginGracefulShutdown()
        }
        defer { signals.forEach { $0.cancel() } }

        let commits = server.commitsRuns ? "runs are committed to git as they finish" : "runs are not committed (commit_runs is off or no git repository)"
        let security = tlsCert == nil ? "plaintext" : "TLS"
        do {
            try await server.run { address in
                Self.say("mlmd serve: serving \(metadataStore.path) on \(address) (\(security)); \(commits)")
                Self.say("mlmd serve: ready on \(address)")
            }
        } catch let error as StoreError {
            throw Self.fail(error)
        }
        Self.say("mlmd serve: stopped")
    }

    /// Prints the error as `mlmd` does and gives its exit code (MLMD's status code number).
    static func fail(_ error: StoreError) -> ExitCode {
        FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
        return ExitCode(error.code.exitCode)
    }

    /// Writes a line unbuffered: a supervisor or test reads these lines through a pipe.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Calls `handler` on the first SIGINT or SIGTERM; a second one ends the process at once.
    static func onTermination(_ handler: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        let received = OnceFlag()
        return [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if received.setIfUnset() { handler() } else { Foundation.exit(128 + number) }
            }
            source.resume()
            return source
        }
    }
}

/// A flag set once, from any thread.
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false

    /// Sets the flag; true if it was not set before.
    func setIfUnset() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if isSet { return false }
        isSet = true
        return true
    }
}
