import Foundation
import GRDB
import MLMetadata

/// Writes an ``MLMDGraph`` as an MLMD SQLite database of schema 10, which MLMD 1.11–1.17 open
/// without migration and read back exactly (ids included).
///
/// The file is built under a temporary name next to `path` and renamed into place when complete,
/// so a failed or killed export leaves no half-written database.
public struct MLMDSQLiteWriter: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Writes the database. Throws `.alreadyExists` when `path` exists and `replacing` is false.
    public func write(_ graph: MLMDGraph, replacing: Bool = false) throws {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: path) && !replacing {
            throw StoreError(.alreadyExists, "the file exists; pass --force to replace it", path: path)
        }
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        try? fileManager.removeItem(atPath: temporary)
        do {
            var configuration = Configuration()
            configuration.label = "mlmd export"
            // MLMD itself uses SQLite's default rollback journal; a fresh file needs none while it is built.
            configuration.journalMode = .default
            let queue = try DatabaseQueue(path: temporary, configuration: configuration)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = OFF")
                try db.inTransaction {
                    try MLMDSQLiteDDL.create(db)
                    try Rows(db: db).insert(graph)
                    return .commit
                }
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
            }
            try queue.close()
            if replacing { try? fileManager.removeItem(atPath: path) }
            try fileManager.moveItem(atPath: temporary, toPath: path)
        } catch let error as DatabaseError {
            try? fileManager.removeItem(atPath: temporary)
            throw MLMDSQLiteReader.storeError(error, path: path)
        } catch {
            try? fileManager.removeItem(atPath: temporary)
            throw error
        }
    }
}

/// The inserts of one export.
private struct Rows {
    let db: Database

    func insert(_ graph: MLMDGraph) throws {
        let systemTypes = try insertSystemTypes(avoiding: Set(graph.artifactTypes.compactMap(\.id) + graph.executionTypes.compactMap(\.id)
                                                               + graph.contextTypes.compactMap(\.id)))
        let type = try db.makeStatement(sql: "INSERT INTO Type(id, name, version, type_kind, description, external_id) VALUES (?, ?, ?, ?, ?, ?)")
        let property = try db.makeStatement(sql: "INSERT INTO TypeProperty(type_id, name, data_type) VALUES (?, ?, ?)")
        let parent = try db.makeStatement(sql: "INSERT INTO ParentType(type_id, parent_type_id) VALUES (?, ?)")
        func insertType<T: MetadataType>(_ value: T, kind: MLMDSQLiteSchema.TypeKindNumber, base: Int64?) throws {
            guard let id = value.id else { return }
            try type.execute(arguments: [id, value.name, value.version, kind.rawValue, value.description, value.externalID])
            for (name, propertyType) in value.properties.sorted(by: { $0.key < $1.key }) {
                try property.execute(arguments: [id, name, propertyType.number])
            }
            if let base { try parent.execute(arguments: [id, base]) }
        }
        for value in graph.artifactTypes {
            try insertType(value, kind: .artifact, base: value.baseType.flatMap { systemTypes.artifact[$0.number] })
        }
        for value in graph.executionTypes {
            try insertType(value, kind: .execution, base: value.baseType.flatMap { systemTypes.execution[$0.number] })
        }
        for value in graph.contextTypes { try insertType(value, kind: .context, base: nil) }

        let artifact = try db.makeStatement(sql: """
            INSERT INTO Artifact(id, type_id, uri, state, name, external_id, create_time_since_epoch, last_update_time_since_epoch)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let artifactProperty = try propertyStatement(table: "ArtifactProperty", idColumn: "artifact_id")
        for node in graph.artifacts {
            try artifact.execute(arguments: [node.id, node.typeID, node.uri, node.state?.number, node.name, node.externalID,
                                             node.createTimeSinceEpoch ?? 0, node.lastUpdateTimeSinceEpoch ?? 0])
            try insertProperties(of: node, with: artifactProperty)
        }
        let execution = try db.makeStatement(sql: """
            INSERT INTO Execution(id, type_id, last_known_state, name, external_id, create_time_since_epoch, last_update_time_since_epoch)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        let executionProperty = try propertyStatement(table: "ExecutionProperty", idColumn: "execution_id")
        for node in graph.executions {
            try execution.execute(arguments: [node.id, node.typeID, node.lastKnownState?.number, node.name, node.externalID,
                                              node.createTimeSinceEpoch ?? 0, node.lastUpdateTimeSinceEpoch ?? 0])
            try insertProperties(of: node, with: executionProperty)
        }
        let context = try db.makeStatement(sql: """
            INSERT INTO Context(id, type_id, name, external_id, create_time_since_epoch, last_update_time_since_epoch) VALUES (?, ?, ?, ?, ?, ?)
            """)
        let contextProperty = try propertyStatement(table: "ContextProperty", idColumn: "context_id")
        for node in graph.contexts {
            try context.execute(arguments: [node.id, node.typeID, node.name, node.externalID,
                                            node.createTimeSinceEpoch ?? 0, node.lastUpdateTimeSinceEpoch ?? 0])
            try insertProperties(of: node, with: contextProperty)
        }

        let event = try db.makeStatement(sql: "INSERT INTO Event(artifact_id, execution_id, type, milliseconds_since_epoch) VALUES (?, ?, ?, ?)")
        let step = try db.makeStatement(sql: "INSERT INTO EventPath(event_id, is_index_step, step_index, step_key) VALUES (?, ?, ?, ?)")
        for edge in graph.events {
            try event.execute(arguments: [edge.artifactID, edge.executionID, edge.type?.number ?? 0, edge.millisecondsSinceEpoch])
            let eventID = db.lastInsertedRowID
            for item in edge.path ?? [] {
                switch item {
                case .index(let index): try step.execute(arguments: [eventID, 1, index, nil])
                case .key(let key): try step.execute(arguments: [eventID, 0, nil, key])
                }
            }
        }
        let attribution = try db.makeStatement(sql: "INSERT INTO Attribution(context_id, artifact_id) VALUES (?, ?)")
        for edge in graph.attributions { try attribution.execute(arguments: [edge.contextID, edge.artifactID]) }
        let association = try db.makeStatement(sql: "INSERT INTO Association(context_id, execution_id) VALUES (?, ?)")
        for edge in graph.associations { try association.execute(arguments: [edge.contextID, edge.executionID]) }
        let parentContext = try db.makeStatement(sql: "INSERT INTO ParentContext(context_id, parent_context_id) VALUES (?, ?)")
        for edge in graph.parentContexts { try parentContext.execute(arguments: [edge.childID, edge.parentID]) }
    }

    /// MLMD's nine system types (the targets of `base_type`), with ids 1–9 as MLMD gives them,
    /// or after the graph's ids where those are taken. Returns base type number → type id.
    private func insertSystemTypes(avoiding taken: Set<Int64>) throws -> (artifact: [Int: Int64], execution: [Int: Int64]) {
        var next: Int64 = 1
        func freeID() -> Int64 {
            while taken.contains(next) { next += 1 }
            defer { next += 1 }
            return next
        }
        let statement = try db.makeStatement(sql: "INSERT INTO Type(id, name, type_kind) VALUES (?, ?, ?)")
        var artifact: [Int: Int64] = [:]
        var execution: [Int: Int64] = [:]
        for (name, number) in MLMDSQLiteSchema.systemArtifactTypes.sorted(by: { $0.value < $1.value }) {
            let id = freeID()
            try statement.execute(arguments: [id, name, MLMDSQLiteSchema.TypeKindNumber.artifact.rawValue])
            artifact[number] = id
        }
        for (name, number) in MLMDSQLiteSchema.systemExecutionTypes.sorted(by: { $0.value < $1.value }) {
            let id = freeID()
            try statement.execute(arguments: [id, name, MLMDSQLiteSchema.TypeKindNumber.execution.rawValue])
            execution[number] = id
        }
        return (artifact, execution)
    }

    private func propertyStatement(table: String, idColumn: String) throws -> Statement {
        try db.makeStatement(sql: """
            INSERT INTO \(table)(\(idColumn), name, is_custom_property, int_value, double_value, string_value, proto_value, bool_value)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    private func insertProperties<N: Node>(of node: N, with statement: Statement) throws {
        for (isCustom, values) in [(0, node.properties), (1, node.customProperties)] {
            for (name, value) in values.sorted(by: { $0.key < $1.key }) {
                let columns = PropertyValueCodec.encode(value)
                try statement.execute(arguments: [node.id, name, isCustom, columns.int, columns.double, columns.string,
                                                  columns.proto.map { String(decoding: $0, as: UTF8.self) }, columns.bool])
            }
        }
    }
}
