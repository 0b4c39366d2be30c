internal import CMLMDShims
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, checked wrappers over the POSIX calls the store needs. Every failure names the path
/// and the operation.
///
/// POSIX rather than Foundation: `Data.write(options: .atomic)` fsyncs every file and leaves
/// temporary files next to the target after a crash (see measured-costs.md); the store decides
/// itself when to sync and keeps its temporary files in its private folder.
enum FileSystem {
    /// What git's index also keeps to notice a changed file without reading it.
    struct Signature: Equatable, Sendable {
        var size: Int64
        var modificationNanoseconds: Int64
        var inode: Int64
    }

    /// The signature of the file at `path` itself (a symbolic link's own, not its target's).
    static func signature(_ path: String) -> Signature? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return Signature(info)
    }

    /// The signature of a folder (its size left out: it says nothing a folder's mtime does not);
    /// nil when there is no folder at `path`. A symbolic link is no folder, unless
    /// `followingLinks` (for the store's own root, which may be reached through one).
    static func folderSignature(_ path: String, followingLinks: Bool = false) -> Signature? {
        var info = stat()
        guard (followingLinks ? stat(path, &info) : lstat(path, &info)) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return nil }
        var signature = Signature(info)
        signature.size = 0
        return signature
    }

    /// Takes many signatures cheaply: paths are resolved relative to an open descriptor of
    /// their folder, which is reused while consecutive paths share it (sort them by folder), so
    /// each `stat` looks up one name instead of walking the whole path.
    final class SignatureReader {
        private let root: String
        private var folder: String?
        private var descriptor: Int32 = -1

        init(root: String) {
            self.root = root
        }

        deinit {
            if descriptor >= 0 { close(descriptor) }
        }

        /// The signature of a store-relative path ("" is the root); nil if it does not exist.
        /// `folderOnly`: nil unless it is a folder, and its size left out (see `folderSignature`).
        func signature(of path: String, folderOnly: Bool = false) -> Signature? {
            var folderPath = ""
            var name = path.isEmpty ? "." : path
            if let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) {
                folderPath = String(path[..<slash])
                name = String(path[path.utf8.index(after: slash)...])
            }
            if folderPath != folder {
                if descriptor >= 0 { close(descriptor) }
                folder = folderPath
                // The root may be reached through a link (the user's choice); nothing below it is.
                descriptor = folderPath.isEmpty ? open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                    : open(root + "/" + folderPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
            }
            guard descriptor >= 0 else { return nil }
            var info = stat()
            guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
            var signature = Signature(info)
            if folderOnly {
                guard (info.st_mode & S_IFMT) == S_IFDIR else { return nil }
                signature.size = 0
            }
            return signature
        }
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Whether `path` is a folder (a symbolic link to one is not).
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether `path` is a symbolic link.
    static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// The error for a symbolic link met where the store reads or writes its own files.
    static func symbolicLinkError(_ path: String) -> StoreError {
        StoreError(.failedPrecondition, "is a symbolic link; a store reads and writes only real files and folders inside itself "
            + "(a link, e.g. in a cloned repository, could lead anywhere): replace it with the file or folder itself", path: path,
            underlying: StoreError.Underlying(domain: "errno", code: ELOOP, name: "ELOOP"))
    }

    /// Reads a whole file; a symbolic link is refused (``symbolicLinkError(_:)``).
    static func readFile(_ path: String, limit: Int = NameRules.maximumFileBytes) throws(StoreError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            if errno == ELOOP { throw symbolicLinkError(path) }
            throw .io("open", path, errno: errno)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io("stat", path, errno: errno) }
        guard info.st_size <= limit else {
            throw StoreError(.dataLoss, "file is \(info.st_size) bytes, larger than the \(limit)-byte limit", path: path)
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var total = 0
        while true {
            if total == bytes.count { bytes.append(contentsOf: repeatElement(0, count: 4096)) }
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(fd, buffer.baseAddress! + total, buffer.count - total)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io("read", path, errno: errno)
            }
            if count == 0 { break }
            total += count
            guard total <= limit else {
                throw StoreError(.dataLoss, "file is larger than the \(limit)-byte limit", path: path)
            }
        }
        bytes.removeSubrange(total...)
        return bytes
    }

    /// Creates or truncates `path` and writes `bytes`; optionally fsyncs before closing. A
    /// symbolic link at `path` is refused, not followed.
    static func writeFile(_ path: String, _ bytes: [UInt8], sync: Bool = false) throws(StoreError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            if errno == ELOOP { throw symbolicLinkError(path) }
            throw .io("open", path, errno: errno)
        }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                write(fd, buffer.baseAddress! + written, buffer.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                throw .io("write", path, errno: code)
            }
            written += count
        }
        if sync, fsync(fd) != 0 {
            let code = errno
            close(fd)
            throw .io("fsync", path, errno: code)
        }
        guard close(fd) == 0 else { throw .io("close", path, errno: errno) }
    }

    /// Appends `bytes` to `path` (created if missing) with one write: appends of a few lines from
    /// several processes do not interleave.
    static func append(_ path: String, _ bytes: [UInt8]) throws(StoreError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            if errno == ELOOP { throw symbolicLinkError(path) }
            throw .io("open", path, errno: errno)
        }
        defer { close(fd) }
        let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard count == bytes.count else { throw .io("append", path, errno: count < 0 ? errno : EIO) }
    }

    static func rename(_ from: String, to: String) throws(StoreError) {
        guard Glibc.rename(from, to) == 0 else { throw .io("rename to '\(to)'", from, errno: errno) }
    }

    /// Removes a file; a missing file is not an error.
    static func remove(_ path: String) throws(StoreError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw .io("remove", path, errno: errno) }
    }

    /// Creates a folder and its missing parents.
    static func makeDirectories(_ path: String) throws(StoreError) {
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        guard errno == ENOENT else { throw .io("create folder", path, errno: errno) }
        let parent = parentPath(path)
        guard !parent.isEmpty, parent != path else { throw .io("create folder", path, errno: ENOENT) }
        try makeDirectories(parent)
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw .io("create folder", path, errno: errno) }
    }

    /// An entry of a folder listing.
    struct Entry: Sendable {
        var name: String
        var isDirectory: Bool
    }

    /// The names in a folder (no `.` and `..`), unsorted; empty if the folder does not exist.
    static func list(_ path: String) throws(StoreError) -> [String] {
        try entries(path).map(\.name)
    }

    /// The entries of a folder (no `.` and `..`), unsorted; empty if the folder does not exist.
    /// Symbolic links count as files.
    static func entries(_ path: String) throws(StoreError) -> [Entry] {
        guard let dir = opendir(path) else {
            if errno == ENOENT || errno == ENOTDIR { return [] }
            throw .io("list folder", path, errno: errno)
        }
        defer { closedir(dir) }
        var entries: [Entry] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let type = entry.pointee.d_type
            let isDirectory = type == UInt8(DT_UNKNOWN) ? Self.isDirectory(path + "/" + name) : type == UInt8(DT_DIR)
            entries.append(Entry(name: name, isDirectory: isDirectory))
        }
        return entries
    }

    /// The wall-clock time in nanoseconds since the Unix epoch (to tell racy signatures).
    static func nowNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// Flushes the whole file system that holds `path` (one call instead of an fsync per file).
    static func syncFileSystem(containing path: String) throws(StoreError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io("open", path, errno: errno) }
        defer { close(fd) }
        guard mlmd_syncfs(fd) == 0 else { throw .io("syncfs", path, errno: errno) }
    }

    /// Makes a rename or unlink in a folder durable.
    static func syncDirectory(_ path: String) throws(StoreError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io("open", path, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .io("fsync", path, errno: errno) }
    }

    /// Opens store folders one component at a time without following symbolic links, so that no
    /// link committed into a store (`artifacts/Model/2026-01-06 -> /elsewhere`) can send a write
    /// outside it. Keeps the descriptors of the folders one write call uses.
    final class Folders {
        private let root: String
        private var descriptors: [String: Int32] = [:]

        init(root: String) {
            self.root = root
        }

        deinit {
            for descriptor in descriptors.values { close(descriptor) }
        }

        /// The descriptor of a store-relative folder ("" is the root, which may itself be
        /// reached through a link: that is the user's choice), created when missing if `create`.
        func descriptor(of folder: String, create: Bool) throws(StoreError) -> Int32 {
            if let descriptor = descriptors[folder] { return descriptor }
            var descriptor: Int32
            if folder.isEmpty {
                descriptor = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                guard descriptor >= 0 else { throw .io("open", root, errno: errno) }
            } else {
                let parent = try self.descriptor(of: parentPath(folder), create: create)
                let name = String(folder.split(separator: "/").last!)
                descriptor = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if descriptor < 0, errno == ENOENT, create {
                    guard mkdirat(parent, name, 0o755) == 0 || errno == EEXIST else { throw .io("create folder", folder, errno: errno) }
                    descriptor = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                }
                if descriptor < 0 {
                    let code = errno
                    var info = stat()
                    if fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
                        throw symbolicLinkError(folder)
                    }
                    throw .io("open folder", folder, errno: code)
                }
            }
            descriptors[folder] = descriptor
            return descriptor
        }

        /// Moves a file (a temporary one, outside the data folders) to a store-relative path.
        func move(_ source: String, to path: String) throws(StoreError) {
            let folder = try descriptor(of: parentPath(path), create: true)
            guard renameat(AT_FDCWD, source, folder, lastComponent(path)) == 0 else {
                let code = errno
                if isSymbolicLink(root + "/" + path) { throw symbolicLinkError(path) }
                throw .io("rename to '\(path)'", source, errno: code)
            }
        }

        /// Removes the file at a store-relative path; a missing file (or folder) is not an error,
        /// nor is a folder on the way that is a symbolic link: nothing of the store's is there.
        func remove(_ path: String) throws(StoreError) {
            let folder: Int32
            do {
                folder = try descriptor(of: parentPath(path), create: false)
            } catch where error.underlying?.name == "ENOENT" || error.underlying?.name == "ELOOP" {
                return
            }
            guard unlinkat(folder, lastComponent(path), 0) == 0 || errno == ENOENT else { throw .io("remove", path, errno: errno) }
        }

        private func lastComponent(_ path: String) -> String {
            guard let slash = path.lastIndex(of: "/") else { return path }
            return String(path[path.index(after: slash)...])
        }
    }

    static func parentPath(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }
}

extension FileSystem.Signature {
    /// A signature no file has: the next check rereads the file.
    static let unknown = FileSystem.Signature(size: -1, modificationNanoseconds: -1, inode: -1)

    init(_ info: stat) {
        self.size = Int64(info.st_size)
        self.modificationNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        self.inode = Int64(info.st_ino)
    }
}
