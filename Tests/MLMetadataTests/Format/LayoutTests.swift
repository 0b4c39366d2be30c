import Testing
@testable import MLMetadata

@Suite struct LayoutTests {
    @Test func pathsNameKindTypeDayAndID() {
        #expect(StoreLayout.nodePath(kind: .artifact, typeStem: "Model", id: 0x1234_56AB, createTime: 1_767_603_600_000)
            == "artifacts/Model/2026-01-05/ab/305419947.json")
        #expect(StoreLayout.nodePath(kind: .context, typeStem: "pipeline", id: 255, createTime: 0) == "contexts/pipeline/ff/255.json")
        #expect(StoreLayout.typePath(kind: .execution, name: "Trainer", version: "2") == "types/execution/Trainer@2.json")
        #expect(StoreLayout.edgePath(batchID: 16, time: 0) == "edges/1970-01-01/10/16.jsonl")
    }

    @Test(arguments: [
        (0 as Int64, "1970-01-01"), (951_782_400_000, "2000-02-29"), (1_767_225_599_999, "2025-12-31"),
        (-1, "1969-12-31"), (4_102_444_800_000, "2100-01-01"),
    ])
    func daysAreUTC(milliseconds: Int64, day: String) {
        #expect(StoreLayout.day(milliseconds) == day)
    }

    @Test func classifiesPaths() {
        #expect(StoreLayout.classify("types/artifact/Model.json") == .type(.artifact))
        #expect(StoreLayout.classify("artifacts/Model/2026-01-05/ab/1.json") == .node(.artifact))
        #expect(StoreLayout.classify("contexts/node/ab/1.json") == .node(.context))
        #expect(StoreLayout.classify("edges/2026-01-05/ab/1.jsonl") == .edges)
        #expect(StoreLayout.classify("artifacts/Model/1.json") == nil)
        #expect(StoreLayout.classify("notes.txt") == nil)
    }

    /// The derived ids are part of the format: they must never change.
    @Test func derivedIDsAreStable() {
        #expect(Identifiers.typeID(kind: .artifact, name: "Model", version: nil) == 8_286_738_085_507_958_348)
        #expect(Identifiers.typeID(kind: .artifact, name: "Model", version: "") == 8_286_738_085_507_958_348)
        #expect(Identifiers.typeID(kind: .execution, name: "Model", version: nil) != 8_286_738_085_507_958_348)
        #expect(Identifiers.contextID(typeID: 1, name: "taxi") == Identifiers.contextID(typeID: 1, name: "taxi"))
        #expect(Identifiers.contextID(typeID: 1, name: "taxi") != Identifiers.contextID(typeID: 2, name: "taxi"))
    }

    @Test func timeOrderedIDsIncreaseAndEncodeTheirTime() {
        let generator = IDGenerator(clock: .deterministic(start: 0, seed: 9))
        let time: Int64 = 1_767_603_600_000
        let ids = (0..<1000).map { _ in generator.next(at: time) }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { Identifiers.timestamp(ofTimeOrderedID: $0) == time })
        #expect(ids.allSatisfy { $0 > 0 })
    }
}
