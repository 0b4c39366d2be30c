import ArgumentParser
import Foundation
import MLMetadata

extension BenchMain {
    /// The reopen scenario: opens an existing store (`--db`, e.g. one a standard run kept)
    /// `--repeats` times with each freshness check, then replaces 1% of its files as a
    /// checkout does and times the open that finds them, to profile what opening costs
    /// (`perf record .build/release/mlmd-bench --scenario reopen --db STORE --repeats 200`).
    func runReopen(path: String, log: Log) throws {
        guard FileManager.default.fileExists(atPath: path + "/store.json") else {
            throw ValidationError("--scenario reopen needs an existing store at --db")
        }
        var result: [String: Any] = ["scenario": "reopen", "store": path]
        for (name, check) in [("folders", FreshnessCheck.folders), ("files", FreshnessCheck.files)] {
            let (samples, _) = try measure(repeats) { () throws -> Void in
                _ = try MetadataStore(path: path, options: StoreOptions(createIfMissing: false, freshnessCheck: check)).getArtifactTypes()
            }
            let sorted = samples.sorted()
            print(String(format: "  reopen (%@ check), median %.3f ms, min %.3f ms, max %.3f ms", name,
                         sorted[sorted.count / 2] * 1000, sorted[0] * 1000, sorted[sorted.count - 1] * 1000))
            result[name] = summary(samples)
        }
        let bench = Benchmark(path: path, n: n, repeats: repeats, batchSize: batchSize, log: log, rng: PythonRandom(seed: seed))
        let refresh = try bench.refreshAfterCheckout()
        print(String(format: "  refresh after a 1%% checkout %.3f ms (%d files)", (refresh["median_s"] as! Double) * 1000,
                     refresh["files_changed"] as! Int))
        result["refresh_after_checkout"] = refresh
        if let jsonOut {
            try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: jsonOut))
        }
    }
}
