import Foundation
import Testing
@testable import MLMetadataGit

/// Each run commit writes one small pack; past a limit they are merged into one, losing nothing.
@Suite struct PackConsolidationTests {
    private func packs(_ repository: GitRepositoryFixture) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: repository.directory.file(".git/objects/pack")).filter { $0.hasSuffix(".pack") }
    }

    @Test func smallPacksAreMergedIntoOneAndEveryObjectStays() throws {
        let repository = try GitRepositoryFixture()
        let store = repository.directory.file("metadata")
        #expect(MLMD.run(["init", store, "--commit-runs"]).status == 0)
        #expect(MLMD.run(["example", store, "--runs", "3"]).status == 0)
        let before = try packs(repository)
        #expect(before.count == 3, "one pack per run commit: \(before)")
        // A pack git must keep is left alone.
        let kept = repository.directory.file(".git/objects/pack/" + before.sorted()[0].replacingOccurrences(of: ".pack", with: ".keep"))
        #expect(FileManager.default.createFile(atPath: kept, contents: Data()))
        let objects = try repository.git("rev-list", "--objects", "--all").split(separator: "\n").count

        let git = try GitRepository(containing: repository.path)
        #expect(try git.consolidateSmallPacks(limit: 3) == 0, "not past the limit: nothing happens")
        #expect(try git.consolidateSmallPacks(limit: 1) == 2)
        let after = try packs(repository)
        #expect(after.count == 2 && after.contains(before.sorted()[0]))
        #expect(try git.consolidateSmallPacks(limit: 1) == 0, "the kept pack and the merged one: nothing left to merge")

        let fsck = try MLMD.process("/usr/bin/git", ["fsck", "--full", "--strict"], in: repository.path)
        #expect(fsck.status == 0, "\(fsck.errors)")
        #expect(try repository.git("rev-list", "--objects", "--all").split(separator: "\n").count == objects)
        let runs = MLMD.run(["runs", "--store", store, "--at", "HEAD~2", "--format", "jsonl"])
        #expect(runs.status == 0 && runs.outputLines.count == 1, "\(runs.errors)")
    }
}
