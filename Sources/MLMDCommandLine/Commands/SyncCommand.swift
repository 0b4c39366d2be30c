import ArgumentParser
import MLMetadata
import MLMetadataGit

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Commit the store, merge the remote branch into it and push, until both agree.",
        discussion: """
            For fleets of workers that each record runs into their own clone of one repository: \
            commits the store's uncommitted changes, fetches the branch from REMOTE, merges it \
            (store files field by field, with or without the merge driver), pushes, and starts \
            again when another clone pushed first. A real conflict (one field changed to two \
            values) aborts the merge, names the files and fields, and exits with status 1. \
            Fetch and push run your git, with its remotes and credentials.
            Example: mlmd sync origin --store metadata
            """
    )

    @OptionGroup var location: StoreLocation

    @Argument(help: "The remote to sync with.")
    var remote: String = "origin"

    @Option(help: "The branch (default: the current one).")
    var branch: String?

    @Option(help: "Rounds of fetch, merge and push before giving up when other clones keep pushing.")
    var attempts: Int = 10

    func run() throws {
        let repository = try StoreRepository(store: try location.open())
        let report = try repository.sync(remote: remote, branch: branch, maximumAttempts: max(1, attempts))
        var done: [String] = []
        if report.committedLocalChanges { done.append("committed the store's changes") }
        if report.merged {
            done.append("merged \(report.remote)/\(report.branch)"
                + (report.resolvedFiles > 0 ? " (\(report.resolvedFiles) store file\(report.resolvedFiles == 1 ? "" : "s") merged field by field)" : ""))
        }
        done.append(report.pushed ? "pushed to \(report.remote)/\(report.branch)" : "\(report.remote)/\(report.branch) already had everything")
        let rounds = report.attempts > 1 ? " (\(report.attempts) rounds: other clones pushed meanwhile)" : ""
        Console.print("Synced: " + done.joined(separator: ", ") + rounds + ".")
    }
}
