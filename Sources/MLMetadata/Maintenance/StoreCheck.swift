import Foundation

/// A problem `checkFiles()` (`mlmd fsck`) found, with the file it is in.
public struct StoreProblem: Sendable, Hashable, CustomStringConvertible {
    /// What kind of rule the file breaks.
    public enum Kind: String, Sendable, Hashable {
        /// The file is not valid JSON or not a valid MLMD message (including a `struct_value`
        /// number that does not fit a double, such as `1e309`).
        case unreadable
        /// The file parses but its bytes are not the canonical form (FORMAT.md §4).
        case notCanonical
        /// The file's path does not match its content (FORMAT.md §1).
        case misplaced
        /// A reference to a type or node that does not exist.
        case danglingReference
        /// Two things that must be unique are not (ids, names, external ids, events), including
        /// type names that are case or Unicode-normalization twins (`Model` and `model`), which
        /// collide as files on macOS and Windows.
        case duplicate
        /// The file holds something the writer refuses: a property the type does not declare or
        /// with another value kind, a name that breaks the text or path rules, a `type` that is
        /// not the name of the `type_id`'s type, a parent-context cycle or a context that is its
        /// own parent (FORMAT.md §1, §5, §6).
        case invalid
        /// Something else in the store folder that does not belong there.
        case unexpectedFile
    }

    public var kind: Kind
    /// Store-relative path of the file.
    public var path: String
    /// The 1-based line in ``path``, when known (always for edge files).
    public var line: Int?
    /// The field the problem is about, as a proto field path (`properties.span`, `type`, `name`),
    /// when it is about one field.
    public var field: String?
    /// What is wrong, naming the values and, for duplicates and cycles, the other files involved.
    public var message: String

    public var description: String {
        let location = line.map { "\(path):\($0)" } ?? path
        return "\(location): \(kind.rawValue): \(message)"
    }
}

extension MetadataStore {
    /// Reads every file of the store from disk and checks it: that it parses, is canonical, sits
    /// where the layout puts it, refers only to types and nodes that exist, that ids, names and
    /// external ids are unique (type names also under case folding and Unicode normalization),
    /// that it obeys the rules the writer enforces (``EntityRules``: declared properties of the
    /// declared kinds, text and path rules, `type` matching `type_id`), and that parent contexts
    /// form no cycle. Independent of the index cache (it checks the files, which is what a merge
    /// or a hand edit may have broken).
    public func checkFiles() throws -> [StoreProblem] {
        try StoreCheck(root: core.root, formatVersion: core.formatVersion).run()
    }
}

/// The checks behind ``MetadataStore/checkFiles()``.
struct StoreCheck {
    let root: String
    /// The store's format version: what the canonical form of its files is.
    let formatVersion: Int

    private struct SeenNode {
        var typeID: Int64
        var name: String?
        var externalID: String?
        var createTime: Int64
        var path: String
        /// The node's ``EntityRules`` problems, given its type.
        var rules: (TypeRecord) -> [EntityRules.Problem]
    }

    private struct Seen {
        /// The first type file (in path order) with each id.
        var types: [Int64: (record: TypeRecord, path: String)] = [:]
        /// Every type file, in path order.
        var typeFiles: [(record: TypeRecord, path: String)] = []
        var nodes: [NodeKind: [Int64: SeenNode]] = [:]
        var edges: [(edge: EdgeFile.Edge, path: String, line: Int)] = []
        var origins: [(origin: Origin, path: String, line: Int)] = []
        /// Contexts with a recorded create time (in their file, or a line of an edge file).
        var timedContexts: Set<Int64> = []
        /// The entities of files that could not be read (a merge conflict), as their paths name
        /// them, with the position of the file's problem: references to them are grouped under it.
        var unreadable: [String: Int] = [:]
    }

    /// The key of an entity in ``Seen/unreadable``.
    private static func key(_ kind: String, _ id: Int64) -> String { "\(kind)/\(id)" }

    /// The entities an unreadable file would hold, from its path alone: a node file is named by
    /// its id, a type file by its stem (whose id is derived, §3).
    private static func entityKeys(ofUnreadable path: String) -> [String] {
        let name = String(path.split(separator: "/").last ?? "").replacingOccurrences(of: ".json", with: "")
        switch StoreLayout.classify(path) {
        case .node(let kind)?: return Int64(name).map { [key(kind.rawValue, $0)] } ?? []
        case .type(let kind)?:
            var keys = [key("type", Identifiers.typeID(kind: kind, name: name, version: nil))]
            if let at = name.lastIndex(of: "@") {
                keys.append(key("type", Identifiers.typeID(kind: kind, name: String(name[..<at]), version: String(name[name.index(after: at)...]))))
            }
            return keys
        default: return []
        }
    }

    func run() throws -> [StoreProblem] {
        var problems: [StoreProblem] = []
        var seen = Seen()
        let files = try dataFiles(&problems)
        let parsed = Refresh.parseConcurrently(files, root: root)
        for (path, content) in zip(files, parsed) {
            switch content {
            case .problem(let error):
                for key in Self.entityKeys(ofUnreadable: path) { seen.unreadable[key] = problems.count }
                problems.append(StoreProblem(kind: .unreadable, path: path, line: error.line, field: error.field, message: error.message))
            case .type(let record):
                check(canonical: JSONWriter.fileBytes(record.json), path: path, into: &problems)
                let expected = StoreLayout.typePath(kind: record.kind, name: record.name, version: record.version)
                if expected != path {
                    problems.append(StoreProblem(kind: .misplaced, path: path, message: "\(record.kind.messageName) '\(record.displayName)' belongs at \(expected)"))
                }
                let derived = Identifiers.typeID(kind: record.kind, name: record.name, version: record.version)
                if record.id != derived {
                    problems.append(StoreProblem(kind: .misplaced, path: path, message: "type id \(record.id) is not the id derived from its kind, name and version (\(derived))"))
                }
                problems += invalid(EntityRules.problems(ofType: record), path: path)
                // A second file for the same (kind, name, version) is reported as a duplicate type below.
                if let other = seen.types[record.id], !Self.sameType(record, other.record) {
                    problems.append(StoreProblem(kind: .duplicate, path: path, message: "type id \(record.id) is also used by \(other.path)"))
                }
                if seen.types[record.id] == nil { seen.types[record.id] = (record, path) }
                seen.typeFiles.append((record, path))
            case .artifact(let node): try visit(node, path: path, into: &problems, seen: &seen)
            case .execution(let node): try visit(node, path: path, into: &problems, seen: &seen)
            case .context(let node): try visit(node, path: path, into: &problems, seen: &seen)
            case .edges(let edges):
                try checkCanonicalLines(EdgeFile.bytes(edges), of: "edge", path: path, into: &problems)
                for (number, edge) in edges.enumerated() {
                    seen.edges.append((edge, path, number + 1))
                    if case .contextTimes(let times) = edge, times.createTime != nil { seen.timedContexts.insert(times.contextID) }
                }
            case .origins(let origins):
                try checkCanonicalLines(OriginFile.bytes(origins), of: "origin", path: path, into: &problems)
                for (number, origin) in origins.enumerated() { seen.origins.append((origin, path, number + 1)) }
            }
        }
        checkReferencesAndUniqueness(seen, into: &problems)
        return problems.sorted { ($0.path, $0.line ?? 0) < ($1.path, $1.line ?? 0) }
    }

    /// A JSON Lines file (edges, origins) must hold exactly its canonical bytes.
    private func checkCanonicalLines(_ canonical: [UInt8], of what: String, path: String, into problems: inout [StoreProblem]) throws {
        if try FileSystem.readFile(root + "/" + path) != canonical {
            problems.append(StoreProblem(kind: .notCanonical, path: path,
                                         message: "\(what) lines are not canonical: each line compact, sorted, unique, ending with a newline"))
        }
    }

    /// Every regular file below the data folders; anything else in them is reported.
    private func dataFiles(_ problems: inout [StoreProblem]) throws -> [String] {
        var files: [String] = []
        var pending = StoreLayout.dataFolders
        while let folder = pending.popLast() {
            for entry in try FileSystem.entries(root + "/" + folder) where !entry.name.hasPrefix(".") {
                let path = folder + "/" + entry.name
                if entry.isDirectory {
                    pending.append(path)
                } else if StoreLayout.classify(path) == nil {
                    problems.append(StoreProblem(kind: .unexpectedFile, path: path,
                                                 message: "not part of the store layout (FORMAT.md §1); move it out of the store"))
                } else {
                    files.append(path)
                }
            }
        }
        return files.sorted()
    }

    private func check(canonical expected: [UInt8], path: String, into problems: inout [StoreProblem]) {
        guard let bytes = try? FileSystem.readFile(root + "/" + path), bytes != expected else { return }
        let line = zip(String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false),
                       String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false))
            .enumerated().first { $0.element.0 != $0.element.1 }.map { $0.offset + 1 }
        problems.append(StoreProblem(kind: .notCanonical, path: path, line: line,
                                     message: "not in canonical form (FORMAT.md §4): sorted keys, two-space indent, proto field names"))
    }

    private func visit<N: NodeCoding>(_ node: N, path: String, into problems: inout [StoreProblem], seen: inout Seen) throws {
        guard let id = node.id, let typeID = node.typeID else { return }
        if N.kind == .context, formatVersion >= 2, node.createTimeSinceEpoch != nil || node.lastUpdateTimeSinceEpoch != nil {
            problems.append(StoreProblem(kind: .notCanonical, path: path, field: "create_time_since_epoch",
                                         message: "the context file holds its times, which format \(formatVersion) keeps in edge files "
                                             + "(FORMAT.md §6); `mlmd migrate` moves them"))
        } else {
            check(canonical: JSONWriter.fileBytes(node.fileForm(formatVersion: formatVersion).json), path: path, into: &problems)
        }
        if N.kind == .context, node.createTimeSinceEpoch != nil { seen.timedContexts.insert(id) }
        if let other = seen.nodes[N.kind]?[id] {
            problems.append(StoreProblem(kind: .duplicate, path: path, message: "\(N.kind.messageName) id \(id) is also used by \(other.path)"))
        }
        seen.nodes[N.kind, default: [:]][id] = SeenNode(typeID: typeID, name: node.name, externalID: node.externalID,
                                                        createTime: node.createTimeSinceEpoch ?? 0, path: path,
                                                        rules: { EntityRules.problems(of: node, type: $0) })
    }

    private func checkReferencesAndUniqueness(_ seen: Seen, into problems: inout [StoreProblem]) {
        // Types: (kind, name, version), also under case folding and NFC, and external ids.
        var typesByKey: [String: [(record: TypeRecord, path: String)]] = [:]
        var typeExternalIDs: [String: String] = [:]
        for (record, path) in seen.typeFiles {
            // Twins share the portable key of their stem or of their name.
            let stemKey = "\(record.kind.rawValue)/\(NameRules.portableKey(record.stem))"
            let nameKey = "\(record.kind.rawValue)/\(NameRules.portableKey(record.name))"
            let keys = stemKey == nameKey ? [stemKey] : [stemKey, nameKey]
            var reported: Set<String> = []
            for other in keys.flatMap({ typesByKey[$0] ?? [] }) where reported.insert(other.path).inserted {
                if Self.sameType(record, other.record) {
                    problems.append(StoreProblem(kind: .duplicate, path: path, field: "name",
                                                 message: "\(record.kind.messageName) '\(record.displayName)' is also defined by \(other.path)"))
                } else if let clash = EntityRules.clash(between: record, and: other.record) {
                    problems.append(StoreProblem(kind: .duplicate, path: path, field: "name", message: "\(clash) (\(other.path))"))
                }
            }
            for key in keys { typesByKey[key, default: []].append((record, path)) }
            if let externalID = record.externalID {
                if let other = typeExternalIDs[externalID] {
                    problems.append(StoreProblem(kind: .duplicate, path: path, message: "type external_id '\(externalID)' is also used by \(other)"))
                }
                typeExternalIDs[externalID] = path
            }
        }
        // References to what an unreadable file holds, by the position of its problem.
        var waiting: [Int: [String]] = [:]
        // Nodes: their type, placement, (type, name) and external ids within a kind.
        for kind in NodeKind.allCases {
            // Byte-exact keys, as the writer's (String equality would merge NFC and NFD spellings).
            var names: [[UInt8]: String] = [:]
            var externalIDs: [[UInt8]: String] = [:]
            for (id, node) in (seen.nodes[kind] ?? [:]).sorted(by: { $0.value.path < $1.value.path }) {
                guard let type = seen.types[node.typeID]?.record, type.kind == kind.typeKind else {
                    if let blocked = seen.unreadable[Self.key("type", node.typeID)] {
                        waiting[blocked, default: []].append(node.path)
                        continue
                    }
                    problems.append(StoreProblem(kind: .danglingReference, path: node.path,
                                                 message: "\(kind.messageName) \(id) has type_id \(node.typeID), which no \(kind.typeKind.messageName) has"))
                    continue
                }
                problems += invalid(node.rules(type), path: node.path)
                let expected = StoreLayout.nodePath(kind: kind, typeStem: type.stem, id: id, createTime: node.createTime)
                if node.path != expected {
                    problems.append(StoreProblem(kind: .misplaced, path: node.path,
                                                 message: "\(kind.messageName) \(id) of type '\(type.displayName)' created \(StoreLayout.day(node.createTime)) belongs at \(expected)"))
                }
                if let name = node.name {
                    let key = Array("\(node.typeID)/\(name)".utf8)
                    if let other = names[key] {
                        problems.append(StoreProblem(kind: .duplicate, path: node.path,
                                                     message: "\(kind.messageName) name '\(name)' of type '\(type.displayName)' is also used by \(other)"))
                    }
                    names[key] = node.path
                }
                if let externalID = node.externalID {
                    if let other = externalIDs[Array(externalID.utf8)] {
                        problems.append(StoreProblem(kind: .duplicate, path: node.path,
                                                     message: "\(kind.messageName) external_id '\(externalID)' is also used by \(other)"))
                    }
                    externalIDs[Array(externalID.utf8)] = node.path
                }
            }
        }
        // Edges: both ends exist; one event per (artifact, execution, type).
        func exists(_ kind: NodeKind, _ id: Int64) -> Bool { seen.nodes[kind]?[id] != nil }
        var events: [String: Int64] = [:]
        for (edge, path, line) in seen.edges {
            var missing: [String] = []
            var blocked: Set<Int> = []
            // A missing end whose file is unreadable is that file's consequence, reported under it.
            func need(_ kind: NodeKind, _ id: Int64) {
                if exists(kind, id) { return }
                if let problem = seen.unreadable[Self.key(kind.rawValue, id)] { blocked.insert(problem) } else { missing.append("\(kind.rawValue) \(id)") }
            }
            switch edge {
            case .event(let event):
                need(.artifact, event.artifactID!)
                need(.execution, event.executionID!)
                let key = "\(event.artifactID!)/\(event.executionID!)/\(event.type!.rawValue)"
                if let time = events[key], time != event.millisecondsSinceEpoch ?? 0 {
                    problems.append(StoreProblem(kind: .duplicate, path: path, line: line,
                                                 message: "a \(event.type!.rawValue) event between artifact \(event.artifactID!) and execution \(event.executionID!) is recorded twice with different details"))
                }
                events[key] = event.millisecondsSinceEpoch ?? 0
            case .attribution(let edge):
                need(.artifact, edge.artifactID)
                need(.context, edge.contextID)
            case .association(let edge):
                need(.execution, edge.executionID)
                need(.context, edge.contextID)
            case .parentContext(let edge):
                need(.context, edge.childID)
                need(.context, edge.parentID)
            case .contextTimes(let times):
                need(.context, times.contextID)
            }
            for problem in blocked { waiting[problem, default: []].append("\(path):\(line)") }
            if !missing.isEmpty {
                problems.append(StoreProblem(kind: .danglingReference, path: path, line: line,
                                             message: "refers to \(missing.joined(separator: " and ")), which the store does not have"))
            }
        }
        for (id, node) in seen.nodes[.context] ?? [:] where !seen.timedContexts.contains(id) {
            problems.append(StoreProblem(kind: .invalid, path: node.path, field: "create_time_since_epoch",
                                         message: "context \(id) has no create time: no edge file records its times"))
        }
        for (position, references) in waiting {
            let shown = references.prefix(3).joined(separator: ", ") + (references.count > 3 ? ", …" : "")
            problems[position].message += "; \(references.count) reference\(references.count == 1 ? "" : "s") to what it holds "
                + "wait on it (\(shown))"
        }
        checkParentContexts(seen, into: &problems)
        checkOrigins(seen, into: &problems)
    }

    /// Each origin names an entity of its kind, and each MLMD id of a source maps to one entity
    /// (two imports of the same rows on two branches agree unless they started from different stores).
    private func checkOrigins(_ seen: Seen, into problems: inout [StoreProblem]) {
        var mapped: [String: (id: Int64, path: String)] = [:]
        for (origin, path, line) in seen.origins {
            let exists: Bool = switch origin.kind {
            case .artifactType, .executionType, .contextType: seen.types[origin.id] != nil
            case .artifact: seen.nodes[.artifact]?[origin.id] != nil
            case .execution: seen.nodes[.execution]?[origin.id] != nil
            case .context: seen.nodes[.context]?[origin.id] != nil
            }
            if !exists {
                problems.append(StoreProblem(kind: .danglingReference, path: path, line: line,
                                             message: "the origin of \(origin.kind.rawValue) \(origin.id) (MLMD id \(origin.mlmdID)) names no such entity"))
            }
            let key = "\(origin.source)/\(origin.kind.rawValue)/\(origin.mlmdID)"
            if let other = mapped[key], other.id != origin.id {
                problems.append(StoreProblem(kind: .duplicate, path: path, line: line,
                                             message: "\(origin.source) MLMD \(origin.kind.rawValue) \(origin.mlmdID) is imported as \(origin.id) here "
                                                 + "and as \(other.id) in \(other.path)"))
            } else if mapped[key] == nil {
                mapped[key] = (origin.id, path)
            }
        }
    }

    /// Contexts that are their own parent, and parent-context cycles: each cycle (each set of
    /// contexts that are all ancestors of each other) once, at its first edge, naming its
    /// contexts and every edge in it.
    private func checkParentContexts(_ seen: Seen, into problems: inout [StoreProblem]) {
        var parents: [Int64: [(parent: Int64, path: String, line: Int)]] = [:]
        for (edge, path, line) in seen.edges {
            guard case .parentContext(let link) = edge else { continue }
            if link.childID == link.parentID {
                problems.append(StoreProblem(kind: .invalid, path: path, line: line, field: "parent_id",
                                             message: "\(contextLabel(link.childID, seen)) is its own parent; MLMD refuses such a parent_context"))
                continue
            }
            parents[link.childID, default: []].append((link.parentID, path, line))
        }
        for cycle in Self.stronglyConnectedComponents(parents.mapValues { $0.map(\.parent) }) where cycle.count > 1 {
            let members = Set(cycle)
            let edges = cycle.flatMap { child in
                (parents[child] ?? []).filter { members.contains($0.parent) }.map { (child: child, $0.parent, $0.path, $0.line) }
            }.sorted { ($0.2, $0.3) < ($1.2, $1.3) }
            guard let first = edges.first else { continue }
            let contexts = cycle.sorted().map { contextLabel($0, seen) }.joined(separator: ", ")
            let links = edges.map { "\($0.2):\($0.3) (\($0.child) → \($0.1))" }.joined(separator: ", ")
            problems.append(StoreProblem(kind: .invalid, path: first.2, line: first.3, field: "parent_id",
                                         message: "parent_context cycle between \(contexts): \(links); MLMD refuses links that close a cycle"))
        }
    }

    /// Rule problems of an entity file, each with the line of its field in the file.
    private func invalid(_ found: [EntityRules.Problem], path: String) -> [StoreProblem] {
        guard !found.isEmpty else { return [] }
        // Only files with problems are parsed again, for the lines of their fields.
        let object: JSONObject? = (try? FileSystem.readFile(root + "/" + path)).flatMap { bytes in
            if case .object(let object)? = try? JSONParser.parse(bytes) { return object }
            return nil
        }
        return found.map { problem in
            StoreProblem(kind: .invalid, path: path, line: object.flatMap { Self.line(of: problem.field, in: $0) },
                         field: problem.field, message: problem.message)
        }
    }

    /// The line of the member a field path names: a top-level field, or the entry of a
    /// `properties`/`custom_properties` map (whose keys may contain dots) for deeper paths.
    static func line(of field: String, in object: JSONObject) -> Int? {
        let top = field.prefix { $0 != "." }
        guard let member = object.members.first(where: { $0.key == top }) else { return nil }
        guard field.count > top.count, case .object(let map) = member.value else { return member.line == 0 ? nil : member.line }
        let rest = field.dropFirst(top.count + 1)
        let entry = map.members.filter { rest == $0.key || rest.hasPrefix($0.key + ".") }.max { $0.key.count < $1.key.count }
        let line = entry?.line ?? member.line
        return line == 0 ? nil : line
    }

    /// The same (kind, name, version), byte for byte.
    private static func sameType(_ a: TypeRecord, _ b: TypeRecord) -> Bool {
        a.kind == b.kind && EntityRules.sameScalars(a.name, b.name) && EntityRules.sameScalars(a.version ?? "", b.version ?? "")
    }

    private func contextLabel(_ id: Int64, _ seen: Seen) -> String {
        guard let name = seen.nodes[.context]?[id]?.name else { return "context \(id)" }
        return "context \(id) '\(NameRules.preview(name))'"
    }

    /// Tarjan's strongly connected components of a directed graph, iteratively (parent chains
    /// may be long); deterministic for a given graph.
    static func stronglyConnectedComponents(_ graph: [Int64: [Int64]]) -> [[Int64]] {
        var index: [Int64: Int] = [:]
        var lowLink: [Int64: Int] = [:]
        var onStack: Set<Int64> = []
        var stack: [Int64] = []
        var components: [[Int64]] = []
        var counter = 0
        for root in graph.keys.sorted() where index[root] == nil {
            // Each frame: a node and the position of the next successor to visit.
            var frames: [(node: Int64, next: Int)] = [(root, 0)]
            index[root] = counter
            lowLink[root] = counter
            counter += 1
            stack.append(root)
            onStack.insert(root)
            while let frame = frames.last {
                let successors = graph[frame.node] ?? []
                if frame.next < successors.count {
                    frames[frames.count - 1].next += 1
                    let successor = successors[frame.next]
                    if index[successor] == nil {
                        index[successor] = counter
                        lowLink[successor] = counter
                        counter += 1
                        stack.append(successor)
                        onStack.insert(successor)
                        frames.append((successor, 0))
                    } else if onStack.contains(successor) {
                        lowLink[frame.node] = min(lowLink[frame.node]!, index[successor]!)
                    }
                    continue
                }
                frames.removeLast()
                if let parent = frames.last {
                    lowLink[parent.node] = min(lowLink[parent.node]!, lowLink[frame.node]!)
                }
                if lowLink[frame.node] == index[frame.node] {
                    var component: [Int64] = []
                    while let member = stack.popLast() {
                        onStack.remove(member)
                        component.append(member)
                        if member == frame.node { break }
                    }
                    components.append(component)
                }
            }
        }
        return components
    }
}
