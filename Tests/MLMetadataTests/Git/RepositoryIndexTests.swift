import Foundation
import Testing
import MLMetadata
@testable import MLMetadataGit
import MLMetadataSamples

/// `RepositoryIndex` splices committed store files into `.git/index` by hand (versions 2 and 3;
/// version 4 and split indexes go through `git update-index`). Each test has real git produce an index of one shape, commits
/// store files through the library, and lets the git CLI judge the result: the store files are in
/// the index once, at stage 0, as committed, with stat data git trusts; everything else in the
/// index (staged, unstaged, intent-to-add, skip-worktree, conflicted, long paths) is exactly as it
/// was; the index keeps its version; the tree cache names only trees that are still true.
///
/// Git is always run with `--no-optional-locks`, so that `git status` never rewrites the index
/// (it otherwise refreshes it, which would hide what the library wrote).
@Suite struct RepositoryIndexTests {
    // MARK: Index versions 2 and 3

    @Test func versionThreeKeepsIntentToAddAndSkipWorktreeEntriesAndStaysVersionThree() throws {
        let repository = try GitRepositoryFixture()
        let (store, storeRepository) = try Self.prepareUserWork(in: repository, intentToAdd: true, skipWorktree: true)
        // A store file the user marked intent-to-add (an extended flag) before the library commits it.
        let model = "metadata/types/artifact/Model.json"
        let typeID = try store.putArtifactType(ArtifactType(name: "Model"))
        _ = try store.putArtifacts([Artifact(typeID: typeID, name: "m1"), Artifact(typeID: typeID, name: "m2")])
        try git(repository, ["add", "-N", model])
        try git(repository, ["update-index", "--index-version", "3"])
        try git(repository, ["write-tree"])  // a complete tree cache, as after a commit
        #expect(Self.indexVersion(repository) == 3)
        let modelEntry = try indexEntries(repository).filter { $0.path == model }.map(\.text)
        #expect(modelEntry.count == 1 && modelEntry[0].hasSuffix("flags: 20004000"), "intent-to-add: \(modelEntry)")
        #expect(Self.indexExtensions(repository)?.contains("TREE") == true, "\(String(describing: Self.indexExtensions(repository)))")
        #expect(try git(repository, ["ls-files", "-v", "--", "src/sparse.py"]) == "S src/sparse.py\n")
        let before = try outside(repository, prefix: "metadata/")
        #expect(before.status.contains(" A src/new.py") && before.status.contains("MM src/train.py"), "\(before.status)")

        let commit = try #require(try storeRepository.commitPending(message: "Add Model"))
        #expect(commit.paths.contains(model) && commit.paths.count == 3, "\(commit.paths)")

        try expectCommitted(repository, prefix: "metadata/", before: before, version: 3, intentToAdd: ["src/new.py"])
        #expect(try git(repository, ["ls-files", "-v", "--", "src/sparse.py"]) == "S src/sparse.py\n", "skip-worktree is kept")
        #expect(try indexEntries(repository).filter { $0.path == model }.map { $0.text.hasSuffix("flags: 0") } == [true],
                "the store file is no longer intent-to-add (no extended flags)")
        #expect(try git(repository, ["diff", "--name-only", "--", model]) == "")
    }

    @Test func versionTwoTakesARunAndARemovalAndStaysVersionTwo() throws {
        let repository = try GitRepositoryFixture()
        let (store, storeRepository) = try Self.prepareUserWork(in: repository, intentToAdd: false, skipWorktree: false)
        _ = try store.putArtifactType(ArtifactType(name: "Scratch"))
        _ = try #require(try storeRepository.commitPending(message: "Add Scratch"))
        try git(repository, ["write-tree"])
        #expect(Self.indexVersion(repository) == 2, "what git writes without extended flags")
        #expect(Self.indexExtensions(repository)?.contains("TREE") == true)
        let before = try outside(repository, prefix: "metadata/")
        #expect(before.status.contains("MM src/train.py") && before.status.contains("?? notes.txt"), "\(before.status)")

        // A pipeline run: many new files in new folders.
        let recorder = try GitRepositoryFixture.recordSampleRun(1, into: repository.directory.file("metadata"))
        let run = try #require(try StoreRepository(store: recorder.store).commitAll(message: "Run 1"))
        #expect(run.paths.count > 10, "\(run.paths)")
        try expectCommitted(repository, prefix: "metadata/", before: before, version: 2)

        // A store file removed by hand: the commit takes it out of the index too.
        let scratch = "metadata/types/artifact/Scratch.json"
        try FileManager.default.removeItem(atPath: repository.directory.file(scratch))
        let removal = try #require(try storeRepository.commitAll(message: "Remove Scratch"))
        #expect(removal.paths == [scratch])
        #expect(try git(repository, ["ls-files", "--stage", "--", scratch]) == "")
        #expect(try git(repository, ["ls-tree", "HEAD", "--", scratch]) == "")
        try expectCommitted(repository, prefix: "metadata/", before: before, version: 2)
    }

    // MARK: Index version 4

    @Test func versionFourWithPrefixCompressedPathsStaysVersionFour() throws {
        let repository = try GitRepositoryFixture()
        let (store, storeRepository) = try Self.prepareUserWork(in: repository, intentToAdd: true, skipWorktree: true)
        try git(repository, ["update-index", "--index-version", "4"])
        try git(repository, ["write-tree"])
        #expect(Self.indexVersion(repository) == 4)
        let before = try outside(repository, prefix: "metadata/")

        let typeID = try store.putArtifactType(ArtifactType(name: "Model"))
        _ = try store.putArtifacts([Artifact(typeID: typeID, name: "m1"), Artifact(typeID: typeID, name: "m2")])
        let commit = try #require(try storeRepository.commitPending(message: "Add Model"))
        #expect(commit.paths.count == 3, "\(commit.paths)")
        try expectCommitted(repository, prefix: "metadata/", before: before, version: 4, intentToAdd: ["src/new.py"])
        #expect(try git(repository, ["ls-files", "-v", "--", "src/sparse.py"]) == "S src/sparse.py\n")

        // And a run on top, through the same path.
        let recorder = try GitRepositoryFixture.recordSampleRun(1, into: repository.directory.file("metadata"))
        _ = try #require(try StoreRepository(store: recorder.store).commitAll(message: "Run 1"))
        try expectCommitted(repository, prefix: "metadata/", before: before, version: 4, intentToAdd: ["src/new.py"])
    }

    // MARK: Split index

    @Test func splitIndexMadeWithUpdateIndex() throws {
        let repository = try GitRepositoryFixture()
        let (store, storeRepository) = try Self.prepareUserWork(in: repository, intentToAdd: false, skipWorktree: false)
        try git(repository, ["update-index", "--split-index"])
        try expectSplitIndexCommit(repository, store: store, storeRepository: storeRepository)
    }

    @Test func splitIndexMadeByCoreSplitIndex() throws {
        let repository = try GitRepositoryFixture()
        let (store, storeRepository) = try Self.prepareUserWork(in: repository, intentToAdd: false, skipWorktree: false)
        try git(repository, ["config", "core.splitIndex", "true"])
        // The next index write splits it.
        try repository.write("src/more.py", "more\n")
        try git(repository, ["add", "src/more.py"])
        try expectSplitIndexCommit(repository, store: store, storeRepository: storeRepository)
    }

    /// Commits a store change on a split index (which the test has made) and checks the result.
    private func expectSplitIndexCommit(_ repository: GitRepositoryFixture, store: MetadataStore, storeRepository: StoreRepository,
                                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let extensions = Self.indexExtensions(repository)
        #expect(extensions?.contains("link") == true, "the index is split: \(String(describing: extensions))", sourceLocation: sourceLocation)
        let shared = try FileManager.default.contentsOfDirectory(atPath: repository.directory.file(".git")).filter { $0.hasPrefix("sharedindex.") }
        #expect(!shared.isEmpty, sourceLocation: sourceLocation)
        let version = Self.indexVersion(repository)
        let before = try outside(repository, prefix: "metadata/")
        let headBefore = try git(repository, ["rev-parse", "HEAD"])

        let typeID = try store.putArtifactType(ArtifactType(name: "Model"))
        _ = try store.putArtifacts([Artifact(typeID: typeID, name: "m1")])
        var commit: StoreCommit?
        do {
            commit = try storeRepository.commitPending(message: "Add Model")
        } catch {
            let moved = try git(repository, ["rev-parse", "HEAD"]) != headBefore
            let subject = try git(repository, ["log", "-1", "--format=%s"]).trimmingCharacters(in: .newlines)
            let status = try statusLines(repository).joined(separator: "\n")
            Issue.record("""
                commitPending threw on a split index: \(error)
                HEAD moved anyway: \(moved) (HEAD is "\(subject)")
                git status --porcelain now:
                \(status)
                """, sourceLocation: sourceLocation)
        }
        #expect(commit?.paths.count == 2, sourceLocation: sourceLocation)
        try expectCommitted(repository, prefix: "metadata/", before: before, version: version.map(Int.init) ?? -1,
                            splitIndex: true, sourceLocation: sourceLocation)
    }

    // MARK: Conflicts

    @Test(arguments: [2, 3, 4])
    func conflictsOutsideTheStoreStayAndAConflictedStoreFileEndsAtStageZero(version: Int) throws {
        let repository = try GitRepositoryFixture()
        try repository.write("src/a.txt", "base\n")
        try repository.write("src/b.txt", "b\n")
        try git(repository, ["add", "."])
        try git(repository, ["commit", "-qm", "code"])
        let store = try MetadataStore(path: repository.directory.file("metadata"))
        let storeRepository = try StoreRepository(store: store)
        _ = try #require(try storeRepository.commitAll(message: "Create the store"))
        _ = try store.putArtifactType(ArtifactType(name: "Model"))
        _ = try #require(try storeRepository.commitPending(message: "Add Model"))
        let model = "metadata/types/artifact/Model.json"
        let original = repository.directory.read(model)
        let brace = try #require(original.range(of: "{\n"))
        func described(_ text: String) -> String {
            original.replacingCharacters(in: brace, with: "{\n  \"description\": \"\(text)\",\n")
        }

        try git(repository, ["checkout", "-qb", "other"])
        try repository.write("src/a.txt", "theirs\n")
        try repository.write(model, described("theirs"))
        try git(repository, ["commit", "-qam", "theirs"])
        try git(repository, ["checkout", "-q", "main"])
        try repository.write("src/a.txt", "ours\n")
        try repository.write(model, described("ours"))
        // Carry the uncommitted edits onto `other`: a three-way merge that conflicts in both files
        // and, unlike `git merge`, leaves no MERGE_HEAD (the library refuses to commit in a merge).
        try git(repository, ["checkout", "-q", "-m", "other"])
        let unmerged = try git(repository, ["ls-files", "-u"]).split(separator: "\n").map(String.init)
        #expect(unmerged.map { Self.path(ofEntry: $0) } == Array(repeating: model, count: 3) + Array(repeating: "src/a.txt", count: 3),
                "\(unmerged)")
        #expect(unmerged.map { $0.split(separator: "\t")[0].split(separator: " ")[2] } == ["1", "2", "3", "1", "2", "3"])
        if version >= 3 {
            // Without an extended flag git writes version 3 as version 2.
            try repository.write("src/new.txt", "new\n")
            try git(repository, ["add", "-N", "src/new.txt"])
        }
        try git(repository, ["update-index", "--index-version", String(version)])
        #expect(Self.indexVersion(repository) == UInt32(version))
        let before = try outside(repository, prefix: "metadata/")
        #expect(before.status.contains("UU src/a.txt"), "\(before.status)")
        #expect(try statusLines(repository).contains("UU \(model)"))

        // The user resolves the store file in an editor (no `git add`); the commit resolves it in the index.
        try repository.write(model, described("ours and theirs"))
        let commit = try #require(try storeRepository.commitAll(message: "Resolve Model"))
        #expect(commit.paths == [model])

        let committedBlob = try git(repository, ["rev-parse", "HEAD:" + model]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try git(repository, ["ls-files", "--stage", "--", model]) == "100644 \(committedBlob) 0\t\(model)\n",
                "the resolved store file is at stage 0 only")
        #expect(try git(repository, ["ls-files", "-u"]).split(separator: "\n").map(String.init) == Array(unmerged.suffix(3)),
                "the user's conflict is still there, all three stages")
        #expect(try statusLines(repository).contains("UU src/a.txt"))
        try expectCommitted(repository, prefix: "metadata/", before: before, version: version, conflicted: true)
    }

    // MARK: Long paths

    /// Paths of every length the index's 12-bit name length can hold and beyond (optionally past
    /// PATH_MAX, which only git's index can hold) outside the store, in each index version; a
    /// store under a folder with a 250-byte name, with a type whose file name is 255 bytes. (A
    /// store's own paths stay short of 0xFFF bytes: its SQLite index cache cannot be opened
    /// beyond SQLite's 512-byte path limit, so the store folder itself cannot be deep.)
    @Test(arguments: [(2, true), (3, true), (4, true), (4, false)])
    func longPathsAndNamesOutsideAndInsideTheStore(version: Int, pastPathMax includesPastPathMax: Bool) throws {
        let repository = try GitRepositoryFixture()
        let root = StoreRepository.realPath(repository.path)
        try repository.write("README", "x\n")
        try git(repository, ["add", "README"])
        try git(repository, ["commit", "-qm", "start"])

        let saturated = Self.longPath("user/", total: 0xFFF, tag: "s")        // the 12-bit length saturates
        let pastPathMax = Self.longPath("user/", total: 4096, tag: "l")      // no file can have this path
        let longest = Self.longPath("user/", total: 4305, tag: "x")
        let longName = "names/" + String(repeating: "n", count: 251) + ".txt"  // a 255-byte file name
        let untracked = String(repeating: "u", count: 251) + ".txt"
        let blob = try hashObject(repository, "long\n")
        try git(repository, ["update-index", "--add", "--cacheinfo", "100644,\(blob),\(saturated)"])
        // git writes the file through relative paths (its absolute path is past PATH_MAX).
        try git(repository, ["checkout", "--", saturated])
        try repository.write(longName, "name\n")
        try git(repository, ["add", longName])
        try git(repository, ["commit", "-qm", "long paths"])
        // Work in progress: the saturated file changed, a staged file, (paths only git's index can
        // hold, staged,) an untracked file with a long name.
        let append = try MLMD.process("/bin/sh", ["-c", "printf 'more\\n' >> \"$1\"", "sh", saturated], in: repository.path)
        #expect(append.status == 0, "\(append.errors)")
        try repository.write("staged.txt", "staged\n")
        try git(repository, ["add", "staged.txt"])
        let unreachable = includesPastPathMax ? [pastPathMax, longest] : []
        for path in unreachable {
            try git(repository, ["update-index", "--add", "--cacheinfo", "100644,\(blob),\(path)"])
        }
        try repository.write(untracked, "untracked\n")
        if version >= 3 {
            // Extended flags on long names (and keeps git from writing version 3 as 2).
            try git(repository, ["update-index", "--skip-worktree", longName] + unreachable.prefix(1))
        }

        // The store under a folder with a 250-byte name.
        let folder = "deep/" + String(repeating: "p", count: 250) + "/metadata"
        #expect(root.utf8.count + 1 + folder.utf8.count < 480, "the test's temporary folder is too deep for SQLite: \(root)")
        let store = try MetadataStore(path: root + "/" + folder)
        let storeRepository = try StoreRepository(store: store)
        #expect(storeRepository.storePrefix == folder)
        _ = try #require(try storeRepository.commitAll(message: "Create the store"))
        try git(repository, ["update-index", "--index-version", String(version)])
        try git(repository, ["write-tree"])
        #expect(Self.indexVersion(repository) == UInt32(version))
        let before = try outside(repository, prefix: folder + "/")
        #expect(before.entries.count == 4 + unreachable.count, "README, staged.txt, the long name, the saturated path (and the unreachable ones)")
        let status = before.status.map { line in String(line.prefix(2)) + "|" + String(line.dropFirst(3).prefix(10)) }
        #expect(status.contains(" M|user/s0-dd") && status.contains("??|" + String(untracked.prefix(10))), "\(status)")
        if version >= 3 {
            #expect(try git(repository, ["ls-files", "-v", "--", longName]) == "S \(longName)\n")
        }

        let typeName = "Model" + String(repeating: "m", count: 245)  // the type's file name is 255 bytes
        let typeID = try store.putArtifactType(ArtifactType(name: typeName))
        _ = try store.putArtifacts([Artifact(typeID: typeID, name: "m1"), Artifact(typeID: typeID, name: "m2")])
        let headBefore = try git(repository, ["rev-parse", "HEAD"])
        var commit: StoreCommit?
        do {
            commit = try storeRepository.commitPending(message: "Add a long-named type")
        } catch {
            let moved = try git(repository, ["rev-parse", "HEAD"]) != headBefore
            let status = try statusLines(repository).map { $0.count > 100 ? String($0.prefix(100)) + "…" : $0 }.joined(separator: "\n")
            Issue.record("""
                commitPending threw: \(error)
                HEAD moved anyway: \(moved)
                git status --porcelain now (long paths cut):
                \(status)
                """)
        }
        #expect(commit?.paths.contains(folder + "/types/artifact/" + typeName + ".json") == true)
        #expect(commit?.paths.count == 3 && commit?.paths.allSatisfy { $0.utf8.count > 500 } == true,
                "\(String(describing: commit?.paths.map(\.utf8.count)))")
        try expectCommitted(repository, prefix: folder + "/", before: before, version: version)
        if version >= 3 {
            #expect(try git(repository, ["ls-files", "-v", "--", longName]) == "S \(longName)\n")
        }

        // The user's next commit keeps everything (git builds it from the index and its tree cache).
        guard commit != nil else { return }
        try git(repository, ["commit", "-qm", "user work"])
        #expect(try git(repository, ["diff", "--name-only", "HEAD~1", "HEAD"]).split(separator: "\n").map(String.init)
                == (unreachable + ["staged.txt"]).sorted())
        #expect(try git(repository, ["ls-tree", "-r", "--name-only", "HEAD", "--", folder]).split(separator: "\n").count == 6)
    }

    /// Store paths the working tree cannot hold (longer than PATH_MAX), put straight into indexes
    /// of each version: replaced at exactly 0xFFF bytes and beyond, inserted, removed, kept with
    /// an extended flag next to them.
    @Test(arguments: [2, 3, 4])
    func entriesPastTheNameLengthFieldAreReplacedInsertedAndRemoved(version: Int) throws {
        let repository = try GitRepositoryFixture()
        let old = try hashObject(repository, "old\n")
        let new = try hashObject(repository, "new\n")
        let user = [4094, 0xFFF, 4096, 4305].map { Self.longPath("user/", total: $0, tag: "u\($0)") }
        let replaced = Self.longPath("metadata/types/", total: 0xFFF, tag: "r")
        let inserted = Self.longPath("metadata/types/", total: 0x1000, tag: "r")  // beside `replaced`, one byte longer
        let replacedLonger = Self.longPath("metadata/types/", total: 4200, tag: "q")
        let removed = Self.longPath("metadata/types/", total: 4300, tag: "z")
        let kept = Self.longPath("metadata/types/", total: 4500, tag: "k")
        let insertedLongest = Self.longPath("metadata/types/", total: 5000, tag: "o")
        let insertedShort = "metadata/types/artifact/B.json"
        #expect(replaced.utf8.count == 0xFFF && inserted.utf8.count == 0x1000 && insertedLongest.utf8.count == 5000)
        try repository.write("README", "x\n")
        try git(repository, ["add", "README"])
        for path in user + [replaced, replacedLonger, removed, kept, "metadata/store.json"] {
            try git(repository, ["update-index", "--add", "--cacheinfo", "100644,\(old),\(path)"])
        }
        try git(repository, ["commit", "-qm", "long paths"])
        try git(repository, ["update-index", "--cacheinfo", "100644,\(new),\(user[1])"])  // a staged change
        if version >= 3 {
            try git(repository, ["update-index", "--skip-worktree", kept, user[2]])
        }
        try git(repository, ["update-index", "--index-version", String(version)])
        try git(repository, ["write-tree"])
        #expect(Self.indexVersion(repository) == UInt32(version))
        let stagesBefore = try git(repository, ["ls-files", "--stage"]).split(separator: "\n").map(String.init)
        let entriesBefore = try indexEntries(repository)
        let stagedBefore = try git(repository, ["diff", "--cached", "--", "user"])
        #expect(stagedBefore.contains("+new"))

        let index = RepositoryIndex(repository: try GitRepository(containing: repository.path))
        let newOID = try #require(GitOID(hex: new))
        let puts = [replaced, inserted, replacedLonger, insertedLongest, insertedShort]
        try index.update(puts.map { RepositoryIndex.Entry(path: $0, blob: newOID, status: nil) },
                         removing: [removed, "metadata/types/absent.json"])

        let changed = Set(puts + [removed])
        let expected = (stagesBefore.filter { !changed.contains(Self.path(ofEntry: $0)) } + puts.map { "100644 \(new) 0\t\($0)" })
            .sorted { Self.path(ofEntry: $0).utf8.lexicographicallyPrecedes(Self.path(ofEntry: $1).utf8) }
        let stagesAfter = try git(repository, ["ls-files", "--stage"]).split(separator: "\n").map(String.init)
        #expect(stagesAfter == expected, "\(Self.difference(expected, stagesAfter))")
        let untouched = entriesBefore.filter { !changed.contains($0.path) }
        let entriesAfter = try indexEntries(repository).filter { !changed.contains($0.path) }
        #expect(entriesAfter.map(\.text) == untouched.map(\.text), "\(Self.difference(untouched.map(\.text), entriesAfter.map(\.text)))")
        #expect(try git(repository, ["diff", "--cached", "--", "user"]) == stagedBefore)
        if version >= 3 {
            #expect(try git(repository, ["ls-files", "-v", "--", kept]) == "S \(kept)\n")
            #expect(try git(repository, ["ls-files", "-v", "--", user[2]]) == "S \(user[2])\n")
        }
        #expect(Self.indexVersion(repository) == UInt32(version))
        try expectFsck(repository)
        try expectTreeCacheTrue(repository)
    }

    // MARK: Setting up

    /// A repository with committed code and a committed store at `metadata`, and the user's work
    /// in progress: a staged change with a further unstaged one, an unstaged change, a staged new
    /// file, an unstaged deletion, an untracked file, and optionally an intent-to-add file
    /// (`src/new.py`) and a skip-worktree entry (`src/sparse.py`, changed in the working tree).
    static func prepareUserWork(in repository: GitRepositoryFixture, intentToAdd: Bool, skipWorktree: Bool) throws
        -> (MetadataStore, StoreRepository) {
        try repository.write("src/train.py", "print('v1')\n")
        try repository.write("src/eval.py", "print('eval')\n")
        try repository.write("src/sparse.py", "sparse\n")
        try repository.write("docs/guide.md", "guide\n")
        try git(repository, ["add", "."])
        try git(repository, ["commit", "-qm", "code"])
        let store = try MetadataStore(path: repository.directory.file("metadata"))
        let storeRepository = try StoreRepository(store: store)
        _ = try #require(try storeRepository.commitAll(message: "Create the store"))
        _ = try store.putArtifactType(ArtifactType(name: "Dataset"))
        _ = try #require(try storeRepository.commitPending(message: "Add Dataset"))

        try repository.write("src/train.py", "print('v2')\n")
        try git(repository, ["add", "src/train.py"])
        try repository.write("src/train.py", "print('v3')\n")
        try repository.write("src/eval.py", "print('eval 2')\n")
        try repository.write("src/added.py", "added\n")
        try git(repository, ["add", "src/added.py"])
        try FileManager.default.removeItem(atPath: repository.directory.file("docs/guide.md"))
        try repository.write("notes.txt", "todo\n")
        if intentToAdd {
            try repository.write("src/new.py", "new\n")
            try git(repository, ["add", "-N", "src/new.py"])
        }
        if skipWorktree {
            try git(repository, ["update-index", "--skip-worktree", "src/sparse.py"])
            try repository.write("src/sparse.py", "changed where git does not look\n")
        }
        return (store, storeRepository)
    }

    /// A repository path of exactly `total` bytes under `prefix`: folders of 200-byte names, then
    /// a file name of at most 255 bytes. The same tag gives the same folders.
    static func longPath(_ prefix: String, total: Int, tag: String) -> String {
        var path = prefix
        var folder = 0
        while total - path.utf8.count > 255 {
            let name = "\(tag)\(folder)-"
            path += name + String(repeating: "d", count: 200 - name.utf8.count) + "/"
            folder += 1
        }
        let name = "\(tag)-"
        return path + name + String(repeating: "f", count: total - path.utf8.count - name.utf8.count - 4) + ".txt"
    }

    // MARK: Judging with git

    /// What git shows about everything outside the store.
    struct Outside: Equatable {
        /// `git status --porcelain` lines.
        var status: [String]
        /// `git ls-files --stage --debug`, one text per entry (every stage, stat data and flags).
        var entries: [String]
        /// `git diff --cached` outside the store.
        var staged: String
    }

    func outside(_ repository: GitRepositoryFixture, prefix: String) throws -> Outside {
        Outside(status: try statusLines(repository).filter { !$0.dropFirst(3).hasPrefix(prefix) },
                entries: try indexEntries(repository).filter { !$0.path.hasPrefix(prefix) }.map(\.text),
                staged: try git(repository, ["diff", "--cached", "--", ".", ":(exclude)" + prefix.dropLast()]))
    }

    /// Checks, after a commit through the library, that the store under `prefix` is committed and
    /// clean in the index and everything else is as `before`.
    func expectCommitted(_ repository: GitRepositoryFixture, prefix: String, before: Outside, version: Int,
                         intentToAdd: Set<String> = [], conflicted: Bool = false, splitIndex: Bool = false,
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        let folder = String(prefix.dropLast())
        var after = try outside(repository, prefix: prefix)
        var before = before
        if splitIndex {
            // git moves entries between a split index and its shared index whenever it writes
            // one, which changes the flags `ls-files --debug` prints; everything else must stay.
            func withoutFlags(_ entries: [String]) -> [String] {
                entries.map { $0.replacingOccurrences(of: #"\tflags: [0-9a-f]+"#, with: "", options: .regularExpression) }
            }
            after.entries = withoutFlags(after.entries)
            before.entries = withoutFlags(before.entries)
        }
        #expect(after.status == before.status, "git status outside the store: \(Self.difference(before.status, after.status))",
                sourceLocation: sourceLocation)
        #expect(after.entries == before.entries, "index entries outside the store: \(Self.difference(before.entries, after.entries))",
                sourceLocation: sourceLocation)
        #expect(after.staged == before.staged, "git diff --cached outside the store", sourceLocation: sourceLocation)

        let inIndex = try git(repository, ["ls-files", "--stage", "--", folder]).split(separator: "\n").map(String.init)
        let inHead = try git(repository, ["ls-tree", "-r", "HEAD", "--", folder]).split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", maxSplits: 1)
            let meta = fields[0].split(separator: " ")
            return "\(meta[0]) \(meta[2]) 0\t\(fields[1])"
        }
        #expect(!inHead.isEmpty, sourceLocation: sourceLocation)
        #expect(inIndex == inHead, "every store file is in the index once, at stage 0, as committed: \(Self.difference(inHead, inIndex))",
                sourceLocation: sourceLocation)
        let storeStatus = try statusLines(repository).filter { $0.dropFirst(3).hasPrefix(prefix) }
        #expect(storeStatus.isEmpty, "the store is clean: \(storeStatus.map { $0.prefix(200) })", sourceLocation: sourceLocation)
        let stale = try git(repository, ["diff-files", "--name-only", "--", folder])
        #expect(stale == "", "the store entries' stat data matches their files (git need not rehash them): \(stale.prefix(2000))",
                sourceLocation: sourceLocation)
        #expect(try git(repository, ["diff", "--cached", "--name-only", "--", folder]) == "", sourceLocation: sourceLocation)
        #expect(Self.indexVersion(repository) == UInt32(truncatingIfNeeded: version), "the index version is unchanged",
                sourceLocation: sourceLocation)
        try expectFsck(repository, sourceLocation: sourceLocation)
        if !conflicted {
            try expectTreeCacheTrue(repository, skipping: intentToAdd, sourceLocation: sourceLocation)
        }
    }

    func expectFsck(_ repository: GitRepositoryFixture, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fsck = try MLMD.process("/usr/bin/git", ["--no-optional-locks", "fsck", "--strict", "--no-dangling"], in: repository.path,
                                    environment: Self.environment)
        #expect(fsck.status == 0, "git fsck: \(fsck.errors.prefix(2000)) \(fsck.output.prefix(2000))", sourceLocation: sourceLocation)
    }

    /// The tree git writes from the index (trusting its tree cache) is the tree of the same
    /// entries in an index without one. Intent-to-add entries (`skipping`) are in neither tree.
    func expectTreeCacheTrue(_ repository: GitRepositoryFixture, skipping: Set<String> = [],
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        let scratch = TemporaryDirectory("index-copies")
        try FileManager.default.copyItem(atPath: repository.directory.file(".git/index"), toPath: scratch.file("cached"))
        let cached = try git(repository, ["write-tree"], environment: ["GIT_INDEX_FILE": scratch.file("cached")])
        let listing = try git(repository, ["ls-files", "--stage"]).split(separator: "\n")
            .filter { !skipping.contains(Self.path(ofEntry: String($0))) }
        try git(repository, ["update-index", "--index-info"], input: listing.joined(separator: "\n") + "\n",
                environment: ["GIT_INDEX_FILE": scratch.file("fresh")])
        let fresh = try git(repository, ["write-tree"], environment: ["GIT_INDEX_FILE": scratch.file("fresh")])
        #expect(!cached.isEmpty && cached == fresh, "the tree cache names trees that are no longer true", sourceLocation: sourceLocation)
    }

    /// `git status --porcelain` lines.
    func statusLines(_ repository: GitRepositoryFixture) throws -> [String] {
        try git(repository, ["status", "--porcelain", "--untracked-files=all"]).split(separator: "\n").map(String.init)
    }

    /// `git ls-files --stage --debug`, one text per entry.
    func indexEntries(_ repository: GitRepositoryFixture) throws -> [(path: String, text: String)] {
        var texts: [String] = []
        for line in try git(repository, ["ls-files", "--stage", "--debug"]).split(separator: "\n") {
            if line.hasPrefix(" "), !texts.isEmpty {
                texts[texts.count - 1] += "\n" + line
            } else {
                texts.append(String(line))
            }
        }
        return texts.map { text in (Self.path(ofEntry: String(text.prefix { character in character != "\n" })), text) }
    }

    func hashObject(_ repository: GitRepositoryFixture, _ text: String) throws -> String {
        try git(repository, ["hash-object", "-w", "--stdin"], input: text).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static let environment = ["GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"]

    /// Runs git in the repository without optional locks; records an issue when git fails.
    @discardableResult
    func git(_ repository: GitRepositoryFixture, _ arguments: [String], input: String? = nil, environment: [String: String] = [:],
             allowFailure: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try Self.git(repository, arguments, input: input, environment: environment, allowFailure: allowFailure, sourceLocation: sourceLocation)
    }

    @discardableResult
    static func git(_ repository: GitRepositoryFixture, _ arguments: [String], input: String? = nil, environment: [String: String] = [:],
                    allowFailure: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try MLMD.process("/usr/bin/git", ["--no-optional-locks"] + arguments, input: input, in: repository.path,
                                      environment: Self.environment.merging(environment) { $1 })
        if result.status != 0 && !allowFailure {
            Issue.record("git \(arguments.joined(separator: " ").prefix(300)) failed (\(result.status)): \(result.errors.prefix(2000))",
                         sourceLocation: sourceLocation)
        }
        return result.output
    }

    /// The path of an `ls-files --stage` line (`mode oid stage<TAB>path`).
    static func path(ofEntry line: String) -> String {
        line.firstIndex(of: "\t").map { String(line[line.index(after: $0)...]) } ?? line
    }

    /// What is only in `before` and only in `after`, shortened.
    static func difference(_ before: [String], _ after: [String]) -> String {
        func short(_ lines: [String]) -> [String] {
            lines.map { line in line.count > 240 ? String(line.prefix(120)) + "…" + String(line.suffix(120)) : line }
        }
        let gone = before.filter { !after.contains($0) }
        let added = after.filter { !before.contains($0) }
        return "only before: \(short(gone)); only after: \(short(added))" + (gone.isEmpty && added.isEmpty ? " (order differs)" : "")
    }

    // MARK: Reading the index file (independently of the library)

    static func indexVersion(_ repository: GitRepositoryFixture) -> UInt32? {
        guard let data = FileManager.default.contents(atPath: repository.directory.file(".git/index")), data.count >= 12,
              data.prefix(4).elementsEqual("DIRC".utf8) else { return nil }
        return data.dropFirst(4).prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The signatures of the index's extensions; nil when the file does not parse as an index.
    static func indexExtensions(_ repository: GitRepositoryFixture) -> [String]? {
        guard let data = FileManager.default.contents(atPath: repository.directory.file(".git/index")) else { return nil }
        let bytes = [UInt8](data)
        guard bytes.count >= 32, bytes.prefix(4).elementsEqual("DIRC".utf8) else { return nil }
        func uint32(_ offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        let version = uint32(4)
        let end = bytes.count - 20
        var position = 12
        for _ in 0..<uint32(8) {
            guard position + 62 <= end else { return nil }
            let flags = Int(bytes[position + 60]) << 8 | Int(bytes[position + 61])
            var name = position + 62 + (version >= 3 && flags & 0x4000 != 0 ? 2 : 0)
            if version == 4 {
                // The number of bytes to drop from the previous name (a varint), then the rest.
                while name < end, bytes[name] & 0x80 != 0 { name += 1 }
                name += 1
            }
            guard name < end, let terminator = bytes[name..<end].firstIndex(of: 0) else { return nil }
            position = version == 4 ? terminator + 1 : position + (((name - position) + (terminator - name) + 8) & ~7)
        }
        var signatures: [String] = []
        while position + 8 <= end {
            signatures.append(String(decoding: bytes[position..<position + 4], as: UTF8.self))
            position += 8 + uint32(position + 4)
        }
        return position == end ? signatures : nil
    }
}
