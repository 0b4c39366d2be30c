import Foundation
import MLMetadata

/// One of several processes writing to a store at once: each call records execution `NAME-i`
/// with one new output `NAME-i-out` (and its event), linked to the context `shared` (which every
/// writer reuses) and the writer's own context `NAME`.
struct ParallelWriter {
    let store: MetadataStore
    let name: String

    static func registerTypes(_ store: MetadataStore) throws {
        try store.putTypes(artifactTypes: [ArtifactType(name: "Output", properties: ["index": .int])],
                           executionTypes: [ExecutionType(name: "Work", properties: ["index": .int])],
                           contextTypes: [ContextType(name: "group")])
    }

    func write(count: Int) throws {
        try Self.registerTypes(store)
        for index in 0..<count {
            let output = Artifact(type: "Output", name: "\(name)-\(index)-out", uri: "/out/\(name)/\(index)", state: .live,
                                  properties: ["index": .int(Int64(index))])
            _ = try store.putExecution(
                Execution(type: "Work", name: "\(name)-\(index)", lastKnownState: .complete, properties: ["index": .int(Int64(index))]),
                artifactsAndEvents: [ArtifactAndEvent(output, .output)],
                contexts: [Context(type: "group", name: "shared"), Context(type: "group", name: name)],
                options: PutExecutionOptions(reuseContextIfAlreadyExist: true))
        }
    }
}

/// Reads while writers write and checks it never sees half a write: every execution it sees
/// already has its output, its event and its context links.
struct ParallelReader {
    let store: MetadataStore

    struct HalfWrite: Error, CustomStringConvertible {
        var description: String
    }

    func check(for seconds: Double) throws {
        let deadline = Date().addingTimeInterval(seconds)
        var rounds = 0
        while Date() < deadline || rounds == 0 {
            rounds += 1
            let executions = try store.getExecutionsByType("Work")
            guard !executions.isEmpty else { continue }
            let events = try store.getEventsByExecutionIDs(executions.map { $0.id! })
            let withEvents = Set(events.map { $0.executionID! })
            let outputs = Set(try store.getArtifactsByType("Output").compactMap(\.name))
            for execution in executions {
                guard withEvents.contains(execution.id!) else {
                    throw HalfWrite(description: "execution \(execution.name!) is visible without its event")
                }
                guard outputs.contains(execution.name! + "-out") else {
                    throw HalfWrite(description: "execution \(execution.name!) is visible without its output")
                }
                guard try store.getContextsByExecution(execution.id!).count == 2 else {
                    throw HalfWrite(description: "execution \(execution.name!) is visible without both context links")
                }
            }
        }
        print("reader: \(rounds) rounds")
    }
}
