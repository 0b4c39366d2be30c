import ArgumentParser
import MLMetadata
import MLMetadataGit

struct CommitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commit",
        abstract: "Commit the store's changes to git (only the store's files).",
        discussion: """
            Commits every file under the store that differs from HEAD — written by the library, \
            edited by hand, or merged — and nothing else: other staged, modified or untracked work \
            in the repository stays as it is. Pipeline runs recorded with commits enabled are \
            committed as they complete; this is for everything else.
            Example: mlmd commit -m "Register the Model type"
            """
    )

    @OptionGroup var location: StoreLocation

    @Option(name: .shortAndLong, help: "The commit message.")
    var message: String

    @Option(help: ArgumentHelp("The author, as \"Name <email>\" (default: git config user.name and user.email).", valueName: "author"))
    var author: String?

    func validate() throws {
        if message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("the commit message is empty") }
        if let author, GitIdentity(parsing: author) == nil { throw ValidationError("--author must look like \"Name <email>\"") }
    }

    func run() throws {
        let store = try location.open()
        let repository = try StoreRepository(store: store)
        guard let commit = try repository.commitAll(message: message, author: author.flatMap(GitIdentity.init(parsing:))) else {
            Console.print("Nothing to commit: the store matches HEAD.")
            return
        }
        Console.print("Committed \(commit.paths.count) file\(commit.paths.count == 1 ? "" : "s") as \(commit.id.prefix(12)): "
            + (message.split(separator: "\n").first.map(String.init) ?? ""))
    }
}
