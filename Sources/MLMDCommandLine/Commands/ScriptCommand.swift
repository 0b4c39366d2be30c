import ArgumentParser
import Crypto
import Foundation

struct ScriptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "script",
        abstract: "Run a Swift script that imports MLMetadata.",
        discussion: """
            Compiles the script against this build's MLMetadata dynamic library, caches the program \
            (keyed by the script's bytes and the library), and runs it with the remaining arguments; \
            the exit code is the script's. Scripts are ordinary top-level Swift code.

            As a shebang (Linux passes everything after the interpreter as one argument, hence -S):
              #!/usr/bin/env -S mlmd script
              import MLMetadata
              let store = try MetadataStore(path: CommandLine.arguments[1])
              print(try store.getArtifacts(ofType: "Model").count)

            Example: mlmd script report.swift sample-store
            Environment: SWIFTC (the compiler, default swiftc on PATH), MLMD_LIBRARY_DIR (where \
            libMLMetadataScripting.so and Modules/ are, default next to this executable), \
            XDG_CACHE_HOME (compiled scripts go to $XDG_CACHE_HOME/mlmd/scripts).
            """
    )

    @Argument(help: "The Swift script to run.")
    var file: String

    @Argument(parsing: .captureForPassthrough, help: "Arguments passed to the script.")
    var arguments: [String] = []

    func run() throws {
        let script = URL(fileURLWithPath: file)
        guard let source = FileManager.default.contents(atPath: script.path) else {
            throw CommandError("cannot read the script \(file)")
        }
        let library = try ScriptLibrary.locate()
        let program = try ScriptCompiler(library: library).program(for: script, source: source)
        let status = try ScriptCompiler.execute(program, arguments: arguments)
        if status != 0 { throw ExitCode(status) }
    }
}

/// Where the dynamic MLMetadata library and its Swift modules are.
struct ScriptLibrary {
    static let libraryName = "MLMetadataScripting"

    let directory: URL
    let modules: URL
    /// Module maps of the C modules MLMetadata's Swift module refers to (its own shims and
    /// SQLite): the compiler loads them even though the library imports them internally.
    let moduleMaps: [URL]

    var libraryFile: URL { directory.appendingPathComponent("lib\(Self.libraryName).so") }

    /// Looks next to the running executable (a `swift build` folder), or in `MLMD_LIBRARY_DIR`.
    static func locate() throws -> ScriptLibrary {
        let environment = ProcessInfo.processInfo.environment
        let directory: URL
        if let configured = environment["MLMD_LIBRARY_DIR"], !configured.isEmpty {
            directory = URL(fileURLWithPath: configured)
        } else {
            let executable = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0])
            directory = executable.deletingLastPathComponent()
        }
        let modules = [directory.appendingPathComponent("Modules"), directory]
            .first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("MLMetadata.swiftmodule").path) }
        let library = ScriptLibrary(directory: directory, modules: modules ?? directory, moduleMaps: moduleMaps(near: directory))
        guard modules != nil, FileManager.default.fileExists(atPath: library.libraryFile.path) else {
            throw CommandError("""
                the MLMetadata library for scripts is not built in \(directory.path) \
                (expected lib\(libraryName).so and Modules/MLMetadata.swiftmodule); \
                build it with `swift build --product \(libraryName)` (same configuration as mlmd), \
                or point MLMD_LIBRARY_DIR at a folder that has them
                """)
        }
        return library
    }

    /// The generated module maps of the build's C targets, and SQLite's from GRDB's checkout
    /// (`.build/checkouts`, two or three levels above the products folder). The copies SwiftPM
    /// makes for build tools (`<target>-tool.build`, e.g. gRPC's plugin dependencies) are left
    /// out, and each module is given once: two maps of one module are a compile error.
    private static func moduleMaps(near directory: URL) -> [URL] {
        let manager = FileManager.default
        var modules: Set<String> = []
        var maps = ((try? manager.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
            .filter { $0.hasSuffix(".build") && !$0.hasSuffix("-tool.build") }
            .map { directory.appendingPathComponent($0).appendingPathComponent("module.modulemap") }
            .filter { manager.fileExists(atPath: $0.path) }
            .filter { modules.insert(moduleName(in: $0) ?? $0.path).inserted }
        var ancestor = directory
        for _ in 0..<3 {
            ancestor = ancestor.deletingLastPathComponent()
            let sqlite = ancestor.appendingPathComponent("checkouts/GRDB.swift/Sources/GRDBSQLite/module.modulemap")
            if manager.fileExists(atPath: sqlite.path) {
                maps.append(sqlite)
                break
            }
        }
        return maps
    }

    /// The name a module map declares first (`module CMLMDShims {` → `CMLMDShims`).
    private static func moduleName(in map: URL) -> String? {
        guard let text = try? String(contentsOf: map, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            if let index = words.firstIndex(of: "module"), index + 1 < words.count {
                return String(words[index + 1])
            }
        }
        return nil
    }
}

/// Compiles scripts once and caches the programs.
struct ScriptCompiler {
    let library: ScriptLibrary

    /// The compiled program for `source`, compiling it if the cache has none for these bytes and
    /// this library build.
    func program(for script: URL, source: Data) throws -> URL {
        let compiler = Self.compilerPath()
        var hasher = SHA256()
        hasher.update(data: source)
        hasher.update(data: Data(script.path.utf8))
        hasher.update(data: Data(compiler.utf8))
        let attributes = try? FileManager.default.attributesOfItem(atPath: library.libraryFile.path)
        let stamp = "\((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)-\(attributes?[.size] ?? 0)"
        hasher.update(data: Data(stamp.utf8))
        let key = hasher.finalize().map { String(format: "%02x", $0) }.joined().prefix(32)

        let cache = Self.cacheDirectory().appendingPathComponent(String(key))
        let program = cache.appendingPathComponent(script.deletingPathExtension().lastPathComponent)
        if FileManager.default.isExecutableFile(atPath: program.path) { return program }

        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        // Compile to a temporary name and rename, so that a concurrent run never executes half a file.
        let partial = cache.appendingPathComponent(".partial-\(ProcessInfo.processInfo.processIdentifier)")
        let arguments = [
            "-Onone", "-swift-version", "6",
            "-I", library.modules.path,
            "-L", library.directory.path, "-l\(ScriptLibrary.libraryName)",
            "-Xlinker", "-rpath", "-Xlinker", library.directory.path,
            "-module-cache-path", Self.cacheDirectory().appendingPathComponent("ModuleCache").path,
        ] + library.moduleMaps.flatMap { ["-Xcc", "-fmodule-map-file=\($0.path)"] } + [
            "-module-name", "main",
            "-o", partial.path, script.path,
        ]
        let (status, diagnostics) = try Self.capture(compiler, arguments)
        guard status == 0 else {
            try? FileManager.default.removeItem(at: partial)
            throw CommandError("the script \(script.path) did not compile:\n\(diagnostics.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        try FileManager.default.moveItem(at: partial, to: program)
        return program
    }

    static func compilerPath() -> String {
        if let configured = ProcessInfo.processInfo.environment["SWIFTC"], !configured.isEmpty { return configured }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/swiftc"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/usr/bin/swiftc"
    }

    static func cacheDirectory() -> URL {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache")
        return URL(fileURLWithPath: base).appendingPathComponent("mlmd/scripts")
    }

    /// Runs `executable`, collecting standard output and error together.
    static func capture(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch {
            throw CommandError("cannot run the Swift compiler \(executable): \(error.localizedDescription); set SWIFTC to its path")
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// Runs the compiled script with the terminal's standard streams and returns its exit status.
    static func execute(_ program: URL, arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        if process.terminationReason == .uncaughtSignal { return 128 + process.terminationStatus }
        return process.terminationStatus
    }
}
