import ArgumentParser
import Foundation
import MLMetadata
import MLMetadataGit

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "List the commits of pipeline runs, newest first.",
        discussion: """
            Run commits are found by their trailers (MLMD-Pipeline, MLMD-Run, MLMD-Store) among \
            the commits reachable from HEAD. Read any of them with --at: mlmd runs --at COMMIT.
            Example: mlmd log chicago_taxi -n 5
            """
    )

    @OptionGroup var location: StoreLocation
    @OptionGroup var output: FormatOption

    @Argument(help: "Only runs of this pipeline.")
    var pipeline: String?

    @Option(name: [.customShort("n"), .long], help: "At most this many commits.")
    var limit: Int?

    func validate() throws {
        if let limit, limit <= 0 { throw ValidationError("-n must be positive") }
    }

    func run() throws {
        let store = try location.open()
        let history = try StoreRepository(store: store).runHistory(pipeline: pipeline, limit: limit)
        switch output.format {
        case .json, .jsonl:
            try ObjectOutput.print(history.map { commit in
                var object: [String: Any] = ["commit": commit.id, "date": ISO8601DateFormatter().string(from: commit.date),
                                             "author": commit.author, "pipeline": commit.pipeline, "run": commit.run,
                                             "summary": commit.summary]
                if let id = commit.runContextID { object["run_context_id"] = String(id) }
                return object
            }, output.format)
        case .table, .markdown:
            Table(header: ["COMMIT", "DATE", "PIPELINE", "RUN", "SUMMARY"], rows: history.map { commit in
                let summary = commit.summary.components(separatedBy: ": ").dropFirst().joined(separator: ": ")
                return [Style.yellow(String(commit.id.prefix(12))), Describe.time(Int64(commit.date.timeIntervalSince1970 * 1000)),
                        commit.pipeline, commit.run, summary.isEmpty ? commit.summary : summary]
            }).print(output.format)
        }
    }
}
