import ArgumentParser
import Foundation
import MLMetadata

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a store.",
        discussion: """
            Writes store.json (the format version), a .gitignore that keeps the .mlmd/ index cache \
            out of git, and a .gitattributes that keeps the files' bytes canonical (LF) and marks them as generated. Nothing else is \
            written until the first put.
            Example: mlmd init metadata
            """
    )

    @Argument(help: "The folder to create the store in (default: the current folder).")
    var path: String = "."

    func run() throws {
        let manifest = URL(fileURLWithPath: path).appendingPathComponent("store.json").path
        if FileManager.default.fileExists(atPath: manifest) {
            _ = try MetadataStore(path: path, options: StoreOptions(createIfMissing: false))
            Console.print("A store already exists in \(path); nothing written.")
            return
        }
        let store = try MetadataStore(path: path)
        Console.print("Created a store in \(store.path):")
        Console.print("  store.json      format version")
        Console.print("  .gitignore      keeps the .mlmd/ index cache out of git")
        Console.print("  .gitattributes  LF line endings; marks the files as generated for review UIs")
    }
}
