import ArgumentParser
import Foundation
import MLMetadata
import MLMetadataGit

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a store.",
        discussion: """
            Writes store.json (the format version), a .gitignore that keeps the .mlmd/ index cache \
            out of git, and a .gitattributes that keeps the files' bytes canonical (LF), marks them as generated and \
            assigns the mlmd diff driver. Inside a git repository it also registers that driver in .git/config \
            (as mlmd git setup does), so git diff shows store files field by field. Nothing else is written until the first put.
            Examples:
              mlmd init metadata
              mlmd init metadata --commit-runs     runs recorded into it are committed to git
            """
    )

    @Argument(help: "The folder to create the store in (default: the current folder).")
    var path: String = "."

    @Flag(inversion: .prefixedNo, help: "Set the store's commit_runs setting: commit each pipeline run to git as it completes.")
    var commitRuns: Bool?

    func run() throws {
        let manifest = URL(fileURLWithPath: path).appendingPathComponent("store.json").path
        if FileManager.default.fileExists(atPath: manifest) {
            let store = try MetadataStore(path: path, options: StoreOptions(createIfMissing: false))
            if let commitRuns, try store.settings.commitRuns != commitRuns {
                try store.updateSettings(StoreSettings(commitRuns: commitRuns))
                Console.print("A store already exists in \(path); set commit_runs to \(commitRuns) in its store.json.")
            } else {
                Console.print("A store already exists in \(path); nothing written.")
            }
            return
        }
        let store = try MetadataStore(path: path)
        if let commitRuns, commitRuns { try store.updateSettings(StoreSettings(commitRuns: true)) }
        Console.print("Created a store in \(store.path):")
        Console.print("  store.json      format version" + (commitRuns == true ? "; commit_runs: pipeline runs are committed to git" : ""))
        Console.print("  .gitignore      keeps the .mlmd/ index cache out of git")
        Console.print("  .gitattributes  LF line endings; marks the files as generated for review UIs")
        // Inside a git repository: git diff, log -p and merge handle store files field by field.
        if let repository = try? StoreRepository(store: store) {
            do {
                try repository.installDrivers(mlmd: GitSetupCommand.mlmdInvocation())
                Console.print("  .git/config     diff.mlmd and merge.mlmd: git diff and git merge handle store files field by field "
                              + "(other clones: mlmd git setup)")
            } catch {
                // The store is created; only the convenience is missing.
                Console.printError("warning: git diff will show raw JSON and git merge merge it as text: \(error) (retry with mlmd git setup)")
            }
        }
    }
}
