import Foundation
import Testing
@testable import MLMetadata

/// The field-by-field three-way merge behind `mlmd merge-file`.
@Suite struct StoreFileMergeTests {
    static let artifactPath = "metadata/artifacts/Model/2026-01-05/0a/10.json"

    static func artifact(state: String = "LIVE", custom: [String: JSONValue] = [:], created: Int64 = 1000, updated: Int64 = 1000) -> [UInt8] {
        var object = JSONObject([("id", .string("10")), ("type_id", .string("7")), ("type", .string("Model")), ("uri", .string("s3://m")),
                                 ("state", .string(state)), ("create_time_since_epoch", .string(String(created))),
                                 ("last_update_time_since_epoch", .string(String(updated)))])
        if !custom.isEmpty { object.append("custom_properties", .object(JSONObject(custom.map { ($0.key, $0.value) }))) }
        return JSONWriter.fileBytes(.object(object))
    }

    static func double(_ value: Double) -> JSONValue { .object(JSONObject([("double_value", .number(PythonFloat.format(value)))])) }

    @Test func changesToDifferentFieldsOnTheTwoSidesBothArrive() throws {
        let base = Self.artifact()
        let ours = Self.artifact(state: "DELETED", updated: 2000)
        let theirs = Self.artifact(custom: ["accuracy": Self.double(0.9)], updated: 3000)
        let result = StoreFileMerge.merge(base: base, ours: ours, theirs: theirs, path: Self.artifactPath)
        #expect(result.isClean && result.conflictedFields.isEmpty)
        #expect(result.bytes == Self.artifact(state: "DELETED", custom: ["accuracy": Self.double(0.9)], updated: 3000))
    }

    @Test func theSameChangeOnBothSidesIsTakenOnceWithTheEarlierCreateAndTheLaterUpdateTime() throws {
        let result = StoreFileMerge.merge(base: Self.artifact(), ours: Self.artifact(state: "DELETED", created: 1000, updated: 2500),
                                          theirs: Self.artifact(state: "DELETED", created: 900, updated: 2000), path: Self.artifactPath)
        #expect(result.isClean)
        #expect(result.bytes == Self.artifact(state: "DELETED", created: 900, updated: 2500))
    }

    @Test func customPropertiesMergeKeyByKeyAndARemovalOnOneSideIsKept() throws {
        let base = Self.artifact(custom: ["a": Self.double(1), "b": Self.double(2)])
        let ours = Self.artifact(custom: ["a": Self.double(1)])                               // removed b
        let theirs = Self.artifact(custom: ["a": Self.double(1), "b": Self.double(2), "c": Self.double(3)])   // added c
        let result = StoreFileMerge.merge(base: base, ours: ours, theirs: theirs, path: Self.artifactPath)
        #expect(result.isClean)
        #expect(result.bytes == Self.artifact(custom: ["a": Self.double(1), "c": Self.double(3)]))
    }

    @Test func oneFieldChangedToTwoValuesIsAConflictThatNamesItAndThatReadsReport() throws {
        let base = Self.artifact(custom: ["accuracy": Self.double(0.5)])
        let ours = Self.artifact(state: "DELETED", custom: ["accuracy": Self.double(0.7)], updated: 2000)
        let theirs = Self.artifact(state: "MARKED_FOR_DELETION", custom: ["accuracy": Self.double(0.5), "loss": Self.double(0.1)], updated: 3000)
        let result = StoreFileMerge.merge(base: base, ours: ours, theirs: theirs, path: Self.artifactPath)
        #expect(!result.isClean)
        #expect(result.conflictedFields == ["state"])
        let text = String(decoding: result.bytes, as: UTF8.self)
        #expect(text.contains("<<<<<<< ours\n  \"state\": \"DELETED\",\n=======\n  \"state\": \"MARKED_FOR_DELETION\",\n>>>>>>> theirs\n"), "\(text)")
        // Everything else is merged: ours' accuracy, theirs' loss, the later update time.
        #expect(text.contains("0.7") && text.contains("\"loss\"") && text.contains("\"3000\"") && !text.contains("\"2000\""))
        #expect(MergeConflict.find(in: result.bytes) == MergeConflict(line: 13, fields: ["state"]))
        let parsed = ParsedFile.parse(result.bytes, path: "artifacts/Model/2026-01-05/0a/10.json")
        guard case .problem(let error) = parsed else { Issue.record("a conflicted file parsed"); return }
        #expect(error.message.hasPrefix("unresolved merge conflict in field state"))
    }

    @Test func aTypesPropertiesAreUnionedAndConflictOnlyWhenOnePropertyGetsTwoKinds() throws {
        func type(_ properties: [String: String]) -> [UInt8] {
            JSONWriter.fileBytes(.object(JSONObject([("id", .string("7")), ("name", .string("Model")),
                                                     ("properties", .object(JSONObject(properties.map { ($0.key, .string($0.value)) })))])))
        }
        let path = "metadata/types/artifact/Model.json"
        let base = type(["span": "INT"])
        let clean = StoreFileMerge.merge(base: base, ours: type(["span": "INT", "seed": "INT"]), theirs: type(["span": "INT", "note": "STRING"]), path: path)
        #expect(clean.isClean && clean.bytes == type(["span": "INT", "seed": "INT", "note": "STRING"]))
        // Added on one side only, without a base (add/add): still the union.
        #expect(StoreFileMerge.merge(base: nil, ours: type(["span": "INT"]), theirs: type(["seed": "INT"]), path: path).bytes
                == type(["span": "INT", "seed": "INT"]))
        let clash = StoreFileMerge.merge(base: base, ours: type(["span": "INT", "seed": "INT"]), theirs: type(["span": "INT", "seed": "STRING"]), path: path)
        #expect(!clash.isClean && clash.conflictedFields == ["properties.seed"])
    }

    @Test func edgeFilesKeepEveryLineEitherSideAddedAndNoneEitherRemoved() throws {
        func lines(_ items: [String]) -> [UInt8] { JSONLines.bytes(items.map { Array("{\"artifact_id\": \"\($0)\", \"context_id\": \"1\"}".utf8) }) }
        let result = StoreFileMerge.merge(base: lines(["1", "2"]), ours: lines(["1", "2", "3"]), theirs: lines(["2", "4"]),
                                          path: "metadata/edges/2026-01-05/01/5.jsonl")
        #expect(result.isClean && result.bytes == lines(["2", "3", "4"]))
    }

    @Test func aSideThatIsNotJSONLeavesTheWholeFileInConflict() throws {
        let broken = Array("{ truncated".utf8)
        let result = StoreFileMerge.merge(base: Self.artifact(), ours: broken, theirs: Self.artifact(state: "DELETED"), path: Self.artifactPath)
        #expect(!result.isClean && result.conflictedFields.isEmpty)
        #expect(result.bytes.starts(with: Array("<<<<<<< ours\n{ truncated\n=======\n".utf8)))
    }
}
