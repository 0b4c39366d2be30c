import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import MLMetadata
import MLMetadataGit

/// How ``MetadataStoreServer`` listens.
public struct ServerConfiguration: Sendable {
    /// PEM files for TLS; the client connects with MLMD's `ssl_config`.
    public struct TLSFiles: Sendable, Hashable {
        public var certificateChain: String
        public var privateKey: String
        public init(certificateChain: String, privateKey: String) {
            self.certificateChain = certificateChain
            self.privateKey = privateKey
        }
    }

    /// An IPv4 or IPv6 address (`localhost` is 127.0.0.1, `0.0.0.0` or `::` every interface).
    public var host: String
    /// 0 picks a free port; ``MetadataStoreServer/run(onListening:)`` reports which.
    public var port: Int
    public var tls: TLSFiles?
    /// The largest request accepted, in bytes (gRPC's and MLMD's default: 4 MiB).
    public var maxRequestSize: Int
    public var commitPolicy: CommitPolicy

    public init(host: String = "127.0.0.1", port: Int = 8080, tls: TLSFiles? = nil, maxRequestSize: Int = 4 << 20,
                commitPolicy: CommitPolicy = CommitPolicy()) {
        self.host = host
        self.port = port
        self.tls = tls
        self.maxRequestSize = maxRequestSize
        self.commitPolicy = commitPolicy
    }
}

/// MLMD's `MetadataStoreService` over gRPC, serving one store.
///
/// ```swift
/// let server = try MetadataStoreServer(store: MetadataStore(path: "ml-store"), configuration: ServerConfiguration(port: 8080))
/// try await server.run { address in print("listening on \(address)") }   // until beginGracefulShutdown()
/// ```
public final class MetadataStoreServer: Sendable {
    public let store: MetadataStore
    public let configuration: ServerConfiguration
    private let logger: Logger
    private let executor: StoreExecutor
    private let committer: RunCommitter?
    private let server: GRPCServer<RequestSizeLimitedTransport<HTTP2ServerTransport.Posix>>
    private let transport: HTTP2ServerTransport.Posix

    public init(store: MetadataStore, configuration: ServerConfiguration, logger: Logger = Logger(label: "mlmd.serve")) throws {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        executor = StoreExecutor(store: store)
        if let repository = try? StoreRepository(store: store) {
            committer = RunCommitter(repository: repository, policy: configuration.commitPolicy, logger: logger)
        } else {
            committer = nil
        }
        let security: HTTP2ServerTransport.Posix.TransportSecurity = configuration.tls.map { files in
            .tls(certificateChain: [.file(path: files.certificateChain, format: .pem)],
                 privateKey: .file(path: files.privateKey, format: .pem))
        } ?? .plaintext
        let host = configuration.host == "localhost" ? "127.0.0.1" : configuration.host
        let address: SocketAddress = host.contains(":") ? .ipv6(host: host, port: configuration.port)
            : .ipv4(host: host, port: configuration.port)
        let hardLimit = RequestSizeLimitedTransport<HTTP2ServerTransport.Posix>.hardLimit(for: configuration.maxRequestSize)
        transport = HTTP2ServerTransport.Posix(address: address, transportSecurity: security,
                                               config: .defaults { $0.rpc.maxRequestPayloadSize = hardLimit })
        server = GRPCServer(transport: RequestSizeLimitedTransport(base: transport, limit: configuration.maxRequestSize),
                            services: [MetadataStoreService(executor: executor, committer: committer)],
                            interceptors: [FailedCallInterceptor(logger: logger)])
    }

    /// Whether runs are committed to git as they finish (the store is in a working tree and its
    /// `commit_runs` setting is on).
    public var commitsRuns: Bool { committer != nil && ((try? store.settings.commitRuns) ?? false) }

    /// Serves until ``beginGracefulShutdown()``, then lets in-flight calls finish and commits what
    /// is pending. `onListening` gets the bound address (`host:port`) once clients can connect.
    public func run(onListening: @escaping @Sendable (String) -> Void = { _ in }) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.server.serve() }
            let bound: SocketAddress
            do {
                bound = try await transport.listeningAddress
            } catch {
                // The transport only says it is not listening; the server's own error says why
                // (a port in use, a certificate that cannot be read).
                var cause: any Error = error
                do { try await group.next() } catch { cause = error }
                throw StoreError(.unavailable, "cannot listen on \(configuration.host):\(configuration.port): \(Self.describe(cause))")
            }
            if let ipv4 = bound.ipv4 {
                onListening("\(ipv4.host):\(ipv4.port)")
            } else if let ipv6 = bound.ipv6 {
                onListening("[\(ipv6.host)]:\(ipv6.port)")
            } else {
                onListening("\(bound)")
            }
            let ticker = Task { [executor, committer] in
                guard let committer else { return }
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    _ = try? await executor.write { _ in committer.commitDue(now: ProcessInfo.processInfo.systemUptime) }
                }
            }
            defer { ticker.cancel() }
            try await group.next()
        }
        if let committer {
            _ = try await executor.write { _ in committer.commitDue(now: ProcessInfo.processInfo.systemUptime, final: true) }
        }
    }

    /// The innermost cause of a transport error, which is the one that names the problem.
    private static func describe(_ error: any Error) -> String {
        var error = error
        while let runtime = error as? RuntimeError, let cause = runtime.cause { error = cause }
        if let runtime = error as? RuntimeError { return runtime.message }
        return String(describing: error)
    }

    /// Stops accepting calls; ``run(onListening:)`` returns once the calls in flight have finished.
    public func beginGracefulShutdown() {
        server.beginGracefulShutdown()
    }
}
