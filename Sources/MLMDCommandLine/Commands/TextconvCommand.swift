import ArgumentParser
import Foundation
import MLMetadata

struct TextconvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "textconv",
        abstract: "Print a store file one field per line (git's diff.mlmd.textconv; see mlmd git setup).",
        discussion: """
            git runs it on both versions of a changed store file and diffs the results, so \
            `git diff` and `git log -p` show which fields changed. A file that is not a readable \
            store file is printed as it is, after a line that says why.
            """
    )

    @Argument(help: "The file (git passes a temporary copy).")
    var file: String

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandError("cannot read \(file)") }
        let bytes = [UInt8](data)
        do {
            Console.output.write(try StoreFileText.render(bytes, path: file))
        } catch {
            // git shows what textconv prints; failing would hide the change altogether.
            Console.print("# mlmd textconv: not read as a store file: \(error)")
            Console.output.write(String(decoding: bytes, as: UTF8.self))
        }
    }
}
