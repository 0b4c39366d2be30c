internal import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The folder with a store's index cache, lock and journal: `.mlmd/` inside the store, or, for a
/// store this user cannot write (a read-only mount, another user's files, a CI cache), a folder
/// of the user's cache (`$XDG_CACHE_HOME/mlmd/stores/<hash of the store's path>/`), so that
/// reading such a store creates nothing in it.
enum PrivateFolder {
    struct Location {
        /// Absolute path of the folder.
        var path: String
        /// How messages name it: `.mlmd` or the cache folder's path.
        var label: String
        /// The error writes get; nil when the store is writable.
        var readOnly: StoreError?
    }

    /// The files the library keeps in the folder; nothing else is ever opened there.
    static let fileNames = ["journal", "lock", "index.sqlite", "index.sqlite-wal", "index.sqlite-shm", "uncommitted"]

    /// Where the private folder of the store at `root` is, and whether the store can be written.
    static func locate(root: String, readOnly requested: Bool) throws(StoreError) -> Location {
        let local = root + "/" + StoreLayout.privateFolder
        if !requested {
            switch writability(of: root, privateFolder: local) {
            case nil:
                return Location(path: local, label: StoreLayout.privateFolder, readOnly: nil)
            case let reason?:
                return try cacheLocation(root: root, reason: reason)
            }
        }
        return try cacheLocation(root: root, reason: "it was opened read-only")
    }

    /// Nil when the store's private folder can be created and written; else why not.
    private static func writability(of root: String, privateFolder: String) -> String? {
        if mkdir(privateFolder, 0o755) != 0 && errno != EEXIST {
            return errno == EROFS || errno == EACCES || errno == EPERM ? describe(errno) : nil
        }
        // The folder exists (or was just made): can this user write in it?
        if FileSystem.isSymbolicLink(privateFolder) { return nil }  // refused with a clear error by `prepare`
        if access(privateFolder, W_OK) != 0 { return describe(errno) }
        // access(2) ignores read-only mounts for some file systems; a real probe settles it.
        let probe = privateFolder + "/lock"
        let fd = open(probe, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        if fd >= 0 {
            close(fd)
            return nil
        }
        return errno == EROFS || errno == EACCES || errno == EPERM ? describe(errno) : nil
    }

    private static func describe(_ number: Int32) -> String {
        number == EROFS ? "it is on a read-only file system" : "this user may not write to it (\(String(cString: strerror(number))))"
    }

    private static func cacheLocation(root: String, reason: String) throws(StoreError) -> Location {
        let environment = ProcessInfo.processInfo.environment
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["HOME"].map { $0 + "/.cache" } ?? NSTemporaryDirectory()
        let digest = SHA256.hash(data: Array(root.utf8)).prefix(12).map { String($0, radix: 16).leftPadded(2) }.joined()
        let path = cache + "/mlmd/stores/" + digest
        try FileSystem.makeDirectories(path)
        let refusal = StoreError(.permissionDenied, "the store is open for reading only: \(reason); its index cache is kept in \(path)",
                                 path: root)
        return Location(path: path, label: path, readOnly: refusal)
    }

    /// Checks the private folder before anything in it is opened: it must be a real folder, and
    /// every file the library keeps there a real file. A symbolic link there (which a hostile
    /// repository can commit) is removed — the folder is a cache — and reported; a link in place
    /// of the folder itself is refused.
    static func prepare(_ folder: String, label: String) throws(StoreError) -> [StoreError] {
        if FileSystem.isSymbolicLink(folder) { throw FileSystem.symbolicLinkError(label) }
        try FileSystem.makeDirectories(folder)
        var warnings: [StoreError] = []
        for name in fileNames + ["tmp"] where FileSystem.isSymbolicLink(folder + "/" + name) {
            try FileSystem.remove(folder + "/" + name)
            warnings.append(StoreError(.failedPrecondition, "was a symbolic link; the link was removed (the cache is rebuilt), its target was not touched",
                                       path: label + "/" + name))
        }
        let temporary = folder + "/tmp"
        if FileSystem.exists(temporary) && !FileSystem.isDirectory(temporary) { try FileSystem.remove(temporary) }
        try FileSystem.makeDirectories(temporary)
        return warnings
    }

    /// For a store opened read-only: a warning if its own `.mlmd/journal` says a write was cut
    /// short (it cannot be finished without write access, so reads may see part of it).
    static func pendingJournalInStore(root: String) -> StoreError? {
        let path = root + "/" + StoreLayout.privateFolder + "/journal"
        guard !FileSystem.isSymbolicLink(path), let size = FileSystem.signature(path)?.size, size > 0 else { return nil }
        return StoreError(.failedPrecondition, "a write to this store was interrupted and cannot be finished without write access; "
            + "reads may see part of it until the store is opened by a user who can write it", path: StoreLayout.privateFolder + "/journal")
    }
}
