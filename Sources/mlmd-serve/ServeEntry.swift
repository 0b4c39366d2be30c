import Foundation
import NIOCore
import NIOPosix

/// The process entry: SwiftNIO's event loops become Swift's global executor, then the command runs.
@main
enum ServeEntry {
    static func main() async {
        // Swift tasks run on the event loops instead of a second thread pool, which saves a thread
        // wake-up on each call's way in and out: the median call through MLMD's client went from
        // 0.83–0.85 to 0.72 ms (BENCHMARKS.md, "The floor of one call"). Where the runtime does not
        // allow it, or MLMD_SERVE_DEFAULT_EXECUTOR=1 asks so (to compare), the server runs on the
        // default executor, only slower.
        if ProcessInfo.processInfo.environment["MLMD_SERVE_DEFAULT_EXECUTOR"] != "1" {
            NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        await ServeMain.main()
    }
}
