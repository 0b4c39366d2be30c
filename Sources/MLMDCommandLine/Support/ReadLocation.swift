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
        // The store need not exist in the working tree today: only its place in the repository matters.
        let path = try location.resolve(requireStore: false)
        let (existing, rest) = Self.existingAncestor(of: URL(fileURLWithPath: path).standardizedFileURL.path)
        let repositoryRoot = try StoreRepository.workingTree(containing: existing)
        let real = StoreRepository.realPath(existing)
        guard real == repositoryRoot || real.hasPrefix(repositoryRoot + "/") else {
            throw CommandError("\(path) is not inside the git repository \(repositoryRoot)")
        }
        let prefix = ([real == repositoryRoot ? "" : String(real.dropFirst(repositoryRoot.count + 1))] + rest)
            .filter { !$0.isEmpty }.joined(separator: "/")
        return try StoreRepository.store(at: at, prefix: prefix, repositoryContaining: existing)
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
