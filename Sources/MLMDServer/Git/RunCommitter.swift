import Foundation
import Logging
import MLMetadata
import MLMetadataGit
import Synchronization

/// When the server commits what its clients record, for a store whose `commit_runs` setting is on.
///
/// TFX and MLMD's other clients never say that a run has finished, so the server decides:
/// - a **run** (a run context: TFX's `pipeline_run`, ``PipelineRun/runContextTypes``) is committed, with the same
///   message the library's run recorder writes, once every execution associated with it is in a
///   final state (COMPLETE, CACHED, FAILED, CANCELED) and no write has touched it for
///   ``runQuietPeriod`` seconds. The quiet period keeps a sequential pipeline from being committed
///   after each component: its next execution is registered as soon as the previous one ends.
/// - anything else still uncommitted (types, a run that never finishes) is committed once the
///   server has had no write for ``idlePeriod`` seconds, and at shutdown.
///
/// Only the store's own paths are committed (the library's log of what it wrote); the rest of
/// the working tree and the git index entries of other files are left as they are.
public struct CommitPolicy: Sendable, Hashable {
    public var runQuietPeriod: Double
    public var idlePeriod: Double

    public init(runQuietPeriod: Double = 5, idlePeriod: Double = 60) {
        self.runQuietPeriod = runQuietPeriod
        self.idlePeriod = idlePeriod
    }
}

/// Applies ``CommitPolicy`` to a store in a git working tree. Its methods run on the server's
/// write queue, so commits never interleave with the server's own writes.
final class RunCommitter: Sendable {
    static let runContextTypes = Set(PipelineRun.runContextTypes)

    private struct State {
        /// Contexts written to since they were last looked at, with the time of the last write.
        var candidates: [Int64: Double] = [:]
        var lastWrite: Double?
        /// The store's `commit_runs`, as last read (each ``commitDue(now:final:)`` reads it again).
        var commitRuns: Bool
    }

    let repository: StoreRepository
    let policy: CommitPolicy
    private let logger: Logger
    private let state: Mutex<State>

    init(repository: StoreRepository, policy: CommitPolicy, logger: Logger) {
        self.repository = repository
        self.policy = policy
        self.logger = logger
        state = Mutex(State(commitRuns: (try? repository.store.settings.commitRuns) ?? false))
    }

    /// Records a write at `now` that touched these contexts and executions (whose contexts are
    /// looked up here, on the write queue, right after the write).
    func touched(_ store: MetadataStore, contexts: [Int64] = [], executions: [Int64] = [], at now: Double) {
        guard state.withLock({ $0.commitRuns }) else { return }
        var all = contexts
        for execution in Set(executions) {
            all += ((try? store.getContextsByExecution(execution)) ?? []).compactMap(\.id)
        }
        state.withLock { state in
            state.lastWrite = now
            for context in all { state.candidates[context] = now }
        }
    }

    /// Commits what is due at `now`; at shutdown (`final`) commits every finished run and then
    /// everything else pending, without waiting for quiet or idle periods.
    @discardableResult
    func commitDue(now: Double, final: Bool = false) -> [StoreCommit] {
        let store = repository.store
        let commitRuns = (try? store.settings.commitRuns) ?? false
        state.withLock { $0.commitRuns = commitRuns }
        guard commitRuns else {
            state.withLock { state in
                state.candidates.removeAll()
                state.lastWrite = nil
            }
            return []
        }
        var commits: [StoreCommit] = []
        let due = state.withLock { state in
            state.candidates.filter { final || now - $0.value >= policy.runQuietPeriod }.map(\.key).sorted()
        }
        for contextID in due {
            do {
                guard let context = try store.getContextsByID([contextID]).first,
                      let type = context.type, Self.runContextTypes.contains(type) else {
                    state.withLock { _ = $0.candidates.removeValue(forKey: contextID) }
                    continue
                }
                let run = try store.pipelineRun(context)
                guard [.complete, .failed, .canceled].contains(run.state) else {
                    // Still running: looked at again after its next write.
                    state.withLock { _ = $0.candidates.removeValue(forKey: contextID) }
                    continue
                }
                state.withLock { _ = $0.candidates.removeValue(forKey: contextID) }
                if let commit = try repository.commit(RecordedRun(run: run)) {
                    logger.info("committed run", metadata: ["run": "\(run.name)", "state": "\(run.state.rawValue)", "commit": "\(commit.id)"])
                    commits.append(commit)
                }
            } catch {
                logger.error("could not commit run", metadata: ["context_id": "\(contextID)", "error": "\(error)"])
            }
        }
        let idle = state.withLock { state in final || state.lastWrite.map { now - $0 >= policy.idlePeriod } ?? false }
        if idle {
            do {
                if let commit = try repository.commitPending(message: "mlmd serve: store changes recorded through the server") {
                    logger.info("committed pending store changes", metadata: ["files": "\(commit.paths.count)", "commit": "\(commit.id)"])
                    commits.append(commit)
                }
                state.withLock { $0.lastWrite = nil }
            } catch {
                logger.error("could not commit pending store changes", metadata: ["error": "\(error)"])
            }
        }
        return commits
    }
}
