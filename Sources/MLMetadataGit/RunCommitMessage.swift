import Foundation
import MLMetadata

/// The commit message of a pipeline run: a summary line, the executions with their states,
/// the new artifacts, the key metrics, and trailers that `mlmd log` reads back.
///
/// ```
/// chicago_taxi run 2026-01-07T09:00:00: COMPLETE, 7 executions, 5 new artifacts
///
/// Executions:
///   CsvExampleGen   CACHED
///   Trainer         COMPLETE
/// New artifacts: Model, ModelEvaluation, ModelBlessing, PushedModel, Examples
/// Metrics: ModelEvaluation.accuracy=0.8605 ModelEvaluation.auc=0.9208
///
/// MLMD-Pipeline: chicago_taxi
/// MLMD-Run: 2026-01-07T09:00:00
/// MLMD-Run-Context-Id: 7738954013309075072
/// MLMD-Store: sample-store
/// ```
struct RunCommitMessage {
    static let pipelineTrailer = "MLMD-Pipeline"
    static let runTrailer = "MLMD-Run"
    static let contextTrailer = "MLMD-Run-Context-Id"
    static let storeTrailer = "MLMD-Store"

    let run: RecordedRun
    let storePrefix: String

    var text: String {
        let summary = run.run
        let pipeline = summary.pipeline ?? "pipeline"
        var lines = ["\(pipeline) run \(summary.name): \(summary.state.rawValue), \(Self.count(summary.executions.count, "execution")), "
            + "\(Self.count(run.newArtifactIDs.count, "new artifact"))", ""]
        if !summary.executions.isEmpty {
            lines.append("Executions:")
            let names = summary.executions.map { Self.shortName($0.type) }
            let width = names.map(\.count).max() ?? 0
            for (name, execution) in zip(names, summary.executions) {
                lines.append("  " + name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + (execution.lastKnownState?.rawValue ?? "UNKNOWN"))
            }
        }
        let created = run.newArtifacts
        if !created.isEmpty {
            lines.append("New artifacts: " + created.map { $0.type ?? "?" }.joined(separator: ", "))
        }
        if !summary.metrics.isEmpty {
            lines.append("Metrics: " + summary.metrics.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.number($0.value))" }.joined(separator: " "))
        }
        lines.append("")
        lines.append("\(Self.pipelineTrailer): \(pipeline)")
        lines.append("\(Self.runTrailer): \(summary.name)")
        lines.append("\(Self.contextTrailer): \(summary.context.id ?? 0)")
        lines.append("\(Self.storeTrailer): \(storePrefix.isEmpty ? "." : storePrefix)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The trailers of a commit message (the `Key: value` lines of its last paragraph).
    static func trailers(of message: String) -> [String: String] {
        let paragraphs = message.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\n\n")
        guard let last = paragraphs.last else { return [:] }
        var trailers: [String: String] = [:]
        for line in last.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, !key.contains(" ") else { continue }
            trailers[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return trailers
    }

    static func shortName(_ type: String?) -> String {
        guard let type else { return "?" }
        return type.split(separator: ".").last.map(String.init) ?? type
    }

    static func count(_ value: Int, _ noun: String) -> String {
        "\(value) \(noun)\(value == 1 ? "" : "s")"
    }

    static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.4g", value)
    }
}
