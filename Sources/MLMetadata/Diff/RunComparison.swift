/// Two pipeline runs compared node by node: parameters that differ, outputs that differ, the
/// change of every numeric output property, and which outputs were reused rather than produced.
///
/// ```swift
/// let comparison = RunComparison(baseline: try store.runDetails(run3), candidate: try store.runDetails(run4))
/// for metric in comparison.metrics where metric.delta != 0 { print(metric.name, metric.delta) }
/// ```
public struct RunComparison: Sendable, Hashable {
    public var baseline: RunDetails
    public var candidate: RunDetails
    /// One entry per pipeline node, in the candidate's order, then nodes only the baseline ran.
    public var nodes: [NodeComparison]
    /// Every numeric property (int or double, property or custom property) of an output that
    /// both runs have under the same node and key, changed or not; properties that hold ids
    /// (`…_id`) are not measurements and are left out.
    public var metrics: [MetricChange]

    public init(baseline: RunDetails, candidate: RunDetails) {
        self.baseline = baseline
        self.candidate = candidate
        let old = Self.byNode(baseline.steps), new = Self.byNode(candidate.steps)
        let names = new.map(\.name) + old.map(\.name).filter { name in !new.contains { $0.name == name } }
        nodes = names.map { name in
            NodeComparison(node: name, baseline: old.first { $0.name == name }?.step, candidate: new.first { $0.name == name }?.step)
        }
        metrics = nodes.flatMap { node in
            node.outputs.flatMap { output -> [MetricChange] in
                guard let before = output.baseline?.artifact, let after = output.candidate?.artifact else { return [] }
                let oldFields = before.comparableFields, newFields = after.comparableFields
                return Set(oldFields.keys).intersection(newFields.keys).sorted(by: FieldOrder.precedes).compactMap { field in
                    guard field.contains("properties."), let a = oldFields[field]?.numericValue, let b = newFields[field]?.numericValue else { return nil }
                    let property = String(field.split(separator: ".", maxSplits: 1)[1])
                    guard !FieldChange.isIdentifier(property) else { return nil }
                    return MetricChange(node: node.node, output: output.key, property: property, old: a, new: b)
                }
            }
        }
    }

    /// Steps keyed by node; a node that ran several times gets `#2`, `#3` after its name.
    private static func byNode(_ steps: [RunStep]) -> [(name: String, step: RunStep)] {
        var seen: [String: Int] = [:]
        return steps.map { step in
            seen[step.node, default: 0] += 1
            let count = seen[step.node]!
            return (count == 1 ? step.node : "\(step.node)#\(count)", step)
        }
    }
}

/// One pipeline node in two runs.
public struct NodeComparison: Sendable, Hashable {
    public var node: String
    /// The node's execution in the baseline run; nil when it did not run there.
    public var baseline: RunStep?
    /// The node's execution in the candidate run; nil when it did not run there.
    public var candidate: RunStep?
    /// Execution properties and custom properties that differ.
    public var parameters: [FieldChange]
    /// The outputs, by key.
    public var outputs: [OutputComparison]

    init(node: String, baseline: RunStep?, candidate: RunStep?) {
        self.node = node
        self.baseline = baseline
        self.candidate = candidate
        func parameters(_ step: RunStep?) -> [String: Value] {
            (step?.execution.comparableFields ?? [:]).filter { $0.key.contains("properties.") }
        }
        self.parameters = FieldChange.changes(parameters(baseline), parameters(candidate))
        let old = baseline?.outputs ?? [], new = candidate?.outputs ?? []
        let keys = new.map(\.key) + old.map(\.key).filter { key in !new.contains { $0.key == key } }
        outputs = keys.map { key in OutputComparison(key: key, baseline: old.first { $0.key == key }, candidate: new.first { $0.key == key }) }
    }

    /// Whether the node's state, parameters or outputs differ.
    public var differs: Bool {
        baseline?.execution.lastKnownState != candidate?.execution.lastKnownState || !parameters.isEmpty
            || outputs.contains { !$0.changes.isEmpty || $0.baseline == nil || $0.candidate == nil }
    }
}

/// One output key of a node in two runs.
public struct OutputComparison: Sendable, Hashable {
    public var key: String
    public var baseline: RunArtifact?
    public var candidate: RunArtifact?
    /// Fields of the two artifacts that differ (uri, state, properties); empty when both runs
    /// output the same artifact or only one run has the output.
    public var changes: [FieldChange]

    init(key: String, baseline: RunArtifact?, candidate: RunArtifact?) {
        self.key = key
        self.baseline = baseline
        self.candidate = candidate
        func fields(_ output: RunArtifact?) -> [String: Value] {
            (output?.artifact.comparableFields ?? [:]).filter { $0.key != "name" && $0.key != "external_id" }
        }
        // Only two artifacts compare; a missing output is said by the missing side itself.
        let same = baseline?.artifact.id == candidate?.artifact.id
        changes = baseline == nil || candidate == nil || same ? [] : FieldChange.changes(fields(baseline), fields(candidate))
    }

    /// Both runs output the very same artifact (the candidate reused it).
    public var sameArtifact: Bool {
        baseline != nil && baseline?.artifact.id == candidate?.artifact.id
    }
}

/// A numeric output property in two runs.
public struct MetricChange: Sendable, Hashable {
    public var node: String
    public var output: String
    public var property: String
    public var old: Double
    public var new: Double

    /// `Evaluator.evaluation.accuracy`.
    public var name: String { "\(node).\(output).\(property)" }
    /// `new − old`.
    public var delta: Double { new - old }
    /// `(new − old) / |old|`; nil when `old` is zero.
    public var relativeChange: Double? { old == 0 ? nil : delta / abs(old) }
}
