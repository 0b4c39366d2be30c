import ArgumentParser
import Foundation
import MLMetadata

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a store.",
        discussion: "Example: mlmd init metadata"
    )

    @Argument(help: "The folder to create the store in (default: the current folder).")
    var path: String = "."

    func run() throws {
        let existed = FileManager.default.fileExists(atPath: URL(fileURLWithPath: path).appendingPathComponent("store.json").path)
        let store = try MetadataStore(path: path)
        if existed {
            print("A store already exists in \(store.path).")
        } else {
            print("Created a store in \(store.path): store.json, .gitignore (ignores the .mlmd/ cache), .gitattributes.")
        }
    }
}
