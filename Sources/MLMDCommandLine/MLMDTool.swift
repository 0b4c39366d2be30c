import ArgumentParser
import Foundation
import MLMetadata

/// Runs `mlmd` commands: the executable's entry point, and the way tests run a command in-process.
public enum MLMDTool {
    /// Parses `arguments` (without the program name), runs the command and returns its exit code:
    /// 0 on success, 64 for a usage error, and for a failure the exit code of its
    /// ``StoreError/Code`` (``StoreError/Code/table``: 3 INVALID_ARGUMENT, 5 NOT_FOUND, …), or 1
    /// for a failure that is not a store error.
    ///
    /// Output goes to ``Console/output``, messages and errors to ``Console/errors``; help requested
    /// with `--help` goes to the output.
    public static func run(arguments: [String]) -> Int32 {
        do {
            var command = try MLMDCommand.parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let error as StoreError {
            Console.printError("Error: \(error)")
            return error.code.exitCode
        } catch {
            let code = MLMDCommand.exitCode(for: error)
            var message = MLMDCommand.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { Console.print(message) }
            } else {
                if !message.hasPrefix("Error:") && !message.isEmpty && error as? ExitCode == nil { message = "Error: " + message }
                if !message.isEmpty { Console.printError(message) }
            }
            return code.rawValue
        }
    }
}
