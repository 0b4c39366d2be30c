import Foundation
import MLMetadata

extension StoreRepository {
    /// The name of the git diff and merge drivers for store files.
    public static let diffDriverName = "mlmd"

    /// Registers the `mlmd` drivers in the repository's own config (`.git/config`; git never
    /// shares config through a clone, so each clone runs this once) and makes sure the store's
    /// `.gitattributes` assigns them:
    /// - the diff driver, so that `git diff` and `git log -p` show store files field by field
    ///   (`diff.mlmd.textconv = <mlmd> textconv`, ``StoreFileText``);
    /// - the merge driver, so that `git merge`, `rebase`, `cherry-pick` and the like merge store
    ///   files field by field (`merge.mlmd.driver = <mlmd> merge-file %O %A %B %P`,
    ///   ``StoreFileMerge``).
    ///
    /// `mlmd` is how git should run the tool: `mlmd` when it is on the PATH, else its full path.
    /// Returns whether anything changed.
    @discardableResult
    public func installDrivers(mlmd: String) throws -> Bool {
        let repository = try GitRepository(containing: store.path)
        let name = Self.diffDriverName
        var changed = try repository.setLocalConfig([
            ("diff.\(name).textconv", "\(mlmd) textconv"),
            ("merge.\(name).name", "MLMetadata store files, field by field"),
            ("merge.\(name).driver", "\(mlmd) merge-file %O %A %B %P"),
        ])
        let attributes = URL(fileURLWithPath: store.path).appendingPathComponent(".gitattributes").path
        var text = (try? String(contentsOfFile: attributes, encoding: .utf8)) ?? ""
        func append(_ lines: String) {
            text = (text.isEmpty || text.hasSuffix("\n") ? text : text + "\n") + lines
            changed = true
        }
        if !text.contains("diff=\(name)") {
            append("# Field-by-field diffs of store files (mlmd git setup).\n*.json diff=\(name)\n*.jsonl diff=\(name)\n")
        }
        if !text.contains("merge=\(name)") {
            append("# Field-by-field merges of store files (mlmd git setup).\n*.json merge=\(name)\n*.jsonl merge=\(name)\n")
        }
        if changed { try Data(text.utf8).write(to: URL(fileURLWithPath: attributes), options: .atomic) }
        return changed
    }
}
