import Foundation
import MLMDCommandLine

// The `mlmd` executable: everything lives in MLMDCommandLine so that tests can run commands
// in-process.
exit(MLMDTool.run(arguments: Array(CommandLine.arguments.dropFirst())))
