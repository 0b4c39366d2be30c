#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Test seam for the crash-safety tests: when `MLMD_TEST_CRASH_POINT` names a point and
/// `MLMD_TEST_CRASH_COUNTDOWN` is N, the process kills itself with SIGKILL the Nth time it
/// reaches that point. Unset (always, outside those tests) it costs one comparison.
enum CrashPoints {
    enum Point: String {
        /// The journal is in place; no store file has changed yet.
        case journalWritten = "journal-written"
        /// One more store file has its new bytes.
        case fileApplied = "file-applied"
        /// Every file is written; the index transaction has not committed.
        case filesApplied = "files-applied"
        /// The index has committed; the journal is still there.
        case indexCommitted = "index-committed"
    }

    private static let configured: (point: String, countdown: Int)? = {
        guard let point = getenv("MLMD_TEST_CRASH_POINT").map({ String(cString: $0) }) else { return nil }
        let countdown = getenv("MLMD_TEST_CRASH_COUNTDOWN").flatMap { Int(String(cString: $0)) } ?? 1
        return (point, countdown)
    }()

    nonisolated(unsafe) private static var reached = 0

    static func reach(_ point: Point) {
        guard let configured, configured.point == point.rawValue else { return }
        reached += 1
        if reached >= configured.countdown { kill(getpid(), SIGKILL) }
    }
}
