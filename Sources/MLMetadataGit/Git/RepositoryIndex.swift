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
/// a fresh checksum. Index version 4 (prefix-compressed paths) and split or sparse indexes go
/// through `git update-index`.
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
        defer { close(lock.descriptor) }
        let existing = try MappedFile(path: indexPath)
        if let existing, existing.bytes.count >= 12, Self.readUInt32(existing.bytes, 4) == 4 {
            // Version 4 (prefix-compressed paths): git itself does it, under its own lock.
            unlink(lock.path)
            committed = true
            return try updateThroughGit(changes)
        }
        do {
            try withExtendedLifetime(existing) {
                try Self.emptyIndex.withUnsafeBytes { empty in
                    let old = existing?.bytes ?? empty
                    try Self.write(try plan(changes, in: old), of: old, to: lock.descriptor, path: lock.path)
                }
            }
        } catch let error as StoreError where error.code == .unimplemented {
            // A split or sparse index (a required extension this splicer does not rewrite).
            unlink(lock.path)
            committed = true
            return try updateThroughGit(changes)
        }
        guard rename(lock.path, indexPath) == 0 else {
            throw StoreError(.internal, "cannot replace \(indexPath): \(String(cString: strerror(errno)))")
        }
        committed = true
    }

    /// A piece of the new index file: bytes of the old one, or new bytes.
    enum Segment {
        case old(Range<Int>)
        case new([UInt8])
    }

    /// The new index file as pieces: `changes` (sorted) merged into the index `old`, whose
    /// unchanged runs of entries are kept by reference.
    func plan(_ changes: [Change], in old: UnsafeRawBufferPointer) throws -> [Segment] {
        guard old.count >= 32, old[0..<4].elementsEqual("DIRC".utf8) else {
            throw StoreError(.dataLoss, "\(indexPath) is not a git index")
        }
        let version = Self.readUInt32(old, 4)
        guard version == 2 || version == 3 else { throw StoreError(.unimplemented, "git index version \(version) is not supported") }
        let count = Int(Self.readUInt32(old, 8))
        let end = old.count - 20
        let base = old.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let truncated = StoreError(.dataLoss, "\(indexPath) is truncated")

        /// The entry at `position`: where its name starts, the name's length, the entry's length.
        func entry(at position: Int) throws -> (name: Int, nameLength: Int, length: Int) {
            guard position + 62 <= end else { throw truncated }
            let flags = Int(base[position + 60]) << 8 | Int(base[position + 61])
            let nameStart = position + 62 + (version == 3 && flags & 0x4000 != 0 ? 2 : 0)
            var nameLength = flags & 0xFFF
            if nameLength == 0xFFF {
                // Long names: the length is only known from the terminating NUL.
                nameLength = strnlen(UnsafeRawPointer(base + nameStart).assumingMemoryBound(to: CChar.self), end - nameStart)
            }
            guard nameStart + nameLength < end else { throw truncated }
            return (nameStart, nameLength, ((nameStart - position) + nameLength + 8) & ~7)
        }
        /// Orders a change's path against the name at `start` (git: bytewise, shorter first).
        func order(_ path: [UInt8], _ start: Int, _ length: Int) -> Int {
            let common = min(path.count, length)
            let result = path.withUnsafeBufferPointer { memcmp($0.baseAddress!, base + start, common) }
            if result != 0 { return result < 0 ? -1 : 1 }
            return path.count == length ? 0 : (path.count < length ? -1 : 1)
        }

        var segments: [Segment] = [.new([])]  // the header, filled in below
        var total = 0
        var next = 0
        var position = 12
        var runStart = position
        var number = 0
        func endRun() {
            if runStart < position { segments.append(.old(runStart..<position)) }
        }
        func emit(_ change: Change) {
            if let entry = change.entry {
                segments.append(.new(Self.encode(entry)))
                total += 1
            }
        }
        while number < count {
            let current = try entry(at: position)
            if next < changes.count {
                var comparison = order(changes[next].path, current.name, current.nameLength)
                // New entries that sort before this one go first.
                while comparison < 0 {
                    endRun()
                    runStart = position
                    emit(changes[next])
                    next += 1
                    comparison = next < changes.count ? order(changes[next].path, current.name, current.nameLength) : 1
                }
                if comparison == 0 {
                    // Replaces (or removes) this path: every stage of it.
                    endRun()
                    emit(changes[next])
                    next += 1
                    position += current.length
                    number += 1
                    while number < count {
                        let other = try entry(at: position)
                        guard other.nameLength == current.nameLength,
                              memcmp(base + other.name, base + current.name, current.nameLength) == 0 else { break }
                        position += other.length
                        number += 1
                    }
                    runStart = position
                    continue
                }
            }
            position += current.length
            number += 1
            total += 1
        }
        endRun()
        while next < changes.count {
            emit(changes[next])
            next += 1
        }
        segments[0] = .new(Array(UnsafeRawBufferPointer(rebasing: old[0..<8])) + Self.uint32(UInt32(total)))

        // Extensions: keep what stays true, drop caches that would be wrong.
        while position + 8 <= end {
            let signature = Array(UnsafeRawBufferPointer(rebasing: old[position..<position + 4]))
            let size = Int(Self.readUInt32(old, position + 4))
            let body = position + 8
            guard body + size <= end else { throw StoreError(.dataLoss, "\(indexPath) has a truncated extension") }
            switch String(decoding: signature, as: UTF8.self) {
            case "TREE":
                var tree = try TreeCache.parse(Array(UnsafeRawBufferPointer(rebasing: old[body..<body + size])))
                for change in changes { tree.invalidate(path: String(decoding: change.path, as: UTF8.self)) }
                let encoded = tree.encoded()
                segments.append(.new(signature + Self.uint32(UInt32(encoded.count)) + encoded))
            case "REUC":
                segments.append(.old(position..<body + size))
            default:
                // Optional caches (untracked cache, fsmonitor, offset tables) are dropped: git
                // rebuilds them. A required extension (lower-case signature) cannot be skipped.
                if let first = signature.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") {
                    throw StoreError(.unimplemented, "the git index uses the '\(String(decoding: signature, as: UTF8.self))' extension (split or sparse index), which is not supported; run `git update-index --no-split-index` or disable sparse index")
                }
            }
            position = body + size
        }
        return segments
    }

    /// Writes the segments and their SHA-1 to `descriptor`.
    private static func write(_ segments: [Segment], of old: UnsafeRawBufferPointer, to descriptor: Int32, path: String) throws {
        var hasher = Insecure.SHA1()
        func put(_ bytes: UnsafeRawBufferPointer) throws {
            hasher.update(bufferPointer: bytes)
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { throw StoreError(.internal, "cannot write \(path): \(String(cString: strerror(errno)))") }
                offset += written
            }
        }
        for segment in segments {
            switch segment {
            case .old(let range): try put(UnsafeRawBufferPointer(rebasing: old[range]))
            case .new(let bytes): try bytes.withUnsafeBytes(put)
            }
        }
        let digest = Array(hasher.finalize())
        try digest.withUnsafeBytes(put)
    }

    /// A file mapped into memory, read-only.
    final class MappedFile {
        let bytes: UnsafeRawBufferPointer

        /// Maps the file at `path`; nil when there is none (or it is empty).
        init?(path: String) throws {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            if descriptor < 0 {
                if errno == ENOENT { return nil }
                throw StoreError(.internal, "cannot open \(path): \(String(cString: strerror(errno)))")
            }
            defer { close(descriptor) }
            var status = stat()
            guard fstat(descriptor, &status) == 0 else { throw StoreError(.internal, "cannot stat \(path)") }
            guard status.st_size > 0 else { return nil }
            guard let address = mmap(nil, Int(status.st_size), PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
                throw StoreError(.internal, "cannot map \(path): \(String(cString: strerror(errno)))")
            }
            bytes = UnsafeRawBufferPointer(start: address, count: Int(status.st_size))
        }

        deinit {
            munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
        }
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

    static func readUInt32<Bytes: RandomAccessCollection>(_ bytes: Bytes, _ offset: Int) -> UInt32 where Bytes.Element == UInt8, Bytes.Index == Int {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    static func uint32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    // MARK: The git program

    /// Updates the index with `git update-index`, for the indexes the splicer does not write:
    /// version 4, and split or sparse indexes (required extensions). libgit2 is no alternative
    /// there: it cannot read a split index, leaves a path's conflict stages behind when it adds
    /// the path (`git_index_add`), and refuses a version-4 index with a path longer than 4095
    /// bytes. Files in the working tree as committed are added from it (git takes their stat data
    /// and resolves their conflict stages, as `git add` does); the others are given by blob.
    private func updateThroughGit(_ changes: [Change]) throws {
        var byBlob: [UInt8] = []
        var fromWorkingTree: [UInt8] = []
        for change in changes {
            if let entry = change.entry, entry.status != nil {
                fromWorkingTree += change.path + [0]
                continue
            }
            // Mode 0 removes the path; a stage-0 entry replaces its conflict stages.
            if let entry = change.entry {
                byBlob += Array("100644 \(entry.blob.description)\t".utf8)
            } else {
                byBlob += Array("0 \(String(repeating: "0", count: 40))\t".utf8)
            }
            byBlob += change.path + [0]
        }
        let git = GitCommandLine(workingTree: String(repository.workdir.dropLast()))
        for (arguments, input) in [(["update-index", "-z", "--index-info"], byBlob), (["update-index", "-z", "--add", "--stdin"], fromWorkingTree)]
        where !input.isEmpty {
            let result = try git.run(arguments, input: input)
            guard result.succeeded else {
                throw StoreError(.internal, "cannot update the repository index: git \(arguments.joined(separator: " ")) failed: "
                    + result.errors.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
    }
}
