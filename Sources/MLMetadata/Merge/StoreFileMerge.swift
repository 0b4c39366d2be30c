/// The three-way merge of one store file, field by field: what the `mlmd merge-file` git merge
/// driver runs, and what merges made in-process use.
///
/// Entity files (`.json`) merge member by member, `properties` and `custom_properties` key by
/// key: a change made on one side is taken, an identical change on both sides is taken once,
/// and a member changed to two different values is a conflict. Times follow what they mean: the
/// earlier `create_time_since_epoch`, the later `last_update_time_since_epoch` (unless one side
/// removed them, as a migration to format 2 does for contexts). A type's properties are the
/// union of both sides' (MLMD never removes one); a property declared with two different kinds
/// is a conflict. JSON Lines files (edges, origins) merge as sets of lines: every line added on
/// either side, none that either side removed, sorted.
///
/// A conflict is written the way git writes one — one block between `<<<<<<< ours`, `=======`
/// and `>>>>>>> theirs` around the lines that differ, both sides otherwise merged — so every
/// editor and `git checkout --ours/--theirs` handle it, and reads and `mlmd fsck` report the
/// file as "unresolved merge conflict in field X" (``MergeConflict``).
public enum StoreFileMerge {
    /// The merged file.
    public struct Result: Sendable, Equatable {
        /// The merged bytes, with a conflict block when the merge is not clean.
        public var bytes: [UInt8]
        /// Whether both sides merged without a conflict.
        public var isClean: Bool
        /// The fields left in conflict (`state`, `properties.span`); empty for a clean merge, and
        /// for a file that is not JSON on some side (then the whole file is in conflict).
        public var conflictedFields: [String]
    }

    /// Merges `ours` and `theirs`, two versions of the file at `path` (store- or repository-
    /// relative; its name says which kind of file it is), given their common ancestor `base`
    /// (nil when the file was added on both sides).
    public static func merge(base: [UInt8]?, ours: [UInt8], theirs: [UInt8], path: String) -> Result {
        if ours == theirs { return Result(bytes: ours, isClean: true, conflictedFields: []) }
        if path.hasSuffix(".jsonl") {
            return mergeLines(base: base, ours: ours, theirs: theirs) ?? wholeFileConflict(ours, theirs)
        }
        return mergeObjects(base: base, ours: ours, theirs: theirs, isType: isTypeFile(path)) ?? wholeFileConflict(ours, theirs)
    }

    // MARK: - JSON Lines

    private static func mergeLines(base: [UInt8]?, ours: [UInt8], theirs: [UInt8]) -> Result? {
        guard let ourLines = lines(ours), let theirLines = lines(theirs) else { return nil }
        let baseLines = base.flatMap(lines) ?? []
        let mine = Set(ourLines), other = Set(theirLines), ancestor = Set(baseLines)
        let kept = mine.intersection(other).union(mine.subtracting(ancestor)).union(other.subtracting(ancestor))
        return Result(bytes: JSONLines.bytes(Array(kept)), isClean: true, conflictedFields: [])
    }

    /// The lines of a JSON Lines file, each a JSON object; nil when one is not.
    private static func lines(_ bytes: [UInt8]) -> [[UInt8]]? {
        var out: [[UInt8]] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard case .object? = try? JSONParser.parse(Array(line)) else { return nil }
            out.append(Array(line))
        }
        return out
    }

    // MARK: - Entity files

    private static let createTime = "create_time_since_epoch"
    private static let updateTime = "last_update_time_since_epoch"
    private static let maps: Set<String> = ["properties", "custom_properties"]

    private static func mergeObjects(base: [UInt8]?, ours: [UInt8], theirs: [UInt8], isType: Bool) -> Result? {
        guard case .object(let mine)? = try? JSONParser.parse(ours), case .object(let other)? = try? JSONParser.parse(theirs) else { return nil }
        var ancestor = JSONObject()
        if let base, !base.isEmpty {
            guard case .object(let parsed)? = try? JSONParser.parse(base) else { return nil }
            ancestor = parsed
        }
        var left = JSONObject(), right = JSONObject()   // ours' and theirs' version of the result
        var conflicts: [String] = []
        for key in keys(mine, other, ancestor) {
            let (b, o, t) = (ancestor[key], mine[key], other[key])
            if key == createTime || key == updateTime, let o, let t {
                let merged = mergedTime(key, o, t)
                left.append(key, merged)
                right.append(key, merged)
            } else if maps.contains(key), case .object(let ourMap)? = o, case .object(let theirMap)? = t {
                var ancestorMap = JSONObject()
                if case .object(let map)? = b { ancestorMap = map }
                var leftMap = JSONObject(), rightMap = JSONObject()
                for name in keys(ourMap, theirMap, ancestorMap) {
                    let (bv, ov, tv) = (ancestorMap[name], ourMap[name], theirMap[name])
                    // A type's properties: the union, each with one kind.
                    let choice = isType && key == "properties" ? union(ov, tv) : threeWay(bv, ov, tv)
                    switch choice {
                    case .take(let value?):
                        leftMap.append(name, value)
                        rightMap.append(name, value)
                    case .take(nil): break
                    case .conflict:
                        conflicts.append("\(key).\(name)")
                        if let ov { leftMap.append(name, ov) }
                        if let tv { rightMap.append(name, tv) }
                    }
                }
                left.append(key, .object(leftMap))
                right.append(key, .object(rightMap))
            } else {
                switch threeWay(b, o, t) {
                case .take(let value?):
                    left.append(key, value)
                    right.append(key, value)
                case .take(nil): break
                case .conflict:
                    conflicts.append(key)
                    if let o { left.append(key, o) }
                    if let t { right.append(key, t) }
                }
            }
        }
        let leftBytes = JSONWriter.fileBytes(.object(left))
        guard !conflicts.isEmpty else { return Result(bytes: leftBytes, isClean: true, conflictedFields: []) }
        return Result(bytes: conflictBlock(leftBytes, JSONWriter.fileBytes(.object(right))), isClean: false, conflictedFields: conflicts)
    }

    private enum Choice {
        case take(JSONValue?)
        case conflict
    }

    /// The value a member takes: one side's change, or the same change made on both.
    private static func threeWay(_ base: JSONValue?, _ ours: JSONValue?, _ theirs: JSONValue?) -> Choice {
        if same(ours, theirs) { return .take(ours) }
        if same(base, ours) { return .take(theirs) }
        if same(base, theirs) { return .take(ours) }
        return .conflict
    }

    private static func union(_ ours: JSONValue?, _ theirs: JSONValue?) -> Choice {
        guard let ours, let theirs else { return .take(ours ?? theirs) }
        return same(ours, theirs) ? .take(ours) : .conflict
    }

    /// The earlier create time, the later update time (proto3 JSON writes int64 as strings).
    private static func mergedTime(_ key: String, _ ours: JSONValue, _ theirs: JSONValue) -> JSONValue {
        func number(_ value: JSONValue) -> Int64? {
            switch value {
            case .string(let text), .number(let text): Int64(text)
            default: nil
            }
        }
        guard let a = number(ours), let b = number(theirs) else { return ours }
        return key == createTime ? (a <= b ? ours : theirs) : (a >= b ? ours : theirs)
    }

    private static func same(_ a: JSONValue?, _ b: JSONValue?) -> Bool { JSONValue.sameCanonically(a, b) }

    private static func keys(_ objects: JSONObject...) -> [String] {
        Array(Set(objects.flatMap { $0.members.map(\.key) })).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// `…/types/<kind>/<stem>.json`.
    private static func isTypeFile(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        return parts.count >= 3 && parts[parts.count - 3] == "types"
    }

    // MARK: - Conflict blocks

    /// Both versions, their common first and last lines written once, the rest in one block.
    private static func conflictBlock(_ ours: [UInt8], _ theirs: [UInt8]) -> [UInt8] {
        let a = ours.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        let b = theirs.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        var prefix = 0
        while prefix < min(a.count, b.count) - 1, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < min(a.count, b.count) - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        func joined(_ lines: ArraySlice<[UInt8]>) -> [UInt8] { lines.flatMap { $0 + [UInt8(ascii: "\n")] } }
        var out = joined(a[..<prefix])
        out += Array("<<<<<<< ours\n".utf8) + joined(a[prefix..<(a.count - suffix)])
        out += Array("=======\n".utf8) + joined(b[prefix..<(b.count - suffix)])
        out += Array(">>>>>>> theirs\n".utf8)
        // The last "line" after the final newline is empty: the suffix ends the file as it was.
        out += Array(joined(a[(a.count - suffix)...]).dropLast())
        return out
    }

    private static func wholeFileConflict(_ ours: [UInt8], _ theirs: [UInt8]) -> Result {
        func ended(_ bytes: [UInt8]) -> [UInt8] { bytes.last == UInt8(ascii: "\n") || bytes.isEmpty ? bytes : bytes + [UInt8(ascii: "\n")] }
        let bytes = Array("<<<<<<< ours\n".utf8) + ended(ours) + Array("=======\n".utf8) + ended(theirs) + Array(">>>>>>> theirs\n".utf8)
        return Result(bytes: bytes, isClean: false, conflictedFields: [])
    }
}
