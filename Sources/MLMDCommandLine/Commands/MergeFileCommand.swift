import ArgumentParser
import Foundation
import MLMetadata

struct MergeFileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-file",
        abstract: "Merge two versions of a store file field by field (git's merge.mlmd.driver; see mlmd git setup).",
        discussion: """
            git runs it as `mlmd merge-file %O %A %B %P` for store files both sides changed: \
            properties merge key by key, an identical change is taken once, the earlier create \
            time and the later update time win, a type's properties are unioned, and edge files \
            keep every line either side added. The result replaces OURS. A field changed to two \
            different values is left as a conflict block naming it, and the exit status is 1, so \
            git reports the path as conflicted; mlmd reads and fsck name the field.
            Example: mlmd merge-file base.json ours.json theirs.json metadata/artifacts/Model/2026-01-05/0a/1.json
            """
    )

    @Argument(help: "The common ancestor's version (empty when the file was added on both sides).")
    var base: String
    @Argument(help: "Our version; the merged result is written here.")
    var ours: String
    @Argument(help: "Their version.")
    var theirs: String
    @Argument(help: "The file's path in the repository (says which kind of store file it is); default: OURS.")
    var path: String?

    func run() throws {
        func read(_ file: String) throws -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandError("cannot read \(file)") }
            return [UInt8](data)
        }
        let ancestor = try read(base)
        let result = StoreFileMerge.merge(base: ancestor.isEmpty ? nil : ancestor, ours: try read(ours), theirs: try read(theirs),
                                          path: path ?? ours)
        try Data(result.bytes).write(to: URL(fileURLWithPath: ours))
        guard result.isClean else {
            let what = result.conflictedFields.isEmpty ? "the whole file (a side is not JSON)"
                : "field\(result.conflictedFields.count == 1 ? "" : "s") \(result.conflictedFields.joined(separator: ", "))"
            Console.printError("mlmd merge-file: \(path ?? ours): conflict in \(what)")
            throw ExitCode.failure
        }
    }
}
