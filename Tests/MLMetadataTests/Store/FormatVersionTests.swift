import Foundation
import Testing
@testable import MLMetadata

/// Format 2 (contexts' times in edge files) and the explicit migration from format 1.
@Suite struct FormatVersionTests {
    @Test func contextFilesHoldNoTimesButReadsReturnThem() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let id = try fixture.store.putContexts([Context(typeID: types.pipeline, name: "p")])[0]
        let path = try #require(try fixture.store.read { try $0.filePath(ofNode: .context, id: id) })
        #expect(!fixture.directory.read(path).contains("time"))
        let created = try #require(try fixture.store.getContextsByID([id]).first)
        let createTime = try #require(created.createTimeSinceEpoch)
        #expect(createTime >= 1_767_603_600_000 && created.lastUpdateTimeSinceEpoch == createTime)

        // An update at a later time moves the update time only, in a new edge line.
        let later = try fixture.reopen(start: 1_767_700_000_000)
        var changed = created
        changed.customProperties["owner"] = .string("ml-team")
        _ = try later.putContexts([changed])
        let updated = try #require(try later.getContextsByID([id]).first)
        #expect(updated.createTimeSinceEpoch == createTime && updated.lastUpdateTimeSinceEpoch! >= 1_767_700_000_000)
        // A no-op update changes no file and no time.
        let files = fixture.snapshot()
        _ = try later.putContexts([updated])
        #expect(fixture.snapshot() == files)
        // The times are the files' truth: a rebuilt index reads the same.
        try FileManager.default.removeItem(atPath: fixture.directory.file(".mlmd"))
        #expect(try fixture.reopen().getContextsByID([id]).first == updated)
        #expect(try fixture.reopen().checkFiles() == [])
    }

    @Test func theEarliestCreateAndTheLatestUpdateWinWhenBranchesRecordedBoth() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let id = try fixture.store.putContexts([Context(typeID: types.pipeline, name: "p")])[0]
        let ownCreateTime = try fixture.store.getContextsByID([id]).first?.createTimeSinceEpoch
        // Another branch created the same context earlier and updated it later (its edge file).
        let other = EdgeFile.bytes([.contextTimes(ContextTimes(contextID: id, createTime: 1_700_000_000_000, updateTime: 1_700_000_000_000)),
                                    .contextTimes(ContextTimes(contextID: id, createTime: nil, updateTime: 1_800_000_000_000))])
        let folder = fixture.directory.file("edges/2023-11-14/01")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(other).write(to: URL(fileURLWithPath: folder + "/1.jsonl"))
        let store = try fixture.reopen()
        let context = try #require(try store.getContextsByID([id]).first)
        #expect(context.createTimeSinceEpoch == 1_700_000_000_000 && context.lastUpdateTimeSinceEpoch == 1_800_000_000_000)
        // Filters and orders see the same times as the messages.
        #expect(try store.getContexts(ListOptions(filterQuery: "create_time_since_epoch = 1700000000000")).items.map(\.id) == [id])
        // Without that file again, the store's own record is back.
        try FileManager.default.removeItem(atPath: folder + "/1.jsonl")
        _ = try store.refresh()
        #expect(try store.getContextsByID([id]).first?.createTimeSinceEpoch == ownCreateTime)
    }

    @Test func aStoreOfFormatOneIsReadWritesAreRefusedAndMigrationMovesTheTimes() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let run = try PipelineRunRecorder(store: fixture.store, pipeline: "taxi", runID: "r1")
        try run.record(node: "Trainer", executionType: "Trainer", outputs: [("model", [Artifact(typeID: types.model, uri: "m")])])
        let before = try fixture.store.getContexts().sorted { $0.id! < $1.id! }
        try FormatOne.downgrade(fixture.directory)

        let old = try fixture.reopen()
        #expect(try old.getContexts().sorted { $0.id! < $1.id! } == before)
        #expect(try old.checkFiles() == [])
        expectStoreError(.failedPrecondition, "store format version 1 is older than this library's (2): it can be read, but is written only after migrating it explicitly with `mlmd migrate`") {
            _ = try old.putContexts([Context(typeID: types.pipeline, name: "other")])
        }

        let report = try old.migrate()
        #expect(report == MigrationReport(fromVersion: 1, toVersion: 2, contextsRewritten: before.count))
        #expect(fixture.directory.read("store.json").contains("\"format_version\": 2"))
        for path in fixture.directory.files(excluding: ".mlmd") where path.hasPrefix("contexts/") {
            #expect(!fixture.directory.read(path).contains("time_since_epoch"), "\(path)")
        }
        #expect(try old.getContexts().sorted { $0.id! < $1.id! } == before)
        #expect(try old.checkFiles() == [])
        _ = try old.putContexts([Context(typeID: types.pipeline, name: "other")])
        try FileManager.default.removeItem(atPath: fixture.directory.file(".mlmd"))
        let rebuilt = try fixture.reopen()
        #expect(try rebuilt.getContextsByID(before.map { $0.id! }) == before)
        let files = fixture.snapshot()
        #expect(try rebuilt.migrate().changedNothing)
        #expect(fixture.snapshot() == files)
    }

    @Test func aContextFileOfFormatOneInAStoreOfFormatTwoIsReportedAndMigrated() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let id = try fixture.store.putContexts([Context(typeID: types.pipeline, name: "p")])[0]
        let context = try #require(try fixture.store.getContextsByID([id]).first)
        // What a merge of a branch still in format 1 brings: the file with its times, and no edge line.
        let path = try #require(try fixture.store.read { try $0.filePath(ofNode: .context, id: id) })
        try FormatOne.removeContextTimeLines(fixture.directory)
        try Data(JSONWriter.fileBytes(context.json)).write(to: URL(fileURLWithPath: fixture.directory.file(path)), options: .atomic)
        let store = try fixture.reopen()
        #expect(try store.getContextsByID([id]).first == context)
        let problems = try store.checkFiles()
        #expect(problems.map(\.kind) == [.notCanonical] && problems.first?.path == path)
        #expect(problems.first?.message.contains("`mlmd migrate` moves them") == true)
        #expect(try store.migrate() == MigrationReport(fromVersion: 2, toVersion: 2, contextsRewritten: 1))
        #expect(try store.checkFiles() == [])
        #expect(try store.getContextsByID([id]).first == context)
    }
}

/// Turns a store of format 2 into the format 1 it replaced, as an older library wrote it.
enum FormatOne {
    static func downgrade(_ directory: TemporaryDirectory) throws {
        let store = try MetadataStore(path: directory.path, options: StoreOptions(createIfMissing: false))
        let contexts = try store.getContexts()
        var paths: [Int64: String] = [:]
        for context in contexts { paths[context.id!] = try store.read { try $0.filePath(ofNode: .context, id: context.id!) } }
        try removeContextTimeLines(directory)
        for context in contexts {
            try Data(JSONWriter.fileBytes(context.json)).write(to: URL(fileURLWithPath: directory.file(paths[context.id!]!)))
        }
        try "{\n  \"format\": \"mlmetadata-store\",\n  \"format_version\": 1\n}\n".write(toFile: directory.file("store.json"), atomically: true, encoding: .utf8)
        // Files rewritten in place: the next open builds its index from them.
        try FileManager.default.removeItem(atPath: directory.file(".mlmd"))
    }

    /// Removes every line of context times from the edge files (and files left empty).
    static func removeContextTimeLines(_ directory: TemporaryDirectory) throws {
        for path in directory.files(excluding: ".mlmd") where path.hasPrefix("edges/") {
            let edges = try EdgeFile.parse(Array(directory.read(path).utf8), path: path).filter {
                if case .contextTimes = $0 { false } else { true }
            }
            if edges.isEmpty {
                try FileManager.default.removeItem(atPath: directory.file(path))
            } else {
                try Data(EdgeFile.bytes(edges)).write(to: URL(fileURLWithPath: directory.file(path)))
            }
        }
    }
}
