import GRPCCore
import MLMetadata

// How the store's errors reach a gRPC client. MLMD's Python client raises the exception class
// of the status code (`errors.NotFoundError` for NOT_FOUND, …) with the status message as its
// text, so the code comes from the store's one table and the message is the store's. The
// structured context (field, request index, query position, file) also travels as trailing
// metadata, for clients that match on it.

extension StoreError {
    /// The status a client sees for this error.
    var rpcError: RPCError {
        var metadata = Metadata()
        metadata.addString(code.rawValue, forKey: "mlmd-code")
        if let field { metadata.addString(field, forKey: "mlmd-field") }
        if let requestIndex { metadata.addString(String(requestIndex), forKey: "mlmd-request-index") }
        if let queryPosition { metadata.addString(queryPosition.description, forKey: "mlmd-query-position") }
        if let path { metadata.addString(line.map { "\(path):\($0)" } ?? path, forKey: "mlmd-path") }
        if let underlying { metadata.addString(underlying.description, forKey: "mlmd-underlying") }
        let status = RPCError.Code(Status.Code(rawValue: Int(code.grpcStatus)) ?? .unknown) ?? .unknown
        return RPCError(code: status, message: description, metadata: metadata)
    }
}

/// Any error a call throws, as the status the client gets. An error that is not the store's is
/// INTERNAL with its description (gRPC would otherwise send UNKNOWN with no text), and never
/// ABORTED: MLMD's client retries ABORTED five times with random sleeps.
func rpcError(for error: any Error) -> RPCError {
    switch error {
    case let error as RPCError: error
    case let error as StoreError: error.rpcError
    case is CancellationError: RPCError(code: .cancelled, message: "the call was cancelled")
    default: RPCError(code: .internalError, message: String(describing: error))
    }
}
