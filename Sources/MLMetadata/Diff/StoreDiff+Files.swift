/// One store file that differs between two states: its store-relative path and its bytes
/// before and after (nil where the file does not exist).
public struct ChangedFile: Sendable, Hashable {
    public var path: String
    public var old: [UInt8]?
    public var new: [UInt8]?

    public init(path: String, old: [UInt8]?, new: [UInt8]?) {
        self.path = path
        self.old = old
        self.new = new
    }
}

extension StoreDiff {
    /// The diff implied by the files that differ between two states of a store.
    ///
    /// Entities are matched by id, not path, so a node whose file moved (its type renamed) is
    /// one changed node. `newStore` opens the store as it is in the new state; it is called at
    /// most once, and only when runs are affected, to describe them (executions, outputs).
    public init(changes: [ChangedFile], storeExistedBefore: Bool = true, storeExistsAfter: Bool = true,
                newStore: () throws -> MetadataStore?) throws {
        self.init()
        self.storeExistedBefore = storeExistedBefore
        self.storeExistsAfter = storeExistsAfter
        var sides = (old: FileSide(), new: FileSide())
        for file in changes.sorted(by: { $0.path < $1.path }) {
            guard StoreLayout.classify(file.path) != nil else {
                otherFiles.append(FileChange(path: file.path, change: file.old == nil ? .added : file.new == nil ? .removed : .changed))
                continue
            }
            let before = file.old.map { ParsedFile.parse($0, path: file.path) }
            let after = file.new.map { ParsedFile.parse($0, path: file.path) }
            // A file that cannot be read on one side (a conflict an unfinished merge left) is
            // reported as such, not as its entity removed or added.
            let unreadable = before?.isProblem == true || after?.isProblem == true
            if let before, !unreadable || before.isProblem { sides.old.add(before, side: "before", problems: &problems) }
            if let after, !unreadable || after.isProblem { sides.new.add(after, side: "after", problems: &problems) }
        }
        compareTypes(sides.old.types, sides.new.types)
        compareNodes(sides.old.nodes, sides.new.nodes)
        foldTypeRenames()
        compareEdges(sides.old.edges, sides.new.edges)
        try describeRuns(old: sides.old.nodes, newStore: newStore)
    }

    /// What the changed files of one state hold.
    private struct FileSide {
        var types: [Int64: TypeRecord] = [:]
        var nodes: [NodeKey: NodeFields] = [:]
        var edges: Set<EdgeFile.Edge> = []

        mutating func add(_ parsed: ParsedFile, side: String, problems: inout [StoreError]) {
            switch parsed {
            case .type(let record): types[record.id] = record
            case .artifact(let node): nodes[NodeKey(kind: .artifact, id: node.id!)] = NodeFields(node)
            case .execution(let node): nodes[NodeKey(kind: .execution, id: node.id!)] = NodeFields(node)
            case .context(let node): nodes[NodeKey(kind: .context, id: node.id!)] = NodeFields(node)
            // Contexts' times are not compared (nor are nodes' times, FieldChange).
            case .edges(let lines): edges.formUnion(lines.filter { if case .contextTimes = $0 { false } else { true } })
            // Where imported entities came from is bookkeeping, not metadata a diff reports.
            case .origins: break
            case .problem(let error):
                problems.append(StoreError(error.code, "\(side): \(error.message)", path: error.path, line: error.line))
            }
        }
    }

    private struct NodeKey: Hashable, Comparable {
        var kind: NodeKind
        var id: Int64

        static func < (a: NodeKey, b: NodeKey) -> Bool {
            let order: [NodeKind] = [.artifact, .execution, .context]
            return (order.firstIndex(of: a.kind)!, a.id) < (order.firstIndex(of: b.kind)!, b.id)
        }
    }

    /// A node reduced to what a diff shows.
    private struct NodeFields {
        var type: String
        var typeID: Int64
        var name: String?
        var state: String?
        var uri: String?
        var createTime: Int64?
        var fields: [String: Value]

        init(_ node: some Node) {
            type = node.type ?? ""
            typeID = node.typeID ?? 0
            name = node.name
            fields = node.comparableFields
            state = fields["state"]?.stringValue ?? fields["last_known_state"]?.stringValue
            uri = (node as? Artifact)?.uri
            createTime = node.createTimeSinceEpoch
        }
    }

    private mutating func compareTypes(_ old: [Int64: TypeRecord], _ new: [Int64: TypeRecord]) {
        for id in Set(old.keys).union(new.keys).sorted() {
            switch (old[id], new[id]) {
            case (nil, let added?):
                types.append(TypeChange(kind: added.kind, id: id, name: added.stem, change: .added, fields: []))
            case (let removed?, nil):
                types.append(TypeChange(kind: removed.kind, id: id, name: removed.stem, change: .removed, fields: []))
            case (let before?, let after?):
                var fields = FieldChange.changes(before.comparableFields, after.comparableFields)
                guard !fields.isEmpty else { continue }
                let renamed = before.stem != after.stem
                if renamed { fields.removeAll { $0.field == "name" || $0.field == "version" } }
                types.append(TypeChange(kind: after.kind, id: id, name: after.stem, oldName: renamed ? before.stem : nil,
                                        change: renamed ? .renamed : .changed, fields: fields))
            case (nil, nil):
                continue
            }
        }
        types.sort { ($0.kind.rawValue, $0.name) < ($1.kind.rawValue, $1.name) }
    }

    private mutating func compareNodes(_ old: [NodeKey: NodeFields], _ new: [NodeKey: NodeFields]) {
        for key in Set(old.keys).union(new.keys).sorted() {
            let before = old[key], after = new[key]
            let current = (after ?? before)!
            var change = NodeChange(kind: key.kind, id: key.id, type: current.type, name: current.name, change: .changed, fields: [],
                                    state: current.state, uri: current.uri, createTime: current.createTime)
            switch (before, after) {
            case (nil, _): change.change = .added
            case (_, nil): change.change = .removed
            case (let before?, let after?):
                change.fields = FieldChange.changes(before.fields, after.fields)
                if change.fields.isEmpty { continue }
            }
            nodes.append(change)
        }
    }

    /// A type removed and another added, with nodes moving from the first to the second, is one
    /// type renamed; the nodes' `type` field then follows from the rename and is not repeated.
    private mutating func foldTypeRenames() {
        var renames: [String: String] = [:]   // "<kind>/<old name>" → new name
        for node in nodes where node.change == .changed {
            guard let field = node.fields.first(where: { $0.field == "type" }),
                  let oldName = field.old?.stringValue, let newName = field.new?.stringValue else { continue }
            renames["\(node.kind.typeKind.rawValue)/\(oldName)"] = newName
        }
        for (key, newName) in renames {
            let kind = TypeKind(rawValue: String(key.split(separator: "/")[0]))!
            let oldName = String(key.dropFirst(kind.rawValue.count + 1))
            if let removed = types.firstIndex(where: { $0.kind == kind && $0.name == oldName && $0.change == .removed }),
               let added = types.firstIndex(where: { $0.kind == kind && $0.name == newName && $0.change == .added }) {
                types[added].change = .renamed
                types[added].oldName = oldName
                types.remove(at: removed)
            }
        }
        let renamed = Dictionary(uniqueKeysWithValues: types.indices.filter { types[$0].change == .renamed }
            .map { ("\(types[$0].kind.rawValue)/\(types[$0].oldName!)→\(types[$0].name)", $0) })
        nodes = nodes.compactMap { node in
            var node = node
            node.fields.removeAll { field in
                guard field.field == "type",
                      let type = renamed["\(node.kind.typeKind.rawValue)/\(field.old?.stringValue ?? "")→\(field.new?.stringValue ?? "")"] else { return false }
                types[type].nodesMoved += 1
                return true
            }
            return node.change == .changed && node.fields.isEmpty ? nil : node
        }
    }

    private mutating func compareEdges(_ old: Set<EdgeFile.Edge>, _ new: Set<EdgeFile.Edge>) {
        // In edge-file order (by line), each line encoded once.
        func sorted(_ edges: Set<EdgeFile.Edge>) -> [EdgeFile.Edge] {
            edges.map { (line: $0.line, edge: $0) }.sorted { $0.line.lexicographicallyPrecedes($1.line) }.map(\.edge)
        }
        for edge in sorted(new.subtracting(old)) { self.edges.insert(edge, added: true) }
        for edge in sorted(old.subtracting(new)) { self.edges.insert(edge, added: false) }
    }

    /// Runs whose context was added or removed, or whose executions were added or changed.
    private mutating func describeRuns(old: [NodeKey: NodeFields], newStore: () throws -> MetadataStore?) throws {
        let runTypes = Set(PipelineRun.runContextTypes)
        let runContexts = nodes.filter { $0.kind == .context && runTypes.contains($0.type) }
        let executions = nodes.filter { $0.kind == .execution && $0.change != .removed }
        for removed in runContexts where removed.change == .removed {
            runs.append(RunChange(change: .removed, id: removed.id, name: removed.name ?? ""))
        }
        guard storeExistsAfter, runContexts.contains(where: { $0.change != .removed }) || !executions.isEmpty,
              let store = try newStore() else { return }
        var affected: [Int64: Context] = [:]
        for context in try store.getContextsByID(runContexts.filter { $0.change != .removed }.map(\.id)) {
            affected[context.id!] = context
        }
        for execution in executions {
            for context in try store.getContextsByExecution(execution.id) where runTypes.contains(context.type ?? "") {
                affected[context.id!] = context
            }
        }
        let addedContexts = Set(runContexts.filter { $0.change == .added }.map(\.id))
        var described: [RunChange] = []
        for context in affected.values {
            let details = try store.runDetails(context)
            var change = RunChange(change: addedContexts.contains(context.id!) ? .added : .changed, id: context.id!,
                                   name: context.name ?? "", details: details)
            if change.change == .changed {
                for step in details.steps {
                    let id = step.execution.id!
                    if let before = old[NodeKey(kind: .execution, id: id)] {
                        if let state = before.state { change.previousStates[id] = state }
                    } else if executions.contains(where: { $0.id == id && $0.change == .added }) {
                        change.addedExecutions.insert(id)
                    }
                }
            }
            described.append(change)
        }
        described.sort { ($0.details!.run.startTime, $0.id) < ($1.details!.run.startTime, $1.id) }
        runs = described + runs
    }
}

extension EdgeChanges {
    /// Files an edge under the added or removed edges of its kind.
    mutating func insert(_ edge: EdgeFile.Edge, added: Bool) {
        switch edge {
        case .event(let event): if added { addedEvents.append(event) } else { removedEvents.append(event) }
        case .attribution(let edge): if added { addedAttributions.append(edge) } else { removedAttributions.append(edge) }
        case .association(let edge): if added { addedAssociations.append(edge) } else { removedAssociations.append(edge) }
        case .parentContext(let edge): if added { addedParentContexts.append(edge) } else { removedParentContexts.append(edge) }
        case .contextTimes: break
        }
    }
}
