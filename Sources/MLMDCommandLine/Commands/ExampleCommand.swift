import ArgumentParser
import Foundation
import MLMetadata
import MLMetadataSamples

struct ExampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example",
        abstract: "Record the example TFX-like pipeline (three runs of chicago_taxi) into a store.",
        discussion: """
            The runs are deterministic: the same command always writes byte-identical files. \
            This is how sample-store/ is made.
            Example: mlmd example --replace sample-store
            """
    )

    @Argument(help: "The store folder to record into (created if missing).")
    var path: String

    @Flag(help: "Delete the store at PATH first (only a folder that holds a store.json).")
    var replace = false

    func run() throws {
        let manager = FileManager.default
        if replace, manager.fileExists(atPath: path) {
            guard manager.fileExists(atPath: URL(fileURLWithPath: path).appendingPathComponent("store.json").path) else {
                throw ValidationError("\(path) is not a store (no store.json); refusing to delete it")
            }
            try manager.removeItem(atPath: path)
        } else if manager.fileExists(atPath: URL(fileURLWithPath: path).appendingPathComponent("store.json").path) {
            throw ValidationError("\(path) already holds a store; pass --replace to record the example into a fresh one")
        }
        try TaxiPipeline.record(into: path)
        let store = try MetadataStore(path: path, options: StoreOptions(createIfMissing: false))
        Console.print("Recorded \(TaxiPipeline.defaultRuns.count) runs of \(TaxiPipeline.pipelineName) into \(store.path): "
            + "\(try store.getArtifacts().count) artifacts, \(try store.getExecutions().count) executions, "
            + "\(try store.getContexts().count) contexts.")
    }
}
