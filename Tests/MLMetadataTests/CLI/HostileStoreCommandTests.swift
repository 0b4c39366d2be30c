import Foundation
import Testing
@testable import MLMetadata
import MLMDCommandLine

/// What `mlmd` says about a store it cannot fully read: never a silent omission.
@Suite struct HostileStoreCommandTests {
    @Test func unreadableFilesAreNamedByReadsThatLeaveThemOut() throws {
        let sample = try SampleStoreFixture()
        let store = try MetadataStore(path: sample.path)
        let model = try #require(try store.getArtifactsByType("Model").first)
        let file = try #require(sample.directory.files(excluding: ".mlmd").first { $0.hasSuffix("/\(model.id!).json") })
        try "{ not json".write(toFile: sample.directory.file(file), atomically: true, encoding: .utf8)  // replaced, as git does

        let list = MLMD.run(["list", "artifacts", "--type", "Model", "--store", sample.path])
        #expect(list.status == 0)
        #expect(list.errors.contains("warning: 1 store file cannot be read") && list.errors.contains(file), "\(list.errors)")

        let show = MLMD.run(["show", "artifact", String(model.id!), "--store", sample.path])
        #expect(show.status == 15, "DATA_LOSS: \(show.errors)")
        #expect(show.errors.contains("artifact \(model.id!) cannot be read: \(file):"), "\(show.errors)")

        let missing = MLMD.run(["show", "artifact", "12345", "--store", sample.path])
        #expect(missing.status == 5 && missing.errors.contains("no artifact 12345"), "\(missing.errors)")
    }

    @Test func whatOpeningSetAsideIsPrintedAsAWarning() throws {
        let sample = try SampleStoreFixture()
        let journal = Journal(entries: [Journal.Entry(path: "types/artifact/Planted.json", old: nil, new: Array("{}\n".utf8))], storeInode: 1)
        try Data(journal.encoded()).write(to: URL(fileURLWithPath: sample.directory.file(".mlmd/journal")))
        let result = MLMD.run(["types", "--store", sample.path])
        #expect(result.status == 0)
        #expect(result.errors.contains("warning: .mlmd/journal: a pending journal written by another store folder"), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: sample.directory.file("types/artifact/Planted.json")))
    }

    @Test func exitCodesComeFromTheStatusTable() {
        #expect(StoreError.Code.invalidArgument.exitCode == 3 && StoreError.Code.invalidArgument.grpcStatus == 3)
        #expect(StoreError.Code.notFound.exitCode == 5 && StoreError.Code.dataLoss.grpcStatus == 15)
        #expect(StoreError.Code(rawValue: "SOMETHING_ELSE").exitCode == 1 && StoreError.Code(rawValue: "X").grpcStatus == 2)
        let codes = StoreError.Code.table.map(\.exitCode)
        #expect(Set(codes).count == codes.count && !codes.contains(0) && !codes.contains(1) && !codes.contains(64))
    }
}
