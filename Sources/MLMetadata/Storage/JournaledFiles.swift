import Foundation
import Synchronization
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
///
/// Every file goes through ``FileSystem/Folders``: no symbolic link in the store is followed,
/// and only paths of the store's layout are written.
final class JournaledFiles: @unchecked Sendable {
    let root: String
    /// The absolute path of the folder with the journal, `tmp/` and the import record.
    let privateFolder: String
    private let journalPath: String
    private let temporaryFolder: String
    private let descriptor: Int32
    /// The inode of the store folder, which every journal this store writes carries.
    let storeInode: Int64
    /// The length of the journal last written (where its direction byte is).
    private var journalLength = 0
    /// Names temporary files uniquely within the process (the pid makes them unique across).
    private let counter = NSLock()
    private var nextTemporary = 0
    /// The import record's descriptor (and lock) while this process writes an import in batches.
    let importRecord = Mutex<Int32?>(nil)

    /// - Parameter privateFolder: the absolute path of the folder with the journal and `tmp/`.
    init(root: String, privateFolder: String) throws(StoreError) {
        self.root = root
        self.privateFolder = privateFolder
        self.journalPath = privateFolder + "/journal"
        self.temporaryFolder = privateFolder + "/tmp"
        var info = stat()
        guard stat(root, &info) == 0 else { throw .io("stat", root, errno: errno) }
        self.storeInode = Int64(info.st_ino)
        let fd = open(journalPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            if errno == ELOOP { throw FileSystem.symbolicLinkError(journalPath) }
            throw .io("open journal", journalPath, errno: errno)
        }
        self.descriptor = fd
    }

    deinit {
        close(descriptor)
    }

    // MARK: The journal

    /// Writes the journal of a call before any of its files; with `sync`, also to the disk.
    func begin(_ journal: Journal, sync: Bool) throws(StoreError) {
        var journal = journal
        journal.storeInode = storeInode
        journal.direction = .forward
        let bytes = journal.encoded()
        try write(bytes, at: 0)
        guard ftruncate(descriptor, off_t(bytes.count)) == 0 else { throw .io("truncate journal", journalPath, errno: errno) }
        if sync, fsync(descriptor) != 0 { throw .io("fsync journal", journalPath, errno: errno) }
        journalLength = bytes.count
    }

    /// Turns the pending journal's direction to "roll back": for a write whose undo failed in
    /// the process. One byte overwritten in place, which needs no free space.
    func markForRollBack(sync: Bool) throws(StoreError) {
        guard journalLength >= Journal.directionOffsetFromEnd else { return }
        try write([Journal.Direction.backward.rawValue], at: journalLength - Journal.directionOffsetFromEnd)
        if sync, fsync(descriptor) != 0 { throw .io("fsync journal", journalPath, errno: errno) }
    }

    private func write(_ bytes: [UInt8], at offset: Int) throws(StoreError) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + written, $0.count - written, off_t(offset + written)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io("write journal", journalPath, errno: errno)
            }
            written += count
        }
    }

    /// Marks the journal done (empty).
    func clear() throws(StoreError) {
        guard ftruncate(descriptor, 0) == 0 else { throw .io("truncate journal", journalPath, errno: errno) }
        journalLength = 0
    }

    /// Whether a journal is waiting to be rolled forward (a writer died mid-call).
    var hasPending: Bool {
        var info = stat()
        return fstat(descriptor, &info) == 0 && info.st_size > 0
    }

    /// What recovery finds in the journal.
    enum Pending {
        /// A journal this store wrote: roll it in its direction.
        case journal(Journal)
        /// A journal recovery must not replay: it came from elsewhere (a clone, a copy) or names
        /// paths outside the store's layout. Cleared without touching any file.
        case refused(StoreError)
    }

    /// The pending journal; nil when there is none or it is incomplete (then nothing of it
    /// reached the store's files, and it is cleared).
    func pending() throws(StoreError) -> Pending? {
        guard hasPending else { return nil }
        let journal = Journal.decode(try FileSystem.readFile(journalPath, limit: Int.max))
        guard let journal else {
            try clear()
            return nil
        }
        let relative = StoreLayout.privateFolder + "/journal"
        if journal.storeInode != storeInode {
            return .refused(StoreError(.failedPrecondition, "a pending journal written by another store folder (a clone or a copy: "
                + "it names inode \(journal.storeInode), this folder is \(storeInode)) was not replayed and has been cleared; "
                + "no file was changed", path: relative))
        }
        if let bad = journal.entries.first(where: { !StoreLayout.isDataPath($0.path) }) {
            return .refused(StoreError(.failedPrecondition, "the pending journal names a path outside the store's layout "
                + "('\(NameRules.preview(bad.path))'); it was not replayed and has been cleared; no file was changed", path: relative))
        }
        return .journal(journal)
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
        let folders = FileSystem.Folders(root: root)
        for entry in journal.entries {
            try put(entry.new, at: entry.path, folders: folders)
            CrashPoints.reach(.fileApplied)
        }
    }

    /// Gives every file of the journal its old bytes back.
    func undo(_ journal: Journal) throws(StoreError) {
        let folders = FileSystem.Folders(root: root)
        for entry in journal.entries.reversed() {
            try put(entry.old, at: entry.path, folders: folders)
        }
    }

    /// Replaces the file at a store-relative path atomically (temporary file + rename), or
    /// removes it when `bytes` is nil. Only paths of the layout are written, and no link is
    /// followed on the way.
    func put(_ bytes: [UInt8]?, at relativePath: String, folders: FileSystem.Folders) throws(StoreError) {
        guard StoreLayout.isDataPath(relativePath) else {
            throw StoreError(.internal, "refusing to write a path outside the store's layout", path: relativePath)
        }
        try FaultInjection.check(root: root)
        guard let bytes else {
            try folders.remove(relativePath)
            return
        }
        let temporary = temporaryFolder + "/\(getpid())-\(counter.withLock { nextTemporary += 1; return nextTemporary })"
        try FileSystem.writeFile(temporary, bytes)
        do {
            try folders.move(temporary, to: relativePath)
        } catch {
            try? FileSystem.remove(temporary)
            throw error
        }
    }
}
