import Foundation
import Testing
@testable import MLMetadata

/// Checks `sample-store/` with Google's official `ml_metadata` protobuf classes: every entity
/// file and edge line parses with `json_format.Parse` and re-prints to the same bytes.
///
/// Needs a Python with `ml-metadata==1.17.1`: `$MLMD_PYTHON`, else `.venv-mlmd/bin/python` in the
/// package folder (`.ci/run` installs it). Without one the test is skipped, unless
/// `MLMD_REQUIRE_INTEROP=1` (set by CI), which turns the missing library into a failure.
@Suite struct InteropTests {
    static let python: String? = {
        let environment = ProcessInfo.processInfo.environment
        let candidates = [environment["MLMD_PYTHON"], SampleStoreTests.repositoryRoot + "/.venv-mlmd/bin/python"].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
    static let required = ProcessInfo.processInfo.environment["MLMD_REQUIRE_INTEROP"] == "1"

    @Test(.enabled(if: python != nil || required, "needs a Python with ml-metadata 1.17.1 (see .ci/run)"))
    func officialProtobufClassesParseAndReprintEverySampleStoreFile() throws {
        let python = try #require(Self.python, "MLMD_REQUIRE_INTEROP=1 but no Python with ml_metadata was found")
        let script = SampleStoreTests.repositoryRoot + "/Tests/Interop/check_store.py"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, SampleStoreTests.repositoryRoot + "/sample-store"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
        let summary = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect((summary?["entity_files"] as? Int ?? 0) == 72, "\(text)")
        #expect((summary?["edge_lines"] as? Int ?? 0) > 200, "\(text)")
        #expect((summary?["failures"] as? [String])?.isEmpty == true, "\(text)")
    }
}
