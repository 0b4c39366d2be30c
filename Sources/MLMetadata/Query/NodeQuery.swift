internal import GRDB

/// Runs a filtered, ordered, paged list read of one node kind on the index.
struct NodeQuery {
    /// Which nodes a listing starts from, before the filter.
    enum Scope {
        case all
        /// Nodes of these types.
        case types([Int64])
        /// Artifacts attributed to, or executions associated with, a context.
        case context(Int64)
    }

    static func page<N: NodeCoding>(_ type: N.Type, scope: Scope, options: ListOptions, reader: IndexReader) throws -> Page<N> {
        if let size = options.maxResultSize, size <= 0 {
            throw StoreError.invalidArgument("max_result_size field value is required to be greater than 0")
        }
        let table = IndexSchema.table(N.kind).table
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []

        switch scope {
        case .all:
            break
        case .types(let ids):
            conditions.append(ids.isEmpty ? "0" : "n.type_id IN (\(ids.map(String.init).joined(separator: ", ")))")
        case .context(let id):
            let membership = N.kind == .artifact ? "SELECT artifact_id FROM attribution" : "SELECT execution_id FROM association"
            conditions.append("n.id IN (\(membership) WHERE context_id = ?)")
            arguments.append(id)
        }
        if let filter = options.filterQuery, !filter.isEmpty {
            let compiled = try FilterCompiler.compile(filter, kind: N.kind, db: reader.db)
            conditions.append(compiled.sql)
            arguments += compiled.arguments
        }

        let column = switch options.orderBy {
        case .createTime: "n.create_time"
        case .lastUpdateTime: "n.update_time"
        case .id: "n.id"
        }
        let direction = options.isAscending ? "ASC" : "DESC"
        let after = options.isAscending ? ">" : "<"
        if let text = options.nextPageToken {
            let token = try PageToken.decode(text, for: options)
            if options.orderBy == .id {
                conditions.append("n.id \(after) ?")
                arguments.append(token.id)
            } else {
                conditions.append("(\(column), n.id) \(after) (?, ?)")
                arguments += [token.value, token.id]
            }
        }
        let order = options.orderBy == .id ? "n.id \(direction)" : "\(column) \(direction), n.id \(direction)"
        var sql = "SELECT n.body, \(column), n.id FROM \(table) AS n"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY \(order)"
        if let size = options.maxResultSize { sql += " LIMIT \(size + 1)" }

        var items: [N] = []
        var last: (value: Int64, id: Int64)?
        var more = false
        let filter = options.filterQuery ?? ""
        try FilterCompiler.evaluating(filter) {
            // Filtered statements are not cached: each distinct query would stay in the cache for good.
            let statement = filter.isEmpty ? try reader.db.cachedStatement(sql: sql) : try reader.db.makeStatement(sql: sql)
            let cursor = try Row.fetchCursor(statement, arguments: StatementArguments(arguments))
            while let row = try cursor.next() {
                if let size = options.maxResultSize, items.count == size {
                    more = true
                    break
                }
                items.append(try row.withUnsafeData(atIndex: 0) { data in
                    try data!.withUnsafeBytes { try RecordCodec.decode($0, as: N.self) }
                })
                last = (row[1], row[2])
            }
        }
        let token = more ? last.map {
            PageToken(order: options.orderBy.rawValue, ascending: options.isAscending, value: $0.value, id: $0.id).encoded()
        } : nil
        return Page(items: items, nextPageToken: token)
    }
}
