import Dispatch
import GRDB

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
/// too. Then the changed files are parsed on all cores and indexed.
struct Refresh {
    struct Report {
        var indexed = 0
        var removed = 0
        var foldersChecked = 0
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
        func matches(_ current: FileSystem.Signature) -> Bool {
            signature == current && current.modificationNanoseconds + Refresh.racyWindow < checked
        }
    }

    private struct Plan {
        var changed: [(path: String, signature: FileSystem.Signature)] = []
        var removed: [String] = []
        var folders: [(path: String, signature: FileSystem.Signature?)] = []
        var scanned: Set<String> = []
    }

    func run(check: FreshnessCheck) throws -> Report {
        var report = Report()
        var plan = Plan()
        let knownFolders = try loadFolders()
        report.foldersChecked = knownFolders.count
        if knownFolders.isEmpty {
            try scanNew("", into: &plan)
        } else {
            for (path, known) in knownFolders {
                guard let current = FileSystem.folderSignature(absolute(path)) else {
                    // Gone: forget its files (its subfolders are known folders too, handled alike).
                    plan.removed += try Row.fetchAll(db.cachedStatement(sql: "SELECT folder, name FROM file WHERE folder = ?"), arguments: [path])
                        .map { IndexReader.path($0) }
                    plan.folders.append((path, nil))
                    continue
                }
                if !known.matches(current) {
                    try scanKnown(path, signature: current, knownFolders: knownFolders, into: &plan)
                }
            }
        }
        if check == .files { try compareAllFiles(skipping: plan.scanned, into: &plan) }
        try execute(plan, report: &report)
        return report
    }

    private func absolute(_ path: String) -> String { path.isEmpty ? root : root + "/" + path }

    private func join(_ folder: String, _ name: String) -> String { folder.isEmpty ? name : folder + "/" + name }

    /// Whether an entry of `folder` holds store data: the data folders at the top, and every
    /// non-hidden entry below them (`.DS_Store`, editor swap files and the like are skipped).
    private func isData(_ entry: FileSystem.Entry, in folder: String) -> Bool {
        if folder.isEmpty { return entry.isDirectory && StoreLayout.dataFolders.contains(entry.name) }
        return !entry.name.hasPrefix(".")
    }

    private func loadFolders() throws -> [String: Signed] {
        var out: [String: Signed] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT path, mtime_ns, inode, checked_ns FROM folder")
        while let row = try rows.next() {
            out[row[0]] = Signed(signature: FileSystem.Signature(size: 0, modificationNanoseconds: row[1], inode: row[2]), checked: row[3])
        }
        return out
    }

    /// A folder the index knows whose signature changed: compare its entries with the index.
    private func scanKnown(_ folder: String, signature: FileSystem.Signature, knownFolders: [String: Signed],
                           into plan: inout Plan) throws {
        plan.scanned.insert(folder)
        plan.folders.append((folder, signature))
        var knownFiles: [String: Signed] = [:]
        let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT folder, name, size, mtime_ns, inode, checked_ns FROM file WHERE folder = ?"),
                                       arguments: [folder])
        while let row = try rows.next() {
            knownFiles[IndexReader.path(row)] = Signed(signature: FileSystem.Signature(size: row[2], modificationNanoseconds: row[3], inode: row[4]),
                                                       checked: row[5])
        }
        for entry in try FileSystem.entries(absolute(folder)) where isData(entry, in: folder) {
            let path = join(folder, entry.name)
            if entry.isDirectory {
                if knownFolders[path] == nil { try scanNew(path, into: &plan) }
                continue
            }
            guard let current = FileSystem.signature(absolute(path)) else { continue }
            if knownFiles.removeValue(forKey: path)?.matches(current) != true {
                plan.changed.append((path, current))
            }
        }
        plan.removed += knownFiles.keys
    }

    /// A folder the index has never seen: everything in it is new.
    private func scanNew(_ folder: String, into plan: inout Plan) throws {
        guard let signature = FileSystem.folderSignature(absolute(folder)) else { return }
        plan.scanned.insert(folder)
        plan.folders.append((folder, signature))
        for entry in try FileSystem.entries(absolute(folder)) where isData(entry, in: folder) {
            let path = join(folder, entry.name)
            if entry.isDirectory {
                try scanNew(path, into: &plan)
            } else if let current = FileSystem.signature(absolute(path)) {
                plan.changed.append((path, current))
            }
        }
    }

    /// The thorough pass: every indexed file outside the folders already scanned.
    private func compareAllFiles(skipping scanned: Set<String>, into plan: inout Plan) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT folder, name, size, mtime_ns, inode, checked_ns FROM file")
        while let row = try rows.next() {
            let folder: String = row[0]
            if scanned.contains(folder) { continue }
            let path = IndexReader.path(row)
            let known = Signed(signature: FileSystem.Signature(size: row[2], modificationNanoseconds: row[3], inode: row[4]), checked: row[5])
            if let current = FileSystem.signature(absolute(path)) {
                if !known.matches(current) { plan.changed.append((path, current)) }
            } else {
                plan.removed.append(path)
            }
        }
    }

    /// Parses the changed files on all cores, a batch at a time, and indexes them in order.
    private func execute(_ plan: Plan, report: inout Report) throws {
        let writer = IndexWriter(db: db)
        for path in plan.removed { try writer.removeFile(path: path) }
        report.removed = plan.removed.count
        let changed = plan.changed.sorted { $0.path < $1.path }
        let batchSize = 2048
        var start = 0
        while start < changed.count {
            let batch = Array(changed[start..<min(start + batchSize, changed.count)])
            let parsed = Self.parseConcurrently(batch.map(\.path), root: root)
            for (file, content) in zip(batch, parsed) {
                if let problem = try writer.reindex(path: file.path, content: content, signature: file.signature) {
                    report.problems.append(problem)
                }
            }
            start += batch.count
            progress?(IndexProgress(done: start, total: changed.count))
        }
        report.indexed = changed.count
        for folder in plan.folders { try writer.setFolderSignature(folder.path, folder.signature) }
    }

    static func parseConcurrently(_ paths: [String], root: String) -> [ParsedFile] {
        let results = UnsafeMutableBufferPointer<ParsedFile>.allocate(capacity: paths.count)
        defer { results.deallocate() }
        nonisolated(unsafe) let output = results
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            (output.baseAddress! + index).initialize(to: ParsedFile.read(paths[index], root: root))
        }
        let array = Array(results)
        _ = results.deinitialize()
        return array
    }
}
