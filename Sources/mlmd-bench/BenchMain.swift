import ArgumentParser
import Foundation
import MLMetadata

/// Replays the MLMD benchmark scenario (`shared/bench/scenario.md`) against MLMetadata and
/// writes JSON with the same keys as `bench_mlmd.py`, plus the index measurements MLMD has no
/// counterpart for. Run it next to the MLMD harness on the same machine:
///
/// ```
/// swift run -c release mlmd-bench --n 10000 --json-out mlmetadata-10k.json
/// ```
@main
struct BenchMain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlmd-bench",
        abstract: "The MLMD benchmark scenario, replayed against an MLMetadata store.")

    @Option(help: "Scale: about N artifacts from pipeline runs plus N bulk artifacts.")
    var n = 1000

    @Option(name: [.customLong("db"), .customLong("store")], help: "Store folder; must not exist (default: a temporary folder, removed afterwards).")
    var store: String?

    @Option(name: .customLong("json-out"), help: "Write the results as JSON here.")
    var jsonOut: String?

    @Option(help: "Random seed (the harness' --seed).")
    var seed: UInt32 = 0

    @Option(help: "Timed repetitions of each read, lineage and reopen operation; the median is reported.")
    var repeats = 5

    @Option(name: .customLong("batch-size"), help: "Artifacts per put_artifacts call in the bulk phase.")
    var batchSize = 1000

    @Option(name: .customLong("durable-runs"), help: "Extra pipeline runs recorded with full durability at the end (0: skip).")
    var durableRuns = 200

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    enum Scenario_: String, ExpressibleByArgument, CaseIterable {
        /// shared/bench/scenario.md.
        case standard
        /// Committing one run into a git repository holding the store (BENCHMARKS.md).
        case gitCommit = "git-commit"
        /// Reopening an existing store, for profiling (ReopenScenario.swift).
        case reopen
    }

    @Option(help: "standard (MLMD's scenario), git-commit (one run committed with libgit2 vs the git CLI) or reopen (open an existing --db store --repeats times).")
    var scenario: Scenario_ = .standard

    @Option(help: "git-commit: commits timed with each of libgit2 and the git CLI.")
    var commits = 7

    func run() throws {
        let log = Log(quiet: quiet)
        let path = store ?? FileManager.default.temporaryDirectory.appendingPathComponent("mlmd-bench-\(UUID().uuidString)").path
        if scenario == .reopen { return try runReopen(path: path, log: log) }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("--db \(path) exists; the benchmark needs a fresh store")
        }
        defer { if store == nil { try? FileManager.default.removeItem(atPath: path) } }

        if scenario == .gitCommit { return try runGitCommit(path: path, log: log) }
        var bench = Benchmark(path: path, n: n, repeats: repeats, batchSize: batchSize, log: log, rng: PythonRandom(seed: seed))
        let wallStart = now()
        var result: [String: Any] = [
            "benchmark": "mlmetadata-store",
            "params": ["n": n, "runs": bench.runCount, "artifacts_per_run": Scenario.artifactsPerRun, "bulk_artifacts": n,
                       "batch_size": batchSize, "seed": Int(seed), "repeats": repeats, "db": path, "durability": "relaxed"],
            "env": ["swift": swiftVersion(), "cpus": ProcessInfo.processInfo.activeProcessorCount,
                    "platform": ProcessInfo.processInfo.operatingSystemVersionString,
                    "started": ISO8601DateFormatter().string(from: Date())],
            "filter_queries": Scenario.filterQueries,
        ]

        let start = now()
        var metadataStore: MetadataStore? = try MetadataStore(path: path)
        result["create_store_s"] = now() - start

        log("N=\(n): a) registering types")
        result["register_types"] = try bench.registerTypes(metadataStore!)
        log("N=\(n): b) \(bench.runCount) pipeline runs")
        result["pipeline_runs"] = try bench.pipelineRuns(metadataStore!, count: bench.runCount)
        log("N=\(n): c) bulk put_artifacts")
        result["bulk_put_artifacts"] = try bench.bulkArtifacts(metadataStore!)
        log("N=\(n): d) reads, e) lineage")
        result["reads"] = try bench.reads(metadataStore!)
        result["lineage"] = try bench.lineage(metadataStore!)

        let runArtifacts = bench.book.idsByType.reduce(0) { $0 + $1.ids.count }
        result["counts"] = [
            "runs": bench.runCount, "run_artifacts": runArtifacts, "bulk_artifacts": bench.bulkIDs.count,
            "artifacts_total": runArtifacts + bench.bulkIDs.count, "executions": bench.runCount * Scenario.pipeline.count,
            "events": bench.book.events.count, "contexts": 1 + Scenario.pipeline.count + bench.runCount,
            "types": ["artifact": Scenario.artifactTypes.count, "execution": Scenario.executionTypes.count, "context": Scenario.contextTypes.count],
        ]
        metadataStore = nil

        log("N=\(n): f) reopen, g) size")
        result["reopen"] = try bench.reopen(check: .folders)
        result["reopen_thorough"] = try bench.reopen(check: .files)
        let size = folderSize(path, excluding: ".mlmd")
        let artifactsTotal = Double(runArtifacts + bench.bulkIDs.count)
        result["store_size"] = ["bytes": size.all, "mib": Double(size.all) / 1_048_576, "bytes_per_artifact": Double(size.all) / artifactsTotal,
                                "files_bytes": size.kept, "files_mib": Double(size.kept) / 1_048_576,
                                "index_bytes": size.all - size.kept, "files": bench.dataFiles().count]

        log("N=\(n): index: rebuild, read+decode, refresh after a 1% checkout")
        result["index"] = [
            "read_and_decode_all": try bench.readAndDecodeAll(),
            "rebuild": try bench.rebuild(),
            "refresh_after_checkout_1pct": try bench.refreshAfterCheckout(),
        ]

        if durableRuns > 0 {
            log("N=\(n): b') \(durableRuns) more pipeline runs with full durability")
            let durable = try MetadataStore(path: path, options: StoreOptions(durability: .full, createIfMissing: false))
            result["pipeline_runs_full_durability"] = try bench.pipelineRuns(durable, first: bench.runCount, count: durableRuns,
                                                                             recordInBook: false)
        }

        result["peak_rss_mib"] = peakRSSMiB()
        result["wall_s"] = now() - wallStart
        var checks: [String: Bool] = [:]
        for group in ["reads", "lineage", "index"] {
            for (name, op) in result[group] as! [String: Any] {
                checks["\(group).\(name)"] = ((op as! [String: Any])["check"] as! [String: Any])["ok"] as? Bool ?? false
            }
        }
        for name in ["reopen", "reopen_thorough"] {
            checks[name] = ((result[name] as! [String: Any])["check"] as! [String: Any])["ok"] as? Bool ?? false
        }
        result["all_checks_ok"] = checks.values.allSatisfy { $0 }
        if let jsonOut {
            let data = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(fileURLWithPath: jsonOut))
        }
        printSummary(result, checks: checks)
        if !(result["all_checks_ok"] as! Bool) { throw ExitCode(1) }
    }

    /// The git-commit scenario: a repository at `path` whose `metadata/` store holds N
    /// entities (the standard scenario's write phases), then commits of single runs.
    private func runGitCommit(path: String, log: Log) throws {
        let storePath = path + "/metadata"
        var bench = Benchmark(path: storePath, n: n, repeats: repeats, batchSize: batchSize, log: log, rng: PythonRandom(seed: seed))
        let wallStart = now()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        // The store is not in a git working tree yet, so its writes are not logged for a commit.
        let store = try MetadataStore(path: storePath)
        log("N=\(n): building the store (a, b, c)")
        _ = try bench.registerTypes(store)
        _ = try bench.pipelineRuns(store, count: bench.runCount)
        _ = try bench.bulkArtifacts(store)
        let gitCommit = try bench.gitCommit(repository: path, storeAt: storePath, commits: commits)
        let result: [String: Any] = [
            "benchmark": "mlmetadata-git-commit",
            "params": ["n": n, "commits": commits, "seed": Int(seed), "db": path],
            "env": ["swift": swiftVersion(), "cpus": ProcessInfo.processInfo.activeProcessorCount,
                    "started": ISO8601DateFormatter().string(from: Date())],
            "git_commit": gitCommit,
            "wall_s": now() - wallStart,
        ]
        if let jsonOut {
            try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: jsonOut))
        }
        func ms(_ key: String, _ group: String) -> String {
            String(format: "%8.1f ms", (((gitCommit[group] as! [String: Any])[key]) as! Double) * 1000)
        }
        let breakdown = (gitCommit["libgit2"] as! [String: Any])["breakdown_median_s"] as! [String: Double]
        print("  git commit of one run, libgit2, median     \(ms("median_s", "libgit2"))")
        for step in ["blobs", "trees", "commit", "index"] {
            print("    \(step.padding(toLength: 40, withPad: " ", startingAt: 0)) \(String(format: "%8.1f ms", breakdown[step]! * 1000))")
        }
        print("  git add + git commit (git CLI), median     \(ms("median_s", "git_cli"))")
        print("  ratio                                      \(String(format: "%8.1f×", gitCommit["ratio_git_cli_over_libgit2"] as! Double))")
        print("  files per commit \(gitCommit["files_per_commit_median"]!), index entries \(gitCommit["repository_index_entries"]!)")
        let ok = ((gitCommit["check"] as! [String: Any])["ok"] as? Bool) == true
        print("  checks: \(ok ? "all ok" : "FAILED")")
        if !ok { throw ExitCode(1) }
    }

    private func swiftVersion() -> String {
        #if swift(>=6.3)
        "6.3"
        #else
        "6.x"
        #endif
    }

    private func printSummary(_ result: [String: Any], checks: [String: Bool]) {
        func value(_ path: String) -> Double {
            var node: Any? = result
            for key in path.split(separator: ".") { node = (node as? [String: Any])?[String(key)] }
            return (node as? Double) ?? Double(node as? Int ?? 0)
        }
        let rows: [(String, String, Double, String)] = [
            ("a) register types", "register_types.total_s", 1e3, "ms"),
            ("b) per run, median", "pipeline_runs.per_run_median_s", 1e3, "ms"),
            ("b') per run, median, full durability", "pipeline_runs_full_durability.per_run_median_s", 1e3, "ms"),
            ("c) bulk per batch of 1000, median", "bulk_put_artifacts.per_batch_median_s", 1e3, "ms"),
            ("d) get_artifacts_by_type Model", "reads.get_artifacts_by_type_Model.median_s", 1e3, "ms"),
            ("d) get_artifacts_by_type Examples", "reads.get_artifacts_by_type_Examples.median_s", 1e3, "ms"),
            ("d) get_artifacts_by_id 1000", "reads.get_artifacts_by_id_1000.median_s", 1e3, "ms"),
            ("d) get_artifacts_by_context run", "reads.get_artifacts_by_context_run.median_s", 1e3, "ms"),
            ("d) filter Q1, all pages", "reads.get_artifacts_filter_model_accuracy.median_s", 1e3, "ms"),
            ("d) filter Q2, all pages", "reads.get_artifacts_filter_bulk_version_quality.median_s", 1e3, "ms"),
            ("d) get_events_by_execution_ids run", "reads.get_events_by_execution_ids_run.median_s", 1e3, "ms"),
            ("e) lineage upstream 20 hops", "lineage.lineage_upstream_20hops.median_s", 1e3, "ms"),
            ("e) lineage bidirectional 20 hops", "lineage.lineage_bidirectional_20hops.median_s", 1e3, "ms"),
            ("e) lineage upstream, nodes+events", "lineage.lineage_upstream_20hops_nodes_events_only.median_s", 1e3, "ms"),
            ("f) reopen (folder check)", "reopen.median_s", 1e3, "ms"),
            ("f) reopen (file check)", "reopen_thorough.median_s", 1e3, "ms"),
            ("index: read+decode all files", "index.read_and_decode_all.median_s", 1, "s"),
            ("index: rebuild", "index.rebuild.median_s", 1, "s"),
            ("index: refresh after 1% checkout", "index.refresh_after_checkout_1pct.median_s", 1e3, "ms"),
            ("g) size (files + index)", "store_size.mib", 1, "MiB"),
        ]
        print("N=\(n) runs=\(result["params"].flatMap { ($0 as? [String: Any])?["runs"] } ?? 0) wall=\(String(format: "%.1f", value("wall_s")))s")
        for (label, path, scale, unit) in rows {
            print("  " + label.padding(toLength: 42, withPad: " ", startingAt: 0) + String(format: "%10.3f", value(path) * scale) + " " + unit)
        }
        let failed = checks.filter { !$0.value }.map(\.key).sorted()
        print("  checks: " + (failed.isEmpty ? "all ok" : "FAILED " + failed.joined(separator: ", ")))
    }
}
