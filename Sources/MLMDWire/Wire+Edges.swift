import MLMDServiceProtocol
import MLMDInterchange
import MLMetadata

// Events and the three context edges between the wire and the model.

extension Event {
    package init(wire: MlMetadata_Event, field: String) throws(StoreError) {
        try refuseSystemMetadata(wire.hasSystemMetadata, field: field)
        let path: [Step]? = wire.hasPath ? wire.path.steps.map { step in
            switch step.value {
            case .index(let index)?: .index(index)
            case .key(let key)?: .key(key)
            // An empty step is kept as MLMD keeps it: an index step with no value reads back as 0.
            case nil: .index(0)
            }
        } : nil
        self.init(artifactID: wire.hasArtifactID ? wire.artifactID : nil,
                  executionID: wire.hasExecutionID ? wire.executionID : nil,
                  path: path,
                  type: wire.hasType ? Kind(number: wire.type.rawValue) : nil,
                  millisecondsSinceEpoch: wire.hasMillisecondsSinceEpoch ? wire.millisecondsSinceEpoch : nil)
    }

    package var wire: MlMetadata_Event {
        var wire = MlMetadata_Event()
        if let artifactID { wire.artifactID = artifactID }
        if let executionID { wire.executionID = executionID }
        if let path {
            var steps = MlMetadata_Event.Path()
            steps.steps = path.map { step in
                var wireStep = MlMetadata_Event.Path.Step()
                switch step {
                case .index(let index): wireStep.index = index
                case .key(let key): wireStep.key = key
                }
                return wireStep
            }
            wire.path = steps
        }
        if let type, let number = MlMetadata_Event.TypeEnum(rawValue: type.number) { wire.type = number }
        if let millisecondsSinceEpoch { wire.millisecondsSinceEpoch = millisecondsSinceEpoch }
        return wire
    }
}

/// The id a context edge needs, or INVALID_ARGUMENT naming the missing field.
private func requiredID(_ isSet: Bool, _ value: Int64, field: String, _ name: String) throws(StoreError) -> Int64 {
    guard isSet else { throw StoreError(.invalidArgument, "\(field): \(name) is missing", field: name) }
    return value
}

extension Attribution {
    package init(wire: MlMetadata_Attribution, field: String) throws(StoreError) {
        try refuseSystemMetadata(wire.hasSystemMetadata, field: field)
        self.init(artifactID: try requiredID(wire.hasArtifactID, wire.artifactID, field: field, "artifact_id"),
                  contextID: try requiredID(wire.hasContextID, wire.contextID, field: field, "context_id"))
    }

    package var wire: MlMetadata_Attribution {
        var wire = MlMetadata_Attribution()
        wire.artifactID = artifactID
        wire.contextID = contextID
        return wire
    }
}

extension Association {
    package init(wire: MlMetadata_Association, field: String) throws(StoreError) {
        try refuseSystemMetadata(wire.hasSystemMetadata, field: field)
        self.init(executionID: try requiredID(wire.hasExecutionID, wire.executionID, field: field, "execution_id"),
                  contextID: try requiredID(wire.hasContextID, wire.contextID, field: field, "context_id"))
    }

    package var wire: MlMetadata_Association {
        var wire = MlMetadata_Association()
        wire.executionID = executionID
        wire.contextID = contextID
        return wire
    }
}

extension ParentContext {
    package init(wire: MlMetadata_ParentContext, field: String) throws(StoreError) {
        try refuseSystemMetadata(wire.hasSystemMetadata, field: field)
        self.init(childID: try requiredID(wire.hasChildID, wire.childID, field: field, "child_id"),
                  parentID: try requiredID(wire.hasParentID, wire.parentID, field: field, "parent_id"))
    }
}
