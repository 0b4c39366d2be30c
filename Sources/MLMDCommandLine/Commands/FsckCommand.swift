import ArgumentParser
import MLMetadata

struct FsckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fsck",
        abstract: "Check every file of the store: that it parses, is canonical, sits where it belongs, and refers to what exists.",
        discussion: """
            Reads the files themselves (not the index cache) and reports each problem with its file \
            and line: unreadable JSON or messages, non-canonical bytes, misplaced files, references \
            to missing types or nodes, duplicate ids, names and external ids (type names also as case \
            or Unicode-normalization twins), and what the writer refuses (invalid): undeclared \
            properties or wrong value kinds, names that break the text or path rules, a `type` that \
            is not the name of the `type_id`'s type, parent-context cycles; then checks the index \
            cache's pages (`mlmd reindex` rebuilds a damaged one). Exit code 0: clean; 1: problems found.
            Example: mlmd fsck --store metadata
            """
    )

    @OptionGroup var location: StoreLocation
    @OptionGroup var output: FormatOption

    func run() throws {
        let store = try location.open(reportingUnreadableFiles: false)
        let problems = try store.checkFiles() + store.checkIndex()
        switch output.format {
        case .json, .jsonl:
            try ObjectOutput.print(problems.map { problem -> [String: Any] in
                var object: [String: Any] = ["kind": problem.kind.rawValue, "path": problem.path, "message": problem.message]
                if let line = problem.line { object["line"] = line }
                if let field = problem.field { object["field"] = field }
                return object
            }, output.format)
        case .table, .markdown:
            if problems.isEmpty {
                Console.print(Style.green("fsck: \(store.path) is clean."))
            } else {
                Table(header: ["FILE", "LINE", "PROBLEM", "DETAILS"], rows: problems.map {
                    [$0.path, $0.line.map(String.init) ?? "", Style.red($0.kind.rawValue), $0.message]
                }).print(output.format)
                Console.print("\(problems.count) problem\(problems.count == 1 ? "" : "s") found.")
            }
        }
        if !problems.isEmpty { throw ExitCode.failure }
    }
}
