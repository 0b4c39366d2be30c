import GRPCCore

/// A server transport that refuses request messages above a size with RESOURCE_EXHAUSTED, as
/// MLMD's server does ("Received message larger than max").
///
/// grpc-swift's transport enforces its own payload limit by resetting the stream, which MLMD's
/// client reports as CANCELLED "Stream removed" with no hint of the cause. So the transport's
/// limit is set higher (``hardLimit``), and this wrapper checks each message against the
/// configured limit and fails the call with a status that says what happened.
struct RequestSizeLimitedTransport<Base: ServerTransport>: ServerTransport {
    typealias Bytes = Base.Bytes

    let base: Base
    let limit: Int

    /// What the wrapped transport itself accepts: above it the stream is reset unread.
    static func hardLimit(for limit: Int) -> Int { max(limit * 4, 64 << 20) }

    func configure(context: GRPCServerContext) {
        base.configure(context: context)
    }

    func listen(streamHandler: @escaping @Sendable (RPCStream<Inbound, Outbound>, ServerContext) async -> Void) async throws {
        let limit = self.limit
        try await base.listen { stream, context in
            let checked = RPCStream(descriptor: stream.descriptor,
                                    inbound: RPCAsyncSequence(wrapping: SizeCheckedParts(base: stream.inbound, limit: limit)),
                                    outbound: stream.outbound)
            await streamHandler(checked, context)
        }
    }

    func beginGracefulShutdown() {
        base.beginGracefulShutdown()
    }
}

/// The request parts of one call, failing at a message above `limit` bytes.
private struct SizeCheckedParts<Bytes: GRPCContiguousBytes & Sendable>: AsyncSequence, Sendable {
    typealias Element = RPCRequestPart<Bytes>
    typealias Failure = any Error

    let base: RPCAsyncSequence<RPCRequestPart<Bytes>, any Error>
    let limit: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RPCAsyncSequence<RPCRequestPart<Bytes>, any Error>.AsyncIterator
        let limit: Int

        mutating func next() async throws -> RPCRequestPart<Bytes>? {
            let part = try await base.next()
            if case .message(let bytes)? = part, bytes.count > limit {
                throw RPCError(code: .resourceExhausted,
                               message: "Received message larger than max (\(bytes.count) vs. \(limit)); "
                                   + "`mlmd serve --max-request-size` sets the limit")
            }
            return part
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), limit: limit)
    }
}
