import Foundation
import Testing
@testable import MLMetadata

/// Store files git left with conflict markers: reported with what the two sides disagree on.
@Suite struct MergeConflictTests {
    static let ours = """
        {
          "id": "7",
          "last_update_time_since_epoch": "200",
          "properties": {
            "accuracy": {
              "double_value": 0.9
            }
          },
          "state": "LIVE",
          "type_id": "1"
        }
        """

    @Test func namesTheFieldsTheSidesDisagreeOn() throws {
        let text = """
            {
              "id": "7",
            <<<<<<< HEAD
              "last_update_time_since_epoch": "200",
              "properties": {
                "accuracy": {
                  "double_value": 0.9
                }
              },
              "state": "LIVE",
            ||||||| base
              "last_update_time_since_epoch": "100",
              "state": "PENDING",
            =======
              "last_update_time_since_epoch": "300",
              "properties": {
                "accuracy": {
                  "double_value": 0.8
                }
              },
              "state": "LIVE",
            >>>>>>> other
              "type_id": "1"
            }
            """
        let conflict = try #require(MergeConflict.find(in: Array(text.utf8)))
        #expect(conflict.line == 3)
        #expect(conflict.fields == ["last_update_time_since_epoch", "properties.accuracy"])
        let error = conflict.error(path: "artifacts/Model/2026-01-05/07/7.json")
        #expect(error.description.hasPrefix("artifacts/Model/2026-01-05/07/7.json:3: unresolved merge conflict in fields last_update_time_since_epoch, properties.accuracy"))
        #expect(error.field == "last_update_time_since_epoch")
    }

    @Test func filesWithoutMarkersAreNoConflict() {
        #expect(MergeConflict.find(in: Array(Self.ours.utf8)) == nil)
        #expect(MergeConflict.find(in: Array(#"{"name": "<<<<<<< not at a line start"}"#.utf8)) == nil)
        #expect(MergeConflict.find(in: []) == nil)
    }

    @Test func aConflictedNodeFileIsReportedByReadsAsAConflict() throws {
        let text = "<<<<<<< HEAD\n" + Self.ours + "\n=======\n" + Self.ours.replacingOccurrences(of: "LIVE", with: "DELETED") + "\n>>>>>>> other\n"
        guard case .problem(let error) = ParsedFile.parse(Array(text.utf8), path: "artifacts/Model/2026-01-05/07/7.json") else {
            Issue.record("a conflicted file parsed")
            return
        }
        #expect(error.message.hasPrefix("unresolved merge conflict in field state"))
        #expect(error.line == 1)
        // Edge files have no fields: the conflict is reported as such.
        guard case .problem(let edges) = ParsedFile.parse(Array("<<<<<<< a\n{}\n=======\n>>>>>>> b\n".utf8), path: "edges/2026-01-05/aa/1.jsonl") else {
            Issue.record("a conflicted edge file parsed")
            return
        }
        #expect(edges.message.hasPrefix("unresolved merge conflict ("))
    }
}

extension MergeConflictTests {
    @Test func aStrayMarkerIsNotAConflict() {
        #expect(MergeConflict.find(in: Array(("<<<<<<< HEAD\n" + Self.ours).utf8)) == nil)
        #expect(MergeConflict.find(in: Array(("<<<<<<< HEAD\n" + Self.ours + "\n=======\n").utf8)) == nil)
    }
}
