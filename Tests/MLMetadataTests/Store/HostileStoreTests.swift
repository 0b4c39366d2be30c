import Foundation
import Testing
@testable import MLMetadata
import MLMetadataGit
#if canImport(Glibc)
import Glibc
#endif

/// Stores as a stranger could commit them: nothing in one may make the library touch a path
/// outside the store, and a damaged or foreign cache never blocks it.
@Suite struct HostileStoreTests {
    /// The day folder of nodes created by ``StoreFixture``'s clock.
    static let day = "2026-01-05"

    private func writeJournal(_ journal: Journal, into store: String) throws {
        try Data(journal.encoded()).write(to: URL(fileURLWithPath: store + "/.mlmd/journal"))
    }

    private func inode(_ path: String) -> Int64 {
        var info = stat()
        stat(path, &info)
        return Int64(info.st_ino)
    }

    // MARK: The journal

    @Test func aJournalWrittenByAnotherFolderIsNotReplayed() throws {
        let outside = TemporaryDirectory("outside")
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        _ = try fixture.store.putArtifacts([Artifact(typeID: types.model, uri: "a")])
        let before = fixture.snapshot()
        let planted = "artifacts/Model/\(Self.day)/00/1.json"
        try writeJournal(Journal(entries: [Journal.Entry(path: planted, old: nil, new: Array("{}\n".utf8))], storeInode: 4242),
                         into: fixture.directory.path)
        let reopened = try fixture.reopen()
        #expect(reopened.warnings.contains { $0.message.contains("not replayed") && $0.path == ".mlmd/journal" }, "\(reopened.warnings)")
        #expect(fixture.snapshot() == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
        #expect(try FileManager.default.attributesOfItem(atPath: fixture.directory.file(".mlmd/journal"))[.size] as? Int == 0)
    }

    @Test(arguments: ["../escaped.json", "artifacts/../../escaped.json", "/tmp/escaped.json", "artifacts/Model/x/../../../../escaped.json",
                      ".mlmd/index.sqlite", "store.json", "artifacts/Model/d/00/a\\b.json"])
    func aJournalNamingPathsOutsideTheLayoutIsNotReplayed(path: String) throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        _ = try fixture.store.putArtifacts([Artifact(typeID: types.model, uri: "a")])
        let before = fixture.snapshot()
        let parent = FileSystem.parentPath(fixture.directory.path)
        try writeJournal(Journal(entries: [Journal.Entry(path: path, old: nil, new: Array("pwned".utf8))],
                                 storeInode: inode(fixture.directory.path)), into: fixture.directory.path)
        let reopened = try fixture.reopen()
        #expect(reopened.warnings.contains { $0.message.contains("outside the store's layout") }, "\(reopened.warnings)")
        #expect(fixture.snapshot() == before)
        #expect(!FileManager.default.fileExists(atPath: parent + "/escaped.json"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/escaped.json"))
        #expect(try reopened.getArtifactsByType("Model").count == 1)
    }

    @Test func aJournalCommittedToGitIsNotReplayedInAClone() throws {
        let repository = try GitRepositoryFixture()
        let storePath = repository.path + "/metadata"
        let store = try MetadataStore(path: storePath, options: StoreOptions(clock: .deterministic(start: 1_767_603_600_000)))
        let types = try TypeIDs(store)
        _ = try store.putArtifacts([Artifact(typeID: types.model, uri: "a")])
        // What an attacker commits: a journal that is valid for the store it was written in.
        let planted = "artifacts/Model/\(Self.day)/00/1.json"
        try writeJournal(Journal(entries: [Journal.Entry(path: planted, old: nil, new: Array("{}\n".utf8))], storeInode: inode(storePath)),
                         into: storePath)
        try repository.git("add", "-A")
        try repository.git("add", "-f", "metadata/.mlmd/journal")
        try repository.git("commit", "-q", "-m", "metadata with a journal")
        let clones = TemporaryDirectory("clone")
        let clone = clones.path + "/clone"
        _ = try MLMD.process("/usr/bin/git", ["clone", "-q", repository.path, clone], environment: ["GIT_CONFIG_GLOBAL": "/dev/null"])
        #expect(FileManager.default.fileExists(atPath: clone + "/metadata/.mlmd/journal"))
        let cloned = try MetadataStore(path: clone + "/metadata")
        #expect(cloned.warnings.contains { $0.message.contains("another store folder") }, "\(cloned.warnings)")
        #expect(!FileManager.default.fileExists(atPath: clone + "/metadata/" + planted))
        #expect(try cloned.getArtifactsByType("Model").count == 1)
    }

    @Test(arguments: [
        "MLMD-JOURNAL 2\nstore 1\n9223372036854775807\n",
        "MLMD-JOURNAL 2\nstore 1\n1\n9223372036854775807 - -\nx",
        "MLMD-JOURNAL 2\nstore 1\n1\n1 9223372036854775807 -\nx",
        "MLMD-JOURNAL 2\nstore 1\n1\n1 - 9223372036854775806\nxy",
        "MLMD-JOURNAL 2\nstore 1\n1\n-5 - -\nx",
        "MLMD-JOURNAL 2\nstore 1\n1\n+1 - -\nx",
        "MLMD-JOURNAL 2\nstore 99999999999999999999\n0\n",
        "MLMD-JOURNAL 2\n",
        "MLMD-JOURNAL 1\n1\n9223372036854775807 - -\n",
    ])
    func journalsWithImpossibleLengthsAreIgnored(text: String) throws {
        #expect(Journal.decode(Array(text.utf8)) == nil)
        let fixture = try StoreFixture()
        _ = try TypeIDs(fixture.store)
        let before = fixture.snapshot()
        try Data(text.utf8).write(to: URL(fileURLWithPath: fixture.directory.file(".mlmd/journal")))
        let reopened = try fixture.reopen()
        #expect(try reopened.getArtifactTypes().count == 2)
        #expect(try reopened.checkFiles().isEmpty)
        #expect(fixture.snapshot() == before)
    }

    @Test func aJournalRoundTripsWithItsStoreAndDirection() {
        var journal = Journal(entries: [Journal.Entry(path: "types/artifact/A.json", old: [1, 2], new: nil)], storeInode: 77)
        #expect(Journal.decode(journal.encoded()) == journal)
        journal.direction = .backward
        #expect(Journal.decode(journal.encoded()) == journal)
        var torn = journal.encoded()
        torn[20] ^= 1
        #expect(Journal.decode(torn) == nil)
    }

    // MARK: Errors

    @Test func errorsCarryTheirRequestIndexFieldAndOrigin() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        do {
            _ = try fixture.store.putArtifacts([Artifact(typeID: types.model), Artifact(typeID: types.model, properties: ["accuracy": "high"])])
            Issue.record("a string in a DOUBLE property was accepted")
        } catch let error as StoreError {
            #expect(error.code == .invalidArgument && error.requestIndex == 1 && error.field == "properties.accuracy", "\(error)")
        }
        do {
            _ = try fixture.store.putExecution(Execution(typeID: types.trainer), contexts: [Context(typeID: types.pipeline, name: "p"),
                                                                                            Context(typeID: types.pipeline)])
            Issue.record("a context without a name was accepted")
        } catch let error as StoreError {
            #expect(error.requestIndex == 1 && error.field == "name", "\(error)")
        }
        do {
            _ = try fixture.store.getArtifacts(ListOptions(filterQuery: "uri = 'a' AND\n  name LIKE"))
            Issue.record("a broken filter was accepted")
        } catch let error as StoreError {
            #expect(error.queryPosition == StoreError.QueryPosition(line: 2, column: 12), "\(error)")
        }
        let missing = StoreError.io("open", "/nowhere", errno: ENOENT)
        #expect(missing.underlying == StoreError.Underlying(domain: "errno", code: ENOENT, name: "ENOENT"))
        #expect(StoreError.io("write", "/x", errno: ENOSPC).code == .resourceExhausted)
        #expect(StoreError.io("write", "/x", errno: EROFS).code == .permissionDenied)
    }

    // MARK: Invalid files

    @Test func readsLeaveOutNodeFilesTheWriterWouldRefuseAndSaySo() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let ids = try fixture.store.putArtifacts([Artifact(typeID: types.dataset, name: "d", properties: ["span": 1]),
                                                  Artifact(typeID: types.model, name: "m"), Artifact(typeID: types.model, name: "ok")])
        var wrongKind = try #require(try fixture.store.getArtifactsByID([ids[0]]).first)
        wrongKind.properties["span"] = "one"
        var wrongType = try #require(try fixture.store.getArtifactsByID([ids[1]]).first)
        wrongType.type = "Dataset"
        var paths: [String] = []
        for node in [wrongKind, wrongType] {
            let path = try #require(try fixture.store.read { try $0.filePath(ofNode: .artifact, id: node.id!) })
            // Replaced, as git and most editors do.
            try Data(JSONWriter.fileBytes(node.json)).write(to: URL(fileURLWithPath: fixture.directory.file(path)), options: .atomic)
            paths.append(path)
        }
        for store in [try fixture.reopen(), try MetadataStore(path: fixture.directory.path, options: StoreOptions(readOnly: true))] {
            #expect(try store.getArtifactsByID(ids).map(\.name) == ["ok"])
            #expect(try store.getArtifactsByType("Dataset").isEmpty)
            let kind = try #require(try store.unreadableFile(of: .artifact, id: ids[0]))
            #expect(kind.path == paths[0] && kind.message.contains("invalid Artifact: properties.span: Found unmatched property type"), "\(kind)")
            let type = try #require(try store.unreadableFile(of: .artifact, id: ids[1]))
            #expect(type.message.contains("names its type 'Dataset'"), "\(type)")
            #expect(Set(try store.problems.compactMap(\.path)) == Set(paths))
        }
    }

    // MARK: Symbolic links

    @Test func aDataFolderThatIsASymbolicLinkIsRefused() throws {
        let outside = TemporaryDirectory("outside")
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        _ = try fixture.store.putArtifacts([Artifact(typeID: types.model, uri: "first")])
        // Every new artifact of the day goes below this folder: point it out of the store.
        let folder = fixture.directory.file("artifacts/Model/\(Self.day)")
        try FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createSymbolicLink(atPath: folder, withDestinationPath: outside.path)
        let store = try fixture.reopen(start: 1_767_603_700_000)
        let before = fixture.snapshot()
        expectStoreError(.failedPrecondition, "is a symbolic link") {
            _ = try store.putExecution(Execution(typeID: types.trainer),
                                       artifactsAndEvents: [ArtifactAndEvent(Artifact(typeID: types.model, uri: "m"), .output)])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
        #expect(fixture.snapshot() == before)
        #expect(try store.getExecutions().isEmpty)
        // The journal was undone, not left for the next open.
        #expect(try FileManager.default.attributesOfItem(atPath: fixture.directory.file(".mlmd/journal"))[.size] as? Int == 0)
    }

    @Test func aStoreFileThatIsASymbolicLinkIsReportedAndNotFollowed() throws {
        let outside = TemporaryDirectory("outside")
        let secret = outside.file("secret.json")
        try #"{"id": "5", "type_id": "1", "uri": "secret"}"#.write(toFile: secret, atomically: false, encoding: .utf8)
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        _ = try fixture.store.putArtifacts([Artifact(typeID: types.model, uri: "real")])
        let link = "artifacts/Model/\(Self.day)/05/5.json"
        try FileManager.default.createDirectory(atPath: fixture.directory.file("artifacts/Model/\(Self.day)/05"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: fixture.directory.file(link), withDestinationPath: secret)
        let store = try fixture.reopen()
        #expect(try store.getArtifacts().map(\.uri) == ["real"])
        let problems = try store.problems
        #expect(problems.contains { $0.path == link && $0.message.contains("symbolic link") }, "\(problems)")
        #expect(try store.checkFiles().contains { $0.path == link })
    }

    @Test func aStoreReachedThroughALinkWorksAsUsual() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        _ = try fixture.store.putArtifacts([Artifact(typeID: types.model, uri: "a")])
        let links = TemporaryDirectory("links")
        try FileManager.default.createSymbolicLink(atPath: links.file("store"), withDestinationPath: fixture.directory.path)
        let linked = try MetadataStore(path: links.file("store"))
        _ = try linked.putArtifacts([Artifact(typeID: types.model, uri: "b")])
        #expect(try linked.getArtifacts().compactMap(\.uri).sorted() == ["a", "b"])
        // Nothing was found changed: the root's link is followed, and only the root's.
        let refreshed = try MetadataStore(path: links.file("store")).refresh(check: .files)
        #expect(refreshed.indexedFiles == 0 && refreshed.removedFiles == 0 && refreshed.problems.isEmpty, "\(refreshed)")
    }

    @Test func aCommitNeverReadsALinkedFileIntoTheRepository() throws {
        let outside = TemporaryDirectory("outside")
        try "secret\n".write(toFile: outside.file("secret"), atomically: false, encoding: .utf8)
        let repository = try GitRepositoryFixture()
        let store = try MetadataStore(path: repository.directory.file("metadata"))
        let storeRepository = try StoreRepository(store: store)
        _ = try storeRepository.commitAll(message: "store")
        let link = "metadata/artifacts/Model/\(Self.day)/05/5.json"
        try FileManager.default.createDirectory(atPath: repository.directory.file("metadata/artifacts/Model/\(Self.day)/05"),
                                                withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: repository.directory.file(link), withDestinationPath: outside.file("secret"))
        expectStoreError(.failedPrecondition, "is a symbolic link") { _ = try storeRepository.commitAll(message: "leak") }
        #expect(try repository.git("rev-list", "--count", "HEAD") == "1\n")
        // Nothing of the target reached the object database either.
        #expect(!(try repository.git("log", "--all", "-p")).contains("secret"))
    }

    @Test func aPrivateFolderThatIsASymbolicLinkIsRefused() throws {
        let outside = TemporaryDirectory("outside")
        let fixture = try StoreFixture()
        _ = try TypeIDs(fixture.store)
        try FileManager.default.removeItem(atPath: fixture.directory.file(".mlmd"))
        try FileManager.default.createSymbolicLink(atPath: fixture.directory.file(".mlmd"), withDestinationPath: outside.path)
        expectStoreError(.failedPrecondition, ".mlmd: is a symbolic link") { _ = try fixture.reopen() }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }

    @Test func linksInThePrivateFolderAreRemovedNotFollowed() throws {
        let outside = TemporaryDirectory("outside")
        let target = outside.file("bashrc")
        try "keep me\n".write(toFile: target, atomically: false, encoding: .utf8)
        let repository = try GitRepositoryFixture()
        let storePath = repository.path + "/metadata"
        _ = try TypeIDs(try MetadataStore(path: storePath))
        for name in ["uncommitted", "journal", "lock"] {
            try? FileManager.default.removeItem(atPath: storePath + "/.mlmd/" + name)
            try FileManager.default.createSymbolicLink(atPath: storePath + "/.mlmd/" + name, withDestinationPath: target)
        }
        let store = try MetadataStore(path: storePath)
        #expect(store.warnings.filter { $0.message.contains("was a symbolic link") }.count == 3, "\(store.warnings)")
        _ = try store.putArtifactType(ArtifactType(name: "Extra"))
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me\n")
        #expect(!FileSystem.isSymbolicLink(storePath + "/.mlmd/uncommitted"))
    }

    // MARK: Failed writes

    @Test func aRollbackThatFailsKeepsTheJournalAndTheNextOpenFinishesIt() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let kept = try fixture.store.putArtifacts([Artifact(typeID: types.model, uri: "kept", customProperties: ["v": 1])])[0]
        let before = fixture.snapshot()
        // The disk fills up after the second file of the call, and stays full while it undoes.
        FaultInjection.set(root: fixture.store.path, failingFrom: 2)
        defer { FaultInjection.clear(root: fixture.store.path) }
        var changed = try #require(try fixture.store.getArtifactsByID([kept]).first)
        changed.customProperties["v"] = 2
        expectStoreError(.resourceExhausted, "No space left on device") {
            _ = try fixture.store.putExecution(Execution(typeID: types.trainer),
                                               artifactsAndEvents: [ArtifactAndEvent(changed, .input),
                                                                    ArtifactAndEvent(Artifact(typeID: types.model, uri: "new"), .output)])
        }
        // Part of the call reached the disk and could not be taken back: the journal says so.
        let journal = try #require(Journal.decode(Array(try Data(contentsOf: URL(fileURLWithPath: fixture.directory.file(".mlmd/journal"))))))
        #expect(journal.direction == .backward)
        #expect(fixture.snapshot() != before)
        FaultInjection.clear(root: fixture.store.path)
        let reopened = try fixture.reopen()
        #expect(fixture.snapshot() == before)
        #expect(try reopened.getArtifactsByID([kept]).first?.customProperties["v"] == 1)
        #expect(try reopened.getExecutions().isEmpty)
        #expect(try reopened.getArtifacts().count == 1)
        #expect(try reopened.checkFiles().isEmpty)
        #expect(try reopened.problems.isEmpty)
    }

    @Test func theSameStoreObjectFinishesAFailedRollbackBeforeItsNextWrite() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let before = fixture.snapshot()
        FaultInjection.set(root: fixture.store.path, failingFrom: 2)
        expectStoreError(.resourceExhausted, "No space left") {
            _ = try fixture.store.putArtifacts([Artifact(typeID: types.model, uri: "a"), Artifact(typeID: types.dataset, uri: "b")])
        }
        FaultInjection.clear(root: fixture.store.path)
        #expect(fixture.snapshot() != before)
        _ = try fixture.store.putContexts([Context(typeID: types.pipeline, name: "p")])
        #expect(try fixture.store.getArtifacts().isEmpty)
        #expect(try fixture.store.checkFiles().isEmpty)
        #expect(try fixture.reopen().getArtifacts().isEmpty)
    }

    // MARK: The cache

    @Test func aDamagedIndexIsRebuiltFromTheFiles() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let ids = try fixture.store.putArtifacts((0..<300).map { Artifact(typeID: types.model, uri: "gs://m/\($0)") })
        let expected = try fixture.store.getArtifactsByID(ids)
        let index = fixture.directory.file(".mlmd/index.sqlite")
        // Bad pages behind an intact header, as a failing disk or a bad copy leaves them.
        _ = try MetadataStore(path: fixture.directory.path).getArtifactTypes()  // checkpoints the WAL on release
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: index))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 4096)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(size) - 4096))
        try handle.close()
        let reopened = try fixture.reopen()
        // A filter query meets the damage like any other read.
        #expect(try reopened.getArtifacts(ListOptions(filterQuery: "uri LIKE 'gs://m/%'")).items.count == 300)
        #expect(try reopened.getArtifactsByID(ids) == expected)
        #expect(try reopened.getArtifactsByType("Model").count == 300)
        #expect(try reopened.checkIndex().isEmpty)
    }

    @Test func reindexWorksFromTheFilesAloneWhateverTheIndexHolds() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        _ = try fixture.store.putArtifacts([Artifact(typeID: types.model, uri: "a")])
        let index = fixture.directory.file(".mlmd/index.sqlite")
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: index))
        try? FileManager.default.removeItem(atPath: index + "-wal")
        let store = try fixture.reopen()
        try store.rebuildIndex()
        #expect(try store.getArtifacts().map(\.uri) == ["a"])
    }

    @Test func anIndexCopiedFromAnotherStoreIsNotTrusted() throws {
        let first = try StoreFixture("first")
        let types = try TypeIDs(first.store)
        _ = try first.store.putArtifacts([Artifact(typeID: types.model, uri: "only-in-first")])
        let second = try StoreFixture("second")
        _ = try TypeIDs(second.store)
        for suffix in ["", "-wal", "-shm"] {
            let source = first.directory.file(".mlmd/index.sqlite" + suffix)
            let target = second.directory.file(".mlmd/index.sqlite" + suffix)
            try? FileManager.default.removeItem(atPath: target)
            if FileManager.default.fileExists(atPath: source) { try FileManager.default.copyItem(atPath: source, toPath: target) }
        }
        #expect(try second.reopen().getArtifacts().isEmpty)
    }

    @Test func anEditInPlaceIsNoticedByTheNextWrite() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        let id = try fixture.store.putArtifacts([Artifact(typeID: types.model, uri: "before", customProperties: ["note": "x"])])[0]
        let file = try #require(fixture.directory.files(excluding: ".mlmd").first { $0.hasSuffix("/\(id).json") })
        // Same inode, same folder signature: what an editor that saves in place does.
        let edited = fixture.directory.read(file).replacingOccurrences(of: "\"before\"", with: "\"edited\"")
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: fixture.directory.file(file)))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(edited.utf8))
        try handle.close()
        var artifact = try #require(try fixture.store.getArtifactsByID([id]).first)
        artifact.customProperties["note"] = "y"
        _ = try fixture.store.putArtifacts([artifact], fieldMask: ["custom_properties.note"])
        let stored = try #require(try fixture.store.getArtifactsByID([id]).first)
        #expect(stored.uri == "edited")
        #expect(stored.customProperties["note"] == "y")
        #expect(try fixture.store.checkFiles().isEmpty)
    }

    // MARK: Read-only stores

    @Test func aStoreOpenedReadOnlyCreatesNothingInIt() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        _ = try fixture.store.putArtifacts([Artifact(typeID: types.model, uri: "a")])
        try FileManager.default.removeItem(atPath: fixture.directory.file(".mlmd"))
        let store = try MetadataStore(path: fixture.directory.path, options: StoreOptions(readOnly: true))
        #expect(store.isReadOnly)
        #expect(try store.getArtifacts().map(\.uri) == ["a"])
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.file(".mlmd")))
        expectStoreError(.permissionDenied, "open for reading only") {
            _ = try store.putArtifacts([Artifact(typeID: types.model, uri: "b")])
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.file(".mlmd")))
    }

    /// A real read-only mount (bind mounts need root: CI runs as root).
    @Test(.enabled(if: getuid() == 0, "needs root to mount"))
    func aStoreOnAReadOnlyMountIsReadable() throws {
        let fixture = try StoreFixture()
        let types = try TypeIDs(fixture.store)
        _ = try fixture.store.putArtifacts([Artifact(typeID: types.model, uri: "a")])
        let mountPoint = TemporaryDirectory("mount")
        try Mount.bindReadOnly(fixture.directory.path, at: mountPoint.path)
        defer { Mount.unmount(mountPoint.path) }
        let store = try MetadataStore(path: mountPoint.path, options: StoreOptions(createIfMissing: false))
        #expect(store.isReadOnly)
        #expect(try store.getArtifacts().map(\.uri) == ["a"])
        expectStoreError(.permissionDenied, "read-only file system") {
            _ = try store.putArtifacts([Artifact(typeID: types.model, uri: "b")])
        }
    }

    /// A disk that fills up: the write fails with a clear error, and nothing is lost.
    @Test(.enabled(if: getuid() == 0, "needs root to mount a small file system"))
    func aFullDiskFailsTheWriteCleanly() throws {
        let mountPoint = TemporaryDirectory("tmpfs")
        try Mount.tmpfs(at: mountPoint.path, bytes: 4 << 20)
        defer { Mount.unmount(mountPoint.path) }
        let path = mountPoint.path + "/store"
        let store = try MetadataStore(path: path, options: StoreOptions(clock: .deterministic(start: 1_767_603_600_000)))
        let types = try TypeIDs(store)
        let kept = try store.putArtifacts((0..<20).map { Artifact(typeID: types.model, uri: "kept-\($0)") })
        // Fill the disk.
        let filler = FileManager.default.createFile(atPath: mountPoint.path + "/filler", contents: nil)
        #expect(filler)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: mountPoint.path + "/filler"))
        let chunk = Data(repeating: 0, count: 64 << 10)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        try? handle.close()
        var failure: StoreError?
        for round in 0..<50 where failure == nil {
            do {
                _ = try store.putArtifacts((0..<50).map { Artifact(typeID: types.model, uri: "more-\(round)-\($0)",
                                                                   customProperties: ["pad": .string(String(repeating: "p", count: 2000))]) })
            } catch let error as StoreError {
                failure = error
            }
        }
        let error = try #require(failure)
        #expect(error.code == .resourceExhausted, "\(error)")
        #expect(error.path != nil, "\(error)")
        try FileManager.default.removeItem(atPath: mountPoint.path + "/filler")
        let reopened = try MetadataStore(path: path)
        #expect(try reopened.getArtifactsByID(kept).count == 20)
        #expect(try reopened.checkFiles().isEmpty)
        #expect(try reopened.problems.isEmpty)
    }
}

/// Mounts for the tests that need a read-only or a small file system (root only).
enum Mount {
    static func bindReadOnly(_ source: String, at target: String) throws {
        try run(["--bind", source, target])
        try run(["-o", "remount,ro,bind", target])
    }

    static func tmpfs(at target: String, bytes: Int) throws {
        try run(["-t", "tmpfs", "-o", "size=\(bytes)", "tmpfs", target])
    }

    static func unmount(_ target: String) {
        _ = try? MLMD.process("/bin/umount", [target])
    }

    private static func run(_ arguments: [String]) throws {
        let result = try MLMD.process("/bin/mount", arguments)
        if result.status != 0 { throw StoreError(.internal, "mount \(arguments.joined(separator: " ")) failed: \(result.errors)") }
    }
}
