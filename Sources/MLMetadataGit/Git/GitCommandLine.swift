import Foundation
import MLMetadata

/// Runs the `git` program in a working tree.
///
/// Fetching and pushing go through the user's own git, not libgit2: remotes, transports,
/// credentials (helpers, SSH agents, `insteadOf` rules) then work exactly as every other git
/// command on that machine, which libgit2's transport layer does not reproduce.
struct GitCommandLine {
    let workingTree: String

    struct Result {
        var status: Int32
        var output: String
        var errors: String
        var succeeded: Bool { status == 0 }
    }

    /// Runs git with `arguments`, `input` on its standard input.
    func run(_ arguments: [String], input: [UInt8]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: workingTree)
        var environment = ProcessInfo.processInfo.environment
        // Never wait for a password or an editor: a sync runs unattended.
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["GIT_EDITOR"] = "true"
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let inputPipe = input.map { _ in Pipe() }
        process.standardInput = inputPipe ?? FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw StoreError(.failedPrecondition, "cannot run git (\(error.localizedDescription)); it must be on the PATH")
        }
        if let input, let inputPipe {
            // Written from another thread: git may fill its output pipes before it reads all of it.
            let writer = inputPipe.fileHandleForWriting
            DispatchQueue.global().async {
                writer.write(Data(input))
                try? writer.close()
            }
        }
        // Read both pipes while git runs, so that neither fills up and blocks it.
        let readingErrors = DispatchGroup()
        nonisolated(unsafe) var errorData = Data()
        readingErrors.enter()
        DispatchQueue.global().async {
            errorData = errors.fileHandleForReading.readDataToEndOfFile()
            readingErrors.leave()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        readingErrors.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                      errors: String(decoding: errorData, as: UTF8.self))
    }

    /// Runs git and fails with its message unless it succeeds.
    @discardableResult
    func check(_ arguments: [String], _ what: String) throws -> String {
        let result = try run(arguments)
        guard result.succeeded else {
            let message = (result.errors.isEmpty ? result.output : result.errors).trimmingCharacters(in: .whitespacesAndNewlines)
            throw StoreError(.failedPrecondition, "cannot \(what): git \(arguments.joined(separator: " ")) failed: \(message)")
        }
        return result.output
    }
}
