import Foundation
@_spi(Versioning) import MLMetadata
import MLMetadataGit

/// `--scenario git-commit`: commit one standard pipeline run into a repository whose store
/// holds N entities, through libgit2 (``StoreRepository``) and, alternately in the same run,
/// through `git add -- <paths> && git commit` (the git CLI), and compare.
extension Benchmark {
    mutating func gitCommit(repository root: String, storeAt storePath: String, commits: Int) throws -> [String: Any] {
        func git(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git"] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: root)
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.standardError
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw BenchError("git \(arguments.joined(separator: " ")) failed") }
            return String(decoding: data, as: UTF8.self)
        }

        log("git-commit: committing the store of \(n) artifacts with the git CLI (once, untimed)")
        _ = try git(["init", "-q", "-b", "main"])
        _ = try git(["config", "user.name", "mlmd-bench"])
        _ = try git(["config", "user.email", "bench@example.com"])
        _ = try git(["add", "-A"])
        _ = try git(["commit", "-q", "-m", "The store"])
        // Opened inside the repository now, the store logs the paths it writes.
        let store = try MetadataStore(path: storePath, options: StoreOptions(createIfMissing: false))
        try store.withWriterLock { try store.markCommitted() }
        let indexEntries = try git(["ls-files"]).split(separator: "\n").count
        let repository = try StoreRepository(store: store)

        var libgit2: [Double] = []
        var cli: [Double] = []
        var breakdown: [String: [Double]] = ["blobs": [], "trees": [], "commit": [], "index": []]
        var filesPerCommit: [Int] = []
        var next = runCount
        for round in 0..<commits {
            // libgit2: record a run (untimed), then commit it.
            _ = try pipelineRuns(store, first: next, count: 1, recordInBook: false)
            next += 1
            let start = now()
            guard let commit = try repository.commitPending(message: "Run \(next) (libgit2)") else { throw BenchError("nothing to commit") }
            libgit2.append(now() - start)
            filesPerCommit.append(commit.paths.count)
            breakdown["blobs"]!.append(commit.timings.blobs)
            breakdown["trees"]!.append(commit.timings.trees)
            breakdown["commit"]!.append(commit.timings.commit)
            breakdown["index"]!.append(commit.timings.index)

            // git CLI: record a run (untimed), then add its paths and commit.
            _ = try pipelineRuns(store, first: next, count: 1, recordInBook: false)
            next += 1
            let paths = try store.withWriterLock { try store.uncommittedPaths() }.map { repository.storePrefix + "/" + $0 }
            let cliStart = now()
            _ = try git(["add", "--"] + paths)
            _ = try git(["commit", "-q", "-m", "Run \(next) (git CLI)"])
            cli.append(now() - cliStart)
            try store.withWriterLock { try store.markCommitted() }
            log("git-commit: round \(round + 1)/\(commits): libgit2 \(String(format: "%.1f", libgit2.last! * 1000)) ms, git CLI \(String(format: "%.1f", cli.last! * 1000)) ms")
        }
        let status = try git(["status", "--porcelain"])
        let fsckClean = (try? git(["fsck", "--no-progress", "--connectivity-only"])) != nil
        return [
            "libgit2": summary(libgit2).merging(["breakdown_median_s": breakdown.mapValues(median)]) { $1 },
            "git_cli": summary(cli),
            "ratio_git_cli_over_libgit2": median(cli) / median(libgit2),
            "files_per_commit_median": Double(filesPerCommit.sorted()[filesPerCommit.count / 2]),
            "repository_index_entries": indexEntries,
            "check": ["ok": status.isEmpty && fsckClean, "status_clean": status.isEmpty, "fsck_ok": fsckClean],
        ]
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
