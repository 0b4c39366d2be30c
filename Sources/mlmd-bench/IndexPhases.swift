import Foundation
import MLMetadata

/// Measurements of the index cache that the MLMD harness has no counterpart for: opening with
/// the thorough check, refreshing after a checkout, rebuilding from the files.
extension Benchmark {
    /// Every data file of the store (store-relative), sorted.
    func dataFiles() -> [String] {
        var files: [String] = []
        for folder in ["types", "artifacts", "executions", "contexts", "edges"] {
            guard let enumerator = FileManager.default.enumerator(atPath: path + "/" + folder) else { continue }
            while let relative = enumerator.nextObject() as? String {
                if relative.hasSuffix(".json") || relative.hasSuffix(".jsonl") { files.append(folder + "/" + relative) }
            }
        }
        return files.sorted()
    }

    /// Replaces 1% of the store's files the way `git checkout` does (unlink, then create a new
    /// file with other bytes), then times opening the store, which must find and reindex them.
    func refreshAfterCheckout(fraction: Double = 0.01) throws -> [String: Any] {
        let files = dataFiles()
        let entities = files.filter { $0.hasPrefix("artifacts/") || $0.hasPrefix("executions/") }
        let count = Int((Double(files.count) * fraction).rounded())
        let step = max(1, entities.count / max(1, count))
        var changed: [(String, Int64)] = []
        for index in stride(from: 0, to: entities.count, by: step).prefix(count) {
            let file = path + "/" + entities[index]
            var text = try String(contentsOfFile: file, encoding: .utf8)
            guard let range = text.range(of: "\"last_update_time_since_epoch\": \"") else { continue }
            let end = text[range.upperBound...].firstIndex(of: "\"")!
            let newTime = Int64(text[range.upperBound..<end])! + 1
            text.replaceSubrange(range.upperBound..<end, with: String(newTime))
            unlink(file)
            let fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            _ = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
            close(fd)
            changed.append((entities[index], newTime))
        }
        let start = now()
        let store = try MetadataStore(path: path, options: StoreOptions(createIfMissing: false))
        let elapsed = now() - start
        // Check: every replaced file's new update time is what the index serves.
        var seen = 0
        for (file, time) in changed {
            let id = Int64(URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent)!
            let updated = file.hasPrefix("artifacts/") ? try store.getArtifactsByID([id]).first?.lastUpdateTimeSinceEpoch
                : try store.getExecutionsByID([id]).first?.lastUpdateTimeSinceEpoch
            if updated == time { seen += 1 }
        }
        return ["median_s": elapsed, "files_in_store": files.count, "files_changed": changed.count,
                "check": check(seen == changed.count, ["count": seen, "expected": changed.count])]
    }

    /// Times reading and decoding every file on all cores, as the rebuild does, without an index.
    func readAndDecodeAll() throws -> [String: Any] {
        let files = dataFiles()
        let start = now()
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            let file = files[index]
            guard let data = FileManager.default.contents(atPath: path + "/" + file) else { failures.increment(); return }
            let bytes = [UInt8](data)
            do {
                switch file.prefix(while: { $0 != "/" }) {
                case "artifacts": _ = try Artifact(protoJSON: bytes)
                case "executions": _ = try Execution(protoJSON: bytes)
                case "contexts": _ = try Context(protoJSON: bytes)
                case "types":
                    if file.hasPrefix("types/artifact/") { _ = try ArtifactType(protoJSON: bytes) }
                    else if file.hasPrefix("types/execution/") { _ = try ExecutionType(protoJSON: bytes) }
                    else { _ = try ContextType(protoJSON: bytes) }
                default:
                    for line in bytes.split(separator: UInt8(ascii: "\n")) { try decodeEdgeLine(Array(line)) }
                }
            } catch {
                failures.increment()
            }
        }
        return ["median_s": now() - start, "files": files.count, "check": check(failures.value == 0, ["failures": failures.value])]
    }

    /// Decodes one edge line into the message its id fields name (FORMAT.md §6).
    private func decodeEdgeLine(_ line: [UInt8]) throws {
        func has(_ field: String) -> Bool {
            let needle = Array("\"\(field)\"".utf8)
            return line.indices.contains { line[$0...].starts(with: needle) }
        }
        switch (has("artifact_id"), has("execution_id")) {
        case (true, true): _ = try Event(protoJSON: line)
        case (true, false): _ = try Attribution(protoJSON: line)
        case (false, true): _ = try Association(protoJSON: line)
        default: _ = try ParentContext(protoJSON: line)
        }
    }

    /// Times `rebuildIndex()` (delete the cache, read every file again).
    func rebuild() throws -> [String: Any] {
        let store = try MetadataStore(path: path, options: StoreOptions(createIfMissing: false))
        let before = try store.getArtifacts().count
        let start = now()
        let result = try store.rebuildIndex()
        let elapsed = now() - start
        let after = try store.getArtifacts().count
        return ["median_s": elapsed, "files": result.indexedFiles,
                "check": check(before == after && result.problems.isEmpty, ["count": after, "expected": before])]
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
