import Foundation
import MLMDCommandLine
import MLMetadataSamples

/// What a command printed and how it ended.
struct CommandResult {
    var status: Int32
    var output: String
    var errors: String

    var outputLines: [String] { output.split(separator: "\n").map(String.init) }
}

/// Runs `mlmd` in-process (fast; output captured through ``Console``) or as the built binary.
enum MLMD {
    /// Runs a command in this process with `input` as standard input.
    static func run(_ arguments: [String], input: String? = nil) -> CommandResult {
        let output = CapturedOutput()
        let errors = CapturedOutput()
        let status = Console.$output.withValue(output) {
            Console.$errors.withValue(errors) {
                Console.$input.withValue(input.map { Array($0.utf8) }) {
                    MLMDTool.run(arguments: arguments)
                }
            }
        }
        return CommandResult(status: status, output: output.text, errors: errors.text)
    }

    /// Runs the built `mlmd` executable in `directory` with `input` on standard input.
    static func binary(_ arguments: [String], input: String? = nil, in directory: String? = nil,
                       environment: [String: String] = [:]) throws -> CommandResult {
        try process(BuiltProducts.path("mlmd"), arguments, input: input, in: directory, environment: environment)
    }

    /// Runs any executable the same way.
    static func process(_ executable: String, _ arguments: [String], input: String? = nil, in directory: String? = nil,
                        environment: [String: String] = [:]) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        // Output goes to files, not pipes, so that a chatty child never blocks on a full pipe.
        let captures = TemporaryDirectory("capture")
        FileManager.default.createFile(atPath: captures.file("out"), contents: nil)
        FileManager.default.createFile(atPath: captures.file("err"), contents: nil)
        FileManager.default.createFile(atPath: captures.file("in"), contents: Data((input ?? "").utf8))
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: captures.file("out")))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: captures.file("err")))
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: captures.file("in")))
        try process.run()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, output: captures.read("out"), errors: captures.read("err"))
    }
}

/// A temporary copy of the sample pipeline's store (three TFX-like runs).
struct SampleStoreFixture {
    let directory: TemporaryDirectory
    var path: String { directory.path }

    init(_ label: String = #function) throws {
        directory = TemporaryDirectory(label)
        try TaxiPipeline.record(into: directory.path)
    }
}
