import Foundation
@_spi(Versioning) import MLMetadata

/// What ``StoreRepository/sync(remote:branch:maximumAttempts:)`` did.
public struct SyncReport: Sendable, Hashable {
    public var remote: String
    public var branch: String
    /// Whether the store's uncommitted changes were committed first.
    public var committedLocalChanges: Bool
    /// Whether the remote branch had commits this clone did not, merged in.
    public var merged: Bool
    /// Store files that conflicted as text and were merged field by field.
    public var resolvedFiles: Int
    /// Whether the branch was pushed (false when the remote already had everything).
    public var pushed: Bool
    /// Rounds of fetch, merge and push: more than one when another clone pushed in between.
    public var attempts: Int
}

extension StoreRepository {
    /// Brings this clone and `remote` to the same commit, so that many machines recording runs
    /// into their own clones converge on one shared branch without losing a run:
    ///
    /// 1. commits the store's uncommitted changes (as ``commitAll(message:author:committer:)``);
    /// 2. fetches `branch` from `remote` and merges it, store files field by field
    ///    (``resolveConflicts()``, whether or not the `mlmd` merge driver is configured);
    /// 3. pushes; if another clone pushed first, starts again from 2, up to `maximumAttempts`
    ///    rounds with a growing random pause in between;
    /// 4. refreshes the store's index with what the merge brought.
    ///
    /// A real conflict (one field changed to two values) aborts the merge and fails with
    /// ABORTED, naming the files and fields; the clone is left as before the merge. Fetching and
    /// pushing use the `git` program, so remotes and credentials work as for any git command.
    /// `branch` defaults to the current one.
    @discardableResult
    public func sync(remote: String = "origin", branch: String? = nil, maximumAttempts: Int = 10) throws -> SyncReport {
        // Given to git as arguments: never let one be read as an option.
        for (what, value) in [("remote", remote), ("branch", branch ?? "")] where value.hasPrefix("-") {
            throw StoreError(.invalidArgument, "a \(what) name cannot start with '-': \(value)")
        }
        let git = GitCommandLine(workingTree: workingTree)
        let repository = try GitRepository(containing: store.path)
        if FileManager.default.fileExists(atPath: repository.gitdir + "MERGE_HEAD") {
            throw StoreError(.failedPrecondition, "a merge is in progress; finish it (git commit) or abort it (git merge --abort) before syncing",
                             path: workingTree)
        }
        let branch = try branch ?? git.check(["symbolic-ref", "--quiet", "--short", "HEAD"], "find the current branch")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let committed = try commitAll(message: "Record store changes (mlmd sync)") != nil
        var report = SyncReport(remote: remote, branch: branch, committedLocalChanges: committed, merged: false, resolvedFiles: 0,
                                pushed: false, attempts: 0)
        while report.attempts < maximumAttempts {
            report.attempts += 1
            let fetch = try git.run(["fetch", "--quiet", remote, "refs/heads/\(branch)"])
            let remoteHasBranch = fetch.succeeded
            if !fetch.succeeded && !fetch.errors.contains("couldn't find remote ref") {
                throw StoreError(.unavailable, "cannot fetch \(branch) from \(remote): \(fetch.errors.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            if remoteHasBranch, try !git.run(["merge-base", "--is-ancestor", "FETCH_HEAD", "HEAD"]).succeeded {
                report.resolvedFiles += try merge(git: git)
                report.merged = true
            }
            let head = try git.check(["rev-parse", "HEAD"], "read HEAD")
            if remoteHasBranch, try git.check(["rev-parse", "FETCH_HEAD"], "read FETCH_HEAD") == head {
                _ = try store.refresh()
                return report
            }
            let push = try git.run(["push", "--quiet", remote, "HEAD:refs/heads/\(branch)"])
            if push.succeeded {
                report.pushed = true
                _ = try store.refresh()
                return report
            }
            // Rejected because another clone pushed first: fetch and merge again, after a pause
            // that spreads the clones out.
            guard push.errors.contains("rejected") || push.errors.contains("fetch first") || push.errors.contains("non-fast-forward") else {
                throw StoreError(.unavailable, "cannot push \(branch) to \(remote): \(push.errors.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            usleep(UInt32.random(in: 10_000...(50_000 * UInt32(min(report.attempts, 10)))))
        }
        _ = try store.refresh()
        throw StoreError(.aborted, "\(remote) kept moving: \(maximumAttempts) rounds of fetch, merge and push were each overtaken by another push; try again")
    }

    /// Merges FETCH_HEAD into HEAD, store files field by field; returns how many store files
    /// needed it. On a real conflict the merge is aborted.
    private func merge(git: GitCommandLine) throws -> Int {
        let merge = try git.run(["merge", "--no-edit", "--quiet", "FETCH_HEAD"])
        if merge.succeeded { return 0 }
        guard FileManager.default.fileExists(atPath: try GitRepository(containing: store.path).gitdir + "MERGE_HEAD") else {
            throw StoreError(.failedPrecondition, "cannot merge the remote branch: \(merge.errors.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let resolution = try resolveConflicts()
        let others = try GitRepository(containing: store.path).conflicts().filter { conflict in
            !resolution.unresolved.contains { $0.path == conflict.path }
        }
        guard resolution.unresolved.isEmpty, others.isEmpty else {
            _ = try git.run(["merge", "--abort"])
            _ = try store.refresh()
            let named = resolution.unresolved.map { "\($0.path) (\($0.fields.isEmpty ? "whole file" : $0.fields.joined(separator: ", ")))" }
                + others.map { "\($0.path) (not a store file)" }
            throw StoreError(.aborted, "the remote branch conflicts with this clone: \(named.joined(separator: "; ")); "
                + "merge it by hand (git pull, then resolve), then sync again")
        }
        try git.check(["commit", "--no-edit", "--quiet"], "commit the merge")
        return resolution.resolved.count
    }
}
