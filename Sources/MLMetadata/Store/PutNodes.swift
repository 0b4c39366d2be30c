extension MetadataStore {
    /// Inserts artifacts without an id and updates those with one (MLMD's `PutArtifacts`),
    /// all or nothing. Returns the ids in input order.
    ///
    /// - Parameters:
    ///   - fieldMask: update only these paths (`uri`, `state`, `external_id`, `properties`,
    ///     `custom_properties`, `properties.<key>`, `custom_properties.<key>`); a listed key the
    ///     artifact lacks is deleted. Empty: the given artifact replaces the stored one. Ignored on inserts.
    ///   - abortIfLatestUpdatedTimeChanged: fail with `.failedPrecondition` unless each updated
    ///     artifact's `lastUpdateTimeSinceEpoch` equals the stored one (optimistic concurrency).
    @discardableResult
    public func putArtifacts(_ artifacts: [Artifact], fieldMask: [String] = [],
                             abortIfLatestUpdatedTimeChanged: Bool = false) throws -> [Int64] {
        try putNodes(artifacts, label: "artifacts", fieldMask: fieldMask, abort: abortIfLatestUpdatedTimeChanged)
    }

    /// Inserts or updates executions (MLMD's `PutExecutions`); see ``putArtifacts(_:fieldMask:abortIfLatestUpdatedTimeChanged:)``.
    /// Mask paths: `last_known_state`, `external_id`, `properties…`, `custom_properties…`.
    @discardableResult
    public func putExecutions(_ executions: [Execution], fieldMask: [String] = [],
                              abortIfLatestUpdatedTimeChanged: Bool = false) throws -> [Int64] {
        try putNodes(executions, label: "executions", fieldMask: fieldMask, abort: abortIfLatestUpdatedTimeChanged)
    }

    /// Inserts or updates contexts (MLMD's `PutContexts`); see ``putArtifacts(_:fieldMask:abortIfLatestUpdatedTimeChanged:)``.
    /// A context needs a name, unique within its type; unlike artifacts, it can be renamed.
    /// Mask paths: `name`, `external_id`, `properties…`, `custom_properties…`.
    @discardableResult
    public func putContexts(_ contexts: [Context], fieldMask: [String] = [],
                            abortIfLatestUpdatedTimeChanged: Bool = false) throws -> [Int64] {
        try putNodes(contexts, label: "contexts", fieldMask: fieldMask, abort: abortIfLatestUpdatedTimeChanged)
    }

    private func putNodes<N: NodeCoding>(_ nodes: [N], label: String, fieldMask: [String], abort: Bool) throws -> [Int64] {
        let options = UpsertOptions(fieldMask: fieldMask, abortIfLatestUpdatedTimeChanged: abort)
        return try core.write { transaction in
            try nodes.enumerated().map { position, node in
                try atRequest(position) { try transaction.upsert(node, label: "\(label)[\(position)]", options: options) }
            }
        }
    }
}
