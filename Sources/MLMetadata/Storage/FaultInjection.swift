import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Test seam for failures that are hard to provoke on demand (a disk that fills up mid-write):
/// tests register a fault for one store folder, and the store's file writes under it fail with
/// the fault's errno from the Nth write on. Unused (always, outside those tests) it costs one
/// load of a flag per file written.
enum FaultInjection {
    struct Fault {
        /// The 1-based file write that fails first.
        var failingFrom: Int
        var errno: Int32 = ENOSPC
        var writes = 0
    }

    nonisolated(unsafe) private static var active = false
    private static let lock = NSLock()
    nonisolated(unsafe) private static var faults: [String: Fault] = [:]

    /// Makes file writes of the store at `root` fail from the `failingFrom`th on.
    static func set(root: String, failingFrom: Int, errno: Int32 = ENOSPC) {
        lock.withLock {
            faults[root] = Fault(failingFrom: failingFrom, errno: errno)
            active = true
        }
    }

    /// Ends the fault of the store at `root` (the disk has room again).
    static func clear(root: String) {
        lock.withLock {
            faults[root] = nil
            active = !faults.isEmpty
        }
    }

    static func check(root: String) throws(StoreError) {
        guard active else { return }
        let failure: Int32? = lock.withLock {
            guard var fault = faults[root] else { return nil }
            fault.writes += 1
            faults[root] = fault
            return fault.writes >= fault.failingFrom ? fault.errno : nil
        }
        if let failure { throw .io("write (injected fault)", root, errno: failure) }
    }
}
