import Foundation

/// Where each entity lives in a store directory (see FORMAT.md, "Paths").
///
/// ```
/// store.json
/// types/<kind>/<stem>.json                              kind: artifact | execution | context
/// artifacts/<type stem>/<YYYY-MM-DD>/<xx>/<id>.json     date: UTC day of create_time_since_epoch
/// executions/<type stem>/<YYYY-MM-DD>/<xx>/<id>.json    xx: the id's low byte, two hex digits
/// contexts/<type stem>/<xx>/<id>.json
/// edges/<YYYY-MM-DD>/<xx>/<batch id>.jsonl              one file per write call that added edges
/// origins/<source>/<xx>/<batch id>.jsonl                MLMD ids of imported entities, one file per import
/// ```
/// A type's stem is its name, or `name@version` for a versioned type.
enum StoreLayout {
    static let manifest = "store.json"
    static let gitignore = ".gitignore"
    static let gitattributes = ".gitattributes"
    /// The ignored folder with the index cache, the lock, the journal and temporary files.
    static let privateFolder = ".mlmd"

    static let typesFolder = "types"
    static let edgesFolder = "edges"
    static let originsFolder = "origins"

    static func folder(of kind: NodeKind) -> String {
        switch kind {
        case .artifact: "artifacts"
        case .execution: "executions"
        case .context: "contexts"
        }
    }

    /// `Examples` or `Examples@1.0`.
    static func stem(name: String, version: String?) -> String {
        guard let version, !version.isEmpty else { return name }
        return name + "@" + version
    }

    static func typePath(kind: TypeKind, name: String, version: String?) -> String {
        "\(typesFolder)/\(kind.rawValue)/\(stem(name: name, version: version)).json"
    }

    static func nodePath(kind: NodeKind, typeStem: String, id: Int64, createTime: Int64) -> String {
        let bucket = lowByte(id)
        switch kind {
        case .artifact, .execution:
            return "\(folder(of: kind))/\(typeStem)/\(day(createTime))/\(bucket)/\(id).json"
        case .context:
            return "\(folder(of: kind))/\(typeStem)/\(bucket)/\(id).json"
        }
    }

    static func edgePath(batchID: Int64, time: Int64) -> String {
        "\(edgesFolder)/\(day(time))/\(lowByte(batchID))/\(batchID).jsonl"
    }

    static func originPath(source: String, batchID: Int64) -> String {
        "\(originsFolder)/\(source)/\(lowByte(batchID))/\(batchID).jsonl"
    }

    private static let hex = Array("0123456789abcdef")

    static func lowByte(_ id: Int64) -> String {
        let byte = Int(UInt64(bitPattern: id) & 0xFF)
        return String([hex[byte >> 4], hex[byte & 0xF]])
    }

    /// The UTC calendar day of a millisecond timestamp, `YYYY-MM-DD`.
    static func day(_ milliseconds: Int64) -> String {
        // Civil-from-days (Howard Hinnant's algorithm): exact, no Calendar or time zone involved.
        let days = Int64((Double(milliseconds) / 86_400_000).rounded(.down))
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// What a path inside the store holds, judged by its place in the layout.
    enum Entry: Equatable {
        case type(TypeKind)
        case node(NodeKind)
        case edges
        case origins
    }

    /// Classifies a store-relative path; nil for paths outside the layout.
    static func classify(_ path: String) -> Entry? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard let first = parts.first else { return nil }
        switch first {
        case Substring(typesFolder):
            guard parts.count == 3, let kind = TypeKind(rawValue: String(parts[1])), parts[2].hasSuffix(".json") else { return nil }
            return .type(kind)
        case "artifacts", "executions":
            guard parts.count == 5, parts[4].hasSuffix(".json") else { return nil }
            return .node(first == "artifacts" ? .artifact : .execution)
        case "contexts":
            guard parts.count == 4, parts[3].hasSuffix(".json") else { return nil }
            return .node(.context)
        case Substring(edgesFolder):
            guard parts.count == 4, parts[3].hasSuffix(".jsonl") else { return nil }
            return .edges
        case Substring(originsFolder):
            guard parts.count == 4, parts[3].hasSuffix(".jsonl") else { return nil }
            return .origins
        default:
            return nil
        }
    }

    /// Whether a store-relative path is one the store itself could have written: relative, no
    /// empty, `.` or `..` component, no NUL or backslash, and a place in the layout. Paths read
    /// from files (the journal, the uncommitted-paths log) are checked with this before they are
    /// used, so no file can make the store touch anything outside its data folders.
    static func isDataPath(_ path: String) -> Bool {
        guard !path.isEmpty, path.utf8.first != UInt8(ascii: "/"),
              !path.utf8.contains(0), !path.utf8.contains(UInt8(ascii: "\\")) else { return false }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            if component.isEmpty || component == "." || component == ".." { return false }
        }
        return classify(path) != nil
    }

    /// The folders that hold store data, in the order a rebuild reads them.
    static let dataFolders = [typesFolder, "contexts", "artifacts", "executions", edgesFolder, originsFolder]
}
