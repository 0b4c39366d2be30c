internal import Crypto
import Foundation
import Synchronization

/// MLMD-style int64 ids that stay unique across clones that never talked to each other.
///
/// * New artifacts, executions, contexts without a derived id, and edge batches get
///   **time-ordered ids**: bits 62…22 hold milliseconds since 2020-01-01T00:00:00Z, bits 21…0 are
///   random (a new random start in each millisecond, then counting up, so ids from one process
///   are strictly increasing). Two clones collide only if they mint ids in the same millisecond
///   whose 22 random bits also match.
/// * **Derived ids** make the same logical thing get the same id on every clone: a type's id is
///   derived from (kind, name, version), a context's from (type id, name). They are the first 8
///   bytes of a SHA-256, big-endian, with the sign bit cleared (0 becomes 1).
public enum Identifiers {
    /// 2020-01-01T00:00:00Z in milliseconds since the Unix epoch.
    public static let epochMilliseconds: Int64 = 1_577_836_800_000
    static let randomBits = 22
    static let randomMask: Int64 = (1 << 22) - 1

    /// The id of a type: SHA-256 of `"mlmd.type\0" + kind + "\0" + name + "\0" + version`.
    public static func typeID(kind: TypeKind, name: String, version: String?) -> Int64 {
        derived(["mlmd.type", kind.rawValue, name, version ?? ""])
    }

    /// The id of a context: SHA-256 of `"mlmd.context\0" + decimal type id + "\0" + name`.
    public static func contextID(typeID: Int64, name: String) -> Int64 {
        derived(["mlmd.context", String(typeID), name])
    }

    /// The id of an artifact or execution imported from an MLMD database: time-ordered by its
    /// create time (bits 62…22, as a new node's), with bits 21…0 derived from
    /// `SHA-256("mlmd.import" NUL source NUL kind NUL mlmd id NUL attempt)`, so that two clones
    /// importing the same database give its nodes the same ids. `attempt` counts up past ids
    /// that are taken.
    public static func importedID(source: String, kind: NodeKind, mlmdID: Int64, createTime: Int64, attempt: Int = 0) -> Int64 {
        let since = max(0, createTime - epochMilliseconds)
        let low = derived(["mlmd.import", source, kind.rawValue, String(mlmdID), String(attempt)]) & randomMask
        let id = since << randomBits | low
        return id == 0 ? 1 : id
    }

    static func derived(_ parts: [String]) -> Int64 {
        let digest = SHA256.hash(data: Array(parts.joined(separator: "\0").utf8))
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        let id = Int64(bitPattern: value & 0x7FFF_FFFF_FFFF_FFFF)
        return id == 0 ? 1 : id
    }

    /// The millisecond timestamp encoded in a time-ordered id.
    public static func timestamp(ofTimeOrderedID id: Int64) -> Int64 {
        (id >> randomBits) + epochMilliseconds
    }
}

/// Supplies the current time and random bits to a store. Inject a deterministic one in tests
/// and example pipelines: the same inputs then give byte-identical stores.
public struct StoreClock: Sendable {
    private let nowMilliseconds: @Sendable () -> Int64
    private let random: @Sendable () -> UInt64

    public init(now: @escaping @Sendable () -> Int64, random: @escaping @Sendable () -> UInt64) {
        self.nowMilliseconds = now
        self.random = random
    }

    /// Wall-clock time and the system's random number generator.
    public static let system = StoreClock(
        now: { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) },
        random: { UInt64.random(in: .min ... .max) }
    )

    /// A deterministic clock: starts at `start` (ms since the Unix epoch) and advances by `step`
    /// milliseconds on every reading; random bits come from a SplitMix64 generator seeded with `seed`.
    public static func deterministic(start: Int64, step: Int64 = 1, seed: UInt64 = 0) -> StoreClock {
        let time = Mutex(start)
        let state = Mutex(seed)
        return StoreClock(
            now: { time.withLock { value in defer { value += step }; return value } },
            random: {
                state.withLock { s in
                    s &+= 0x9E37_79B9_7F4A_7C15
                    var z = s
                    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                    return z ^ (z >> 31)
                }
            }
        )
    }

    /// The current time in milliseconds since the Unix epoch.
    public func now() -> Int64 { nowMilliseconds() }

    func randomBits() -> UInt64 { random() }
}

/// Mints time-ordered ids, strictly increasing within the process.
final class IDGenerator: Sendable {
    private let clock: StoreClock
    private let last = Mutex<Int64>(0)

    init(clock: StoreClock) {
        self.clock = clock
    }

    /// A new id for the given creation time (ms since the Unix epoch).
    func next(at milliseconds: Int64) -> Int64 {
        let since = max(0, milliseconds - Identifiers.epochMilliseconds)
        let candidate = since << Identifiers.randomBits
            | (Int64(truncatingIfNeeded: clock.randomBits()) & Identifiers.randomMask)
        return last.withLock { last in
            // Within one millisecond (or if the clock went back) count up from the last id.
            let id = candidate > last ? candidate : last + 1
            last = id
            return id == 0 ? 1 : id
        }
    }
}
