import Foundation

/// A fresh folder for one test, removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init(_ label: String = #function) {
        let name = "mlmd-test-" + label.filter { $0.isLetter || $0.isNumber } + "-" + UUID().uuidString.prefix(8)
        path = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ relative: String) -> String { path + "/" + relative }

    func read(_ relative: String) -> String {
        (try? String(contentsOfFile: file(relative), encoding: .utf8)) ?? ""
    }

    /// Every regular file below the folder, as sorted relative paths, optionally skipping a prefix.
    func files(excluding excludedPrefix: String? = nil) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: path)!
        var out: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: file(relative), isDirectory: &isDirectory)
            if isDirectory.boolValue { continue }
            if let excludedPrefix, relative.hasPrefix(excludedPrefix) { continue }
            out.append(relative)
        }
        return out.sorted()
    }
}
