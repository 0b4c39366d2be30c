internal import GRDB

extension MetadataStore {
    /// Checks the index cache itself with SQLite's `quick_check` (every page readable, every
    /// index consistent with its table); `mlmd fsck` runs it after ``checkFiles()``. A damaged
    /// cache loses nothing: ``rebuildIndex()`` (`mlmd reindex`) builds a new one from the files,
    /// and opening the store does so by itself when SQLite reports the damage.
    public func checkIndex() throws -> [StoreProblem] {
        let path = StoreLayout.privateFolder + "/index.sqlite"
        let findings: [String]
        do {
            findings = try core.index.pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
        } catch let error as DatabaseError {
            findings = [IndexDatabase.storeError(error, operation: "check the index cache").message]
        }
        return findings.filter { $0 != "ok" }.map {
            StoreProblem(kind: .unreadable, path: path, message: "the index cache is damaged (\($0)); `mlmd reindex` rebuilds it from the files")
        }
    }
}
