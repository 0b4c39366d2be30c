import Foundation
import Testing
@testable import MLMetadata

@Suite(.serialized) struct ConcurrencyTests {
    static let stress = BuiltProducts.path("mlmd-stress")

    /// Four writer processes × 200 putExecution calls, with two readers checking that no half
    /// write is ever visible; afterwards every record is there and the index equals the files.
    @Test func processesWritingAndReadingAtOnceLoseNothing() throws {
        let directory = TemporaryDirectory()
        let store = try MetadataStore(path: directory.path)
        try ParallelWriterTypes.register(store)
        let writers = (1...4).map { ["writer", directory.path, "w\($0)", "200"] }
        let readers = (1...2).map { _ in ["reader", directory.path, "4"] }
        let results = try runConcurrently((writers + readers).map { (Self.stress, $0) })
        for (arguments, result) in zip(writers + readers, results) {
            #expect(result.status == 0, "mlmd-stress \(arguments.joined(separator: " ")): \(result.standardError)")
        }

        let executions = try store.getExecutionsByType("Work")
        #expect(executions.count == 800)
        #expect(Set(executions.compactMap(\.name)) == Set((1...4).flatMap { w in (0..<200).map { "w\(w)-\($0)" } }))
        #expect(try store.getArtifactsByType("Output").count == 800)
        #expect(try store.getEventsByExecutionIDs(executions.map(\.id!)).count == 800)
        let shared = try #require(try store.getContextByTypeAndName("group", "shared"))
        #expect(try store.getExecutionsByContext(shared.id!).count == 800)
        for writer in 1...4 {
            let own = try #require(try store.getContextByTypeAndName("group", "w\(writer)"))
            #expect(try store.getArtifactsByContext(own.id!).count == 200)
        }
        let rebuilt = try StoreContents.rebuilt(from: directory.path)
        #expect(rebuilt.problems.isEmpty)
        #expect(try StoreContents(store) == rebuilt.contents)
    }

    /// One store object shared by several threads.
    @Test func threadsSharingOneStoreLoseNothing() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        try ParallelWriterTypes.register(store)
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            do {
                for index in 0..<50 {
                    _ = try store.putExecution(
                        Execution(type: "Work", name: "t\(thread)-\(index)"),
                        artifactsAndEvents: [ArtifactAndEvent(Artifact(type: "Output", name: "t\(thread)-\(index)-out"), .output)],
                        contexts: [Context(type: "group", name: "shared")],
                        options: PutExecutionOptions(reuseContextIfAlreadyExist: true))
                    _ = try store.getExecutionsByType("Work")
                }
            } catch {
                failures.add("\(error)")
            }
        }
        #expect(failures.all.isEmpty)
        #expect(try store.getExecutionsByType("Work").count == 200)
        #expect(try store.getArtifactsByContext(store.getContextByTypeAndName("group", "shared")!.id!).count == 200)
    }

    func runConcurrently(_ commands: [(String, [String])]) throws -> [ChildProcess] {
        let results = Results(count: commands.count)
        DispatchQueue.concurrentPerform(iterations: commands.count) { index in
            results.set(index, Result { try ChildProcess.run(commands[index].0, commands[index].1) })
        }
        return try results.values.map { try $0!.get() }
    }
}

/// The same types `mlmd-stress writer` registers.
enum ParallelWriterTypes {
    static func register(_ store: MetadataStore) throws {
        try store.putTypes(artifactTypes: [ArtifactType(name: "Output", properties: ["index": .int])],
                           executionTypes: [ExecutionType(name: "Work", properties: ["index": .int])],
                           contextTypes: [ContextType(name: "group")])
    }
}

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func add(_ message: String) { lock.withLock { messages.append(message) } }
    var all: [String] { lock.withLock { messages } }
}

final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<ChildProcess, any Error>?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ result: Result<ChildProcess, any Error>) { lock.withLock { storage[index] = result } }
    var values: [Result<ChildProcess, any Error>?] { lock.withLock { storage } }
}
