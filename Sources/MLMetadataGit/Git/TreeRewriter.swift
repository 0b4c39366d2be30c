internal import CGit2
import MLMetadata

/// Builds a new root tree from a base tree and a set of changed files, rewriting only the
/// trees on the changed files' paths; every other subtree is reused by id.
struct TreeRewriter {
    let repository: GitRepository

    /// A change to one file: its new blob, or nil to remove it.
    struct Change {
        var path: String
        var blob: GitOID?
        var executable = false
    }

    /// Folders of changes, keyed by name.
    private final class Folder {
        var files: [String: Change] = [:]
        var folders: [String: Folder] = [:]
    }

    /// The id of `base` (nil: empty) with `changes` applied.
    func rewrite(base: GitOID?, changes: [Change]) throws -> GitOID {
        let root = Folder()
        for change in changes {
            var folder = root
            let parts = change.path.split(separator: "/").map(String.init)
            for part in parts.dropLast() {
                if let next = folder.folders[part] {
                    folder = next
                } else {
                    let next = Folder()
                    folder.folders[part] = next
                    folder = next
                }
            }
            folder.files[parts.last!] = change
        }
        return try write(root, base: base) ?? emptyTree()
    }

    /// Writes `folder` over `base`; nil when the result is empty (git has no empty trees).
    private func write(_ folder: Folder, base: GitOID?) throws -> GitOID? {
        var baseTree: OpaquePointer?
        if let base { baseTree = try repository.lookupTree(base) }
        defer { if let baseTree { git_tree_free(baseTree) } }
        var builder: OpaquePointer?
        try Git.check(git_treebuilder_new(&builder, repository.handle, baseTree), "start a tree")
        defer { git_treebuilder_free(builder) }

        for (name, subfolder) in folder.folders {
            var existing: GitOID?
            if let baseTree, let entry = git_tree_entry_byname(baseTree, name), git_tree_entry_type(entry) == GIT_OBJECT_TREE {
                existing = GitOID(git_tree_entry_id(entry).pointee)
            }
            if let written = try write(subfolder, base: existing) {
                var oid = written.raw
                try Git.check(git_treebuilder_insert(nil, builder, name, &oid, GIT_FILEMODE_TREE), "add folder \(name)")
            } else if git_treebuilder_get(builder, name) != nil {
                try Git.check(git_treebuilder_remove(builder, name), "remove folder \(name)")
            }
        }
        for (name, change) in folder.files {
            if let blob = change.blob {
                var oid = blob.raw
                let mode = change.executable ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB
                try Git.check(git_treebuilder_insert(nil, builder, name, &oid, mode), "add \(change.path)")
            } else if git_treebuilder_get(builder, name) != nil {
                try Git.check(git_treebuilder_remove(builder, name), "remove \(change.path)")
            }
        }
        guard git_treebuilder_entrycount(builder) > 0 else { return nil }
        var oid = git_oid()
        try Git.check(git_treebuilder_write(&oid, builder), "write a tree")
        repository.wrote(GitOID(oid))
        return GitOID(oid)
    }

    private func emptyTree() throws -> GitOID {
        var builder: OpaquePointer?
        try Git.check(git_treebuilder_new(&builder, repository.handle, nil), "start a tree")
        defer { git_treebuilder_free(builder) }
        var oid = git_oid()
        try Git.check(git_treebuilder_write(&oid, builder), "write the empty tree")
        repository.wrote(GitOID(oid))
        return GitOID(oid)
    }
}
