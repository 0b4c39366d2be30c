import ArgumentParser
import Foundation
import MLMetadata
import MLMetadataGit

/// `--store PATH` and `--at REV`, for the commands that only read.
struct ReadLocation: ParsableArguments {
    @OptionGroup var location: StoreLocation

    @Option(help: ArgumentHelp("Read the store as it is in this git revision (a commit, branch, tag or HEAD~2), straight from git objects.",
                               valueName: "rev"))
    var at: String?

    /// The store in the working tree, or as it was at `--at`.
    func open() throws -> MetadataStore {
        guard let at else { return try location.open() }
        let place = try Self.place(of: try location.resolve(requireStore: false))
        return try StoreRepository.store(at: at, prefix: place.prefix, repositoryContaining: place.existing)
    }

    /// Where a store folder sits in its git repository: its deepest existing folder (the store
    /// need not exist in the working tree today) and its path relative to the repository root.
    static func place(of path: String) throws -> (existing: String, prefix: String) {
        let (existing, rest) = existingAncestor(of: URL(fileURLWithPath: path).standardizedFileURL.path)
        let repositoryRoot = try StoreRepository.workingTree(containing: existing)
        let real = StoreRepository.realPath(existing)
        guard real == repositoryRoot || real.hasPrefix(repositoryRoot + "/") else {
            throw CommandError("\(path) is not inside the git repository \(repositoryRoot)")
        }
        let prefix = ([real == repositoryRoot ? "" : String(real.dropFirst(repositoryRoot.count + 1))] + rest)
            .filter { !$0.isEmpty }.joined(separator: "/")
        return (existing, prefix)
    }

    /// The deepest existing folder of `path` and the components below it.
    static func existingAncestor(of path: String) -> (String, [String]) {
        var folder = path
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: folder), folder != "/" {
            rest.insert((folder as NSString).lastPathComponent, at: 0)
            folder = (folder as NSString).deletingLastPathComponent
        }
        return (folder, rest)
    }
}
