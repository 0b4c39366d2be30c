import Foundation
import Testing
@testable import MLMetadata

/// Replays every input that ever crashed the fuzz harness (`Tests/Fuzz/regressions/<entry>/`)
/// and the committed seeds (`Tests/Fuzz/corpus/<entry>/`) through the same entry points
/// `scripts/fuzz.sh` fuzzes, in the ordinary test build: a crash that comes back crashes the
/// test, and an input whose file name starts with `rejected-` or `accepted-` must have that outcome.
@Suite struct FuzzRegressionTests {
    static let fuzzFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz").path

    /// The files of `Tests/Fuzz/<folder>/<entry>/`, sorted, as (name, bytes).
    static func inputs(_ folder: String, _ entry: FuzzEntryPoints.Entry) -> [(String, [UInt8])] {
        let directory = "\(fuzzFolder)/\(folder)/\(entry.rawValue)"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { name in
            (name, Array(FileManager.default.contents(atPath: "\(directory)/\(name)") ?? Data()))
        }
    }

    static func isRejected(_ outcome: FuzzEntryPoints.FuzzOutcome) -> Bool {
        if case .rejected = outcome { true } else { false }
    }

    private func replay(_ folder: String, _ entry: FuzzEntryPoints.Entry) -> Int {
        let inputs = Self.inputs(folder, entry)
        for (name, bytes) in inputs {
            let outcomes = FuzzEntryPoints.run(entry, bytes)
            for case .unexpected(let what) in outcomes {
                Issue.record("\(folder)/\(entry.rawValue)/\(name): \(what)")
            }
            // The first outcome is the parse itself (the JSON parser, the first listing, the journal).
            if name.hasPrefix("rejected-") {
                // A JSON input must fail the JSON parser; the others every run.
                let checked = entry == .jsonFile ? Array(outcomes.prefix(1)) : outcomes
                #expect(checked.allSatisfy(Self.isRejected), "\(folder)/\(entry.rawValue)/\(name): \(outcomes)")
            } else if name.hasPrefix("accepted-") {
                #expect(outcomes[0] == .accepted, "\(folder)/\(entry.rawValue)/\(name): \(outcomes)")
            }
        }
        return inputs.count
    }

    @Test(arguments: FuzzEntryPoints.Entry.allCases)
    func regressionsStayFixed(entry: FuzzEntryPoints.Entry) {
        _ = replay("regressions", entry)
    }

    @Test(arguments: FuzzEntryPoints.Entry.allCases)
    func seedsRunCleanly(entry: FuzzEntryPoints.Entry) {
        #expect(replay("corpus", entry) >= 3)
    }

    @Test func seedJournalsAndStoreFilesAreAccepted() {
        for (name, bytes) in Self.inputs("corpus", .journal) {
            #expect(FuzzEntryPoints.journal(bytes) == .accepted, "\(name)")
        }
        for (name, bytes) in Self.inputs("corpus", .jsonFile) where !name.hasPrefix("rejected-") {
            #expect(FuzzEntryPoints.jsonFile(bytes).contains(.accepted), "\(name)")
        }
    }
}
