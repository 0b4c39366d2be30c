import Foundation
import Testing
@testable import MLMetadata

/// Everything a store's reads return, to compare an index with the files it should reflect.
struct StoreContents: Equatable {
    var artifactTypes: [ArtifactType]
    var executionTypes: [ExecutionType]
    var contextTypes: [ContextType]
    var artifacts: [Artifact]
    var executions: [Execution]
    var contexts: [Context]
    var events: [Event]
    var artifactsByContext: [Int64: [Int64]]
    var executionsByContext: [Int64: [Int64]]
    var parentsByContext: [Int64: [Int64]]

    init(_ store: MetadataStore) throws {
        artifactTypes = try store.getArtifactTypes()
        executionTypes = try store.getExecutionTypes()
        contextTypes = try store.getContextTypes()
        artifacts = try store.getArtifacts()
        executions = try store.getExecutions()
        contexts = try store.getContexts()
        events = try store.getEventsByExecutionIDs(executions.map(\.id!))
            .sorted { ($0.executionID!, $0.artifactID!, $0.type!.number) < ($1.executionID!, $1.artifactID!, $1.type!.number) }
        let contextIDs = contexts.map(\.id!)
        artifactsByContext = Dictionary(uniqueKeysWithValues: try contextIDs.map { ($0, try store.getArtifactsByContext($0).map(\.id!)) })
        executionsByContext = Dictionary(uniqueKeysWithValues: try contextIDs.map { ($0, try store.getExecutionsByContext($0).map(\.id!)) })
        parentsByContext = try store.getParentContextsByContexts(contextIDs).mapValues { $0.map(\.id!) }
    }

    /// What a fresh index built from the files alone returns (the store folder is copied first).
    static func rebuilt(from path: String) throws -> (contents: StoreContents, problems: [StoreError]) {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("rebuilt-" + UUID().uuidString).path
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try? FileManager.default.removeItem(atPath: copy + "/.mlmd")
        let store = try MetadataStore(path: copy, options: StoreOptions(createIfMissing: false))
        return (try StoreContents(store), try store.problems.map { StoreError($0.code, $0.message, path: $0.path, line: $0.line) })
    }
}

/// Runs git in a folder, with a fixed identity; fails the test on a non-zero exit.
struct Git {
    let folder: String

    @discardableResult
    func callAsFunction(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main",
                             "-c", "commit.gpgsign=false", "-C", folder] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0, "git \(arguments.joined(separator: " ")): \(text)", sourceLocation: sourceLocation)
        return text
    }
}
