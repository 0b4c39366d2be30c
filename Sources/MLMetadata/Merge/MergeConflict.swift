/// A store file that git left with conflict markers (`<<<<<<<`, `|||||||`, `=======`,
/// `>>>>>>>`): what the two sides disagree on, so that reads and `mlmd fsck` can say so instead
/// of "not valid JSON".
struct MergeConflict: Equatable {
    /// The 1-based line of the first marker.
    var line: Int
    /// The top-level fields (and `properties.<key>`, `custom_properties.<key>`) whose values differ
    /// between the two sides; empty when a side is not a JSON object (or for edge files).
    var fields: [String]

    /// The conflict in `bytes`, or nil when the file has no complete conflict block.
    static func find(in bytes: [UInt8]) -> MergeConflict? {
        guard hasMarkerLine(bytes) else { return nil }
        var ours: [[UInt8]] = []
        var theirs: [[UInt8]] = []
        var firstMarker: Int?
        // Outside a conflict a line goes to both sides; inside, to ours until `=======` (or until
        // `|||||||`, after which the common ancestor's lines are skipped), then to theirs until `>>>>>>>`.
        enum Section { case both, ours, base, theirs }
        var section = Section.both
        var closed = false
        for (index, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let marker = line.count >= 7 ? Array(line.prefix(7)) : []
            switch (section, marker) {
            case (.both, Array("<<<<<<<".utf8)):
                section = .ours
                firstMarker = firstMarker ?? index + 1
            case (.ours, Array("|||||||".utf8)): section = .base
            case (.ours, Array("=======".utf8)), (.base, Array("=======".utf8)): section = .theirs
            case (.theirs, Array(">>>>>>>".utf8)):
                section = .both
                closed = true
            default:
                switch section {
                case .both:
                    ours.append(Array(line))
                    theirs.append(Array(line))
                case .ours: ours.append(Array(line))
                case .theirs: theirs.append(Array(line))
                case .base: break
                }
            }
        }
        // Only what git writes: whole blocks. A stray marker line is left to the JSON parser.
        guard let firstMarker, closed, section == .both else { return nil }
        return MergeConflict(line: firstMarker, fields: differingFields(joined(ours), joined(theirs)))
    }

    /// The error a read or check reports for the file.
    func error(path: String) -> StoreError {
        let what = switch fields.count {
        case 0: "unresolved merge conflict"
        case 1: "unresolved merge conflict in field \(fields[0])"
        default: "unresolved merge conflict in fields \(fields.joined(separator: ", "))"
        }
        return StoreError(.dataLoss, "\(what) (resolve it, or run `git checkout --ours/--theirs` on the file, then `git add` it)",
                          path: path, line: line, field: fields.first)
    }

    /// Whether some line starts with `<<<<<<<` (cheap: most files have no `<` at a line start).
    private static func hasMarkerLine(_ bytes: [UInt8]) -> Bool {
        let marker = Array("<<<<<<<".utf8)
        var start = 0
        while start < bytes.count {
            if bytes[start] == UInt8(ascii: "<"), bytes[start...].starts(with: marker) { return true }
            guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else { return false }
            start = newline + 1
        }
        return false
    }

    private static func joined(_ lines: [[UInt8]]) -> [UInt8] {
        Array(lines.joined(separator: [UInt8(ascii: "\n")]))
    }

    private static func differingFields(_ ours: [UInt8], _ theirs: [UInt8]) -> [String] {
        guard case .object(let a)? = try? JSONParser.parse(ours), case .object(let b)? = try? JSONParser.parse(theirs) else { return [] }
        let same = JSONValue.sameCanonically
        var fields: [String] = []
        for key in Set(a.members.map(\.key) + b.members.map(\.key)).sorted() {
            let left = a[key]
            let right = b[key]
            guard !same(left, right) else { continue }
            if key == "properties" || key == "custom_properties", case .object(let l)? = left, case .object(let r)? = right {
                for name in Set(l.members.map(\.key) + r.members.map(\.key)).sorted() where !same(l[name], r[name]) {
                    fields.append("\(key).\(name)")
                }
            } else {
                fields.append(key)
            }
        }
        return fields
    }
}
