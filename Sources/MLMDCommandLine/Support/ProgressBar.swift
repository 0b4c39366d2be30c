import Foundation
import MLMDInterchange
import MLMetadata

/// A one-line progress display on standard error, drawn only when it is a terminal.
package final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let lock = NSLock()
    private var lastDrawn = -1
    private var drew = false

    package init(label: String) {
        self.label = label
    }

    package static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// The callback to hand to ``StoreOptions/progress``; nil when standard error is not a terminal.
    static func forIndexing() -> (@Sendable (IndexProgress) -> Void)? {
        guard standardErrorIsTerminal else { return nil }
        let bar = ProgressBar(label: "Indexing store files")
        return { bar.update(done: $0.done, total: $0.total) }
    }

    /// The callback for ``MLMDImporter/progress``: a bar for the nodes, one for the edges; nil
    /// when standard error is not a terminal.
    package static func forImport() -> (@Sendable (ImportProgress) -> Void)? {
        guard standardErrorIsTerminal else { return nil }
        let nodes = ProgressBar(label: "Importing nodes")
        let edges = ProgressBar(label: "Importing edges")
        return { progress in
            switch progress.phase {
            case .types: break
            case .nodes: nodes.update(done: progress.done, total: progress.total)
            case .edges: edges.update(done: progress.done, total: progress.total)
            case .writingFiles: FileHandle.standardError.write(Data("Writing the store's files…\n".utf8))
            }
        }
    }

    package func update(done: Int, total: Int) {
        lock.withLock {
            let percent = total == 0 ? 100 : done * 100 / total
            guard percent != lastDrawn else { return }
            lastDrawn = percent
            drew = true
            let width = 30
            let filled = width * percent / 100
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r\(label) \(bar) \(percent)% (\(done)/\(total))".utf8))
            if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }
}
