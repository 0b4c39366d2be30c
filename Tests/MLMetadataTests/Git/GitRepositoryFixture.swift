import Foundation
import Testing
@testable import MLMetadata
import MLMetadataGit
import MLMetadataSamples

/// A real git repository in a temporary folder, driven through the git CLI (the independent
/// reader the tests check libgit2's work with).
struct GitRepositoryFixture {
    let directory: TemporaryDirectory
    var path: String { directory.path }

    init(_ label: String = #function) throws {
        directory = TemporaryDirectory(label)
        try git("init", "-q", "-b", "main")
        try git("config", "user.name", "Test Author")
        try git("config", "user.email", "author@example.com")
        try git("config", "commit.gpgsign", "false")
    }

    /// Runs git in the repository; fails the test if git fails.
    @discardableResult
    func git(_ arguments: String..., allowFailure: Bool = false) throws -> String {
        try gitArguments(arguments, allowFailure: allowFailure)
    }

    @discardableResult
    func gitArguments(_ arguments: [String], allowFailure: Bool = false) throws -> String {
        let result = try MLMD.process("/usr/bin/git", arguments, in: path,
                                      environment: ["GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"])
        if result.status != 0 && !allowFailure {
            Issue.record("git \(arguments.joined(separator: " ")) failed: \(result.errors)")
        }
        return result.output
    }

    func write(_ relative: String, _ text: String) throws {
        let file = directory.file(relative)
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: false, encoding: .utf8)
    }

    /// `git status --porcelain` lines, optionally without those under `prefix`.
    func status(excluding prefix: String? = nil) throws -> [String] {
        try git("status", "--porcelain", "--untracked-files=all").split(separator: "\n").map(String.init)
            .filter { line in prefix.map { !line.dropFirst(3).hasPrefix($0) } ?? true }
    }

    /// Records sample run `number` (1…3) of the taxi pipeline into the store at `storePath`.
    static func recordSampleRun(_ number: Int, into storePath: String) throws -> PipelineRunRecorder {
        var recorder: PipelineRunRecorder?
        try TaxiPipeline.record(into: storePath, runs: [TaxiPipeline.defaultRuns[(number - 1) % 3]], firstRunNumber: number) { recorder = $0 }
        return recorder!
    }
}
