import ArgumentParser
import Foundation
import MLMetadata

/// `--store PATH`, shared by every command that works on a store.
struct StoreLocation: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store folder (default: the nearest folder upwards with a store.json).",
                                            valueName: "path"))
    var store: String?

    /// Opens the store named by `--store` or found upwards from the current folder. Prints on
    /// stderr what opening it set aside and, unless `reportingUnreadableFiles` is false (commands
    /// that list problems themselves), that files which cannot be read are left out of every read.
    func open(reportingUnreadableFiles: Bool = true) throws -> MetadataStore {
        let path = try resolve()
        guard FileManager.default.fileExists(atPath: URL(fileURLWithPath: path).appendingPathComponent("store.json").path) else {
            throw CommandError("\(path) is not a store (it has no store.json); create one with `mlmd init \(path)`")
        }
        let store = try MetadataStore(path: path, options: StoreOptions(createIfMissing: false, progress: ProgressBar.forIndexing()))
        for warning in store.warnings { Console.printError("warning: \(warning)") }
        if reportingUnreadableFiles {
            let problems = try store.problems
            if let first = problems.first {
                let others = problems.count > 1 ? " (and \(problems.count - 1) more)" : ""
                Console.printError("warning: \(problems.count) store file\(problems.count == 1 ? "" : "s") cannot be read and "
                    + "\(problems.count == 1 ? "is" : "are") left out of every read; `mlmd fsck` lists them: \(first)\(others)")
            }
        }
        return store
    }

    /// The store's folder: `--store`, else the nearest folder upwards with a store.json (else,
    /// unless `requireStore`, the current folder).
    func resolve(requireStore: Bool = true) throws -> String {
        if let store { return store }
        var folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("store.json").path) { return folder.path }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
        if !requireStore { return FileManager.default.currentDirectoryPath }
        throw CommandError("no store found in \(FileManager.default.currentDirectoryPath) or any folder above it; pass --store PATH, or create one with `mlmd init [PATH]`")
    }
}
