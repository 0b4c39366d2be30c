import Foundation

/// A problem `checkFiles()` (`mlmd fsck`) found, with the file it is in.
public struct StoreProblem: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The file is not valid JSON or not a valid MLMD message.
        case unreadable
        /// The file parses but its bytes are not the canonical form (FORMAT.md §4).
        case notCanonical
        /// The file's path does not match its content (FORMAT.md §1).
        case misplaced
        /// A reference to a type or node that does not exist.
        case danglingReference
        /// Two things that must be unique are not (ids, names, external ids, events).
        case duplicate
        /// Something else in the store folder that does not belong there.
        case unexpectedFile
    }

    public var kind: Kind
    /// Store-relative path of the file.
    public var path: String
    public var line: Int?
    public var message: String

    public var description: String {
        let location = line.map { "\(path):\($0)" } ?? path
        return "\(location): \(kind.rawValue): \(message)"
    }
}

extension MetadataStore {
    /// Reads every file of the store from disk and checks it: that it parses, is canonical, sits
    /// where the layout puts it, refers only to types and nodes that exist, and that ids, names
    /// and external ids are unique. Independent of the index cache (it checks the files, which
    /// is what a merge or a hand edit may have broken).
    public func checkFiles() throws -> [StoreProblem] {
        try StoreCheck(root: core.root).run()
    }
}

/// The checks behind ``MetadataStore/checkFiles()``.
struct StoreCheck {
    let root: String

    private struct Seen {
        var types: [Int64: (record: TypeRecord, path: String)] = [:]
        var nodes: [NodeKind: [Int64: (typeID: Int64, name: String?, externalID: String?, createTime: Int64, path: String)]] = [:]
        var edges: [(edge: EdgeFile.Edge, path: String, line: Int)] = []
    }

    func run() throws -> [StoreProblem] {
        var problems: [StoreProblem] = []
        var seen = Seen()
        let files = try dataFiles(&problems)
        let parsed = Refresh.parseConcurrently(files, root: root)
        for (path, content) in zip(files, parsed) {
            switch content {
            case .problem(let error):
                problems.append(StoreProblem(kind: .unreadable, path: path, line: error.line, message: error.message))
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
                if let other = seen.types[record.id] {
                    problems.append(StoreProblem(kind: .duplicate, path: path, message: "type id \(record.id) is also used by \(other.path)"))
                }
                seen.types[record.id] = (record, path)
            case .artifact(let node): try visit(node, path: path, into: &problems, seen: &seen)
            case .execution(let node): try visit(node, path: path, into: &problems, seen: &seen)
            case .context(let node): try visit(node, path: path, into: &problems, seen: &seen)
            case .edges(let edges):
                let bytes = try FileSystem.readFile(root + "/" + path)
                if EdgeFile.bytes(edges) != bytes {
                    problems.append(StoreProblem(kind: .notCanonical, path: path,
                                                 message: "edge lines are not canonical: each line compact, sorted, unique, ending with a newline"))
                }
                for (number, edge) in edges.enumerated() { seen.edges.append((edge, path, number + 1)) }
            }
        }
        checkReferencesAndUniqueness(seen, into: &problems)
        return problems.sorted { ($0.path, $0.line ?? 0) < ($1.path, $1.line ?? 0) }
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
        check(canonical: JSONWriter.fileBytes(node.json), path: path, into: &problems)
        if let other = seen.nodes[N.kind]?[id] {
            problems.append(StoreProblem(kind: .duplicate, path: path, message: "\(N.kind.messageName) id \(id) is also used by \(other.path)"))
        }
        seen.nodes[N.kind, default: [:]][id] = (typeID, node.name, node.externalID, node.createTimeSinceEpoch ?? 0, path)
    }

    private func checkReferencesAndUniqueness(_ seen: Seen, into problems: inout [StoreProblem]) {
        // Types: (kind, name, version) and external ids.
        var typeKeys: [String: String] = [:]
        var typeExternalIDs: [String: String] = [:]
        for (_, (record, path)) in seen.types.sorted(by: { $0.value.path < $1.value.path }) {
            let key = "\(record.kind.rawValue)/\(record.name)@\(record.version ?? "")"
            if let other = typeKeys[key] {
                problems.append(StoreProblem(kind: .duplicate, path: path, message: "\(record.kind.messageName) '\(record.displayName)' is also defined by \(other)"))
            }
            typeKeys[key] = path
            if let externalID = record.externalID {
                if let other = typeExternalIDs[externalID] {
                    problems.append(StoreProblem(kind: .duplicate, path: path, message: "type external_id '\(externalID)' is also used by \(other)"))
                }
                typeExternalIDs[externalID] = path
            }
        }
        // Nodes: their type, placement, (type, name) and external ids within a kind.
        for kind in NodeKind.allCases {
            var names: [String: String] = [:]
            var externalIDs: [String: String] = [:]
            for (id, node) in (seen.nodes[kind] ?? [:]).sorted(by: { $0.value.path < $1.value.path }) {
                guard let type = seen.types[node.typeID]?.record, type.kind == kind.typeKind else {
                    problems.append(StoreProblem(kind: .danglingReference, path: node.path,
                                                 message: "\(kind.messageName) \(id) has type_id \(node.typeID), which no \(kind.typeKind.messageName) has"))
                    continue
                }
                let expected = StoreLayout.nodePath(kind: kind, typeStem: type.stem, id: id, createTime: node.createTime)
                if node.path != expected {
                    problems.append(StoreProblem(kind: .misplaced, path: node.path,
                                                 message: "\(kind.messageName) \(id) of type '\(type.displayName)' created \(StoreLayout.day(node.createTime)) belongs at \(expected)"))
                }
                if let name = node.name {
                    let key = "\(node.typeID)/\(name)"
                    if let other = names[key] {
                        problems.append(StoreProblem(kind: .duplicate, path: node.path,
                                                     message: "\(kind.messageName) name '\(name)' of type '\(type.displayName)' is also used by \(other)"))
                    }
                    names[key] = node.path
                }
                if let externalID = node.externalID {
                    if let other = externalIDs[externalID] {
                        problems.append(StoreProblem(kind: .duplicate, path: node.path,
                                                     message: "\(kind.messageName) external_id '\(externalID)' is also used by \(other)"))
                    }
                    externalIDs[externalID] = node.path
                }
            }
        }
        // Edges: both ends exist; one event per (artifact, execution, type).
        func exists(_ kind: NodeKind, _ id: Int64) -> Bool { seen.nodes[kind]?[id] != nil }
        var events: [String: Int64] = [:]
        for (edge, path, line) in seen.edges {
            var missing: [String] = []
            switch edge {
            case .event(let event):
                if !exists(.artifact, event.artifactID!) { missing.append("artifact \(event.artifactID!)") }
                if !exists(.execution, event.executionID!) { missing.append("execution \(event.executionID!)") }
                let key = "\(event.artifactID!)/\(event.executionID!)/\(event.type!.rawValue)"
                if let time = events[key], time != event.millisecondsSinceEpoch ?? 0 {
                    problems.append(StoreProblem(kind: .duplicate, path: path, line: line,
                                                 message: "a \(event.type!.rawValue) event between artifact \(event.artifactID!) and execution \(event.executionID!) is recorded twice with different details"))
                }
                events[key] = event.millisecondsSinceEpoch ?? 0
            case .attribution(let edge):
                if !exists(.artifact, edge.artifactID) { missing.append("artifact \(edge.artifactID)") }
                if !exists(.context, edge.contextID) { missing.append("context \(edge.contextID)") }
            case .association(let edge):
                if !exists(.execution, edge.executionID) { missing.append("execution \(edge.executionID)") }
                if !exists(.context, edge.contextID) { missing.append("context \(edge.contextID)") }
            case .parentContext(let edge):
                if !exists(.context, edge.childID) { missing.append("context \(edge.childID)") }
                if !exists(.context, edge.parentID) { missing.append("context \(edge.parentID)") }
            }
            if !missing.isEmpty {
                problems.append(StoreProblem(kind: .danglingReference, path: path, line: line,
                                             message: "refers to \(missing.joined(separator: " and ")), which the store does not have"))
            }
        }
    }
}
