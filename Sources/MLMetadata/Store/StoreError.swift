/// An error from the store: a code (MLMD's status codes), a message, and where it happened.
///
/// `description` is what the `mlmd` tool prints after `Error: `; it names the file and line, the
/// field, or the query position when there is one. Each of these is also a property, so callers
/// match on them rather than on the message:
///
/// ```swift
/// do { try store.putArtifacts(batch) }
/// catch let error as StoreError where error.code == .invalidArgument {
///     print(error.requestIndex ?? -1, error.field ?? "")   // 2, "properties.accuracy"
/// }
/// ```
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// MLMD's status codes (absl's, the same numbers as gRPC's), extensible.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Malformed input: bad field values, unknown names, wrong value kinds.
        public static let invalidArgument = Code(rawValue: "INVALID_ARGUMENT")
        /// A looked-up type or node does not exist.
        public static let notFound = Code(rawValue: "NOT_FOUND")
        /// A uniqueness constraint would be violated.
        public static let alreadyExists = Code(rawValue: "ALREADY_EXISTS")
        /// The caller may not do this (a read-only store, a file the user cannot write).
        public static let permissionDenied = Code(rawValue: "PERMISSION_DENIED")
        /// A limit was reached (query size, nesting depth, disk space).
        public static let resourceExhausted = Code(rawValue: "RESOURCE_EXHAUSTED")
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
        /// A resource is temporarily unavailable (a busy lock); retrying may succeed.
        public static let unavailable = Code(rawValue: "UNAVAILABLE")
        /// Data on disk is unreadable (bad JSON, wrong fields).
        public static let dataLoss = Code(rawValue: "DATA_LOSS")

        public var description: String { rawValue }

        /// The one table that maps a code to the status a gRPC client sees and the exit code
        /// of `mlmd` (README, "Exit codes"). A code missing here is reported as UNKNOWN.
        public static let table: [(code: Code, status: Int32, exitCode: Int32)] = [
            (.invalidArgument, 3, 3),
            (.notFound, 5, 5),
            (.alreadyExists, 6, 6),
            (.permissionDenied, 7, 7),
            (.resourceExhausted, 8, 8),
            (.failedPrecondition, 9, 9),
            (.aborted, 10, 10),
            (.outOfRange, 11, 11),
            (.unimplemented, 12, 12),
            (.internal, 13, 13),
            (.unavailable, 14, 14),
            (.dataLoss, 15, 15),
        ]

        /// The gRPC status code (absl's numbering): 2 (UNKNOWN) for a code outside ``table``.
        public var grpcStatus: Int32 { Self.table.first { $0.code == self }?.status ?? 2 }

        /// The exit code of `mlmd` for a failure with this code: 1 for a code outside ``table``.
        public var exitCode: Int32 { Self.table.first { $0.code == self }?.exitCode ?? 1 }
    }

    /// A 1-based line and column in a filter query's text.
    public struct QueryPosition: Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
        public var description: String { "\(line):\(column)" }
    }

    /// The failure of a library below the store, as that library classifies it.
    public struct Underlying: Sendable, Hashable, CustomStringConvertible {
        /// `errno`, `libgit2` or `sqlite`.
        public var domain: String
        /// The library's own number: errno, libgit2's error class (`git_error_t`), SQLite's result code.
        public var code: Int32
        /// The library's name for ``code`` (`ENOSPC`, `GIT_ERROR_ODB`, `SQLITE_FULL`), when known.
        public var name: String?
        public init(domain: String, code: Int32, name: String? = nil) {
            self.domain = domain
            self.code = code
            self.name = name
        }
        public var description: String { "\(domain) \(name ?? String(code))" }
    }

    public var code: Code
    public var message: String
    /// The file involved, relative to the store root when inside the store.
    public var path: String?
    /// The 1-based line in ``path``, when known.
    public var line: Int?
    /// The field involved, as a proto field path (`properties.accuracy`, `type_id`), when known.
    public var field: String?
    /// The 0-based index of the request (the element of a batch) the error is about, when known.
    public var requestIndex: Int?
    /// Where in a filter query the error is, when it is about one.
    public var queryPosition: QueryPosition?
    /// What the library below reported (an errno, a libgit2 error class, an SQLite code).
    public var underlying: Underlying?

    public init(_ code: Code, _ message: String, path: String? = nil, line: Int? = nil, field: String? = nil,
                requestIndex: Int? = nil, queryPosition: QueryPosition? = nil, underlying: Underlying? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.line = line
        self.field = field
        self.requestIndex = requestIndex
        self.queryPosition = queryPosition
        self.underlying = underlying
    }

    public var description: String {
        var location = ""
        if let path {
            location = line.map { "\(path):\($0): " } ?? "\(path): "
        }
        return location + message
    }

    /// The same error, said of a file (when it names none yet).
    func at(path: String, line: Int? = nil) -> StoreError {
        var copy = self
        if copy.path == nil {
            copy.path = path
            copy.line = line ?? copy.line
        }
        return copy
    }

    static func invalidArgument(_ message: String, field: String? = nil) -> StoreError {
        StoreError(.invalidArgument, message, field: field)
    }
    static func notFound(_ message: String) -> StoreError { StoreError(.notFound, message) }
    static func alreadyExists(_ message: String) -> StoreError { StoreError(.alreadyExists, message) }
    static func failedPrecondition(_ message: String) -> StoreError { StoreError(.failedPrecondition, message) }

    /// A failed system call on `path`, classified by its errno: a full disk is RESOURCE_EXHAUSTED,
    /// a permission problem PERMISSION_DENIED, everything else INTERNAL.
    static func io(_ operation: String, _ path: String, errno number: Int32) -> StoreError {
        let code: Code = switch number {
        case ENOSPC, EDQUOT: .resourceExhausted
        case EACCES, EPERM, EROFS: .permissionDenied
        default: .internal
        }
        return StoreError(code, "\(operation) failed: \(String(cString: strerror(number)))", path: path,
                          underlying: Underlying(domain: "errno", code: number, name: errnoName(number)))
    }

    private static func errnoName(_ number: Int32) -> String? {
        switch number {
        case ENOENT: "ENOENT"
        case EACCES: "EACCES"
        case EPERM: "EPERM"
        case EROFS: "EROFS"
        case ENOSPC: "ENOSPC"
        case EDQUOT: "EDQUOT"
        case EIO: "EIO"
        case ELOOP: "ELOOP"
        case ENOTDIR: "ENOTDIR"
        case EISDIR: "EISDIR"
        case EEXIST: "EEXIST"
        case ENAMETOOLONG: "ENAMETOOLONG"
        default: nil
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the part of a call about element `position` of its request: a ``StoreError`` it throws
/// carries that index as ``StoreError/requestIndex`` (unless it names one already).
func atRequest<T>(_ position: Int, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch var error as StoreError {
        if error.requestIndex == nil { error.requestIndex = position }
        throw error
    }
}
