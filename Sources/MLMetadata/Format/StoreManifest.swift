/// `store.json`: marks a folder as a store and names its format version.
///
/// A library refuses a store whose version it does not know; a newer library migrates an
/// older store only when asked to (never silently).
struct StoreManifest: Equatable {
    static let formatName = "mlmetadata-store"
    /// The format this library reads and writes (FORMAT.md).
    static let currentVersion = 1

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

    /// Fails unless this library can read and write the store as it is.
    func checkSupported(path: String) throws(StoreError) {
        if formatVersion > Self.currentVersion {
            throw StoreError(.failedPrecondition,
                "store format version \(formatVersion) is newer than this library supports (\(Self.currentVersion)); upgrade MLMetadata",
                path: path)
        }
        if formatVersion < Self.currentVersion {
            throw StoreError(.failedPrecondition,
                "store format version \(formatVersion) is older than this library's (\(Self.currentVersion)); migrate it explicitly with `mlmd migrate`",
                path: path)
        }
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
    /// names the diff driver `mlmd git setup` registers (git ignores it until then).
    static let gitattributes = """
        # MLMetadata store: canonical JSON written by the library (see FORMAT.md).
        * linguist-generated=true
        *.json text eol=lf diff=mlmd
        *.jsonl text eol=lf diff=mlmd

        """
}
