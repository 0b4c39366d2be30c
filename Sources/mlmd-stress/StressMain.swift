import Foundation
import MLMetadata

/// Drives a store from a child process for the crash-safety and concurrency tests.
///
/// ```
/// mlmd-stress chain STORE COUNT [--full]     record COUNT linked steps (see ChainWriter)
/// mlmd-stress writer STORE NAME COUNT        record COUNT executions named NAME-i (see ParallelWriter)
/// mlmd-stress reader STORE SECONDS           read and check the writers' records until SECONDS pass
/// ```
/// The tests kill this process at chosen or random moments and then check the store.
@main
enum StressMain {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let full = arguments.contains("--full")
        arguments.removeAll { $0 == "--full" }
        do {
            switch (arguments.first, arguments.count) {
            case ("chain", 3):
                guard let count = Int(arguments[2]) else { usage() }
                let options = StoreOptions(durability: full ? .full : .relaxed)
                try ChainWriter(store: MetadataStore(path: arguments[1], options: options)).write(count: count)
            case ("writer", 4):
                guard let count = Int(arguments[3]) else { usage() }
                try ParallelWriter(store: MetadataStore(path: arguments[1]), name: arguments[2]).write(count: count)
            case ("reader", 3):
                guard let seconds = Double(arguments[2]) else { usage() }
                try ParallelReader(store: MetadataStore(path: arguments[1])).check(for: seconds)
            default:
                usage()
            }
        } catch {
            FileHandle.standardError.write(Data("mlmd-stress: \(error)\n".utf8))
            exit(1)
        }
    }

    static func usage() -> Never {
        FileHandle.standardError.write(Data("""
            usage: mlmd-stress chain STORE COUNT [--full]
                   mlmd-stress writer STORE NAME COUNT
                   mlmd-stress reader STORE SECONDS

            """.utf8))
        exit(64)
    }
}

/// Records a chain of steps: step i is one `putExecution` of execution `step-i` that reads the
/// previous step's first output and writes two new artifacts `out-i-0` and `out-i-1`, linked to
/// the shared context `chain` and its own context `step-i`; every third step also updates the
/// previous outputs' state in a `putArtifacts` batch. Continues after the steps already stored.
struct ChainWriter {
    let store: MetadataStore

    func write(count: Int) throws {
        try store.putTypes(
            artifactTypes: [ArtifactType(name: "Blob", properties: ["step": .int])],
            executionTypes: [ExecutionType(name: "Step", properties: ["step": .int])],
            contextTypes: [ContextType(name: "chain"), ContextType(name: "step")])
        let first = try store.getExecutionsByType("Step").count
        for step in first..<first + count {
            var inputs: [ArtifactAndEvent] = []
            if step > 0, let previous = try store.getArtifactByTypeAndName("Blob", "out-\(step - 1)-0") {
                inputs.append(ArtifactAndEvent(artifact: nil, event: Event(artifactID: previous.id, path: [.key("in")], type: .input)))
                if step % 3 == 0 {
                    var updated = previous
                    updated.state = .markedForDeletion
                    try store.putArtifacts([updated])
                }
            }
            let outputs = (0..<2).map { index in
                ArtifactAndEvent(Artifact(type: "Blob", name: "out-\(step)-\(index)", uri: "/data/\(step)/\(index)", state: .live,
                                          properties: ["step": .int(Int64(step))]), .output, path: [.key("out"), .index(Int64(index))])
            }
            _ = try store.putExecution(
                Execution(type: "Step", name: "step-\(step)", lastKnownState: .complete, properties: ["step": .int(Int64(step))]),
                artifactsAndEvents: inputs + outputs,
                contexts: [Context(type: "chain", name: "chain"), Context(type: "step", name: "step-\(step)")],
                options: PutExecutionOptions(reuseContextIfAlreadyExist: true))
        }
    }
}
