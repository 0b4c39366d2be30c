import Crypto
import Foundation
internal import CGit2
import MLMetadata

/// Updates the repository's index (`.git/index`) for committed files, as `git add` would, so
/// that `git status` shows them clean.
///
/// libgit2 parses every entry of the index into objects and writes them all back, which costs
/// about 1.3 µs per entry (0.5 s for a repository with a 100k-entity store). This splices the
/// new entries into the file's bytes instead: one pass over the entries to find where they go,
/// unchanged runs copied as they are, the tree cache invalidated along the changed paths, and
/// a fresh checksum. Index version 4 (prefix-compressed paths) goes through libgit2.
struct RepositoryIndex {
    let repository: GitRepository

    /// One file as it was committed.
    struct Entry {
        /// Repository-relative, `/`-separated.
        var path: String
        var blob: GitOID
        /// The working file's metadata; nil when the file is not in the working tree as
        /// committed (the entry then always looks modified to git, which rehashes it).
        var status: stat?
    }

    var indexPath: String { repository.gitdir + "index" }

    /// A change to the index: an entry to put, or a path to remove.
    struct Change {
        var path: [UInt8]
        var entry: Entry?
    }

    /// Puts `entries` into the index and removes `removing` (replacing or removing every entry
    /// for those paths, conflict stages included).
    func update(_ entries: [Entry], removing: [String] = []) throws {
        let changes = (entries.map { Change(path: Array($0.path.utf8), entry: $0) } + removing.map { Change(path: Array($0.utf8), entry: nil) })
            .sorted { Self.compare($0.path, $1.path) < 0 }
        guard !changes.isEmpty else { return }
        let lock = try acquireLock()
        var committed = false
        defer { if !committed { unlink(lock.path) } }
        let existing = FileManager.default.contents(atPath: indexPath).map { [UInt8]($0) }
        if let existing, existing.count >= 12, Self.readUInt32(existing, 4) == 4 {
            // Version 4: let libgit2 do it (it takes its own lock).
            close(lock.descriptor)
            unlink(lock.path)
            committed = true
            return try updateThroughLibgit2(changes)
        }
        let bytes = try splice(changes, into: existing)
        let written = bytes.withUnsafeBytes { write(lock.descriptor, $0.baseAddress, $0.count) }
        let writeError = errno
        close(lock.descriptor)
        guard written == bytes.count else { throw StoreError.init(.internal, "cannot write \(lock.path): \(String(cString: strerror(writeError)))") }
        guard rename(lock.path, indexPath) == 0 else {
            throw StoreError(.internal, "cannot replace \(indexPath): \(String(cString: strerror(errno)))")
        }
        committed = true
    }

    // MARK: The lock

    /// Takes `index.lock` as git does, waiting up to 10 s for another git process to finish.
    private func acquireLock() throws -> (path: String, descriptor: Int32) {
        let path = indexPath + ".lock"
        for _ in 0..<1000 {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 { return (path, descriptor) }
            guard errno == EEXIST else { throw StoreError(.internal, "cannot create \(path): \(String(cString: strerror(errno)))") }
            usleep(10_000)
        }
        throw StoreError(.aborted, "\(path) exists: another git process is running (or one crashed: then remove the file)")
    }

    // MARK: Splicing

    /// The new index file: `changes` (sorted) merged into `existing` (nil: no index yet).
    func splice(_ changes: [Change], into existing: [UInt8]?) throws -> [UInt8] {
        let old = existing ?? Self.emptyIndex
        guard old.count >= 32, old[0..<4].elementsEqual("DIRC".utf8) else {
            throw StoreError(.dataLoss, "\(indexPath) is not a git index")
        }
        let version = Self.readUInt32(old, 4)
        guard version == 2 || version == 3 else { throw StoreError(.unimplemented, "git index version \(version) is not supported") }
        let count = Int(Self.readUInt32(old, 8))

        /// The name's byte range and the length of the entry at `position`.
        func entry(at position: Int) throws -> (name: Range<Int>, length: Int) {
            guard position + 62 <= old.count else { throw StoreError(.dataLoss, "\(indexPath) is truncated") }
            let extended = version == 3 && Self.readUInt16(old, position + 60) & 0x4000 != 0
            let nameStart = position + 62 + (extended ? 2 : 0)
            var nameEnd = nameStart
            while nameEnd < old.count, old[nameEnd] != 0 { nameEnd += 1 }
            return (nameStart..<nameEnd, ((nameEnd - position) + 8) & ~7)
        }

        var out: [UInt8] = []
        out.reserveCapacity(old.count + changes.count * 160)
        out += old[0..<12]
        var total = 0
        var pending = changes[...]
        var position = 12
        var copyStart = position
        var number = 0
        while number < count {
            let (name, length) = try entry(at: position)
            // New entries that sort before this one go first.
            while let next = pending.first, Self.compare(next.path, old[name]) < 0 {
                out += old[copyStart..<position]
                copyStart = position
                if let entry = next.entry {
                    out += Self.encode(entry)
                    total += 1
                }
                pending = pending.dropFirst()
            }
            if let next = pending.first, Self.compare(next.path, old[name]) == 0 {
                // Replaces (or removes) this path: every stage of it.
                out += old[copyStart..<position]
                if let entry = next.entry {
                    out += Self.encode(entry)
                    total += 1
                }
                pending = pending.dropFirst()
                let replaced = old[name]
                position += length
                number += 1
                while number < count {
                    let (otherName, otherLength) = try entry(at: position)
                    guard old[otherName].elementsEqual(replaced) else { break }
                    position += otherLength
                    number += 1
                }
                copyStart = position
                continue
            }
            position += length
            number += 1
            total += 1
        }
        out += old[copyStart..<position]
        for next in pending {
            if let entry = next.entry {
                out += Self.encode(entry)
                total += 1
            }
        }
        out.replaceSubrange(8..<12, with: Self.uint32(UInt32(total)))

        // Extensions: keep what stays true, drop caches that would be wrong.
        let end = old.count - 20
        var extensionPosition = position
        while extensionPosition + 8 <= end {
            let signature = Array(old[extensionPosition..<extensionPosition + 4])
            let size = Int(Self.readUInt32(old, extensionPosition + 4))
            let body = extensionPosition + 8
            guard body + size <= end else { throw StoreError(.dataLoss, "\(indexPath) has a truncated extension") }
            switch String(decoding: signature, as: UTF8.self) {
            case "TREE":
                var tree = try TreeCache.parse(Array(old[body..<body + size]))
                for change in changes { tree.invalidate(path: String(decoding: change.path, as: UTF8.self)) }
                let encoded = tree.encoded()
                out += signature + Self.uint32(UInt32(encoded.count)) + encoded
            case "REUC":
                out += old[extensionPosition..<body + size]
            default:
                // Optional caches (untracked cache, fsmonitor, offset tables) are dropped: git
                // rebuilds them. A required extension (lower-case signature) cannot be skipped.
                if let first = signature.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") {
                    throw StoreError(.unimplemented, "the git index uses the '\(String(decoding: signature, as: UTF8.self))' extension (split or sparse index), which is not supported; run `git update-index --no-split-index` or disable sparse index")
                }
            }
            extensionPosition = body + size
        }
        out += Insecure.SHA1.hash(data: out)
        return out
    }

    /// One index entry, version 2 layout (stage 0, no extended flags).
    static func encode(_ entry: Entry) -> [UInt8] {
        let path = Array(entry.path.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(62 + path.count + 8)
        let status = entry.status
        func add(_ value: UInt32) { out += uint32(value) }
        add(UInt32(truncatingIfNeeded: status?.st_ctim.tv_sec ?? 0))
        add(UInt32(truncatingIfNeeded: status?.st_ctim.tv_nsec ?? 0))
        add(UInt32(truncatingIfNeeded: status?.st_mtim.tv_sec ?? 0))
        add(UInt32(truncatingIfNeeded: status?.st_mtim.tv_nsec ?? 0))
        add(UInt32(truncatingIfNeeded: status?.st_dev ?? 0))
        add(UInt32(truncatingIfNeeded: status?.st_ino ?? 0))
        let executable = (status?.st_mode ?? 0) & 0o111 != 0
        add(executable ? 0o100755 : 0o100644)
        add(UInt32(truncatingIfNeeded: status?.st_uid ?? 0))
        add(UInt32(truncatingIfNeeded: status?.st_gid ?? 0))
        add(UInt32(truncatingIfNeeded: status?.st_size ?? 0))
        out += entry.blob.bytes
        let flags = UInt16(min(path.count, 0xFFF))
        out += [UInt8(flags >> 8), UInt8(flags & 0xFF)]
        out += path
        let length = (62 + path.count + 8) & ~7
        out += [UInt8](repeating: 0, count: length - 62 - path.count)
        return out
    }

    /// Git's order of index entries: bytewise, a shorter name first.
    static func compare<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Int {
        var left = a.makeIterator()
        var right = b.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case let (x?, y?): if x != y { return x < y ? -1 : 1 }
            }
        }
    }

    static let emptyIndex: [UInt8] = {
        var bytes = Array("DIRC".utf8) + uint32(2) + uint32(0)
        bytes += Insecure.SHA1.hash(data: bytes)
        return bytes
    }()

    static func readUInt32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    static func readUInt16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    static func uint32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    // MARK: libgit2

    private func updateThroughLibgit2(_ changes: [Change]) throws {
        var index: OpaquePointer?
        try Git.check(git_repository_index(&index, repository.handle), "open the repository index")
        defer { git_index_free(index) }
        try Git.check(git_index_read(index, 0), "read the repository index")
        for change in changes where change.entry == nil {
            let path = String(decoding: change.path, as: UTF8.self)
            let code = git_index_remove_bypath(index, path)
            try Git.check(code, "remove \(path) from the index")
        }
        for entry in changes.compactMap(\.entry) {
            try entry.path.withCString { path in
                var raw = git_index_entry()
                raw.path = path
                raw.id = entry.blob.raw
                let status = entry.status
                raw.mode = (status?.st_mode ?? 0) & 0o111 != 0 ? 0o100755 : 0o100644
                raw.file_size = UInt32(truncatingIfNeeded: status?.st_size ?? 0)
                raw.ctime = git_index_time(seconds: Int32(truncatingIfNeeded: status?.st_ctim.tv_sec ?? 0),
                                           nanoseconds: UInt32(truncatingIfNeeded: status?.st_ctim.tv_nsec ?? 0))
                raw.mtime = git_index_time(seconds: Int32(truncatingIfNeeded: status?.st_mtim.tv_sec ?? 0),
                                           nanoseconds: UInt32(truncatingIfNeeded: status?.st_mtim.tv_nsec ?? 0))
                raw.dev = UInt32(truncatingIfNeeded: status?.st_dev ?? 0)
                raw.ino = UInt32(truncatingIfNeeded: status?.st_ino ?? 0)
                raw.uid = UInt32(truncatingIfNeeded: status?.st_uid ?? 0)
                raw.gid = UInt32(truncatingIfNeeded: status?.st_gid ?? 0)
                try Git.check(git_index_add(index, &raw), "add \(entry.path) to the index")
            }
        }
        try Git.check(git_index_write(index), "write the repository index")
    }
}
