import Foundation
import Testing
@testable import MLMetadata

@Suite struct SmokeTests {
    @Test func putAndReadArtifact() throws {
        let dir = TemporaryDirectory()
        let store = try MetadataStore(path: dir.path, options: StoreOptions(clock: .deterministic(start: 1_764_000_000_000)))
        let typeID = try store.putArtifactType(ArtifactType(name: "Model", properties: ["accuracy": .double]))
        var model = Artifact(typeID: typeID, uri: "gs://b/m")
        model.properties["accuracy"] = 0.93
        let ids = try store.putArtifacts([model])
        let read = try store.getArtifactsByID(ids)
        #expect(read.count == 1)
        #expect(read[0].properties["accuracy"] == 0.93)
        print(dir.files(excluding: ".mlmd"))
        for f in dir.files(excluding: ".mlmd") { print(f); print(dir.read(f)) }
    }
}
