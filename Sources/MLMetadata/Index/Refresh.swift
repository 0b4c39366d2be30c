import Dispatch
import Foundation
internal import GRDB

/// How far a store checks its files against the index cache.
public enum FreshnessCheck: Sendable, Hashable {
    /// Compare every folder's signature: finds every file that was added, removed, renamed or
    /// replaced — everything git does (checkout, pull, merge, reset, stash), since git replaces
    /// files rather than editing them in place. Milliseconds for 10^5 entities.
    case folders
    /// Also compare every file's signature (size, mtime, inode): finds in-place edits that keep
    /// the folder unchanged, as some editors make them.
    case files
}

/// How far an index rebuild or refresh has got, for a progress display.
public struct IndexProgress: Sendable, Hashable {
    /// Files read and indexed so far.
    public var done: Int
    /// Files to read and index in all.
    public var total: Int
}

/// Brings the index in line with the store's files: finds what changed since the index last
/// saw it and reindexes only that. On an empty index it is the full rebuild.
///
/// First pass: every known folder's signature. A folder whose signature changed (or was taken
/// too close to a change to be trusted, like git's "racily clean" entries) is listed and each of
/// its files' signatures compared. With ``FreshnessCheck/files``, every other file is compared
/// too. A file whose signature is unchanged but was taken too close to its last change (files
/// the library just wrote) is read and its hash compared with the one indexed: only a different
/// hash makes it changed. Then the changed files are parsed on all cores and indexed.
struct Refresh {
    struct Report {
        var indexed = 0
        var removed = 0
        var foldersChecked = 0
        /// Racily clean files whose content was checked by hash rather than reindexed.
        var verified = 0
        var problems: [StoreError] = []
    }

    let root: String
    let db: Database
    var progress: (@Sendable (IndexProgress) -> Void)?

    /// Signatures taken less than this long after the last change may miss a change within the
    /// same file-system clock tick; such folders and files are checked again next time.
    static let racyWindow: Int64 = 50_000_000

    private struct Signed {
        var signature: FileSystem.Signature
        var checked: Int64
        /// The hash of the bytes indexed (files only; nil when unknown).
        var hash: Int64?

        /// How a file or folder on disk compares with what the index recorded.
        enum Comparison {
            /// The same signature, taken well after the last change: unchanged.
            case same
            /// The same signature, but taken too close to the last change to prove it: the
            /// content decides (its hash), as for git's racily clean entries.
            case racy(hash: Int64)
            case changed
        }

        func compare(_ current: FileSystem.Signature) -> Comparison {
            guard signature == current else { return .changed }
            if current.modificationNanoseconds + Refresh.racyWindow < checked { return .same }
            return hash.map { .racy(hash: $0) } ?? .changed
        }
    }

    /// A racily clean file: unchanged if its bytes still hash to what the index holds.
    private struct Suspect {
        var path: String
        var signature: FileSystem.Signature
        var hash: Int64
    }

    private struct Plan {
        var changed: [(path: String, signature: FileSystem.Signature)] = []
        var suspects: [Suspect] = []
        var removed: [String] = []
        var folders: [(path: String, signature: FileSystem.Signature?)] = []
        var scanned: Set<String> = []
    }

    func run(check: FreshnessCheck) throws -> Report {
        var report = Report()
        var plan = Plan()
        // The cheap pass: one relative stat per known folder, on all cores. Nothing else is
        // loaded unless a folder changed.
        let folders = try loadGroups(sql: "SELECT path, mtime_ns, inode, checked_ns FROM folder", pathColumns: .path, keeping: { _ in true })
        report.foldersChecked = folders.reduce(0) { $0 + $1.known.count }
        var changed: [(path: String, signature: FileSystem.Signature)] = []
        var vanished: [String] = []
        for mismatch in Self.compare(folders, root: root, folders: true).mismatches {
            if let signature = mismatch.signature {
                changed.append((mismatch.path, signature))
            } else {
                vanished.append(mismatch.path)
            }
        }
        if report.foldersChecked == 0 {
            try scanNew([""], into: &plan)
        } else if !changed.isEmpty || !vanished.isEmpty {
            let knownFolders = Set(try String.fetchAll(db, sql: "SELECT path FROM folder"))
            for path in vanished {
                // Gone: forget its files (its subfolders are known folders too, handled alike).
                plan.removed += try Row.fetchAll(db.cachedStatement(sql: "SELECT folder, name FROM file WHERE folder = ?"), arguments: [path])
                    .map { IndexReader.path($0) }
                plan.folders.append((path, nil))
            }
            try scanKnown(changed, knownFolders: knownFolders, into: &plan)
        }
        if check == .files {
            try compareFiles(sql: "SELECT folder, name, size, mtime_ns, inode, checked_ns, hash FROM file", skipping: plan.scanned, into: &plan)
        } else {
            // Files that could not be indexed (a conflict a merge left, a broken edit) are what
            // a user fixes next, often in place, which leaves the folder's signature as it was:
            // they are compared one by one on every check (usually none).
            try compareFiles(sql: """
                SELECT folder, name, size, mtime_ns, inode, checked_ns, hash FROM file JOIN problem ON problem.file_id = file.id
                ORDER BY folder, name
                """, skipping: plan.scanned, into: &plan)
        }
        try execute(plan, report: &report)
        return report
    }

    private func absolute(_ path: String) -> String { path.isEmpty ? root : root + "/" + path }

    private func join(_ folder: String, _ name: String) -> String { folder.isEmpty ? name : folder + "/" + name }

    /// Whether an entry of `folder` holds store data: the data folders at the top, and every
    /// non-hidden entry below them (`.DS_Store`, editor swap files and the like are skipped).
    private func isData(_ name: String, isDirectory: Bool, in folder: String) -> Bool {
        if folder.isEmpty { return isDirectory && StoreLayout.dataFolders.contains(name) }
        return !name.hasPrefix(".")
    }

    /// Folders the index knows whose signature changed: compare their entries with the index.
    private func scanKnown(_ changed: [(path: String, signature: FileSystem.Signature)], knownFolders: Set<String>,
                           into plan: inout Plan) throws {
        let changedPaths = Set(changed.map(\.path))
        // What the index holds for those folders: one scan when many changed, else per folder.
        var known: [String: KnownEntries] = [:]
        if changed.count > 64 {
            for group in try loadGroups(sql: "SELECT folder, name, size, mtime_ns, inode, checked_ns, hash FROM file", pathColumns: .folderAndName,
                                        keeping: { changedPaths.contains($0) }) {
                known[group.folder] = group
            }
        } else {
            for (folder, _) in changed {
                for group in try loadGroups(sql: "SELECT folder, name, size, mtime_ns, inode, checked_ns, hash FROM file WHERE folder = ?",
                                            binding: folder, pathColumns: .folderAndName, keeping: { _ in true }) {
                    known[group.folder] = group
                }
            }
        }
        let listings = Self.list(changed.map(\.path), root: root)
        var newFolders: [String] = []
        for ((folder, signature), listing) in zip(changed, listings) {
            plan.scanned.insert(folder)
            plan.folders.append((folder, signature))
            var knownFiles: [String: Signed] = [:]
            if let group = known[folder] {
                knownFiles.reserveCapacity(group.offsets.count)
                group.names.withUnsafeBufferPointer { names in
                    for (position, offset) in group.offsets.enumerated() {
                        let name = String(cString: UnsafeRawPointer(names.baseAddress! + offset).assumingMemoryBound(to: CChar.self))
                        knownFiles[name] = group.known[position]
                    }
                }
            }
            for entry in listing where isData(entry.name, isDirectory: entry.isDirectory, in: folder) {
                if entry.isDirectory {
                    let path = join(folder, entry.name)
                    if !knownFolders.contains(path) { newFolders.append(path) }
                } else if let current = entry.signature {
                    switch knownFiles.removeValue(forKey: entry.name)?.compare(current) {
                    case .same?: break
                    case .racy(let hash)?: plan.suspects.append(Suspect(path: join(folder, entry.name), signature: current, hash: hash))
                    case .changed?, nil: plan.changed.append((join(folder, entry.name), current))
                    }
                }
            }
            plan.removed += knownFiles.keys.map { join(folder, $0) }
        }
        if !newFolders.isEmpty { try scanNew(newFolders, into: &plan) }
    }

    /// Folders the index has never seen: everything in them is new. Walks level by level,
    /// listing each level's folders on all cores.
    private func scanNew(_ folders: [String], into plan: inout Plan) throws {
        var level = folders
        while !level.isEmpty {
            let listings = Self.list(level, root: root)
            var next: [String] = []
            for (folder, listing) in zip(level, listings) {
                guard let signature = FileSystem.folderSignature(absolute(folder), followingLinks: folder.isEmpty) else { continue }
                plan.scanned.insert(folder)
                plan.folders.append((folder, signature))
                for entry in listing where isData(entry.name, isDirectory: entry.isDirectory, in: folder) {
                    let path = join(folder, entry.name)
                    if entry.isDirectory {
                        next.append(path)
                    } else if let current = entry.signature {
                        plan.changed.append((path, current))
                    }
                }
            }
            level = next
        }
    }

    /// A folder's entries with their signatures.
    struct Listing: Sendable {
        var name: String
        var isDirectory: Bool
        var signature: FileSystem.Signature?
    }

    /// Lists folders and takes every entry's signature (relative to the folder), on all cores.
    static func list(_ folders: [String], root: String) -> [[Listing]] {
        let results = UnsafeMutableBufferPointer<[Listing]>.allocate(capacity: folders.count)
        defer { results.deallocate() }
        nonisolated(unsafe) let output = results
        let workers = folders.count < 8 ? 1 : ProcessInfo.processInfo.activeProcessorCount
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: folders.count, by: workers) {
                let folder = folders[index].isEmpty ? root : root + "/" + folders[index]
                var listing: [Listing] = []
                // Folders below the root are never followed through a link (see FileSystem.Folders).
                let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (folders[index].isEmpty ? 0 : O_NOFOLLOW))
                if descriptor >= 0 {
                    for entry in (try? FileSystem.entries(folder)) ?? [] {
                        var info = stat()
                        let signature = fstatat(descriptor, entry.name, &info, AT_SYMLINK_NOFOLLOW) == 0 ? FileSystem.Signature(info) : nil
                        listing.append(Listing(name: entry.name, isDirectory: entry.isDirectory, signature: signature))
                    }
                    close(descriptor)
                }
                (output.baseAddress! + index).initialize(to: listing)
            }
        }
        let array = Array(results)
        _ = results.deinitialize()
        return array
    }

    /// The files (or folders) of one folder as the index knows them, packed for a fast
    /// comparison: names NUL-terminated in one buffer (ready for `fstatat`), signatures alongside.
    private struct KnownEntries: Sendable {
        var folder: String
        var names: [UInt8] = []
        var offsets: [Int] = []
        var known: [Signed] = []
    }

    /// How a query names its entries: `folder, name` columns, or one `path` column.
    private enum PathColumns {
        case folderAndName
        case path
    }

    /// Runs a query whose columns are the entry's path (see `pathColumns`) then size (for files
    /// only), mtime, inode, checked time and (files only) content hash, and groups the entries
    /// by parent folder. Reads raw column bytes: no Swift string per entry. Rows should arrive
    /// sorted by path. Only groups whose folder `keeping` accepts are kept.
    private func loadGroups(sql: String, binding parameter: String? = nil, pathColumns: PathColumns,
                            keeping: (String) -> Bool) throws -> [KnownEntries] {
        var groups: [KnownEntries] = []
        var current: [UInt8]?
        var skipped = false
        try FastStatement(db, sql).forEachRow(binding: { if let parameter { $0.text(parameter) } }) { row in
            let folder: UnsafeBufferPointer<UInt8>
            let name: UnsafeBufferPointer<UInt8>
            var column: Int32
            switch pathColumns {
            case .folderAndName:
                (folder, name, column) = (row.bytes(0), row.bytes(1), 2)
            case .path:
                let path = row.bytes(0)
                if let slash = path.lastIndex(of: UInt8(ascii: "/")) {
                    folder = UnsafeBufferPointer(rebasing: path[..<slash])
                    name = UnsafeBufferPointer(rebasing: path[(slash + 1)...])
                } else {
                    // A top-level folder, or the store root ('' is named '.' relative to itself).
                    folder = UnsafeBufferPointer(rebasing: path[0..<0])
                    name = path.isEmpty ? UnsafeBufferPointer(start: Self.dot, count: 1) : path
                }
                column = 1
            }
            if current.map({ !$0.elementsEqual(folder) }) ?? true {
                current = Array(folder)
                let path = String(decoding: folder, as: UTF8.self)
                skipped = !keeping(path)
                if !skipped { groups.append(KnownEntries(folder: path)) }
            }
            guard !skipped else { return }
            let size = pathColumns == .path ? 0 : row.int(column)
            if pathColumns == .folderAndName { column += 1 }
            let last = groups.count - 1
            groups[last].offsets.append(groups[last].names.count)
            groups[last].names.append(contentsOf: name)
            groups[last].names.append(0)
            groups[last].known.append(Signed(
                signature: FileSystem.Signature(size: size, modificationNanoseconds: row.int(column), inode: row.int(column + 1)),
                checked: row.int(column + 2), hash: pathColumns == .path ? nil : row.optionalInt(column + 3)))
        }
        return groups
    }

    nonisolated(unsafe) private static let dot: UnsafePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 2)
        pointer[0] = UInt8(ascii: ".")
        pointer[1] = 0
        return UnsafePointer(pointer)
    }()

    /// Compares known entries with the disk on all cores, each `stat` relative to the entry's
    /// folder. Returns the entries that differ (signature nil: gone), and racily clean files with
    /// the hash they must still have. For folders, an entry must be a folder, sizes are not
    /// compared, and a racy folder counts as changed (it is listed again).
    private static func compare(_ groups: [KnownEntries], root: String, folders: Bool)
        -> (mismatches: [(path: String, signature: FileSystem.Signature?)], suspects: [Suspect]) {
        let workers = groups.count < 4 ? 1 : ProcessInfo.processInfo.activeProcessorCount
        let results = UnsafeMutableBufferPointer<([(path: String, signature: FileSystem.Signature?)], [Suspect])>.allocate(capacity: groups.count)
        defer { results.deallocate() }
        nonisolated(unsafe) let output = results
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: groups.count, by: workers) {
                let group = groups[index]
                let descriptor = group.folder.isEmpty ? open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                    : open(root + "/" + group.folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
                var mismatches: [(path: String, signature: FileSystem.Signature?)] = []
                var suspects: [Suspect] = []
                group.names.withUnsafeBufferPointer { names in
                    let base = UnsafeRawPointer(names.baseAddress!).assumingMemoryBound(to: CChar.self)
                    for (position, offset) in group.offsets.enumerated() {
                        var info = stat()
                        var current: FileSystem.Signature?
                        if descriptor >= 0, fstatat(descriptor, base + offset, &info, AT_SYMLINK_NOFOLLOW) == 0 {
                            if !folders {
                                current = FileSystem.Signature(info)
                            } else if (info.st_mode & S_IFMT) == S_IFDIR {
                                current = FileSystem.Signature(info)
                                current!.size = 0
                            }
                        }
                        func path() -> String {
                            let name = String(cString: base + offset)
                            return name == "." ? "" : group.folder.isEmpty ? name : group.folder + "/" + name
                        }
                        switch current.map({ group.known[position].compare($0) }) {
                        case .same?: break
                        case .racy(let hash)? where !folders: suspects.append(Suspect(path: path(), signature: current!, hash: hash))
                        default: mismatches.append((path(), current))
                        }
                    }
                }
                if descriptor >= 0 { close(descriptor) }
                (output.baseAddress! + index).initialize(to: (mismatches, suspects))
            }
        }
        let all = (results.flatMap(\.0), results.flatMap(\.1))
        _ = results.deinitialize()
        return all
    }

    /// The thorough pass: every indexed file outside the folders already scanned. One scan of
    /// the file table (clustered by path, so it arrives folder by folder).
    private func compareFiles(sql: String, skipping scanned: Set<String>, into plan: inout Plan) throws {
        let groups = try loadGroups(sql: sql, pathColumns: .folderAndName, keeping: { !scanned.contains($0) })
        let (mismatches, suspects) = Self.compare(groups, root: root, folders: false)
        for mismatch in mismatches {
            if let signature = mismatch.signature {
                plan.changed.append((mismatch.path, signature))
            } else {
                plan.removed.append(mismatch.path)
            }
        }
        plan.suspects += suspects
    }

    /// Parses the changed files on all cores, a batch at a time, and indexes them in order.
    /// While one batch is inserted, the next is parsed. On an empty index (a rebuild) the files
    /// are known to be new, which saves looking up and clearing old rows.
    private func execute(_ plan: Plan, report: inout Report) throws {
        var plan = plan
        let writer = IndexWriter(db: db)
        // Racily clean files: read and hash them on all cores; a different hash is a change.
        // A file read after its racy window is trusted from the time of the read on (a change
        // after the read would have moved its mtime); one read inside the window stays racy.
        let started = FileSystem.nowNanoseconds()
        let hashes = Self.hashConcurrently(plan.suspects.map(\.path), root: root)
        var confirmed: Set<String> = []
        for (suspect, hash) in zip(plan.suspects, hashes) {
            if hash != suspect.hash {
                plan.changed.append((suspect.path, suspect.signature))
            } else if suspect.signature.modificationNanoseconds + Self.racyWindow < started {
                confirmed.insert(FileSystem.parentPath(suspect.path))
            }
        }
        // One statement per folder rather than per file. Every file of a folder with a suspect
        // was compared; those that differed are reindexed below, which stamps them again.
        for folder in confirmed { try writer.confirmRacySignatures(inFolder: folder, checkedAt: started, window: Self.racyWindow) }
        report.verified = plan.suspects.count
        for path in plan.removed { try writer.removeFile(path: path) }
        report.removed = plan.removed.count
        // Types first: nodes are checked against their type as they are indexed.
        let changed = plan.changed.sorted { ($0.path.hasPrefix("types/") ? 0 : 1, $0.path) < ($1.path.hasPrefix("types/") ? 0 : 1, $1.path) }
        var validator = NodeValidator(reader: IndexReader(db: db))
        let allNew = report.foldersChecked == 0
        let batches = stride(from: 0, to: changed.count, by: Self.batchSize).map {
            Array(changed[$0..<min($0 + Self.batchSize, changed.count)])
        }
        var next = batches.first.map { parseInBackground($0.map(\.path)) }
        var done = 0
        for (number, batch) in batches.enumerated() {
            let parsed = next!.wait()
            next = number + 1 < batches.count ? parseInBackground(batches[number + 1].map(\.path)) : nil
            for (file, (parsed, hash)) in zip(batch, parsed) {
                let content = try validator.check(parsed, path: file.path)
                let problem = allNew
                    ? try writer.indexNew(path: file.path, content: content, signature: file.signature, hash: hash)
                    : try writer.reindex(path: file.path, content: content, signature: file.signature, hash: hash)
                if let problem { report.problems.append(problem) }
            }
            done += batch.count
            progress?(IndexProgress(done: done, total: changed.count))
        }
        report.indexed = changed.count
        try writer.settleContextTimes()
        for folder in plan.folders { try writer.setFolderSignature(folder.path, folder.signature) }
    }

    static let batchSize = 1024

    /// Checks node files against the rules the writer enforces (``EntityRules``), with the type
    /// their `type_id` names in the index: a node that breaks one is indexed as a problem of its
    /// file (reads leave it out and say so) rather than as a node. A node whose type is missing
    /// is indexed as it is (`mlmd fsck` reports the dangling reference). Nodes are not checked
    /// again when only their type's file changes; `mlmd fsck` checks every node against the
    /// types of its store.
    struct NodeValidator {
        let reader: IndexReader
        private var types: [Int64: TypeRecord?] = [:]

        init(reader: IndexReader) {
            self.reader = reader
        }

        mutating func check(_ content: ParsedFile, path: String) throws -> ParsedFile {
            switch content {
            case .artifact(let node): try check(node, path: path) ?? content
            case .execution(let node): try check(node, path: path) ?? content
            case .context(let node): try check(node, path: path) ?? content
            case .type, .edges, .origins, .problem: content
            }
        }

        /// The problem the node's file is indexed as, or nil when the node is valid.
        private mutating func check<N: NodeCoding>(_ node: N, path: String) throws -> ParsedFile? {
            guard let typeID = node.typeID else { return nil }
            let type: TypeRecord?
            if let known = types[typeID] {
                type = known
            } else {
                type = try reader.type(id: typeID)
                types[typeID] = type
            }
            guard let type, let problem = EntityRules.problems(of: node, type: type).first else { return nil }
            return .problem(StoreError(.dataLoss, "invalid \(N.kind.messageName): \(problem.message)", path: path, field: problem.field))
        }
    }

    /// Parses files on other threads; `wait()` returns the results.
    private func parseInBackground(_ paths: [String]) -> PendingParse {
        let pending = PendingParse()
        let root = self.root
        DispatchQueue.global().async {
            pending.finish(Self.parseConcurrentlyHashed(paths, root: root))
        }
        return pending
    }

    final class PendingParse: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: [(ParsedFile, Int64?)] = []

        func finish(_ result: [(ParsedFile, Int64?)]) {
            self.result = result
            done.signal()
        }

        func wait() -> [(ParsedFile, Int64?)] {
            done.wait()
            return result
        }
    }

    /// Parses files already in memory, on all cores.
    static func parse(_ files: [(path: String, bytes: [UInt8])]) -> [ParsedFile] {
        concurrentMap(files.count) { ParsedFile.parse(files[$0].bytes, path: files[$0].path) }
    }

    static func parseConcurrently(_ paths: [String], root: String) -> [ParsedFile] {
        parseConcurrentlyHashed(paths, root: root).map(\.0)
    }

    /// The ``ContentHash`` of each file (nil: unreadable), on all cores.
    static func hashConcurrently(_ paths: [String], root: String) -> [Int64?] {
        concurrentMap(paths.count) { (try? FileSystem.readFile(root + "/" + paths[$0])).map(ContentHash.of) }
    }

    static func parseConcurrentlyHashed(_ paths: [String], root: String) -> [(ParsedFile, Int64?)] {
        concurrentMap(paths.count) { ParsedFile.readHashed(paths[$0], root: root) }
    }

    /// `(0..<count).map(transform)`, with the calls spread over all cores.
    private static func concurrentMap<T>(_ count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
        let results = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
        defer { results.deallocate() }
        nonisolated(unsafe) let output = results
        DispatchQueue.concurrentPerform(iterations: count) { index in
            (output.baseAddress! + index).initialize(to: transform(index))
        }
        let array = Array(results)
        _ = results.deinitialize()
        return array
    }
}
