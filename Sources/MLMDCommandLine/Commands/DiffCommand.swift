import ArgumentParser
import Foundation
import MLMetadata
import MLMetadataGit

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changed in the store between git revisions, or between two pipeline runs.",
        discussion: """
            Revisions, as git diff takes them:
              mlmd diff          HEAD against the working store: what is not committed
              mlmd diff A        revision A against the working store
              mlmd diff A B      A against B (also A..B)
              mlmd diff A...B    what B added since it forked from A (merge base vs B)

            The report lists the pipeline runs added (each execution, its state and outputs, the newest \
            run against the run before it), types added, changed or renamed, and artifacts, executions \
            and contexts added, removed or changed, field by field.

            Two runs, node by node (parameters, outputs, every numeric output property's change, \
            outputs reused or produced anew):
              mlmd diff --run R1 --run R2        both in the working store
              mlmd diff A --run R1 --run R2      both as of revision A
              mlmd diff A B --run R1 --run R2    R1 as of A, R2 as of B

            A run is its name (the pipeline_run context's name), its context id, latest, or latest~N.

            --format markdown writes a pull-request comment (under GitHub's 65,536-character limit); \
            --format json is for tools.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, markdown, json
    }

    enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    @OptionGroup var location: StoreLocation

    @Argument(help: ArgumentHelp("Up to two revisions: A, A B, A..B or A...B (default: HEAD against the working store).",
                                 valueName: "revision"))
    var revisions: [String] = []

    @Option(name: .customLong("run"), help: ArgumentHelp("A run to compare; give it twice (baseline, then candidate).", valueName: "run"))
    var runs: [String] = []

    @Option(help: "text, markdown or json.")
    var format: Format = .text

    @Option(help: "Colour the text view: auto (on a terminal, unless NO_COLOR is set), always or never.")
    var color: ColorChoice = .auto

    func validate() throws {
        if revisions.count > 2 { throw ValidationError("give at most two revisions") }
        if !runs.isEmpty && runs.count != 2 { throw ValidationError("--run takes exactly two runs: the baseline, then the one to compare with it") }
        if !runs.isEmpty, revisions.contains(where: { $0.contains("..") }) {
            throw ValidationError("with --run, give the revisions of the two runs separately (A B), not a range")
        }
        if revisions.count == 2, revisions.contains(where: { $0.contains("..") }) {
            throw ValidationError("give either a range (A..B, A...B) or two revisions, not both")
        }
    }

    func run() throws {
        let colors: Bool? = format != .text ? false : color == .auto ? nil : color == .always
        try Console.$colorChoice.withValue(colors) {
            if runs.isEmpty { try diffRevisions() } else { try compareRuns() }
        }
    }

    /// How to run this command again (named in the markdown's note on what was left out).
    private var commandLine: String {
        (["mlmd", "diff"] + revisions + runs.flatMap { ["--run", $0] }).joined(separator: " ")
    }

    private func diffRevisions() throws {
        let place = try ReadLocation.place(of: try location.resolve(requireStore: false))
        let (old, new) = try range(in: place.existing)
        let diff = try StoreRepository.diff(from: old, to: new, prefix: place.prefix, repositoryContaining: place.existing)
        let report = try StoreDiffReport(diff)
        switch format {
        case .text: Console.print(TerminalDiffView.render(report))
        case .markdown: Console.output.write(MarkdownDiffView.render(report, command: commandLine))
        case .json: Console.print(try JSONDiffView.render(report))
        }
    }

    /// The old revision and the new one (nil: the working store).
    private func range(in repository: String) throws -> (String, String?) {
        switch revisions.count {
        case 0: return ("HEAD", nil)
        case 2: return (revisions[0], revisions[1])
        default:
            let spec = revisions[0]
            if let dots = spec.range(of: "...") {
                let a = String(spec[..<dots.lowerBound]), b = String(spec[dots.upperBound...])
                let (from, to) = (a.isEmpty ? "HEAD" : a, b.isEmpty ? "HEAD" : b)
                return (try StoreRepository.mergeBase(of: from, and: to, repositoryContaining: repository), to)
            }
            if let dots = spec.range(of: "..") {
                let a = String(spec[..<dots.lowerBound]), b = String(spec[dots.upperBound...])
                return (a.isEmpty ? "HEAD" : a, b.isEmpty ? "HEAD" : b)
            }
            return (spec, nil)
        }
    }

    private func compareRuns() throws {
        func side(_ index: Int) throws -> (store: MetadataStore, label: String) {
            let revision = revisions.isEmpty ? nil : revisions[min(index, revisions.count - 1)]
            guard let revision else { return (try location.open(), "the working store") }
            let place = try ReadLocation.place(of: try location.resolve(requireStore: false))
            return (try StoreRepository.store(at: revision, prefix: place.prefix, repositoryContaining: place.existing),
                    try StoreRepository.describeRevision(revision, repositoryContaining: place.existing))
        }
        let (baselineStore, baselineLabel) = try side(0)
        let (candidateStore, candidateLabel) = revisions.count < 2 ? (baselineStore, baselineLabel) : try side(1)
        let baseline = try baselineStore.runDetails(try Self.run(runs[0], in: baselineStore, label: baselineLabel))
        let candidate = try candidateStore.runDetails(try Self.run(runs[1], in: candidateStore, label: candidateLabel))
        let report = try RunComparisonReport(RunComparison(baseline: baseline, candidate: candidate),
                                             baselineLabel: baselineLabel, candidateLabel: candidateLabel, candidateStore: candidateStore)
        switch format {
        case .text: Console.print(TerminalDiffView.render(report))
        case .markdown: Console.output.write(MarkdownDiffView.render(report, command: commandLine))
        case .json: Console.print(try JSONDiffView.render(report))
        }
    }

    /// A run by name, context id, `latest` or `latest~N`.
    static func run(_ reference: String, in store: MetadataStore, label: String) throws -> Context {
        if let context = try store.pipelineRunContext(named: reference) { return context }
        if reference == "latest" || reference.hasPrefix("latest~") {
            let back = reference == "latest" ? 0 : Int(reference.dropFirst("latest~".count))
            let runs = try store.pipelineRunContexts()
            guard let back, back >= 0 else { throw CommandError("\(reference): expected latest or latest~N with N a whole number") }
            guard back < runs.count else {
                throw StoreError(.notFound, "\(reference): \(label) has \(runs.count) run\(runs.count == 1 ? "" : "s")")
            }
            return runs[runs.count - 1 - back]
        }
        throw StoreError(.notFound, "no pipeline run named \(reference) in \(label) (see mlmd runs)")
    }
}
