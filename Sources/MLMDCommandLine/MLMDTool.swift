import ArgumentParser
import Foundation

/// Runs `mlmd` commands: the executable's entry point, and the way tests run a command in-process.
public enum MLMDTool {
    /// Parses `arguments` (without the program name), runs the command and returns its exit code:
    /// 0 on success, 1 when the command failed, 64 for a usage error.
    ///
    /// Output goes to ``Console/output``, messages and errors to ``Console/errors``; help requested
    /// with `--help` goes to the output.
    public static func run(arguments: [String]) -> Int32 {
        do {
            var command = try MLMDCommand.parseAsRoot(arguments)
            try command.run()
            return 0
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
