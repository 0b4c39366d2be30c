import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Serializes writers: a mutex between threads of this process and `flock(2)` on
/// `.mlmd/lock` between processes. The lock is released by the kernel if a process dies.
final class WriterLock: @unchecked Sendable {
    private let path: String
    private let mutex = NSLock()
    private let descriptor: Int32

    init(path: String) throws(StoreError) {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw .io("open lock file", path, errno: errno) }
        self.descriptor = fd
    }

    deinit {
        close(descriptor)
    }

    func withLock<T>(_ body: () throws -> T) throws -> T {
        mutex.lock()
        defer { mutex.unlock() }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw StoreError.io("lock", path, errno: errno) }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
