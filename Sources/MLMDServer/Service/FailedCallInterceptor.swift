import GRPCCore
import Logging

/// Turns every error a call throws into the status the client gets (``rpcError(for:)``) and logs
/// each failed call with its method, status and message.
struct FailedCallInterceptor: ServerInterceptor {
    let logger: Logger

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        do {
            let response = try await next(request, context)
            if case .failure(let error) = response.accepted {
                let status = rpcError(for: error)
                log(status, context: context)
                return StreamingServerResponse(error: status)
            }
            return response
        } catch {
            let status = rpcError(for: error)
            log(status, context: context)
            throw status
        }
    }

    private func log(_ error: RPCError, context: ServerContext) {
        var metadata: Logger.Metadata = [
            "method": "\(context.descriptor.method)",
            "status": "\(error.code)",
            "peer": "\(context.remotePeer)",
        ]
        for key in ["mlmd-field", "mlmd-request-index", "mlmd-query-position", "mlmd-path"] {
            if let value = error.metadata[stringValues: key].first(where: { _ in true }) {
                metadata[String(key.dropFirst(5))] = "\(value)"
            }
        }
        logger.warning("call failed: \(error.message)", metadata: metadata)
    }
}
