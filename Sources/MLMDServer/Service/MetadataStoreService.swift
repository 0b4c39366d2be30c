import Foundation
import GRPCCore
import MLMDServiceProtocol
import MLMDWire
import MLMetadata

/// MLMD 1.17.1's `MetadataStoreService` over a ``MetadataStore``: every call is converted from
/// the wire, run on the store with MLMD's semantics (the store implements them; COMPATIBILITY.md
/// lists where it deliberately differs), and converted back.
///
/// The 52 calls are grouped by what they touch: types (`+Types`), writes of nodes and edges
/// (`+Writes`), reads of nodes and edges (`+Reads`), lineage (`+Lineage`). Errors are thrown as
/// ``StoreError``s; ``FailedCallInterceptor`` turns them into statuses and logs them.
public struct MetadataStoreService: MlMetadata_MetadataStoreService.SimpleServiceProtocol {
    let executor: StoreExecutor
    /// Commits runs to git (nil when the store is not in a working tree).
    let committer: RunCommitter?

    init(executor: StoreExecutor, committer: RunCommitter?) {
        self.executor = executor
        self.committer = committer
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (MetadataStore) throws -> T) async throws -> T {
        try await executor.read(body)
    }

    /// Runs a write; `touched` names the contexts and executions it wrote, for the run committer.
    func write<T: Sendable>(touched: @escaping @Sendable (T) -> (contexts: [Int64], executions: [Int64]) = { _ in ([], []) },
                            _ body: @escaping @Sendable (MetadataStore) throws -> T) async throws -> T {
        let committer = self.committer
        return try await executor.write { store in
            let result = try body(store)
            if let committer {
                let (contexts, executions) = touched(result)
                committer.touched(store, contexts: contexts, executions: executions, at: ProcessInfo.processInfo.systemUptime)
            }
            return result
        }
    }
}

/// The version a type lookup names: MLMD treats an empty version as no version.
func typeVersion(_ isSet: Bool, _ version: String) -> String? {
    isSet && !version.isEmpty ? version : nil
}
