import ArgumentParser
import Foundation
import MLMetadata

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List pipeline runs: when, state, executions, and the key metrics of their outputs.",
        discussion: """
            A run is a pipeline_run context (TFX; legacy TFX: run) with the executions associated \
            with it. Metrics are the floating-point properties of the model, evaluation, metrics \
            and blessing artifacts the run produced.
            Example: mlmd runs chicago_taxi
            """
    )

    @OptionGroup var location: ReadLocation
    @OptionGroup var output: FormatOption

    @Argument(help: "Only runs of this pipeline (the name of its pipeline context).")
    var pipeline: String?

    func run() throws {
        let store = try location.open()
        let runs = try store.pipelineRuns(pipeline: pipeline)
        switch output.format {
        case .json, .jsonl:
            // Not an MLMD message: one object per run, keys sorted.
            let objects = runs.map { run -> [String: Any] in
                ["run": run.name, "context_id": String(run.context.id!), "pipeline": run.pipeline ?? NSNull(),
                 "start_time_since_epoch": String(run.startTime), "end_time_since_epoch": String(run.endTime),
                 "state": run.state.rawValue, "executions": run.executions.count, "outputs": run.outputs.count, "metrics": run.metrics]
            }
            try ObjectOutput.print(objects, output.format)
        case .table, .markdown:
            Table(header: ["RUN", "PIPELINE", "STARTED", "STATE", "EXECUTIONS", "OUTPUTS", "METRICS"], rows: runs.map { run in
                let states = Dictionary(grouping: run.executions.compactMap(\.lastKnownState?.rawValue), by: { $0 })
                    .sorted { $0.key < $1.key }.map { "\($0.value.count) \($0.key.lowercased())" }.joined(separator: ", ")
                return [run.name, run.pipeline ?? "", Describe.time(run.startTime), Style.state(run.state.rawValue),
                        "\(run.executions.count)" + (states.isEmpty ? "" : " (\(states))"), String(run.outputs.count),
                        Self.metrics(run.metrics)]
            }).print(output.format)
        }
    }

    /// `accuracy=0.8837 auc=0.9342`, naming the artifact type only where two types share a name.
    static func metrics(_ metrics: [String: Double]) -> String {
        let names = metrics.keys.map { $0.split(separator: ".").last.map(String.init) ?? $0 }
        let ambiguous = Set(names.filter { name in names.filter { $0 == name }.count > 1 })
        return metrics.sorted { $0.key < $1.key }.map { key, value in
            let short = key.split(separator: ".").last.map(String.init) ?? key
            return "\(ambiguous.contains(short) ? key : short)=\(Describe.number(value))"
        }.joined(separator: " ")
    }
}
