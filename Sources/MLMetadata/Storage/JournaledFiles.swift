import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a call's store files all or nothing, through the journal (see ``Journal``).
///
/// The journal is one file, `.mlmd/journal`, kept open and overwritten in place: empty means
/// nothing is pending. It is never deleted and recreated, because on file systems without a
/// journal (this machine kind's root ext4) every recently freed inode slows the allocation of
/// new ones; a write call then frees no inode of its own.
final class JournaledFiles: @unchecked Sendable {
    let root: String
    private let journalPath: String
    private let temporaryFolder: String
    private let descriptor: Int32
    /// Names temporary files uniquely within the process (the pid makes them unique across).
    private let counter = NSLock()
    private var nextTemporary = 0

    init(root: String) throws(StoreError) {
        self.root = root
        self.journalPath = root + "/" + StoreLayout.privateFolder + "/journal"
        self.temporaryFolder = root + "/" + StoreLayout.privateFolder + "/tmp"
        let fd = open(journalPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io("open journal", journalPath, errno: errno) }
        self.descriptor = fd
    }

    deinit {
        close(descriptor)
    }

    // MARK: The journal

    /// Writes the journal of a call before any of its files; with `sync`, also to the disk.
    func begin(_ journal: Journal, sync: Bool) throws(StoreError) {
        let bytes = journal.encoded()
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + written, $0.count - written, off_t(written)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io("write journal", journalPath, errno: errno)
            }
            written += count
        }
        guard ftruncate(descriptor, off_t(bytes.count)) == 0 else { throw .io("truncate journal", journalPath, errno: errno) }
        if sync, fsync(descriptor) != 0 { throw .io("fsync journal", journalPath, errno: errno) }
    }

    /// Marks the journal done (empty).
    func clear() throws(StoreError) {
        guard ftruncate(descriptor, 0) == 0 else { throw .io("truncate journal", journalPath, errno: errno) }
    }

    /// Whether a journal is waiting to be rolled forward (a writer died mid-call).
    var hasPending: Bool {
        var info = stat()
        return fstat(descriptor, &info) == 0 && info.st_size > 0
    }

    /// The pending journal; nil when there is none or it is incomplete (then nothing of it
    /// reached the store's files, and it is cleared).
    func pending() throws(StoreError) -> Journal? {
        guard hasPending else { return nil }
        let journal = Journal.decode(try FileSystem.readFile(journalPath, limit: Int.max))
        if journal == nil { try clear() }
        return journal
    }

    /// Removes temporary files a killed writer left behind.
    func removeTemporaryFiles() throws(StoreError) {
        for name in try FileSystem.list(temporaryFolder) {
            try FileSystem.remove(temporaryFolder + "/" + name)
        }
    }

    // MARK: The files

    /// Gives every file of the journal its new bytes.
    func apply(_ journal: Journal) throws(StoreError) {
        for entry in journal.entries {
            try put(entry.new, at: entry.path)
            CrashPoints.reach(.fileApplied)
        }
    }

    /// Gives every file of the journal its old bytes back.
    func undo(_ journal: Journal) throws(StoreError) {
        for entry in journal.entries.reversed() {
            try put(entry.old, at: entry.path)
        }
    }

    /// Replaces the file at a store-relative path atomically (temporary file + rename), or
    /// removes it when `bytes` is nil.
    func put(_ bytes: [UInt8]?, at relativePath: String) throws(StoreError) {
        let target = root + "/" + relativePath
        guard let bytes else {
            try FileSystem.remove(target)
            return
        }
        let temporary = temporaryFolder + "/\(getpid())-\(counter.withLock { nextTemporary += 1; return nextTemporary })"
        try FileSystem.writeFile(temporary, bytes)
        do {
            try FileSystem.rename(temporary, to: target)
        } catch {
            try FileSystem.makeDirectories(FileSystem.parentPath(target))
            try FileSystem.rename(temporary, to: target)
        }
    }
}
