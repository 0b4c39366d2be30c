import Dispatch
import MLMetadata

/// Runs the store's synchronous API off gRPC's event loops.
///
/// Reads run in parallel on a concurrent queue (the index is a WAL database with a reader pool).
/// Writes run one at a time on their own queue: the store serializes them on its writer lock
/// anyway (also against other processes), and queueing them here keeps a burst of writers from
/// each holding a thread blocked on that lock.
final class StoreExecutor: Sendable {
    let store: MetadataStore
    private let reads = DispatchQueue(label: "mlmd.serve.reads", qos: .userInitiated, attributes: .concurrent)
    private let writes = DispatchQueue(label: "mlmd.serve.writes", qos: .userInitiated)

    init(store: MetadataStore) {
        self.store = store
    }

    /// Runs `body` on the read queue.
    func read<T: Sendable>(_ body: @escaping @Sendable (MetadataStore) throws -> T) async throws -> T {
        try await run(on: reads, body)
    }

    /// Runs `body` on the write queue: after every write before it, before every write after it.
    func write<T: Sendable>(_ body: @escaping @Sendable (MetadataStore) throws -> T) async throws -> T {
        try await run(on: writes, body)
    }

    private func run<T: Sendable>(on queue: DispatchQueue, _ body: @escaping @Sendable (MetadataStore) throws -> T) async throws -> T {
        let store = self.store
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body(store) })
            }
        }
    }
}
