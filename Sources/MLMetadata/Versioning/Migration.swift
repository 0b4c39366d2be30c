/// What ``MetadataStore/migrate()`` changed.
public struct MigrationReport: Sendable, Hashable {
    /// The format version `store.json` named before.
    public var fromVersion: Int
    /// The format version it names now (the library's).
    public var toVersion: Int
    /// Context files whose times moved into an edge file (format 2).
    public var contextsRewritten: Int

    /// Whether the store was already in the current format, with nothing to change.
    public var changedNothing: Bool { fromVersion == toVersion && contextsRewritten == 0 }
}

extension MetadataStore {
    /// Brings the store's files to the library's format version (FORMAT.md §2) and records it in
    /// `store.json`: explicitly, never as a side effect of another call.
    ///
    /// From format 1 to 2, every context file loses its `create_time_since_epoch` and
    /// `last_update_time_since_epoch`, which new lines of an edge file record instead, so that
    /// the same context created on two branches is the same file. Reads return the same times
    /// before and after. The files change in one journaled write (all or nothing); `store.json`
    /// is rewritten after it. A migration stopped between the two leaves a store that reads the
    /// same, and running it again finishes it. It is also how a context file of format 1 that a
    /// merge brought into a store of format 2 is fixed (`mlmd fsck` reports such files).
    @discardableResult
    public func migrate() throws -> MigrationReport {
        if let readOnly = core.readOnly { throw readOnly }
        let before = core.formatVersion
        let rewritten = try core.write(migrating: true) { transaction in
            var count = 0
            for id in try transaction.reader.contextsWithTimesInTheirFiles() {
                guard let context = try transaction.reader.node(id: id, as: Context.self),
                      let type = try transaction.reader.type(id: context.typeID ?? 0) else { continue }
                // Stored again in the current format: the file without its times, and an edge
                // line with the times reads returned (the earliest and the latest recorded).
                try transaction.store(context, type: type, isNew: false)
                count += 1
            }
            return count
        }
        if before != StoreManifest.currentVersion {
            try core.updateManifest { $0.formatVersion = StoreManifest.currentVersion }
        }
        return MigrationReport(fromVersion: before, toVersion: StoreManifest.currentVersion, contextsRewritten: rewritten)
    }
}
