import Foundation
internal import CGit2
import MLMetadata

extension GitRepository {
    /// A path that differs, with the blob on each side (nil: absent there, or on the working
    /// tree side, where the file is read from disk).
    struct Delta {
        var path: String
        var old: GitOID?
        var new: GitOID?
        /// An unfinished merge left the path conflicted (its index entry has no stage 0).
        var isConflicted = false
    }

    /// The paths that differ between two trees (nil: the empty tree), relative to them.
    func deltas(from old: GitOID?, to new: GitOID?) throws -> [Delta] {
        let oldTree = try old.map(lookupTree)
        defer { if let oldTree { git_tree_free(oldTree) } }
        let newTree = try new.map(lookupTree)
        defer { if let newTree { git_tree_free(newTree) } }
        var options = git_diff_options()
        try Git.check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "prepare a diff")
        var diff: OpaquePointer?
        try Git.check(git_diff_tree_to_tree(&diff, handle, oldTree, newTree, &options), "compare two trees")
        defer { git_diff_free(diff) }
        return deltas(of: diff!, workingTree: false)
    }

    /// The paths under `pathspecs` that differ between a tree and the working tree, using the
    /// repository index to skip unchanged files (as `git diff <commit>` does); untracked files
    /// count as added, ignored ones do not count.
    func deltasToWorkingTree(from tree: GitOID?, pathspecs: [String]) throws -> [Delta] {
        let treeObject = try tree.map(lookupTree)
        defer { if let treeObject { git_tree_free(treeObject) } }
        var options = git_diff_options()
        try Git.check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "prepare a diff")
        options.flags = GIT_DIFF_INCLUDE_UNTRACKED.rawValue | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue
            | GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
        let pointers = pathspecs.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        var mutable = pointers
        var diff: OpaquePointer?
        try mutable.withUnsafeMutableBufferPointer { buffer in
            options.pathspec = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            try Git.check(git_diff_tree_to_workdir_with_index(&diff, handle, treeObject, &options), "compare with the working tree")
        }
        defer { git_diff_free(diff) }
        return deltas(of: diff!, workingTree: true)
    }

    private func deltas(of diff: OpaquePointer, workingTree: Bool) -> [Delta] {
        (0..<git_diff_num_deltas(diff)).compactMap { index -> Delta? in
            guard let delta = git_diff_get_delta(diff, index)?.pointee else { return nil }
            let status = delta.status
            let path = String(cString: (status == GIT_DELTA_DELETED ? delta.old_file : delta.new_file).path)
            let old: GitOID? = status == GIT_DELTA_ADDED || status == GIT_DELTA_UNTRACKED ? nil : GitOID(delta.old_file.id)
            let new: GitOID? = status == GIT_DELTA_DELETED ? nil : GitOID(delta.new_file.id)
            // A submodule or a symbolic link is not a store file; neither is a folder.
            if delta.new_file.mode == UInt16(GIT_FILEMODE_COMMIT.rawValue) || delta.old_file.mode == UInt16(GIT_FILEMODE_COMMIT.rawValue) {
                return nil
            }
            // A conflicted path has no stage-0 entry, so no old id either: the tree's blob is looked
            // up by the caller.
            if status == GIT_DELTA_CONFLICTED {
                return Delta(path: path, old: nil, new: nil, isConflicted: true)
            }
            return Delta(path: path, old: old, new: workingTree ? nil : new)
        }
    }

    /// Whether HEAD names a branch without commits (a new repository).
    var isHeadUnborn: Bool { git_repository_head_unborn(handle) == 1 }

    /// The best common ancestor of two commits (`git merge-base`).
    func mergeBase(_ one: GitOID, _ two: GitOID) throws -> GitOID {
        var out = git_oid()
        var a = one.raw, b = two.raw
        let code = git_merge_base(&out, handle, &a, &b)
        if code == GIT_ENOTFOUND.rawValue {
            throw StoreError(.notFound, "\(one) and \(two) have no common ancestor")
        }
        try Git.check(code, "find the merge base of \(one) and \(two)")
        return GitOID(out)
    }
}
