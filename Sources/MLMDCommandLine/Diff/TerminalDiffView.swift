import MLMetadata

/// The terminal rendering of diffs: a summary line, then sections; colours when enabled.
enum TerminalDiffView {
    static func render(_ report: StoreDiffReport) -> String {
        let diff = report.diff
        var lines = [Style.bold("Store \(diff.oldLabel) → \(diff.newLabel)"), DiffWording.summary(diff)]
        if !diff.runs.isEmpty {
            lines += ["", Style.bold("Runs")]
            for run in diff.runs { lines += runLines(run) }
        }
        if let comparison = report.comparison {
            lines += ["", Style.bold("Run \(comparison.candidate.run.name) against the run before it (\(comparison.baseline.run.name))")]
            lines += comparisonBody(comparison, onlyDifferences: true)
        }
        if !diff.types.isEmpty {
            lines += ["", Style.bold("Types")]
            for type in diff.types {
                let moved = type.nodesMoved > 0 ? ", \(type.nodesMoved) node\(type.nodesMoved == 1 ? "" : "s") moved with it" : ""
                let what = "\(type.kind.rawValue) type \(type.name)" + (type.oldName.map { " (renamed from \($0)\(moved))" } ?? "")
                lines.append("  \(marker(type.change)) \(what)")
                lines += type.fields.map { "      " + fieldLine($0) }
            }
        }
        for kind in NodeKind.allCases where !diff.nodes(kind).isEmpty {
            lines += ["", Style.bold(kind.messageName + "s")]
            for node in diff.nodes(kind) {
                var line = "  \(marker(node.change)) \(DiffWording.node(type: node.type, id: node.id, name: node.name))"
                if node.change != .changed {
                    if let uri = node.uri, !uri.isEmpty { line += "  " + Style.dim(uri) }
                    if let state = node.state { line += "  " + Style.state(state) }
                }
                lines.append(line)
                lines += node.fields.map { "      " + fieldLine($0) }
            }
        }
        if !diff.edges.isEmpty {
            lines += ["", Style.bold("Edges")]
            lines += edgeCounts(diff.edges).map { "  " + $0 }
        }
        if !diff.otherFiles.isEmpty {
            lines += ["", Style.bold("Other files")] + diff.otherFiles.map { "  \(marker($0.change)) \($0.path)" }
        }
        if !diff.problems.isEmpty {
            lines += ["", Style.bold(Style.red("Unreadable files"))] + diff.problems.map { "  ! " + $0.description }
        }
        return lines.joined(separator: "\n")
    }

    static func render(_ report: RunComparisonReport) -> String {
        let comparison = report.comparison
        let (old, new) = (comparison.baseline.run, comparison.candidate.run)
        var lines = [Style.bold("Run \(old.name) (\(report.baselineLabel)) → \(new.name) (\(report.candidateLabel))")]
        lines.append("State: " + Style.state(old.state.rawValue) + " → " + Style.state(new.state.rawValue)
                     + (new.pipeline.map { "  · pipeline \($0)" } ?? ""))
        lines += comparisonBody(comparison, onlyDifferences: false)
        return lines.joined(separator: "\n")
    }

    /// Node by node: state, parameters, outputs (with their field changes), then unchanged metrics counted.
    private static func comparisonBody(_ comparison: RunComparison, onlyDifferences: Bool) -> [String] {
        var lines: [String] = []
        for node in comparison.nodes where !onlyDifferences || node.differs {
            let before = node.baseline?.execution.lastKnownState?.rawValue ?? "—"
            let after = node.candidate?.execution.lastKnownState?.rawValue ?? "—"
            let state = before == after ? Style.state(after) : Style.state(before) + " → " + Style.state(after)
            lines.append("  " + Style.bold(node.node) + "  " + state + (node.baseline == nil ? Style.dim("  (not in the baseline run)") : "")
                         + (node.candidate == nil ? Style.dim("  (not in this run)") : ""))
            lines += node.parameters.map { "      " + fieldLine($0) }
            for output in node.outputs {
                let provenance = DiffWording.provenance(output)
                let styled = provenance == "new" ? Style.green(provenance) : Style.cyan(provenance)
                let target = output.candidate.map { DiffWording.artifact($0.artifact) } ?? "—"
                lines.append("      \(output.key): \(target)  \(styled)")
                lines += output.changes.filter { $0.field != "uri" || !onlyDifferences }.map { "          " + fieldLine($0) }
            }
        }
        let unchanged = comparison.metrics.filter { $0.delta == 0 }.count
        if unchanged > 0 { lines.append(Style.dim("  \(unchanged) numeric output propert\(unchanged == 1 ? "y" : "ies") unchanged")) }
        return lines
    }

    private static func runLines(_ run: RunChange) -> [String] {
        guard let details = run.details else { return ["  \(marker(run.change)) run \(run.name)"] }
        let summary = details.run
        let newArtifacts = details.steps.flatMap(\.outputs).filter(\.isNew).count
        var lines = ["  \(marker(run.change)) \(summary.pipeline.map { "\($0) " } ?? "")run \(run.name)  \(Style.state(summary.state.rawValue))  "
                     + "\(summary.executions.count) executions, \(newArtifacts) new artifacts"
                     + (summary.metrics.isEmpty ? "" : "  " + RunsCommand.metrics(summary.metrics))]
        let width = details.steps.map(\.node.count).max() ?? 0
        for step in details.steps {
            let id = step.execution.id!
            let state = step.execution.lastKnownState?.rawValue ?? "UNSET"
            var line = "      " + step.node.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
            if let previous = run.previousStates[id], previous != state {
                line += Style.state(previous) + " → "
            }
            line += Style.state(state)
            if run.addedExecutions.contains(id) { line += Style.dim(" (new)") }
            let outputs = step.outputs.map { "\($0.key) → \(DiffWording.artifact($0.artifact))\($0.isNew ? "" : " (reused)")" }
            if !outputs.isEmpty { line += "  " + outputs.joined(separator: ", ") }
            lines.append(line)
        }
        return lines
    }

    private static func fieldLine(_ field: FieldChange) -> String {
        let values = Style.red(DiffWording.value(field.old)) + " → " + Style.green(DiffWording.value(field.new))
        return "\(field.field): \(values)" + (DiffWording.change(field).map { "  " + Style.dim($0) } ?? "")
    }

    private static func marker(_ change: ChangeKind) -> String {
        switch change {
        case .added: Style.green("+")
        case .removed: Style.red("-")
        case .changed: Style.yellow("~")
        case .renamed: Style.yellow(">")
        }
    }

    static func edgeCounts(_ edges: EdgeChanges) -> [String] {
        let rows: [(String, Int, Int)] = [("events", edges.addedEvents.count, edges.removedEvents.count),
                                           ("attributions", edges.addedAttributions.count, edges.removedAttributions.count),
                                           ("associations", edges.addedAssociations.count, edges.removedAssociations.count),
                                           ("parent contexts", edges.addedParentContexts.count, edges.removedParentContexts.count)]
        return rows.compactMap { name, added, removed in
            guard added + removed > 0 else { return nil }
            return [added > 0 ? "+\(added)" : nil, removed > 0 ? "-\(removed)" : nil].compactMap { $0 }.joined(separator: " ") + " " + name
        }
    }
}
