import Foundation
import Testing
import MLMetadata
@testable import MLMDCommandLine

/// The markdown view under GitHub's comment limit when the diff itself is huge.
@Suite struct MarkdownLimitTests {
    @Test func manyRunsKeepTheNewestAndSayHowManyWereLeftOut() throws {
        var diff = StoreDiff()
        diff.oldLabel = "main"
        diff.newLabel = "feature"
        diff.runs = (0..<2_000).map { RunChange(change: .added, id: Int64($0 + 1), name: String(format: "nightly-run-%05d-with-a-long-descriptive-name", $0)) }
        let text = MarkdownDiffView.render(try StoreDiffReport(diff), command: "mlmd diff main feature")
        #expect(text.utf8.count < 65_536)
        #expect(text.contains("**2000 runs added**"))
        #expect(text.contains("nightly-run-01999-with"))
        #expect(!text.contains("nightly-run-00000-with"))
        #expect(text.contains("| | … 1800 earlier runs left out | | | | | |"))
        #expect(text.hasSuffix("`mlmd diff main feature --format json` has everything.\n"))
    }
}
