import Foundation

/// The executables built beside `mlmd` that link gRPC (`mlmd-serve`, `mlmd-import-grpc`), so that
/// `mlmd` itself and the demo build without it: found next to this executable (a `swift build`
/// folder or an install), else on PATH, and run in place of this process (signals reach them directly).
enum SiblingExecutable {
    static func path(_ name: String, buildHint: String) throws -> String {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let sibling = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent(name).path
        if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw CommandError("this needs \(name), which is built separately: `\(buildHint)` (same configuration as mlmd); "
            + "it was not found next to \(own) or on PATH")
    }

    static func exec(_ name: String, arguments: [String], buildHint: String) throws -> Never {
        let executable = try path(name, buildHint: buildHint)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        execv(executable, argv)
        throw CommandError("cannot run \(executable): \(String(cString: strerror(errno)))")
    }
}
