import Foundation
import Testing
@testable import MLMetadata
import MLMetadataSamples

/// The committed `sample-store/` must be exactly what `mlmd example --replace sample-store` writes.
@Suite struct SampleStoreTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    @Test func committedSampleStoreIsWhatTheExampleCommandWrites() throws {
        let committed = Self.repositoryRoot + "/sample-store"
        let regenerated = TemporaryDirectory()
        try TaxiPipeline.record(into: regenerated.path)
        let expectedFiles = regenerated.files(excluding: ".mlmd")
        let committedFiles = try FileManager.default.subpathsOfDirectory(atPath: committed)
            .filter { !$0.hasPrefix(".mlmd") && !FileSystem.isDirectory(committed + "/" + $0) }.sorted()
        let missing = Set(expectedFiles).subtracting(committedFiles).sorted()
        let extra = Set(committedFiles).subtracting(expectedFiles).sorted()
        #expect(missing.isEmpty && extra.isEmpty,
                "sample-store/ lacks \(missing.prefix(5)) and has extra \(extra.prefix(5)); regenerate with: swift run mlmd example --replace sample-store")
        for file in expectedFiles where committedFiles.contains(file) {
            let bytes = try String(contentsOfFile: committed + "/" + file, encoding: .utf8)
            #expect(bytes == regenerated.read(file), "\(file) differs; regenerate with: swift run mlmd example --replace sample-store")
        }
    }

    @Test func sampleStoreHoldsThreeTFXLikeRuns() throws {
        let directory = TemporaryDirectory()
        try TaxiPipeline.record(into: directory.path)
        let store = try MetadataStore(path: directory.path)
        #expect(try store.getContextsByType("pipeline").map(\.name) == [TaxiPipeline.pipelineName])
        #expect(try store.getContextsByType("pipeline_run").count == 3)
        #expect(try store.getContextsByType("node").count == 7)
        let runs = try store.getContextsByType("pipeline_run")
        for run in runs {
            #expect(try store.getExecutionsByContext(run.id!).count == 7)
        }
        let states = try store.getExecutions().compactMap(\.lastKnownState)
        #expect(states.filter { $0 == .cached }.count == 4)  // run 3 serves the data components from cache
        let accuracies = try store.getArtifactsByType("ModelEvaluation").compactMap { $0.customProperties["accuracy"]?.doubleValue }
        #expect(Set(accuracies).count == 3)
    }
}
