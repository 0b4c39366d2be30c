import Foundation
import Testing

/// Executables built with the package (the test target depends on them).
enum BuiltProducts {
    /// The folder of the build's products: the test bundle lives there too.
    static var folder: String {
        if let override = ProcessInfo.processInfo.environment["MLMD_PRODUCTS_DIR"] { return override }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        // The test binary is `<products>/<Package>PackageTests.xctest` (inside it on macOS).
        while url.path.contains(".xctest") { url.deleteLastPathComponent() }
        return url.path
    }

    static func path(_ name: String) -> String {
        folder + "/" + name
    }
}

/// Runs a child process and returns its exit status and output.
struct ChildProcess {
    var status: Int32
    var wasKilled: Bool
    var standardError: String

    /// Runs `executable` with `arguments`; with `killAfter`, sends SIGKILL after that many seconds.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                    killAfter: Double? = nil) throws -> ChildProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let errorPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        if let killAfter {
            Thread.sleep(forTimeInterval: killAfter)
            kill(process.processIdentifier, SIGKILL)
        }
        let errorData = errorPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ChildProcess(status: process.terminationStatus, wasKilled: process.terminationReason == .uncaughtSignal,
                            standardError: String(decoding: errorData, as: UTF8.self))
    }
}
