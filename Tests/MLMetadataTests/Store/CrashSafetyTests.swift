import Foundation
import Testing
@testable import MLMetadata

/// Kills a writer process (SIGKILL) at many points of its writes, then checks that the store
/// holds exactly the calls that completed: every write call is all or nothing.
@Suite(.serialized) struct CrashSafetyTests {
    static let stress = BuiltProducts.path("mlmd-stress")

    /// Kills at each named point of the write path, the Nth time it is reached.
    @Test(arguments: ["journal-written", "file-applied", "files-applied", "index-committed"], [1, 2, 3, 7, 16])
    func killedAtAWritePointLosesOnlyTheCallInFlight(point: String, countdown: Int) throws {
        let directory = TemporaryDirectory("crash-\(point)-\(countdown)")
        let child = try ChildProcess.run(Self.stress, ["chain", directory.path, "40"],
                                         environment: ["MLMD_TEST_CRASH_POINT": point, "MLMD_TEST_CRASH_COUNTDOWN": String(countdown)])
        #expect(child.wasKilled, "the writer was expected to die at \(point) #\(countdown): \(child.standardError)")
        let steps = try ChainCheck.verify(directory.path)
        #expect(steps < 40)
        // The recovered store takes further writes.
        let resumed = try ChildProcess.run(Self.stress, ["chain", directory.path, "3"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(try ChainCheck.verify(directory.path) == steps + 3)
    }

    /// Kills the writer after random delays, again and again on the same store.
    @Test(arguments: [false, true])
    func killedAtRandomMomentsTheStoreStaysWhole(fullDurability: Bool) throws {
        let directory = TemporaryDirectory("crash-random-\(fullDurability)")
        var generator = SplitMix(seed: fullDurability ? 7 : 3)
        var previous = 0
        for _ in 0..<8 {
            let delay = 0.05 + Double(generator.next() % 250) / 1000
            var arguments = ["chain", directory.path, "100000"]
            if fullDurability { arguments.append("--full") }
            let child = try ChildProcess.run(Self.stress, arguments, killAfter: delay)
            #expect(child.wasKilled || child.status == 0, "\(child.standardError)")
            let steps = try ChainCheck.verify(directory.path)
            #expect(steps >= previous)
            previous = steps
        }
        #expect(previous > 0)
    }
}

/// Checks a store written by `mlmd-stress chain` and returns how many steps it holds.
enum ChainCheck {
    static func verify(_ path: String) throws -> Int {
        let store = try MetadataStore(path: path)
        #expect(try store.problems.isEmpty, "\(String(describing: try? store.problems))")
        let journal = try FileManager.default.attributesOfItem(atPath: path + "/.mlmd/journal")[.size] as? Int
        #expect(journal == 0, "the journal was not recovered")
        #expect(try FileManager.default.contentsOfDirectory(atPath: path + "/.mlmd/tmp").isEmpty, "temporary files were left")

        let executions = try store.getExecutionsByType("Step")
        let steps = executions.count
        #expect(Set(executions.compactMap(\.name)) == Set((0..<steps).map { "step-\($0)" }), "steps are not contiguous")
        let artifacts = try store.getArtifactsByType("Blob")
        #expect(Set(artifacts.compactMap(\.name)) == Set((0..<steps).flatMap { ["out-\($0)-0", "out-\($0)-1"] }),
                "outputs without their execution (or the reverse)")
        let stepContexts = try store.getContextsByType("step")
        #expect(Set(stepContexts.compactMap(\.name)) == Set((0..<steps).map { "step-\($0)" }))
        let chain = try store.getContextByTypeAndName("chain", "chain")
        if steps > 0 {
            let chainID = try #require(chain?.id)
            #expect(try store.getExecutionsByContext(chainID).count == steps)
            #expect(try store.getArtifactsByContext(chainID).count == 2 * steps)
        }
        for execution in executions {
            let step = Int(execution.name!.dropFirst("step-".count))!
            let events = try store.getEventsByExecutionIDs([execution.id!])
            #expect(events.filter { $0.type == .output }.count == 2, "step \(step) lacks outputs")
            #expect(events.filter { $0.type == .input }.count == (step > 0 ? 1 : 0), "step \(step) lacks its input")
            #expect(try Set(store.getContextsByExecution(execution.id!).compactMap(\.name)) == ["chain", "step-\(step)"])
        }

        // The index after recovery equals one rebuilt from the files alone.
        let rebuilt = try StoreContents.rebuilt(from: path)
        #expect(rebuilt.problems.isEmpty, "\(rebuilt.problems)")
        #expect(try StoreContents(store) == rebuilt.contents, "the index differs from the files")
        return steps
    }
}

/// A tiny deterministic generator for test schedules.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
