import ArgumentParser
import Foundation
import MLMetadata
import MLMetadataGit

struct GitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "git",
        abstract: "Set up git for the store.",
        subcommands: [GitSetupCommand.self]
    )
}

struct GitSetupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Make git diff and git log -p show store files field by field.",
        discussion: """
            Registers the mlmd diff driver in the repository's .git/config (diff.mlmd.textconv = \
            mlmd textconv) and makes sure the store's .gitattributes assigns it. git does not copy \
            config with a clone: run this once per clone (mlmd init does it for new stores).
            """
    )

    @OptionGroup var location: StoreLocation

    func run() throws {
        let repository = try StoreRepository(store: try location.open())
        let changed = try repository.installDiffDriver(command: Self.textconvCommand())
        Console.print(changed ? "git diff and git log -p now show store files field by field (diff.mlmd.textconv in .git/config)."
                              : "Already set up: diff.mlmd.textconv is in .git/config.")
    }

    /// `mlmd textconv` when the `mlmd` on PATH is this program, else this program's full path.
    static func textconvCommand() -> String {
        let me = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).resolvingSymlinksInPath().path
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("mlmd").resolvingSymlinksInPath().path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate == me ? "mlmd textconv" : quoted(me) + " textconv" }
        }
        return quoted(me) + " textconv"
    }

    private static func quoted(_ path: String) -> String {
        path.contains(where: { " '\"\\$`".contains($0) }) ? "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'" : path
    }
}
