extension MetadataStore {
    /// Records that executions read or wrote artifacts (MLMD's `PutEvents`). Both ends must
    /// exist; an event with the same (artifact, execution, type) must not. Events are immutable.
    public func putEvents(_ events: [Event]) throws {
        try core.write { transaction in
            for (position, event) in events.enumerated() {
                try atRequest(position) {
                    try transaction.addEvent(event, label: "events[\(position)]")
                }
            }
        }
    }

    /// Links artifacts and executions to contexts (MLMD's `PutAttributionsAndAssociations`).
    /// Every id must exist; links that already exist are left as they are.
    public func putAttributionsAndAssociations(attributions: [Attribution], associations: [Association]) throws {
        try core.write { transaction in
            for (position, edge) in attributions.enumerated() {
                try atRequest(position) {
                    let label = "attributions[\(position)]"
                    guard try transaction.reader.nodeExists(kind: .artifact, id: edge.artifactID) else {
                        throw StoreError.invalidArgument("\(label): Artifact id not found. (\(edge.artifactID))")
                    }
                    guard try transaction.reader.nodeExists(kind: .context, id: edge.contextID) else {
                        throw StoreError.invalidArgument("\(label): Context id not found. (\(edge.contextID))")
                    }
                    try transaction.addAttributionIfMissing(edge)
                }
            }
            for (position, edge) in associations.enumerated() {
                try atRequest(position) {
                    let label = "associations[\(position)]"
                    guard try transaction.reader.nodeExists(kind: .execution, id: edge.executionID) else {
                        throw StoreError.invalidArgument("\(label): Execution id not found. (\(edge.executionID))")
                    }
                    guard try transaction.reader.nodeExists(kind: .context, id: edge.contextID) else {
                        throw StoreError.invalidArgument("\(label): Context id not found. (\(edge.contextID))")
                    }
                    try transaction.addAssociationIfMissing(edge)
                }
            }
        }
    }

    /// Nests contexts (MLMD's `PutParentContexts`). Both contexts must exist and differ; an
    /// existing link is `.alreadyExists`; a link that would close a cycle is `.invalidArgument`.
    public func putParentContexts(_ parentContexts: [ParentContext]) throws {
        try core.write { transaction in
            for (position, edge) in parentContexts.enumerated() {
                try atRequest(position) {
                    let label = "parent_contexts[\(position)]"
                    guard edge.childID != edge.parentID,
                        try transaction.reader.nodeExists(kind: .context, id: edge.childID),
                        try transaction.reader.nodeExists(kind: .context, id: edge.parentID)
                    else {
                        throw StoreError.invalidArgument("\(label): Given parent / child id in the parent_context cannot be found: "
                            + "child_id: \(edge.childID) parent_id: \(edge.parentID)")
                    }
                    guard try !transaction.reader.parentContextExists(edge) else {
                        throw StoreError.alreadyExists("\(label): Given parent_context already exists: child_id: \(edge.childID) parent_id: \(edge.parentID)")
                    }
                    // The new link closes a cycle when the child is already above the parent.
                    guard try !transaction.reader.isAncestor(edge.childID, of: edge.parentID) else {
                        throw StoreError.invalidArgument("\(label): There is a cycle detected of the given relationship: "
                            + "context \(edge.childID) is already an ancestor of context \(edge.parentID)")
                    }
                    try transaction.add(.parentContext(edge))
                }
            }
        }
    }
}

extension WriteTransaction {
    /// Validates and adds one event, as MLMD's `CreateEvent` does.
    func addEvent(_ event: Event, label: String) throws {
        guard let artifactID = event.artifactID else { throw StoreError.invalidArgument("\(label): No artifact id is specified.") }
        guard let executionID = event.executionID else { throw StoreError.invalidArgument("\(label): No execution id is specified.") }
        guard let type = event.type, type != .unknown else { throw StoreError.invalidArgument("\(label): No event type is specified.") }
        guard try reader.nodeExists(kind: .artifact, id: artifactID) else {
            throw StoreError.invalidArgument("\(label): No artifact with the given id \(artifactID)")
        }
        guard try reader.nodeExists(kind: .execution, id: executionID) else {
            throw StoreError.invalidArgument("\(label): No execution with the given id \(executionID)")
        }
        guard try !reader.eventExists(artifactID: artifactID, executionID: executionID, type: type) else {
            throw StoreError.alreadyExists("\(label): Given event already exists: artifact_id: \(artifactID) execution_id: \(executionID) type: \(type.rawValue)")
        }
        if let path = event.path {
            for (index, step) in path.enumerated() {
                guard case .key(let key) = step else { continue }
                try NameRules.checkIdentifierText(key, what: "\(label): event path key", field: "path.steps[\(index)].key")
            }
        }
        var event = event
        if event.millisecondsSinceEpoch == nil { event.millisecondsSinceEpoch = now }
        try add(.event(event))
    }

    func addAttributionIfMissing(_ edge: Attribution) throws {
        if try !reader.attributionExists(edge) { try add(.attribution(edge)) }
    }

    func addAssociationIfMissing(_ edge: Association) throws {
        if try !reader.associationExists(edge) { try add(.association(edge)) }
    }
}
