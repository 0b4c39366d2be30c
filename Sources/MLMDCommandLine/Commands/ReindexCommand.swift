import ArgumentParser
import MLMetadata

struct ReindexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Rebuild the store's index cache from its files, or refresh it.",
        discussion: """
            The index cache (.mlmd/index.sqlite) is rebuilt from the files whenever it is missing, \
            and every command refreshes it when it opens the store: a pass over the folders finds \
            everything git changes. --check-files also compares every file's size, mtime and inode, \
            which finds files edited in place.
            Example: mlmd reindex --store metadata
            """
    )

    @OptionGroup var location: StoreLocation

    @Flag(help: "Only refresh: compare every file's signature and reread the changed ones, instead of rebuilding.")
    var checkFiles = false

    func run() throws {
        let store = try location.open(reportingUnreadableFiles: false)
        let result = checkFiles ? try store.refresh(check: .files) : try store.rebuildIndex()
        if checkFiles {
            Console.print("Refreshed: \(result.indexedFiles) changed files reread, \(result.removedFiles) removed.")
        } else {
            Console.print("Rebuilt the index from \(result.indexedFiles) files.")
        }
        let problems = try store.problems
        for problem in problems {
            Console.print("problem: \(problem)")
        }
        if !problems.isEmpty { throw ExitCode.failure }
    }
}
