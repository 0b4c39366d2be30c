/// The store-relative paths the library wrote since they were last committed to git, kept in
/// `.mlmd/uncommitted` (one path per line, appended by every write call) so that a commit
/// needs no scan of the working tree.
///
/// Kept only for stores inside a git working tree. Writes by other tools (a hand edit, a
/// merge) are not in it; `mlmd commit --all` finds those through git.
struct UncommittedLog: Sendable {
    let path: String

    /// The log of the store at `root`, or nil when the store is not inside a git working tree.
    static func forStore(root: String) -> UncommittedLog? {
        var folder = root
        while true {
            if FileSystem.exists(folder + "/.git") {
                return UncommittedLog(path: root + "/" + StoreLayout.privateFolder + "/uncommitted")
            }
            let parent = FileSystem.parentPath(folder)
            if parent.isEmpty || parent == folder { return nil }
            folder = parent
        }
    }

    func record(_ paths: [String]) throws(StoreError) {
        guard !paths.isEmpty else { return }
        try FileSystem.append(path, Array((paths.joined(separator: "\n") + "\n").utf8))
    }

    /// The logged paths, each once, sorted: only paths the store itself writes (a data path or
    /// one of its root files), whatever else a hand-edited or committed log holds.
    func paths() throws(StoreError) -> [String] {
        guard FileSystem.exists(path) else { return [] }
        let text = String(decoding: try FileSystem.readFile(path, limit: Int.max), as: UTF8.self)
        let rootFiles: Set<String> = [StoreLayout.manifest, StoreLayout.gitignore, StoreLayout.gitattributes]
        return Set(text.split(separator: "\n").map(String.init)).filter { StoreLayout.isDataPath($0) || rootFiles.contains($0) }.sorted()
    }

    func clear() throws(StoreError) {
        try FileSystem.remove(path)
    }
}
