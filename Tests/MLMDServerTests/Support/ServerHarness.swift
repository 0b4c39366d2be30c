import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import MLMDServiceProtocol
import MLMetadata
@testable import MLMDServer

typealias StoreClient = MlMetadata_MetadataStoreService.Client<HTTP2ClientTransport.Posix>

/// A fresh folder for one test, removed when the value is released.
final class TemporaryDirectory: Sendable {
    let path: String

    init(_ label: String = #function) {
        let name = "mlmd-server-test-" + label.filter { $0.isLetter || $0.isNumber } + "-" + UUID().uuidString.prefix(8)
        path = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
}

/// Runs `body` with a client connected to a server over a new store (on a free loopback port);
/// then shuts the server down gracefully and waits for it.
func withServer<T: Sendable>(
    _ label: String = #function,
    configuration: ServerConfiguration = ServerConfiguration(),
    transportSecurity: HTTP2ClientTransport.Posix.TransportSecurity = .plaintext,
    clientConfig: HTTP2ClientTransport.Posix.Config = .defaults,
    prepare: (String) throws -> Void = { _ in },
    _ body: (StoreClient, MetadataStoreServer, String) async throws -> T
) async throws -> T {
    try await withServingStore(label, configuration: configuration, prepare: prepare) { port, server, path in
        let transport = try HTTP2ClientTransport.Posix(target: .ipv4(address: "127.0.0.1", port: port),
                                                       transportSecurity: transportSecurity, config: clientConfig)
        return try await withGRPCClient(transport: transport) { client in
            try await body(StoreClient(wrapping: client), server, path)
        }
    }
}

/// Runs `body` with the port of a server over a new store (on a free loopback port), then shuts
/// the server down gracefully and waits for it.
func withServingStore<T: Sendable>(
    _ label: String = #function,
    configuration: ServerConfiguration = ServerConfiguration(),
    prepare: (String) throws -> Void = { _ in },
    _ body: (Int, MetadataStoreServer, String) async throws -> T
) async throws -> T {
    let directory = TemporaryDirectory(label)
    try prepare(directory.path)
    let store = try MetadataStore(path: directory.path)
    var configuration = configuration
    configuration.port = 0
    // The failed calls the tests make on purpose are not logged.
    let server = try MetadataStoreServer(store: store, configuration: configuration,
                                         logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    let (addresses, continuation) = AsyncStream.makeStream(of: String.self)
    let serving = Task {
        defer { continuation.finish() }
        try await server.run { continuation.yield($0) }
    }
    var iterator = addresses.makeAsyncIterator()
    guard let address = await iterator.next(), let port = address.split(separator: ":").last.flatMap({ Int($0) }) else {
        try await serving.value
        throw HarnessError(description: "the server did not start listening")
    }
    do {
        let result = try await body(port, server, directory.path)
        server.beginGracefulShutdown()
        try await serving.value
        return result
    } catch {
        server.beginGracefulShutdown()
        _ = try? await serving.value
        throw error
    }
}

/// The status code of the error `body` throws, with its message and trailing metadata.
func rpcFailure(_ body: () async throws -> some Sendable) async -> RPCError? {
    do {
        _ = try await body()
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        return RPCError(code: .unknown, message: "not an RPCError: \(error)")
    }
}

extension RPCError {
    func metadataValue(_ key: String) -> String? {
        metadata[stringValues: key].first(where: { _ in true })
    }
}

/// Wire-message builders the tests share.
enum Wire {
    static func artifactType(_ name: String, _ properties: [String: MlMetadata_PropertyType] = [:]) -> MlMetadata_ArtifactType {
        var type = MlMetadata_ArtifactType()
        type.name = name
        type.properties = properties
        return type
    }

    static func executionType(_ name: String) -> MlMetadata_ExecutionType {
        var type = MlMetadata_ExecutionType()
        type.name = name
        return type
    }

    static func contextType(_ name: String) -> MlMetadata_ContextType {
        var type = MlMetadata_ContextType()
        type.name = name
        return type
    }

    static func int(_ value: Int64) -> MlMetadata_Value {
        var wire = MlMetadata_Value()
        wire.intValue = value
        return wire
    }

    static func double(_ value: Double) -> MlMetadata_Value {
        var wire = MlMetadata_Value()
        wire.doubleValue = value
        return wire
    }

    static func string(_ value: String) -> MlMetadata_Value {
        var wire = MlMetadata_Value()
        wire.stringValue = value
        return wire
    }
}
