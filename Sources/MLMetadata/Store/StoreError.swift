/// An error from the store: a code (MLMD's status codes), a message, and where it happened.
///
/// `description` is what the `mlmd` tool prints after `Error: `; it names the file and line, the
/// field, or the query position when there is one.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// MLMD's status codes (absl), extensible.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Malformed input: bad field values, unknown names, wrong value kinds.
        public static let invalidArgument = Code(rawValue: "INVALID_ARGUMENT")
        /// A looked-up type or node does not exist.
        public static let notFound = Code(rawValue: "NOT_FOUND")
        /// A uniqueness constraint would be violated.
        public static let alreadyExists = Code(rawValue: "ALREADY_EXISTS")
        /// The store is not in a state that allows the call (stale update time, format version).
        public static let failedPrecondition = Code(rawValue: "FAILED_PRECONDITION")
        /// A concurrent change got in the way; retrying may succeed.
        public static let aborted = Code(rawValue: "ABORTED")
        /// An index is outside the bounds of the request.
        public static let outOfRange = Code(rawValue: "OUT_OF_RANGE")
        /// The request uses something that is not supported.
        public static let unimplemented = Code(rawValue: "UNIMPLEMENTED")
        /// An I/O failure or a broken invariant.
        public static let `internal` = Code(rawValue: "INTERNAL")
        /// Data on disk is unreadable (bad JSON, wrong fields).
        public static let dataLoss = Code(rawValue: "DATA_LOSS")

        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String
    /// The file involved, relative to the store root when inside the store.
    public var path: String?
    /// The 1-based line in ``path``, when known.
    public var line: Int?

    public init(_ code: Code, _ message: String, path: String? = nil, line: Int? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.line = line
    }

    public var description: String {
        var location = ""
        if let path {
            location = line.map { "\(path):\($0): " } ?? "\(path): "
        }
        return location + message
    }

    static func invalidArgument(_ message: String) -> StoreError { StoreError(.invalidArgument, message) }
    static func notFound(_ message: String) -> StoreError { StoreError(.notFound, message) }
    static func alreadyExists(_ message: String) -> StoreError { StoreError(.alreadyExists, message) }
    static func failedPrecondition(_ message: String) -> StoreError { StoreError(.failedPrecondition, message) }
    static func io(_ operation: String, _ path: String, errno code: Int32) -> StoreError {
        StoreError(.internal, "\(operation) failed: \(String(cString: strerror(code)))", path: path)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
