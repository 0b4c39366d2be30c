/// `store.json`: marks a folder as a store and names its format version.
///
/// A library refuses a store whose version it does not know; a newer library reads an older
/// store but writes to it only after migrating it, when asked to (never silently).
struct StoreManifest: Equatable {
    static let formatName = "mlmetadata-store"
    /// The format this library writes (FORMAT.md). Version 2 moved contexts' times out of their
    /// files into the edge files (``ContextTimes``).
    static let currentVersion = 2
    /// The oldest format this library reads.
    static let oldestReadableVersion = 1

    var formatVersion: Int
    /// Whether completing a pipeline run commits it to git (``StoreSettings/commitRuns``).
    var commitRuns = false

    var json: JSONValue {
        var members: [(String, JSONValue)] = []
        if commitRuns { members.append(("commit_runs", .bool(true))) }
        members += [("format", .string(Self.formatName)), ("format_version", .number(String(formatVersion)))]
        return .object(JSONObject(members))
    }

    static func decode(_ bytes: [UInt8], path: String) throws(StoreError) -> StoreManifest {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw StoreError(.dataLoss, "not valid JSON: \(error.message)", path: path, line: error.line)
        }
        do throws(ProtoJSONError) {
            var reader = try MessageReader(json, message: "store manifest")
            guard let format = try reader.string("format"), format == formatName else {
                throw ProtoJSONError(field: "format", message: "expected \"\(formatName)\"; this folder is not an MLMetadata store", line: 0)
            }
            guard let version = try reader.int64("format_version") else {
                throw ProtoJSONError(field: "format_version", message: "missing", line: 0)
            }
            let commitRuns = try reader.bool("commit_runs") ?? false
            try reader.finish()
            return StoreManifest(formatVersion: Int(version), commitRuns: commitRuns)
        } catch {
            throw error.storeError(path: path)
        }
    }

    /// Fails unless this library can read the store.
    func checkReadable(path: String) throws(StoreError) {
        if formatVersion > Self.currentVersion || formatVersion < Self.oldestReadableVersion {
            throw StoreError(.failedPrecondition,
                "store format version \(formatVersion) is not one this library reads (\(Self.oldestReadableVersion)–\(Self.currentVersion))"
                + (formatVersion > Self.currentVersion ? "; upgrade MLMetadata" : ""),
                path: path)
        }
    }

    /// The error every write to a store of an older format gets: it is read as it is, but
    /// written only once migrated.
    var writeRefusal: StoreError? {
        guard formatVersion < Self.currentVersion else { return nil }
        return StoreError(.failedPrecondition,
            "store format version \(formatVersion) is older than this library's (\(Self.currentVersion)): it can be read, "
            + "but is written only after migrating it explicitly with `mlmd migrate` (MetadataStore.migrate())",
            path: StoreLayout.manifest)
    }
}

/// The files a new store writes next to `store.json`.
enum StoreScaffold {
    /// Keeps the index cache, lock, journal and temporary files out of git.
    static let gitignore = """
        # MLMetadata: the index cache, lock, journal and temporary files (rebuilt from the files).
        /.mlmd/

        """

    /// Lets hosting UIs collapse store files, keeps their bytes canonical on every platform, and
    /// names the diff and merge drivers `mlmd git setup` registers (git ignores them until then,
    /// and merges as text).
    static let gitattributes = """
        # MLMetadata store: canonical JSON written by the library (see FORMAT.md).
        * linguist-generated=true
        *.json text eol=lf diff=mlmd merge=mlmd
        *.jsonl text eol=lf diff=mlmd merge=mlmd

        """
}
