internal import CGit2

extension GitRepository {
    /// Sets `entries` (key, value) in the repository's own config (`.git/config`), leaving the
    /// user's and the system's config alone. Returns whether any value changed.
    func setLocalConfig(_ entries: [(key: String, value: String)]) throws -> Bool {
        var config: OpaquePointer?
        try Git.check(git_repository_config(&config, handle), "open the repository's config")
        defer { git_config_free(config) }
        var local: OpaquePointer?
        try Git.check(git_config_open_level(&local, config, GIT_CONFIG_LEVEL_LOCAL), "open .git/config")
        defer { git_config_free(local) }
        var changed = false
        for (key, value) in entries {
            var current = git_buf()
            defer { git_buf_dispose(&current) }
            let found = git_config_get_string_buf(&current, local, key)
            if found != 0 || current.ptr.map({ String(cString: $0) }) != value {
                try Git.check(git_config_set_string(local, key, value), "set \(key)")
                changed = true
            }
        }
        return changed
    }
}
