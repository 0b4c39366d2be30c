import ArgumentParser
import Foundation
import MLMetadata
import MLMetadataGit
import MLMetadataSamples

struct ExampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example",
        abstract: "Record the example TFX-like pipeline (three runs of chicago_taxi) into a store.",
        discussion: """
            The runs are deterministic: the same command always writes byte-identical files. \
            This is how sample-store/ is made. Inside a git repository, --commit commits each run \
            as it completes.
            Examples:
              mlmd example --replace sample-store
              mlmd example metadata --commit --runs 5
            """
    )

    @Argument(help: "The store folder to record into (created if missing).")
    var path: String

    @Flag(help: "Delete the store at PATH first (only a folder that holds a store.json).")
    var replace = false

    @Flag(inversion: .prefixedNo, help: "Commit each run to git as it completes (default: the store's commit_runs setting).")
    var commit: Bool?

    @Option(help: "How many runs to record (the three sample runs, repeated with new run ids beyond three).")
    var runs: Int = TaxiPipeline.defaultRuns.count

    func validate() throws {
        if runs <= 0 { throw ValidationError("--runs must be positive") }
    }

    func run() throws {
        let manager = FileManager.default
        if replace, manager.fileExists(atPath: path) {
            guard manager.fileExists(atPath: URL(fileURLWithPath: path).appendingPathComponent("store.json").path) else {
                throw CommandError("\(path) is not a store (no store.json); refusing to delete it")
            }
            try manager.removeItem(atPath: path)
        } else if manager.fileExists(atPath: URL(fileURLWithPath: path).appendingPathComponent("store.json").path),
                  try !MetadataStore(path: path, options: StoreOptions(createIfMissing: false)).getContexts().isEmpty {
            throw CommandError("\(path) already holds a store with metadata; pass --replace to record the example into a fresh one")
        }
        var repository: StoreRepository?
        var commits = 0
        try TaxiPipeline.record(into: path, runs: TaxiPipeline.runs(count: runs)) { run in
            guard try commit ?? run.store.settings.commitRuns else { return }
            let committing = try repository ?? StoreRepository(store: run.store)
            repository = committing
            if let made = try run.complete(in: committing, commit: true).commit {
                commits += 1
                Console.print("\(Style.yellow(String(made.id.prefix(12)))) \(made.message.split(separator: "\n").first ?? "")")
            }
        }
        let store = try MetadataStore(path: path, options: StoreOptions(createIfMissing: false))
        Console.print("Recorded \(runs) run\(runs == 1 ? "" : "s") of \(TaxiPipeline.pipelineName) into \(store.path)"
            + (commits > 0 ? " (\(commits) commit\(commits == 1 ? "" : "s"))" : "") + ": "
            + "\(try store.getArtifacts().count) artifacts, \(try store.getExecutions().count) executions, "
            + "\(try store.getContexts().count) contexts.")
    }
}
