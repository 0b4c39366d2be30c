import Foundation
import GRPCCore
import Logging
import MLMDServiceProtocol
import MLMetadata
import MLMetadataGit
import Testing
@testable import MLMDServer

/// The server commits runs the way TFX records them: no "run finished" call, only executions
/// that reach a final state. Time is driven by the test (`commitDue(now:)`), not by sleeping.
@Suite struct RunCommitterTests {
    /// A store in a git repository next to a user's own file, and the service over it.
    struct Setup {
        let directory = TemporaryDirectory("RunCommitterTests")
        let store: MetadataStore
        let service: MetadataStoreService
        let committer: RunCommitter
        var storePath: String { directory.path + "/ml-store" }

        init(commitRuns: Bool) throws {
            try Self.git(directory.path, "init", "-q", "-b", "main")
            try "draft\n".write(toFile: directory.path + "/notes.txt", atomically: true, encoding: .utf8)
            store = try MetadataStore(path: directory.path + "/ml-store")
            try store.updateSettings(StoreSettings(commitRuns: commitRuns))
            committer = RunCommitter(repository: try StoreRepository(store: store),
                                     policy: CommitPolicy(runQuietPeriod: 1000, idlePeriod: 5000),
                                     logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            service = MetadataStoreService(executor: StoreExecutor(store: store), committer: committer)
        }

        /// Runs git in `folder` with a fixed identity and no user configuration; returns its output.
        @discardableResult
        static func git(_ folder: String, _ arguments: String...) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
            process.arguments = ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false",
                                 "-C", folder] + arguments
            process.environment = ["GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let text = String(decoding: data, as: UTF8.self)
            if process.terminationStatus != 0 { throw HarnessError(description: "git \(arguments.joined(separator: " ")): \(text)") }
            return text
        }

        var context: ServerContext {
            ServerContext(descriptor: MethodDescriptor(fullyQualifiedService: "ml_metadata.MetadataStoreService", method: "Test"),
                          remotePeer: "test", localPeer: "test", cancellation: ServerContext.RPCCancellationHandle())
        }

        var now: Double { ProcessInfo.processInfo.systemUptime }
    }

    /// What a TFX (IR-based) orchestrator sends for one component: register the execution as
    /// RUNNING with its inputs, then publish it COMPLETE with its outputs, in the pipeline,
    /// pipeline_run and node contexts.
    struct TFXRun {
        let setup: Setup
        let types: MlMetadata_PutTypesResponse
        let runName: String

        init(_ setup: Setup, runName: String) async throws {
            self.setup = setup
            self.runName = runName
            var request = MlMetadata_PutTypesRequest()
            request.artifactTypes = [Wire.artifactType("Examples"), Wire.artifactType("Model")]
            request.executionTypes = [Wire.executionType("tfx.components.example_gen.CsvExampleGen"),
                                      Wire.executionType("tfx.components.trainer.Trainer")]
            request.contextTypes = [Wire.contextType("pipeline"), Wire.contextType("pipeline_run"), Wire.contextType("node")]
            types = try await setup.service.putTypes(request: request, context: setup.context)
        }

        func contexts(node: String) -> [MlMetadata_Context] {
            [("taxi", types.contextTypeIds[0]), (runName, types.contextTypeIds[1]), ("taxi.\(node)", types.contextTypeIds[2])].map {
                var context = MlMetadata_Context()
                context.name = $0.0
                context.typeID = $0.1
                return context
            }
        }

        /// Registers the component's execution as RUNNING; returns its id.
        func start(_ node: String, type: Int, inputs: [Int64] = []) async throws -> Int64 {
            var request = MlMetadata_PutExecutionRequest()
            request.execution.typeID = types.executionTypeIds[type]
            request.execution.lastKnownState = .running
            request.artifactEventPairs = inputs.map { id in
                var pair = MlMetadata_PutExecutionRequest.ArtifactAndEvent()
                pair.event.artifactID = id
                pair.event.type = .input
                return pair
            }
            request.contexts = contexts(node: node)
            request.options.reuseContextIfAlreadyExist = true
            return try await setup.service.putExecution(request: request, context: setup.context).executionID
        }

        /// Publishes the execution COMPLETE with one output; returns the output's id.
        func finish(_ node: String, execution: Int64, type: Int, output: Int) async throws -> Int64 {
            var request = MlMetadata_PutExecutionRequest()
            request.execution.id = execution
            request.execution.typeID = types.executionTypeIds[type]
            request.execution.lastKnownState = .complete
            var pair = MlMetadata_PutExecutionRequest.ArtifactAndEvent()
            pair.artifact.typeID = types.artifactTypeIds[output]
            pair.artifact.uri = "/pipelines/taxi/\(node)/\(execution)"
            pair.artifact.state = .live
            pair.event.type = .output
            request.artifactEventPairs = [pair]
            request.contexts = contexts(node: node)
            request.options.reuseContextIfAlreadyExist = true
            return try await setup.service.putExecution(request: request, context: setup.context).artifactIds[0]
        }
    }

    func writeFirstComponent(_ run: TFXRun) async throws -> Int64 {
        let exampleGen = try await run.start("CsvExampleGen", type: 0)
        return try await run.finish("CsvExampleGen", execution: exampleGen, type: 0, output: 0)
    }

    @Test func aRunIsCommittedOnceEveryExecutionIsFinalAndItWentQuiet() async throws {
        let setup = try Setup(commitRuns: true)
        let run = try await TFXRun(setup, runName: "2026-12-03T10:00:00")
        let examples = try await writeFirstComponent(run)
        // Everything recorded so far is final, but the run is still within its quiet period.
        #expect(setup.committer.commitDue(now: setup.now).isEmpty)

        // The next component registers right away: the run is running again.
        let trainer = try await run.start("Trainer", type: 1, inputs: [examples])
        #expect(setup.committer.commitDue(now: setup.now + 2000).isEmpty)
        _ = try await run.finish("Trainer", execution: trainer, type: 1, output: 1)
        #expect(setup.committer.commitDue(now: setup.now).isEmpty)

        let commits = setup.committer.commitDue(now: setup.now + 2000)
        #expect(commits.count == 1)
        let message = try Setup.git(setup.directory.path, "log", "-1", "--format=%B")
        #expect(message.hasPrefix("taxi run 2026-12-03T10:00:00: COMPLETE, 2 executions, 2 new artifacts"))
        #expect(message.contains("MLMD-Run: 2026-12-03T10:00:00"))
        // Only the store's paths are committed; the user's file is left as it was.
        let paths = try Setup.git(setup.directory.path, "show", "--name-only", "--format=", "HEAD").split(separator: "\n")
        #expect(!paths.isEmpty)
        #expect(paths.allSatisfy { $0.hasPrefix("ml-store/") })
        #expect(try Setup.git(setup.directory.path, "status", "--porcelain").contains("?? notes.txt"))
        #expect(try Setup.git(setup.directory.path, "status", "--porcelain", "ml-store").isEmpty)

        // Nothing is due twice.
        #expect(setup.committer.commitDue(now: setup.now + 2000).isEmpty)
    }

    @Test func whatIsLeftIsCommittedWhenIdleAndAtShutdown() async throws {
        let setup = try Setup(commitRuns: true)
        let run = try await TFXRun(setup, runName: "run-a")
        // A component that never finishes: its run is not committed as a run.
        _ = try await run.start("CsvExampleGen", type: 0)
        #expect(setup.committer.commitDue(now: setup.now + 2000).isEmpty)
        let idle = setup.committer.commitDue(now: setup.now + 6000)
        #expect(idle.count == 1)
        #expect(try Setup.git(setup.directory.path, "log", "-1", "--format=%s") == "mlmd serve: store changes recorded through the server\n")

        // At shutdown a finished run is committed at once, quiet period or not.
        let second = try await TFXRun(setup, runName: "run-b")
        _ = try await writeFirstComponent(second)
        let final = setup.committer.commitDue(now: setup.now, final: true)
        #expect(final.count == 1)
        #expect(try Setup.git(setup.directory.path, "log", "-1", "--format=%s").hasPrefix("taxi run run-b: COMPLETE, 1 execution"))
        #expect(try Setup.git(setup.directory.path, "status", "--porcelain", "ml-store").isEmpty)
    }

    @Test func nothingIsCommittedWhenCommitRunsIsOff() async throws {
        let setup = try Setup(commitRuns: false)
        let run = try await TFXRun(setup, runName: "run-off")
        _ = try await writeFirstComponent(run)
        #expect(setup.committer.commitDue(now: setup.now + 9000, final: true).isEmpty)
        #expect(try Setup.git(setup.directory.path, "rev-list", "--all").isEmpty)
    }
}
