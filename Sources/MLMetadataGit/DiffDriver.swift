import Foundation
internal import CGit2
import MLMetadata

extension StoreRepository {
    /// The git diff driver that shows store files as ``StoreFileText`` (one field per line).
    public static let diffDriverName = "mlmd"

    /// Registers the `mlmd` diff driver so that `git diff` and `git log -p` show store files
    /// field by field: sets `diff.mlmd.textconv` to `command` (e.g. `mlmd textconv`) in the
    /// repository's own config (`.git/config`; git never shares config through a clone, so each
    /// clone runs this once) and makes sure the store's `.gitattributes` assigns the driver.
    /// Returns whether anything changed.
    @discardableResult
    public func installDiffDriver(command: String) throws -> Bool {
        let repository = try GitRepository(containing: store.path)
        var config: OpaquePointer?
        try Git.check(git_repository_config(&config, repository.handle), "open the repository's config")
        defer { git_config_free(config) }
        var local: OpaquePointer?
        try Git.check(git_config_open_level(&local, config, GIT_CONFIG_LEVEL_LOCAL), "open .git/config")
        defer { git_config_free(local) }
        let key = "diff.\(Self.diffDriverName).textconv"
        var changed = false
        var current = git_buf()
        defer { git_buf_dispose(&current) }
        let found = git_config_get_string_buf(&current, local, key)
        if found != 0 || current.ptr.map({ String(cString: $0) }) != command {
            try Git.check(git_config_set_string(local, key, command), "set \(key)")
            changed = true
        }
        let attributes = URL(fileURLWithPath: store.path).appendingPathComponent(".gitattributes").path
        let text = (try? String(contentsOfFile: attributes, encoding: .utf8)) ?? ""
        if !text.contains("diff=\(Self.diffDriverName)") {
            let lines = "# Field-by-field diffs of store files (mlmd git setup).\n*.json diff=\(Self.diffDriverName)\n*.jsonl diff=\(Self.diffDriverName)\n"
            let updated = (text.isEmpty || text.hasSuffix("\n") ? text : text + "\n") + lines
            try Data(updated.utf8).write(to: URL(fileURLWithPath: attributes), options: .atomic)
            changed = true
        }
        return changed
    }
}
