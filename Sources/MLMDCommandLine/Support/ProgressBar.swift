import Foundation
import MLMetadata

/// A one-line progress display on standard error, drawn only when it is a terminal.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let lock = NSLock()
    private var lastDrawn = -1
    private var drew = false

    init(label: String) {
        self.label = label
    }

    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// The callback to hand to ``StoreOptions/progress``; nil when standard error is not a terminal.
    static func forIndexing() -> (@Sendable (IndexProgress) -> Void)? {
        guard standardErrorIsTerminal else { return nil }
        let bar = ProgressBar(label: "Indexing store files")
        return { bar.update(done: $0.done, total: $0.total) }
    }

    func update(done: Int, total: Int) {
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
