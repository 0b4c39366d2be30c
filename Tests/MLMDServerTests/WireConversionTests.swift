import Foundation
import MLMDServiceProtocol
import MLMetadata
import SwiftProtobuf
import Testing
@testable import MLMDServer
import MLMDWire

/// The wire conversions keep every field, and proto2's presence, in both directions.
@Suite struct WireConversionTests {
    @Test func artifactRoundTripsWithEveryField() throws {
        var any = Google_Protobuf_Any()
        any.typeURL = "type.googleapis.com/test.Message"
        any.value = Data([1, 2, 3])
        var object = Google_Protobuf_Struct()
        var list = Google_Protobuf_ListValue()
        list.values = [Google_Protobuf_Value(numberValue: 1.5), Google_Protobuf_Value(stringValue: "x"),
                       { var null = Google_Protobuf_Value(); null.nullValue = .nullValue; return null }()]
        object.fields = ["layers": Google_Protobuf_Value(listValue: list), "on": Google_Protobuf_Value(boolValue: true)]

        var wire = MlMetadata_Artifact()
        wire.id = 7
        wire.typeID = 3
        wire.type = "Model"
        wire.name = "m"
        wire.uri = "/models/1"
        wire.externalID = "ext-1"
        wire.state = .live
        wire.properties["span"] = Wire.int(4)
        wire.properties["accuracy"] = Wire.double(0.5)
        wire.customProperties["note"] = Wire.string("hi")
        var structValue = MlMetadata_Value()
        structValue.structValue = object
        wire.customProperties["cfg"] = structValue
        var protoValue = MlMetadata_Value()
        protoValue.protoValue = any
        wire.customProperties["blob"] = protoValue
        var boolValue = MlMetadata_Value()
        boolValue.boolValue = false
        wire.customProperties["flag"] = boolValue
        wire.createTimeSinceEpoch = 10
        wire.lastUpdateTimeSinceEpoch = 11

        let model = try Artifact(wire: wire, field: "artifact")
        #expect(model.state == .live)
        #expect(model.customProperties["cfg"] == .struct(["layers": [1.5, "x", nil], "on": true]))
        #expect(model.customProperties["blob"] == .proto(ProtoAny(typeURL: any.typeURL, value: Data([1, 2, 3]))))
        #expect(model.wire == wire)
    }

    @Test func unsetStateAndExplicitUnknownStayApart() throws {
        var unset = MlMetadata_Artifact()
        unset.typeID = 1
        var unknown = unset
        unknown.state = .unknown
        #expect(try Artifact(wire: unset, field: "a").state == nil)
        #expect(try Artifact(wire: unknown, field: "a").state == .unknown)
        #expect(try Artifact(wire: unset, field: "a").wire.hasState == false)
        #expect(try Artifact(wire: unknown, field: "a").wire.hasState == true)
        #expect(try Artifact(wire: unset, field: "a").wire.hasUri == false)
    }

    @Test func emptyValueIsRefusedWithMLMDsWordsAndTheField() throws {
        var wire = MlMetadata_Artifact()
        wire.typeID = 1
        wire.properties["foo"] = MlMetadata_Value()
        let error = try #require(throws: StoreError.self) {
            _ = try modelBatch([wire], field: "artifacts") { wire, field throws(StoreError) in try Artifact(wire: wire, field: field) }
        }
        #expect(error.code == .invalidArgument)
        #expect(error.message.contains("Found unmatched property type: foo"))
        #expect(error.field == "artifacts[0].properties.foo")
        #expect(error.requestIndex == 0)
    }

    @Test func systemMetadataIsRefused() throws {
        var wire = MlMetadata_Execution()
        wire.systemMetadata = Google_Protobuf_Any()
        let error = try #require(throws: StoreError.self) { _ = try Execution(wire: wire, field: "executions[1]") }
        #expect(error.field == "executions[1].system_metadata")
    }

    @Test func eventKeepsItsPathAndType() throws {
        var wire = MlMetadata_Event()
        wire.artifactID = 1
        wire.executionID = 2
        wire.type = .output
        var key = MlMetadata_Event.Path.Step()
        key.key = "examples"
        var index = MlMetadata_Event.Path.Step()
        index.index = 3
        wire.path.steps = [key, index]
        let event = try Event(wire: wire, field: "events[0]")
        #expect(event.path == [.key("examples"), .index(3)])
        #expect(event.type == .output)
        #expect(event.millisecondsSinceEpoch == nil)
        #expect(event.wire == wire)
    }

    @Test func typeKeepsVersionBaseTypeAndProperties() throws {
        var wire = Wire.artifactType("Model", ["accuracy": .double, "cfg": .struct])
        wire.version = "v2"
        wire.baseType = .model
        wire.externalID = "model-type"
        let type = try ArtifactType(wire: wire, field: "artifact_type")
        #expect(type.baseType == .model)
        #expect(type.properties == ["accuracy": .double, "cfg": .struct])
        #expect(type.wire == wire)

        var unset = Wire.artifactType("Plain")
        unset.baseType = .unset
        #expect(try ArtifactType(wire: unset, field: "t").baseType == nil)
    }

    @Test func executionTypeWithStructTypesIsRefused() throws {
        var wire = Wire.executionType("Trainer")
        wire.inputType = MlMetadata_ArtifactStructType()
        let error = try #require(throws: StoreError.self) { _ = try ExecutionType(executionWire: wire, field: "execution_type") }
        #expect(error.field == "input_type")
    }

    @Test func listOptionsFollowTheProtocolsDefaults() throws {
        #expect(try ListOptions(wire: nil) == nil)
        let defaults = try #require(try ListOptions(wire: MlMetadata_ListOperationOptions()))
        #expect(defaults.maxResultSize == 20)
        #expect(defaults.orderBy == .id)
        #expect(defaults.isAscending)
        #expect(defaults.filterQuery == nil)

        var wire = MlMetadata_ListOperationOptions()
        wire.maxResultSize = 0
        let error = try #require(throws: StoreError.self) { _ = try ListOptions(wire: wire) }
        #expect(error.code == .invalidArgument)
        #expect(error.field == "options.max_result_size")

        wire.maxResultSize = 5
        wire.orderByField.field = .lastUpdateTime
        wire.orderByField.isAsc = false
        wire.filterQuery = "uri = 'x'"
        let options = try #require(try ListOptions(wire: wire))
        #expect(options == ListOptions(filterQuery: "uri = 'x'", orderBy: .lastUpdateTime, isAscending: false, maxResultSize: 5))
    }

    @Test func readMaskNamesTheBadPath() throws {
        var mask = Google_Protobuf_FieldMask()
        mask.paths = ["artifacts", "parent_contexts", "events"]
        #expect(try LineageGraph.Field.readMask(mask) == [.artifacts, .events])
        mask.paths = ["artifacts", "nodes"]
        let error = try #require(throws: StoreError.self) { _ = try LineageGraph.Field.readMask(mask) }
        #expect(error.field == "read_mask.paths[1]")
    }
}
