import Foundation
import Testing
@testable import MLMetadata

@Suite struct ProtoJSONTests {
    static let everyValueKind = Artifact(
        id: 42, typeID: 7, type: "Model", name: "m", uri: "gs://b/m", externalID: "ext", state: .live,
        properties: ["i": 3, "d": 0.5, "s": "text", "b": true],
        customProperties: [
            "struct": .struct(["n": 3, "list": [1, "a", nil, true], "o": ["k": "v"]]),
            "proto": .proto(ProtoAny(typeURL: "type.googleapis.com/my.Msg", value: Data([1, 2, 3]))),
            "nan": .double(.nan), "neg": .int(-9_223_372_036_854_775_808),
        ],
        createTimeSinceEpoch: 1_700_000_000_000, lastUpdateTimeSinceEpoch: 1_700_000_000_001)

    @Test func artifactFileBytesAreCanonical() {
        let text = String(decoding: JSONWriter.fileBytes(ProtoJSON.encode(Self.everyValueKind)), as: UTF8.self)
        #expect(text == """
            {
              "create_time_since_epoch": "1700000000000",
              "custom_properties": {
                "nan": {
                  "double_value": "NaN"
                },
                "neg": {
                  "int_value": "-9223372036854775808"
                },
                "proto": {
                  "proto_value": {
                    "@type": "type.googleapis.com/my.Msg",
                    "value": "AQID"
                  }
                },
                "struct": {
                  "struct_value": {
                    "list": [
                      1.0,
                      "a",
                      null,
                      true
                    ],
                    "n": 3.0,
                    "o": {
                      "k": "v"
                    }
                  }
                }
              },
              "external_id": "ext",
              "id": "42",
              "last_update_time_since_epoch": "1700000000001",
              "name": "m",
              "properties": {
                "b": {
                  "bool_value": true
                },
                "d": {
                  "double_value": 0.5
                },
                "i": {
                  "int_value": "3"
                },
                "s": {
                  "string_value": "text"
                }
              },
              "state": "LIVE",
              "type": "Model",
              "type_id": "7",
              "uri": "gs://b/m"
            }

            """)
    }

    @Test func artifactRoundTripsThroughJSON() throws {
        let bytes = JSONWriter.fileBytes(ProtoJSON.encode(Self.everyValueKind))
        let decoded = try ProtoJSON.decodeArtifact(JSONParser.parse(bytes))
        var expected = Self.everyValueKind
        var actual = decoded
        // NaN never equals itself; compare it separately.
        #expect(actual.customProperties.removeValue(forKey: "nan")?.doubleValue?.isNaN == true)
        expected.customProperties.removeValue(forKey: "nan")
        #expect(actual == expected)
    }

    @Test func acceptsCamelCaseNamesAndNumericInt64s() throws {
        let json = try JSONParser.parse(#"{"typeId": 7, "customProperties": {"x": {"intValue": 5}}, "lastKnownState": 3}"#)
        let execution = try ProtoJSON.decodeExecution(json)
        #expect(execution.typeID == 7)
        #expect(execution.customProperties["x"] == 5)
        #expect(execution.lastKnownState == .complete)
    }

    @Test(arguments: [
        (#"{"uri": 3}"#, "uri", "expected a string"),
        (#"{"bogus": 1}"#, "bogus", "unknown field in Artifact"),
        (#"{"properties": {"a": {"int_value": "x"}}}"#, "properties.a.int_value", "not a 64-bit integer"),
        (#"{"properties": {"a": {}}}"#, "properties.a", "must set one of"),
        (#"{"properties": {"a": {"int_value": "1", "string_value": "x"}}}"#, "properties.a", "only one"),
        (#"{"state": "SHINY"}"#, "state", "unknown enum value 'SHINY'"),
        (#"{"type_id": "1", "typeId": "2"}"#, "type_id", "given twice"),
        (#"{"properties": {"p": {"proto_value": {"@type": "x", "name": "y"}}}}"#, "properties.p.proto_value", "base64"),
    ])
    func rejectsMalformedMessagesNamingTheField(text: String, field: String, message: String) {
        #expect {
            _ = try ProtoJSON.decodeArtifact(JSONParser.parse(text))
        } throws: { error in
            guard let error = error as? ProtoJSONError else { return false }
            return error.field == field && error.message.contains(message)
        }
    }

    @Test func edgeLinesAreCompactCanonicalJSON() {
        let event = Event(artifactID: 1, executionID: 2, path: [.key("examples"), .index(0)], type: .input, millisecondsSinceEpoch: 5)
        #expect(String(decoding: EdgeFile.Edge.event(event).line, as: UTF8.self) ==
            #"{"artifact_id": "1", "execution_id": "2", "milliseconds_since_epoch": "5", "path": {"steps": [{"key": "examples"}, {"index": "0"}]}, "type": "INPUT"}"#)
        #expect(String(decoding: EdgeFile.bytes([.association(Association(executionID: 2, contextID: 3)),
                                                 .attribution(Attribution(artifactID: 1, contextID: 3))]), as: UTF8.self) == """
            {"artifact_id": "1", "context_id": "3"}
            {"context_id": "3", "execution_id": "2"}

            """)
    }

    @Test func edgeFilesNameTheLineOfABadEdge() {
        let bytes = Array("{\"artifact_id\": \"1\", \"context_id\": \"3\"}\n{\"artifact_id\": \"1\"}\n".utf8)
        #expect {
            _ = try EdgeFile.parse(bytes, path: "edges/x.jsonl")
        } throws: { error in
            (error as? StoreError)?.line == 2 && (error as? StoreError)?.path == "edges/x.jsonl"
        }
    }
}

@Suite struct IndexEncodingTests {
    @Test(arguments: [[Event.Step](), [.key("examples"), .index(0)], [.key("a \"quoted\" key"), .index(-3), .key("é")]])
    func eventPathColumnIsTheCompactProtoJSONOfThePath(steps: [Event.Step]) throws {
        let json = IndexWriter.stepsJSON(steps)
        let expected = String(decoding: JSONWriter.write(ProtoJSON.encode(Event(path: steps, type: nil)).object!["path"]!, style: .compact),
                              as: UTF8.self)
        #expect(json == expected)
        #expect(try ProtoJSON.decodePath(JSONParser.parse(json), line: 0) == steps)
    }

    @Test func nodeRecordsRoundTrip() throws {
        let artifact = ProtoJSONTests.everyValueKind
        let decoded = try RecordCodec.encode(artifact).withUnsafeBytes { try RecordCodec.decode($0, as: Artifact.self) }
        var expected = artifact
        var actual = decoded
        #expect(actual.customProperties.removeValue(forKey: "nan")?.doubleValue?.isNaN == true)
        expected.customProperties.removeValue(forKey: "nan")
        #expect(actual == expected)
        let execution = Execution(id: 1, typeID: 2, lastKnownState: .unknown, properties: ["x": "y"])
        #expect(try RecordCodec.encode(execution).withUnsafeBytes { try RecordCodec.decode($0, as: Execution.self) } == execution)
    }
}

extension JSONValue {
    var object: JSONObject? { if case .object(let object) = self { object } else { nil } }
}
