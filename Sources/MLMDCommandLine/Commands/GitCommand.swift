import ArgumentParser
import Foundation
import MLMetadata
import MLMetadataGit

struct GitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "git",
        abstract: "Set up git for the store.",
        subcommands: [GitSetupCommand.self, GitResolveCommand.self]
    )
}

struct GitSetupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Make git diff, log -p and merge handle store files field by field.",
        discussion: """
            Registers the mlmd diff driver (diff.mlmd.textconv = mlmd textconv) and merge driver \
            (merge.mlmd.driver = mlmd merge-file %O %A %B %P) in the repository's .git/config, and \
            makes sure the store's .gitattributes assigns them. git does not copy config with a \
            clone: run this once per clone (mlmd init does it for new stores). Without the merge \
            driver git merges store files as text, which is enough for runs recorded on two \
            branches; the driver also merges the same node changed on both sides.
            Example: mlmd git setup --store metadata
            """
    )

    @OptionGroup var location: StoreLocation

    func run() throws {
        let repository = try StoreRepository(store: try location.open())
        let changed = try repository.installDrivers(mlmd: Self.mlmdInvocation())
        Console.print(changed ? "git diff, git log -p and git merge now handle store files field by field (diff.mlmd and merge.mlmd in .git/config)."
                              : "Already set up: diff.mlmd and merge.mlmd are in .git/config.")
    }

    /// `mlmd` when the `mlmd` on PATH is this program, else this program's full path (quoted
    /// for the shell that git runs drivers with).
    static func mlmdInvocation() -> String {
        let me = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).resolvingSymlinksInPath().path
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("mlmd").resolvingSymlinksInPath().path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate == me ? "mlmd" : quoted(me) }
        }
        return quoted(me)
    }

    private static func quoted(_ path: String) -> String {
        path.contains(where: { " '\"\\$`".contains($0) }) ? "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'" : path
    }
}

struct GitResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Merge the store files an unfinished merge left conflicted, field by field.",
        discussion: """
            For a merge, rebase or cherry-pick made without the merge driver (a clone that never \
            ran mlmd git setup): each conflicted store file is merged from the three versions in \
            git's index as the driver would merge it, then staged. Files with a real conflict \
            keep a conflict block naming the fields, stay conflicted, and make the exit status 1.
            Example: git merge feature; mlmd git resolve --store metadata; git commit
            """
    )

    @OptionGroup var location: StoreLocation

    func run() throws {
        let resolution = try StoreRepository(store: try location.open(reportingUnreadableFiles: false)).resolveConflicts()
        for path in resolution.resolved { Console.print("merged  \(path)") }
        for file in resolution.unresolved {
            Console.print("conflict  \(file.path): " + (file.fields.isEmpty ? "the whole file" : file.fields.joined(separator: ", ")))
        }
        if resolution.resolved.isEmpty && resolution.unresolved.isEmpty { Console.print("No conflicted store files.") }
        if !resolution.unresolved.isEmpty { throw ExitCode.failure }
    }
}
