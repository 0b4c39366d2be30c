import Foundation
import GRDB
import MLMetadata

/// Reads an MLMD SQLite database (schema 7–10, as MLMD 1.1–1.17 and the TFX releases on them
/// write it) into an ``MLMDGraph``, without MLMD and without changing the file.
///
/// The whole read is one SQLite read transaction, so a pipeline writing the database meanwhile
/// is seen either before or after each of its writes, never half-way.
///
/// ```swift
/// let graph = try MLMDSQLiteReader(path: "metadata.sqlite").read()
/// print(graph.counts)   // 12 types, 2,418 artifacts, …
/// ```
public struct MLMDSQLiteReader: Sendable {
    /// The database file, as given.
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The schema version in the file's `MLMDEnv` table.
    public func schemaVersion() throws -> Int64 {
        try withDatabase { db in try version(db) }
    }

    /// Everything in the database. Throws a ``StoreError`` naming the file (and the table, row
    /// and column) when it is not an MLMD database, has a schema this reader does not know, or
    /// holds a row MLMD itself could not read.
    public func read() throws -> MLMDGraph {
        try withDatabase { db in
            let version = try version(db)
            guard MLMDSQLiteSchema.readable.contains(version) else {
                throw StoreError(.failedPrecondition,
                                 "MLMD schema version \(version) (\(MLMDSQLiteSchema.releases(of: version))) is not one this import reads "
                                 + "(versions 7–10, MLMD 1.1–1.17)"
                                 + (version < 7 ? "; upgrade the database with MLMD 1.17 first (enable_upgrade_migration=True)" : ""),
                                 path: path, field: "MLMDEnv.schema_version")
            }
            return try Tables(db: db, version: version, path: path).graph()
        }
    }

    private func version(_ db: Database) throws -> Int64 {
        guard try db.tableExists("MLMDEnv") else {
            throw StoreError(.failedPrecondition, "not an MLMD database: it has no MLMDEnv table", path: path)
        }
        let versions = try Int64.fetchAll(db, sql: "SELECT schema_version FROM MLMDEnv")
        guard versions.count == 1, let version = versions.first else {
            throw StoreError(.failedPrecondition, "not an MLMD database: MLMDEnv holds \(versions.count) schema versions, not one",
                             path: path, field: "MLMDEnv.schema_version")
        }
        return version
    }

    /// Opens the file read-only (never creating it) and runs `body` in one read transaction;
    /// SQLite's errors become store errors that name the file.
    private func withDatabase<T>(_ body: (Database) throws -> T) throws -> T {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.notFound, "no such file", path: path)
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "mlmd import"
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            return try queue.read(body)
        } catch let error as DatabaseError {
            throw Self.storeError(error, path: path)
        }
    }

    static func storeError(_ error: DatabaseError, path: String) -> StoreError {
        let message = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        let (code, text): (StoreError.Code, String) = switch error.resultCode {
        case .SQLITE_NOTADB: (.failedPrecondition, "not an MLMD database: not an SQLite file (\(message))")
        case .SQLITE_CORRUPT: (.dataLoss, "the database is corrupt (\(message)); nothing was imported")
        case .SQLITE_BUSY, .SQLITE_LOCKED: (.unavailable, "the database is locked by another process (\(message)); try again")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY: (.permissionDenied, "cannot open the database (\(message))")
        case .SQLITE_ERROR: (.failedPrecondition, "not an MLMD database of a known schema (\(message))")
        default: (.internal, "cannot read the database (\(message))")
        }
        return StoreError(code, text, path: path,
                          underlying: StoreError.Underlying(domain: "sqlite", code: error.extendedResultCode.rawValue))
    }
}

/// The reading of one database's tables.
private struct Tables {
    let db: Database
    let version: Int64
    let path: String

    func graph() throws -> MLMDGraph {
        var graph = MLMDGraph()
        let types = try readTypes()
        graph.artifactTypes = types.artifact
        graph.executionTypes = types.execution
        graph.contextTypes = types.context
        let typeNames = types.names
        let properties = try readProperties(table: "ArtifactProperty", idColumn: "artifact_id")
        let times = "create_time_since_epoch, last_update_time_since_epoch"
        graph.artifacts = try nodes(sql: "SELECT id, type_id, uri, state, name, \(externalID), \(times) FROM Artifact ORDER BY id",
                                    table: "Artifact", typeNames: typeNames.artifact, properties: properties) { row, id in
            Artifact(id: id, name: row[4], uri: row[2], externalID: row[5],
                     state: try enumValue(row[3], as: Artifact.State.self, "Artifact.State", table: "Artifact", id: id, column: "state"))
        }
        let executionProperties = try readProperties(table: "ExecutionProperty", idColumn: "execution_id")
        graph.executions = try nodes(sql: "SELECT id, type_id, NULL, last_known_state, name, \(externalID), \(times) FROM Execution ORDER BY id",
                                     table: "Execution", typeNames: typeNames.execution, properties: executionProperties) { row, id in
            Execution(id: id, name: row[4], externalID: row[5],
                      lastKnownState: try enumValue(row[3], as: Execution.State.self, "Execution.State", table: "Execution", id: id, column: "last_known_state"))
        }
        let contextProperties = try readProperties(table: "ContextProperty", idColumn: "context_id")
        graph.contexts = try nodes(sql: "SELECT id, type_id, NULL, NULL, name, \(externalID), \(times) FROM Context ORDER BY id",
                                   table: "Context", typeNames: typeNames.context, properties: contextProperties) { row, id in
            guard let name: String = row[4] else { throw problem("Context", id: id, column: "name", "a context without a name") }
            return Context(id: id, name: name, externalID: row[5])
        }
        graph.events = try readEvents()
        graph.attributions = try Row.fetchAll(db, sql: "SELECT artifact_id, context_id FROM Attribution ORDER BY id").map {
            Attribution(artifactID: $0[0], contextID: $0[1])
        }
        graph.associations = try Row.fetchAll(db, sql: "SELECT execution_id, context_id FROM Association ORDER BY id").map {
            Association(executionID: $0[0], contextID: $0[1])
        }
        graph.parentContexts = try Row.fetchAll(db, sql: "SELECT context_id, parent_context_id FROM ParentContext ORDER BY context_id, parent_context_id").map {
            ParentContext(childID: $0[0], parentID: $0[1])
        }
        return graph
    }

    /// `external_id`, or NULL before schema 9.
    private var externalID: String { MLMDSQLiteSchema.hasExternalIDs(version) ? "external_id" : "NULL" }

    /// An enum column (a state, an event type): nil for NULL, an error for a number the enum lacks.
    private func enumValue<E: ProtoEnum>(_ number: Int64?, as: E.Type, _ name: String, table: String, id: Int64, column: String) throws -> E? {
        guard let number else { return nil }
        guard let value = E(number: Int(truncatingIfNeeded: number)) else {
            throw problem(table, id: id, column: column, "\(column) \(number) is not an \(name)")
        }
        return value
    }

    private func problem(_ table: String, id: Int64, column: String, _ message: String) -> StoreError {
        StoreError(.dataLoss, "\(table) \(id): \(message)", path: path, field: "\(table).\(column)")
    }

    // MARK: - Types

    private struct Types {
        var artifact: [ArtifactType] = []
        var execution: [ExecutionType] = []
        var context: [ContextType] = []
        var names: (artifact: [Int64: String], execution: [Int64: String], context: [Int64: String]) = ([:], [:], [:])
    }

    private func readTypes() throws -> Types {
        var properties: [Int64: [String: PropertyType]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT type_id, name, data_type FROM TypeProperty") {
            let typeID: Int64 = row[0]
            let name: String = row[1]
            let number: Int64? = row[2]
            guard let number, let kind = PropertyType(number: Int(truncatingIfNeeded: number)) else {
                throw problem("TypeProperty", id: typeID, column: "data_type", "property '\(name)' has data_type \(number.map(String.init) ?? "NULL"), not a PropertyType")
            }
            properties[typeID, default: [:]][name] = kind
        }
        var parents: [Int64: [Int64]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT type_id, parent_type_id FROM ParentType") {
            parents[row[0], default: []].append(row[1])
        }
        var types = Types()
        var systemNames: [Int64: String] = [:]
        let rows = try Row.fetchAll(db, sql: "SELECT id, name, version, type_kind, description, input_type, output_type, \(externalID) FROM Type ORDER BY id")
        for row in rows {
            let id: Int64 = row[0]
            let name: String = row[1]
            let kindNumber: Int64 = row[3]
            if (kindNumber == MLMDSQLiteSchema.TypeKindNumber.artifact.rawValue && MLMDSQLiteSchema.systemArtifactTypes[name] != nil)
                || (kindNumber == MLMDSQLiteSchema.TypeKindNumber.execution.rawValue && MLMDSQLiteSchema.systemExecutionTypes[name] != nil) {
                systemNames[id] = name
            }
        }
        for row in rows {
            let id: Int64 = row[0]
            guard systemNames[id] == nil else { continue }
            let name: String = row[1]
            let version: String? = row[2]
            let kindNumber: Int64 = row[3]
            let description: String? = row[4]
            let externalID: String? = row[7]
            for (column, index) in [("input_type", 5), ("output_type", 6)] {
                if let text: String = row[index], !text.isEmpty {
                    throw StoreError(.unimplemented, "type \(id) '\(name)' has an \(column) (deprecated in MLMD), which the store does not keep; "
                                     + "nothing was imported", path: path, field: "Type.\(column)")
                }
            }
            let baseNames = (parents[id] ?? []).map { systemNames[$0] }
            guard baseNames.count <= 1, baseNames.allSatisfy({ $0 != nil }) else {
                throw problem("Type", id: id, column: "id", "'\(name)' has parent types \(parents[id] ?? []), not one system base type")
            }
            let baseName = baseNames.first.flatMap { $0 }
            let declared = properties[id] ?? [:]
            switch MLMDSQLiteSchema.TypeKindNumber(rawValue: kindNumber) {
            case .artifact:
                let base = baseName.flatMap { MLMDSQLiteSchema.systemArtifactTypes[$0] }.flatMap { ArtifactType.BaseType(number: $0) }
                guard baseName == nil || base != nil else {
                    throw problem("Type", id: id, column: "id", "artifact type '\(name)' has the base type \(baseName ?? ""), an execution type")
                }
                types.artifact.append(ArtifactType(id: id, name: name, version: version, description: description, externalID: externalID,
                                                   properties: declared, baseType: base))
                types.names.artifact[id] = name
            case .execution:
                let base = baseName.flatMap { MLMDSQLiteSchema.systemExecutionTypes[$0] }.flatMap { ExecutionType.BaseType(number: $0) }
                guard baseName == nil || base != nil else {
                    throw problem("Type", id: id, column: "id", "execution type '\(name)' has the base type \(baseName ?? ""), an artifact type")
                }
                types.execution.append(ExecutionType(id: id, name: name, version: version, description: description, externalID: externalID,
                                                     properties: declared, baseType: base))
                types.names.execution[id] = name
            case .context:
                guard baseName == nil else { throw problem("Type", id: id, column: "id", "context type '\(name)' has a base type") }
                types.context.append(ContextType(id: id, name: name, version: version, description: description, externalID: externalID,
                                                 properties: declared))
                types.names.context[id] = name
            case nil:
                throw problem("Type", id: id, column: "type_kind", "'\(name)' has type_kind \(kindNumber), not 0, 1 or 2")
            }
        }
        return types
    }

    // MARK: - Nodes

    private typealias Properties = [Int64: (properties: [String: Value], custom: [String: Value])]

    private func readProperties(table: String, idColumn: String) throws -> Properties {
        let modern = MLMDSQLiteSchema.hasProtoAndBoolValues(version)
        let sql = "SELECT \(idColumn), name, is_custom_property, int_value, double_value, string_value, byte_value, "
            + (modern ? "proto_value, bool_value" : "NULL, NULL") + " FROM \(table)"
        var result: Properties = [:]
        let rows = try Row.fetchCursor(db, sql: sql)
        while let row = try rows.next() {
            let id: Int64 = row[0]
            let name: String = row[1]
            let isCustom: Int64 = row[2]
            let columns = PropertyValueCodec.Columns(int: row[3], double: row[4], string: row[5], bytes: bytes(row[6]),
                                                     proto: bytes(row[7]), bool: row[8])
            let value: Value
            do {
                value = try PropertyValueCodec.decode(columns)
            } catch {
                throw StoreError(.dataLoss, "\(table) of \(idColumn) \(id), \(isCustom != 0 ? "custom property" : "property") '\(name)': \(error.message)",
                                 path: path, field: "\(table).\(error.column)")
            }
            if isCustom != 0 {
                result[id, default: ([:], [:])].custom[name] = value
            } else {
                result[id, default: ([:], [:])].properties[name] = value
            }
        }
        return result
    }

    /// A BLOB or TEXT column's bytes (MLMD writes base64 text into `proto_value`).
    private func bytes(_ value: DatabaseValue) -> [UInt8]? {
        switch value.storage {
        case .blob(let data): Array(data)
        case .string(let text): Array(text.utf8)
        default: nil
        }
    }

    /// Reads one node table. Columns: 0 id, 1 type_id, 2–5 kind-specific (uri, state, name,
    /// external_id), 6 create time, 7 update time.
    private func nodes<N: Node>(sql: String, table: String, typeNames: [Int64: String], properties: Properties,
                                make: (Row, Int64) throws -> N) throws -> [N] {
        var nodes: [N] = []
        let rows = try Row.fetchCursor(db, sql: sql)
        while let row = try rows.next() {
            let id: Int64 = row[0]
            let typeID: Int64 = row[1]
            guard let typeName = typeNames[typeID] else {
                throw problem(table, id: id, column: "type_id", "type_id \(typeID) is not a type of this kind in the database")
            }
            var node = try make(row, id)
            node.typeID = typeID
            node.type = typeName
            node.createTimeSinceEpoch = row[6]
            node.lastUpdateTimeSinceEpoch = row[7]
            if let values = properties[id] {
                node.properties = values.properties
                node.customProperties = values.custom
            }
            nodes.append(node)
        }
        return nodes
    }

    // MARK: - Events

    private func readEvents() throws -> [Event] {
        var paths: [Int64: [Event.Step]] = [:]
        let steps = try Row.fetchCursor(db, sql: "SELECT event_id, is_index_step, step_index, step_key FROM EventPath ORDER BY event_id, rowid")
        while let row = try steps.next() {
            let eventID: Int64 = row[0]
            let isIndex: Int64 = row[1]
            if isIndex != 0 {
                guard let index: Int64 = row[2] else {
                    throw problem("EventPath", id: eventID, column: "step_index", "an index step without an index")
                }
                paths[eventID, default: []].append(.index(index))
            } else {
                guard let key: String = row[3] else {
                    throw problem("EventPath", id: eventID, column: "step_key", "a key step without a key")
                }
                paths[eventID, default: []].append(.key(key))
            }
        }
        var events: [Event] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT id, artifact_id, execution_id, type, milliseconds_since_epoch FROM Event ORDER BY id")
        while let row = try rows.next() {
            let id: Int64 = row[0]
            let kind = try enumValue(row[3] as Int64, as: Event.Kind.self, "Event.Type", table: "Event", id: id, column: "type")
            events.append(Event(artifactID: row[1], executionID: row[2], path: paths[id], type: kind, millisecondsSinceEpoch: row[4]))
        }
        return events
    }
}
