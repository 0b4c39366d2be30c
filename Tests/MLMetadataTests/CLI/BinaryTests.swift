import Foundation
import Testing
@testable import MLMetadata

/// The built `mlmd` executable, end to end: real standard streams, exit codes and working folders.
@Suite struct BinaryTests {
    @Test func findsTheNearestStoreUpwardsAndSaysHowToCreateOne() throws {
        let directory = TemporaryDirectory()
        let nowhere = try MLMD.binary(["types"], in: directory.path)
        #expect(nowhere.status == 1)
        #expect(nowhere.errors.hasPrefix("Error: no store found in ") && nowhere.errors.contains("mlmd init"), "\(nowhere.errors)")
        #expect(nowhere.output.isEmpty)

        let created = try MLMD.binary(["init"], in: directory.path)
        #expect(created.status == 0 && created.output.contains("Created a store"))
        try FileManager.default.createDirectory(atPath: directory.file("src/deep"), withIntermediateDirectories: true)
        let put = try MLMD.binary(["put", "artifact-type"], input: #"{"name": "Model"}"#, in: directory.file("src/deep"))
        #expect(put.status == 0, "\(put.errors)")
        let types = try MLMD.binary(["types"], in: directory.file("src/deep"))
        #expect(types.status == 0 && types.output.contains("Model"))
    }

    @Test func versionNamesTheReleaseAndTheStoreFormats() throws {
        let result = try MLMD.binary(["--version"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output == LibraryVersion.description + "\n")
        #expect(result.output.hasPrefix("mlmd \(LibraryVersion.release) (writes store format 2, reads 1–2"), "\(result.output)")
    }

    @Test func pipesMessagesThroughStandardStreams() throws {
        let sample = try SampleStoreFixture()
        let target = TemporaryDirectory()
        #expect(try MLMD.binary(["init", target.path]).status == 0)
        // Types and artifacts out of one store, into another, as JSON Lines.
        let types = try MLMD.binary(["list", "artifacts", "--type", "Model", "--format", "jsonl", "--store", sample.path])
        #expect(types.status == 0 && types.output.split(separator: "\n").count == 3)
        let typeJSON = try MLMetadata.MetadataStore(path: sample.path).getArtifactType("Model").protoJSON(.compact)
        let withoutID = typeJSON.replacingOccurrences(of: #""id": "[0-9]+", "#, with: "", options: .regularExpression)
        #expect(try MLMD.binary(["put", "artifact-type", "--store", target.path], input: withoutID).status == 0)
        let copied = types.output.replacingOccurrences(of: #""id": "[0-9]+", "#, with: "", options: .regularExpression)
            .replacingOccurrences(of: #""type_id": "[0-9]+", "#, with: "", options: .regularExpression)
        let put = try MLMD.binary(["put", "artifact", "-", "--store", target.path], input: copied)
        #expect(put.status == 0, "\(put.errors)")
        #expect(try MetadataStore(path: target.path).getArtifactsByType("Model").compactMap(\.uri).sorted()
            == (try MetadataStore(path: sample.path).getArtifactsByType("Model").compactMap(\.uri).sorted()))
    }

    @Test func exitCodesAndMessagesOfTheBinary() throws {
        let sample = try SampleStoreFixture()
        let usage = try MLMD.binary(["list", "widgets", "--store", sample.path])
        #expect(usage.status == 64 && usage.errors.contains("Usage:"))
        let failure = try MLMD.binary(["list", "artifacts", "--filter", "uri = ", "--store", sample.path])
        #expect(failure.status == 3 && failure.errors.hasPrefix("Error:") && failure.errors.contains("^"))
        let clean = try MLMD.binary(["fsck", "--store", sample.path])
        #expect(clean.status == 0)
        let help = try MLMD.binary(["lineage", "--help"])
        #expect(help.status == 0 && help.output.contains("Example") && help.errors.isEmpty)
    }

    @Test func coloursOnlyOnATerminalAndNeverWithNoColor() throws {
        let sample = try SampleStoreFixture()
        let piped = try MLMD.binary(["runs", "--store", sample.path])
        #expect(piped.status == 0 && !piped.output.contains("\u{1B}["))
        // util-linux `script` runs the command on a pseudo-terminal.
        let command = "\(BuiltProducts.path("mlmd")) runs --store \(sample.path)"
        let terminal = try MLMD.process("/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["NO_COLOR": ""])
        #expect(terminal.status == 0 && terminal.output.contains("\u{1B}[32mCOMPLETE"), "\(terminal.output)")
        let noColor = try MLMD.process("/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["NO_COLOR": "1"])
        #expect(noColor.status == 0 && noColor.output.contains("COMPLETE") && !noColor.output.contains("\u{1B}["))
    }

    /// `mlmd script` compiles against the dynamic library built next to the binary
    /// (`swift build --product MLMetadataScripting`; scripts/test.sh builds it first).
    @Test(.timeLimit(.minutes(5))) func scriptsImportTheLibraryAndKeepTheirExitCode() throws {
        let sample = try SampleStoreFixture()
        let scripts = TemporaryDirectory()
        let cache = scripts.file("cache")
        let script = scripts.file("count.swift")
        try """
            #!/usr/bin/env -S mlmd script
            import Foundation
            import MLMetadata
            let store = try MetadataStore(path: CommandLine.arguments[1])
            let models = try store.getArtifactsByType("Model")
            print("models: \\(models.count)")
            exit(models.count == 3 ? 7 : 1)
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let environment = ["XDG_CACHE_HOME": cache]
        let first = try MLMD.binary(["script", script, sample.path], environment: environment)
        #expect(first.status == 7, "the script's exit code passes through: \(first.errors)")
        #expect(first.output == "models: 3\n")
        // A second run reuses the compiled program.
        let compiled = try FileManager.default.subpathsOfDirectory(atPath: cache + "/mlmd/scripts").filter { $0.hasSuffix("/count") }
        #expect(compiled.count == 1)
        let second = try MLMD.binary(["script", script, sample.path], environment: environment)
        #expect(second.status == 7 && second.output == "models: 3\n")

        // As a shebang: the script is executable and names `mlmd script` through env -S.
        chmod(script, 0o755)
        let path = BuiltProducts.folder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let shebang = try MLMD.process(script, [sample.path], environment: environment.merging(["PATH": path]) { $1 })
        #expect(shebang.status == 7 && shebang.output == "models: 3\n", "\(shebang.errors)")

        try "import MLMetadata\nlet x: Int = \"not a number\"\n".write(toFile: scripts.file("broken.swift"), atomically: true, encoding: .utf8)
        let broken = try MLMD.binary(["script", scripts.file("broken.swift")], environment: environment)
        #expect(broken.status == 1)
        #expect(broken.errors.contains("did not compile") && broken.errors.contains("broken.swift:2"), "\(broken.errors)")
    }
}

extension BinaryTests {
    /// The shebang script shown in the README runs as printed there.
    @Test(.timeLimit(.minutes(5))) func readmeScriptRuns() throws {
        let readme = try String(contentsOfFile: SampleStoreTests.repositoryRoot + "/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: "```swift\n#!/usr/bin/env -S mlmd script\n"))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let script = "#!/usr/bin/env -S mlmd script\n" + readme[start.upperBound..<end.lowerBound]
        let sample = try SampleStoreFixture()
        let folder = TemporaryDirectory()
        try script.write(toFile: folder.file("best-model.swift"), atomically: true, encoding: .utf8)
        let result = try MLMD.binary(["script", folder.file("best-model.swift"), sample.path], environment: ["XDG_CACHE_HOME": folder.file("cache")])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output == "gs://ml-pipelines/chicago_taxi/Evaluator/evaluation/2\n")
    }
}
