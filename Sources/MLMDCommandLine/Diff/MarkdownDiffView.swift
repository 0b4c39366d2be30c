import MLMetadata

/// The markdown rendering, for a pull-request comment: summary first, tables of parameter and
/// metric changes, a Mermaid lineage graph of the newest model, details in collapsible sections.
/// It stays under GitHub's comment limit by listing fewer detail rows, and says what it left out.
enum MarkdownDiffView {
    /// GitHub rejects comments longer than 65,536 characters; keep a margin.
    static let budget = 60_000

    static func render(_ report: StoreDiffReport, command: String) -> String {
        fitted(command: command) { rows in body(report, rows: rows) }
    }

    static func render(_ report: RunComparisonReport, command: String) -> String {
        fitted(command: command) { rows in body(report, rows: rows) }
    }

    /// Renders with fewer and fewer detail rows until the text fits the budget; `rows` below
    /// zero asks for the summary alone (no tables of details, no graph).
    private static func fitted(command: String, _ render: (Int) -> String) -> String {
        for rows in [Int.max, 200, 50, 10, 0, -1] {
            let text = render(rows)
            // Bytes, not characters: never fewer, so the limit holds however GitHub counts.
            if text.utf8.count <= budget {
                return rows == .max ? text : text + "\n\n> Some details were left out to stay under GitHub's 65,536-character limit; "
                    + "`\(command) --format json` has everything.\n"
            }
        }
        // Still too long (very long names): cut at a line, which may leave a table unfinished.
        let text = String(decoding: render(-1).utf8.prefix(budget), as: UTF8.self)
        let cut = text.lastIndex(of: "\n").map { String(text[..<$0]) } ?? text
        return cut + "\n\n> Truncated at \(budget) characters (GitHub's limit is 65,536); `\(command) --format json` has everything.\n"
    }

    // MARK: Store diffs

    private static func body(_ report: StoreDiffReport, rows: Int) -> String {
        let diff = report.diff
        var out = ["### MLMD metadata: `\(diff.oldLabel)` → `\(diff.newLabel)`", "", "**" + DiffWording.summary(diff) + "**"]
        if !diff.runs.isEmpty {
            out += ["", "#### Runs", "", "| | Run | Pipeline | State | Executions | New artifacts | Metrics |", "|---|---|---|---|---|---|---|"]
            // The newest runs matter most: when rows are short, the earlier ones go first.
            let shown = max(rows, 10)
            if diff.runs.count > shown {
                out.append("| | … \(diff.runs.count - shown) earlier runs left out | | | | | |")
            }
            for run in diff.runs.suffix(shown) {
                guard let summary = run.details?.run else {
                    out.append("| \(run.change.rawValue) | \(cell(run.name)) | | | | | |")
                    continue
                }
                let newArtifacts = run.details!.steps.flatMap(\.outputs).filter(\.isNew).count
                let failed = run.details!.steps.filter { $0.execution.lastKnownState == .failed }.map(\.node)
                out.append("| \(run.change == .changed ? "updated" : run.change.rawValue) | \(cell(run.name)) | \(cell(summary.pipeline ?? "")) | "
                           + "\(stateBadge(summary.state.rawValue))\(failed.isEmpty ? "" : " (" + failed.joined(separator: ", ") + ")") | "
                           + "\(summary.executions.count) | \(newArtifacts) | \(cell(RunsCommand.metrics(summary.metrics))) |")
            }
        }
        if rows < 0 { return out.joined(separator: "\n") + "\n" }
        if let comparison = report.comparison {
            out += ["", "#### `\(comparison.candidate.run.name)` against the run before it (`\(comparison.baseline.run.name)`)"]
            out += comparisonTables(comparison, rows: rows, heading: "#####")
        }
        if let lineage = report.lineage {
            out += ["", "#### Lineage of the newest model (\(DiffWording.node(type: lineage.model.type, id: lineage.model.id, name: lineage.model.name)))", ""]
            out += mermaid(lineage.mermaid)
        }
        if !diff.types.isEmpty {
            let header = DiffWording.counts(diff.types.map(\.change), noun: "Type")!
            var table = ["| | Kind | Type | Changes |", "|---|---|---|---|"]
            table += diff.types.prefix(rows).map { type in
                let name = type.oldName.map { "`\($0)` → `\(type.name)`" + (type.nodesMoved > 0 ? " (\(type.nodesMoved) moved)" : "") } ?? "`\(type.name)`"
                return "| \(type.change.rawValue) | \(type.kind.rawValue) | \(name) | \(cell(type.fields.map(fieldText).joined(separator: "; "))) |"
            }
            out += details(header, table, rows: rows, total: diff.types.count)
        }
        for kind in NodeKind.allCases where !diff.nodes(kind).isEmpty {
            let nodes = diff.nodes(kind)
            let header = DiffWording.counts(nodes.map(\.change), noun: kind.messageName)!
            var table = ["| | Type | Id | Name | State | Changes |", "|---|---|---|---|---|---|"]
            table += nodes.prefix(rows).map { node in
                let changes = node.change == .changed ? node.fields.map(fieldText).joined(separator: "; ") : (node.uri.map { "`\($0)`" } ?? "")
                return "| \(node.change.rawValue) | \(cell(Describe.shortType(node.type))) | \(node.id) | \(cell(node.name ?? "")) | "
                    + "\(node.state ?? "") | \(cell(changes)) |"
            }
            out += details(header, table, rows: rows, total: nodes.count)
        }
        if !diff.edges.isEmpty {
            out += ["", "<details><summary>Edges: \(TerminalDiffView.edgeCounts(diff.edges).joined(separator: ", "))</summary>", "",
                    "MLMD never removes edges; a removal means store files were edited or deleted by hand.", "", "</details>"]
        }
        if !diff.otherFiles.isEmpty {
            out += ["", "<details><summary>Other files: \(diff.otherFiles.count)</summary>", ""]
                + diff.otherFiles.map { "- \($0.change.rawValue) `\($0.path)`" } + ["", "</details>"]
        }
        if !diff.problems.isEmpty {
            out += ["", "#### Unreadable files", ""] + diff.problems.map { "- \(cell($0.description))" }
        }
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: Run comparisons

    private static func body(_ report: RunComparisonReport, rows: Int) -> String {
        let comparison = report.comparison
        let (old, new) = (comparison.baseline.run, comparison.candidate.run)
        let outputs = comparison.nodes.flatMap(\.outputs).filter { $0.candidate != nil }
        let reused = outputs.filter { DiffWording.provenance($0) != "new" }.count
        let changedParameters = comparison.nodes.map(\.parameters.count).reduce(0, +)
        var out = ["### MLMD run `\(old.name)` → `\(new.name)`", "",
                   "**\(stateBadge(new.state.rawValue))\(old.state == new.state ? "" : " (was \(old.state.rawValue))") · "
                   + "\(plural(changedParameters, "parameter", "parameters")) changed · "
                   + "\(plural(comparison.metrics.filter { $0.delta != 0 }.count, "numeric output property", "numeric output properties")) changed · "
                   + "\(outputs.count - reused) outputs produced anew, \(reused) reused**", "",
                   "Baseline `\(old.name)` from \(report.baselineLabel); this run `\(new.name)` from \(report.candidateLabel)."]
        out += comparisonTables(comparison, rows: rows, heading: "####")
        if rows < 0 { return out.joined(separator: "\n") + "\n" }
        if let lineage = report.lineage {
            out += ["", "#### Lineage of \(DiffWording.artifact(lineage.model))", ""]
            out += mermaid(lineage.mermaid)
        }
        var table = ["| Node | State | Output | Artifact | | Changes |", "|---|---|---|---|---|---|"]
        var count = 0
        for node in comparison.nodes {
            let before = node.baseline?.execution.lastKnownState?.rawValue ?? "—"
            let after = node.candidate?.execution.lastKnownState?.rawValue ?? "—"
            let state = before == after ? after : "\(before) → \(after)"
            for (position, output) in (node.outputs.isEmpty ? [nil] : node.outputs.map(Optional.some)).enumerated() {
                count += 1
                guard count <= rows else { continue }
                let artifact = output?.candidate.map { DiffWording.artifact($0.artifact) } ?? ""
                table.append("| \(position == 0 ? node.node : "") | \(position == 0 ? state : "") | \(output?.key ?? "") | \(cell(artifact)) | "
                             + "\(output.map(DiffWording.provenance) ?? "") | \(cell(output?.changes.map(fieldText).joined(separator: "; ") ?? "")) |")
            }
        }
        out += details("Node by node: \(comparison.nodes.count) nodes, \(outputs.count) outputs", table, rows: rows, total: count)
        return out.joined(separator: "\n") + "\n"
    }

    /// The parameter and metric tables of a comparison.
    private static func comparisonTables(_ comparison: RunComparison, rows: Int, heading: String) -> [String] {
        let (old, new) = (comparison.baseline.run.name, comparison.candidate.run.name)
        var out: [String] = []
        let parameters = comparison.nodes.flatMap { node in node.parameters.map { (node.node, $0) } }
        out += ["", heading + " Parameters", ""]
        if parameters.isEmpty {
            out.append("No execution property differs.")
        } else {
            out += ["| Node | Parameter | `\(cell(old))` | `\(cell(new))` | Change |", "|---|---|---|---|---:|"]
            out += parameters.prefix(max(rows, 20)).map { node, field in
                "| \(node) | \(cell(field.propertyName ?? field.field)) | \(cell(DiffWording.value(field.old))) | \(cell(DiffWording.value(field.new))) | "
                    + "\(DiffWording.change(field) ?? "") |"
            }
            if parameters.count > max(rows, 20) { out.append("\n\(parameters.count - max(rows, 20)) more parameter changes left out.") }
        }
        let changed = comparison.metrics.filter { $0.delta != 0 }
        out += ["", heading + " Metrics", ""]
        if changed.isEmpty {
            out.append("No numeric output property differs.")
        } else {
            out += ["| Metric | `\(cell(old))` | `\(cell(new))` | Change |", "|---|---:|---:|---:|"]
            out += changed.prefix(max(rows, 20)).map { metric in
                "| \(cell(metric.name)) | \(Describe.number(metric.old)) | \(Describe.number(metric.new)) | "
                    + "\(DiffWording.change(delta: metric.delta, relative: metric.relativeChange) ?? "") |"
            }
            if changed.count > max(rows, 20) { out.append("\n\(changed.count - max(rows, 20)) more metric changes left out.") }
        }
        let unchanged = comparison.metrics.count - changed.count
        if unchanged > 0 { out += ["", "\(unchanged) numeric output propert\(unchanged == 1 ? "y is" : "ies are") unchanged."] }
        return out
    }

    // MARK: Pieces

    private static func details(_ summary: String, _ table: [String], rows: Int, total: Int) -> [String] {
        var out = ["", "<details><summary>\(summary)</summary>", ""]
        if rows == 0 {
            out.append("Left out to stay under GitHub's comment limit.")
        } else {
            out += table
            let shown = min(rows, total)
            if shown < total { out += ["", "\(total - shown) more left out to stay under GitHub's comment limit."] }
        }
        return out + ["", "</details>"]
    }

    private static func mermaid(_ graph: String) -> [String] {
        // A graph too large to draw helps no one; GitHub also caps what it renders.
        guard graph.count <= 20_000 else { return ["The lineage graph has \(graph.split(separator: "\n").count) lines; left out."] }
        return ["```mermaid", graph, "```"]
    }

    private static func plural(_ count: Int, _ one: String, _ many: String) -> String {
        "\(count) \(count == 1 ? one : many)"
    }

    private static func fieldText(_ field: FieldChange) -> String {
        "`\(field.field)`: \(DiffWording.value(field.old)) → \(DiffWording.value(field.new))" + (DiffWording.change(field).map { ", \($0)" } ?? "")
    }

    private static func stateBadge(_ state: String) -> String {
        switch state {
        case "COMPLETE": "✅ COMPLETE"
        case "FAILED": "❌ FAILED"
        case "CANCELED": "⛔ CANCELED"
        case "RUNNING": "⏳ RUNNING"
        default: state
        }
    }

    /// Text safe inside a table cell.
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
