import Foundation
internal import CGit2
import MLMetadata

/// A commit that recorded a pipeline run (found by its trailers).
public struct RunCommit: Sendable, Hashable {
    /// The commit id (40 hex digits).
    public var id: String
    public var date: Date
    public var author: String
    public var pipeline: String
    public var run: String
    /// The run's `pipeline_run` context id in the store.
    public var runContextID: Int64?
    /// The message's first line.
    public var summary: String
}

extension StoreRepository {
    /// The commits of pipeline runs of this store reachable from HEAD, newest first; with
    /// `pipeline`, only that pipeline's.
    public func runHistory(pipeline: String? = nil, limit: Int? = nil) throws -> [RunCommit] {
        let repository = try GitRepository(containing: store.path)
        var walker: OpaquePointer?
        try Git.check(git_revwalk_new(&walker, repository.handle), "walk the history")
        defer { git_revwalk_free(walker) }
        try Git.check(git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue), "sort the history")
        if git_repository_head_unborn(repository.handle) == 1 { return [] }
        try Git.check(git_revwalk_push_head(walker), "start at HEAD")
        let storeName = storePrefix.isEmpty ? "." : storePrefix
        var runs: [RunCommit] = []
        var oid = git_oid()
        while git_revwalk_next(&oid, walker) == 0 {
            var commit: OpaquePointer?
            try Git.check(git_commit_lookup(&commit, repository.handle, &oid), "read a commit")
            defer { git_commit_free(commit) }
            let message = git_commit_message(commit).map { String(cString: $0) } ?? ""
            let trailers = RunCommitMessage.trailers(of: message)
            guard trailers[RunCommitMessage.storeTrailer] == storeName,
                  let runName = trailers[RunCommitMessage.runTrailer],
                  let pipelineName = trailers[RunCommitMessage.pipelineTrailer],
                  pipeline == nil || pipeline == pipelineName else { continue }
            let author = git_commit_author(commit).pointee
            runs.append(RunCommit(
                id: GitOID(oid).description,
                date: Date(timeIntervalSince1970: TimeInterval(git_commit_time(commit))),
                author: String(cString: author.name),
                pipeline: pipelineName, run: runName,
                runContextID: trailers[RunCommitMessage.contextTrailer].flatMap { Int64($0) },
                summary: message.split(separator: "\n").first.map(String.init) ?? ""))
            if let limit, runs.count >= limit { break }
        }
        return runs
    }
}
