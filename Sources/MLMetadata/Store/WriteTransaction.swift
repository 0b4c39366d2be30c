internal import GRDB

/// One write call in progress: reads see the index including this call's own changes, and
/// every entity or edge it stores is indexed at once and queued as a file write.
///
/// Created by ``StoreCore/write(_:)``; the call's logic lives in the `put…` functions of
/// ``MetadataStore``, which use this class and nothing lower.
final class WriteTransaction {
    let core: StoreCore
    let db: Database
    let reader: IndexReader
    private let writer: IndexWriter
    /// The time of this call, in milliseconds since the Unix epoch: every timestamp it sets.
    let now: Int64

    /// Store-relative path → new bytes, in the order the call produced them.
    private var pendingFiles: [String: [UInt8]] = [:]
    private var pendingOrder: [String] = []
    private var fileIDs: [String: Int64] = [:]
    /// The signature the index recorded for each file this call writes (nil: a new file).
    private var expectedSignatures: [String: FileSystem.Signature?] = [:]

    /// A file this call writes changed on disk since the index last read it.
    struct StaleIndex: Error {
        var path: String
    }

    /// This call's edge files, the last one still filling; each holds at most ``edgesPerFile``.
    private var edgeFiles: [(path: String, id: Int64, edges: [EdgeFile.Edge])] = []
    /// Big calls (an import) spread their edges over several files, so that no edge file grows
    /// beyond what a diff or an editor shows comfortably (about 2 MB).
    static let edgesPerFile = 10_000

    init(core: StoreCore, db: Database) {
        self.core = core
        self.db = db
        self.reader = IndexReader(db: db)
        self.writer = IndexWriter(db: db)
        self.now = core.options.clock.now()
    }

    /// A new time-ordered id for a node; never one the store already has (a deterministic clock
    /// replayed over an existing store would otherwise mint ids that are taken).
    func newNodeID(kind: NodeKind) throws -> Int64 {
        var id = core.ids.next(at: now)
        while try reader.nodeExists(kind: kind, id: id) { id = core.ids.next(at: now) }
        return id
    }

    // MARK: - Entities

    func store(_ type: TypeRecord) throws {
        let path = try reader.filePath(ofType: type.id) ?? StoreLayout.typePath(kind: type.kind, name: type.name, version: type.version)
        let bytes = JSONWriter.fileBytes(type.json)
        let fileID = try claim(path, for: "\(type.kind.messageName) '\(type.displayName)'")
        try writer.upsertType(type, fileID: fileID, body: bytes)
        queue(path, bytes)
    }

    /// Stores a node the call created (`isNew`) or changed.
    func store<N: NodeCoding>(_ node: N, type: TypeRecord, isNew: Bool) throws {
        guard let id = node.id, let createTime = node.createTimeSinceEpoch else {
            preconditionFailure("storing a node without id or create time")
        }
        let existingPath = isNew ? nil : try reader.filePath(ofNode: N.kind, id: id)
        let path = existingPath ?? StoreLayout.nodePath(kind: N.kind, typeStem: type.stem, id: id, createTime: createTime)
        // A context's file carries no times (format 2): this call's edge file records them.
        let stored = node.fileForm(formatVersion: StoreManifest.currentVersion)
        let bytes = JSONWriter.fileBytes(stored.json)
        guard bytes.count <= NameRules.maximumFileBytes else {
            throw StoreError.invalidArgument("\(N.kind.messageName) \(node.name.map { "'\(NameRules.preview($0))'" } ?? String(id)) "
                + "would take \(bytes.count) bytes, more than the \(NameRules.maximumFileBytes)-byte limit of an entity file")
        }
        let fileID = try claim(path, for: "\(N.kind.messageName) \(id)")
        try writer.upsertNode(stored, fileID: fileID, isNew: isNew)
        queue(path, bytes)
        if N.kind == .context {
            try add(.contextTimes(ContextTimes(contextID: id, createTime: node.createTimeSinceEpoch,
                                               updateTime: node.lastUpdateTimeSinceEpoch)))
            try writer.settleContextTimes()
        }
    }

    /// The file row for a path this call writes. Refuses to overwrite a store file that exists
    /// but could not be indexed: that file is the user's to fix, and nothing else is touched.
    private func claim(_ path: String, for what: String) throws -> Int64 {
        if let id = fileIDs[path] { return id }
        let id: Int64
        if let state = try reader.fileState(path: path) {
            if let problem = state.problem {
                throw StoreError(.failedPrecondition, "cannot write \(what): its file exists but is unreadable (\(problem)); fix or remove it first",
                                 path: path)
            }
            id = state.id
            expectedSignatures[path] = state.signature
        } else {
            id = try writer.fileID(for: path)
            expectedSignatures[path] = .some(nil)
        }
        fileIDs[path] = id
        return id
    }

    private func queue(_ path: String, _ bytes: [UInt8]) {
        if pendingFiles.updateValue(bytes, forKey: path) == nil { pendingOrder.append(path) }
    }

    // MARK: - Edges

    /// Adds an edge to this call's edge file (created on first use) and to the index.
    func add(_ edge: EdgeFile.Edge) throws {
        if edgeFiles.isEmpty || edgeFiles[edgeFiles.count - 1].edges.count >= Self.edgesPerFile {
            let path = try freshPath { StoreLayout.edgePath(batchID: $0, time: now) }
            edgeFiles.append((path, try claim(path, for: "the edge file of this call"), []))
        }
        let fileID = edgeFiles[edgeFiles.count - 1].id
        switch edge {
        case .event(let event): try writer.insertEvent(event, fileID: fileID)
        case .attribution(let edge): try writer.insertAttribution(edge, fileID: fileID)
        case .association(let edge): try writer.insertAssociation(edge, fileID: fileID)
        case .parentContext(let edge): try writer.insertParentContext(edge, fileID: fileID)
        case .contextTimes(let times): try writer.insertContextTimes(times, fileID: fileID)
        }
        edgeFiles[edgeFiles.count - 1].edges.append(edge)
    }

    // MARK: - Origins

    /// Indexes `origins` and queues new origins files for their source (at most
    /// ``edgesPerFile`` lines each).
    func addOrigins(_ origins: [Origin], source: String) throws {
        for start in stride(from: 0, to: origins.count, by: Self.edgesPerFile) {
            let chunk = Array(origins[start..<min(start + Self.edgesPerFile, origins.count)])
            let path = try freshPath { StoreLayout.originPath(source: source, batchID: $0) }
            let fileID = try claim(path, for: "an origins file of this import")
            for origin in chunk { try writer.insertOrigin(origin, fileID: fileID) }
            queue(path, OriginFile.bytes(chunk))
        }
    }

    /// A path for a new file named by a fresh batch id, which neither the index nor the disk has.
    private func freshPath(_ path: (Int64) -> String) throws -> String {
        var candidate = path(core.ids.next(at: now))
        while try reader.fileState(path: candidate) != nil || FileSystem.exists(core.absolute(candidate)) {
            candidate = path(core.ids.next(at: now))
        }
        return candidate
    }

    // MARK: - Completion

    /// The journal of this call: every file it writes, with its bytes before and after.
    func finish() throws -> Journal {
        for file in edgeFiles where !file.edges.isEmpty {
            queue(file.path, EdgeFile.bytes(file.edges))
        }
        var entries: [Journal.Entry] = []
        for path in pendingOrder {
            let new = pendingFiles[path]!
            let absolute = core.absolute(path)
            // The call was validated against the index: the files must still be what it read.
            let current = FileSystem.signature(absolute)
            if current != expectedSignatures[path] ?? nil { throw StaleIndex(path: path) }
            let old = current != nil ? try FileSystem.readFile(absolute) : nil
            // Rewriting a file with the bytes it already has is not a change.
            if old == new { continue }
            entries.append(Journal.Entry(path: path, old: old, new: new))
        }
        return Journal(entries: entries)
    }

    /// The folders the journal's files go into (and the new folders' existing ancestors), with
    /// their signatures before the files are written.
    func foldersBefore(_ journal: Journal) -> [(path: String, signature: FileSystem.Signature?)] {
        var seen: Set<String> = []
        var out: [(String, FileSystem.Signature?)] = []
        for entry in journal.entries {
            var folder = FileSystem.parentPath(entry.path)
            while seen.insert(folder).inserted {
                let signature = FileSystem.folderSignature(folder.isEmpty ? core.root : core.absolute(folder), followingLinks: folder.isEmpty)
                out.append((folder, signature))
                // Only a folder that is about to be created changes its parent too.
                if signature != nil || folder.isEmpty { break }
                folder = FileSystem.parentPath(folder)
            }
        }
        return out
    }

    /// After the files are in place: remember their signatures and their folders', so that a
    /// later refresh knows they are what the index holds. A folder that had changed before this
    /// call (unseen by the index) keeps its old signature, so that the refresh still looks at it.
    func recordSignatures(folders: [(path: String, signature: FileSystem.Signature?)]) throws {
        for path in pendingOrder {
            guard let id = fileIDs[path] else { continue }
            try writer.setSignature(fileID: id, FileSystem.signature(core.absolute(path)), hash: pendingFiles[path].map(ContentHash.of))
        }
        for (folder, before) in folders where try reader.folderSignature(path: folder) == before {
            try writer.setFolderSignature(folder, FileSystem.folderSignature(folder.isEmpty ? core.root : core.absolute(folder), followingLinks: folder.isEmpty))
        }
    }
}
