import ArgumentParser
import MLMetadata

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List artifacts, executions or contexts: all, by id, by type, name, uri, external id or context, or by filter query.",
        discussion: """
            Results are ordered by id unless --order-by says otherwise. With --limit, one page is \
            printed and the token of the next one on standard error; pass it back with --page-token.
            Examples:
              mlmd list artifacts --type Model --order-by create-time --desc
              mlmd list artifacts --filter "type = 'Model' AND properties.accuracy.double_value > 0.9"
              mlmd list executions --context pipeline_run/2026-01-06T09:00:00
              mlmd get artifact 796302078117058261 --format json
            """,
        aliases: ["get"]
    )

    enum Order: String, ExpressibleByArgument, CaseIterable {
        case id
        case createTime = "create-time"
        case updateTime = "update-time"

        var field: ListOptions.OrderField {
            switch self {
            case .id: .id
            case .createTime: .createTime
            case .updateTime: .lastUpdateTime
            }
        }
    }

    @OptionGroup var location: ReadLocation
    @OptionGroup var output: FormatOption

    @Argument(help: "What to list: artifacts, executions or contexts.")
    var kind: NodeKindArgument

    @Argument(help: "Only these ids.")
    var ids: [Int64] = []

    @Option(help: "Only nodes of this type.")
    var type: String?

    @Option(help: "With --type: the type's version.")
    var typeVersion: String?

    @Option(help: "Only the node of --type with this name.")
    var name: String?

    @Option(help: "Only artifacts with this uri.")
    var uri: String?

    @Option(help: "Only nodes with these external ids.")
    var externalID: [String] = []

    @Option(help: ArgumentHelp("Only artifacts or executions of this context (\(NodeReference.helpText)).", valueName: "context"))
    var context: NodeReference?

    @Option(help: "An MLMD filter query, e.g. \"properties.accuracy.double_value > 0.9\".")
    var filter: String?

    @Option(help: "Order by id, create-time or update-time.")
    var orderBy: Order = .id

    @Flag(help: "Newest (or highest) first.")
    var desc = false

    @Option(help: "At most this many results (one page).")
    var limit: Int?

    @Option(help: "Continue after the page that printed this token.")
    var pageToken: String?

    func validate() throws {
        if name != nil && type == nil { throw ValidationError("--name needs --type") }
        if uri != nil && kind != .artifact { throw ValidationError("--uri applies to artifacts only") }
        if context != nil && kind == .context { throw ValidationError("--context applies to artifacts and executions") }
        if let limit, limit <= 0 { throw ValidationError("--limit must be positive") }
        let lookups = [!ids.isEmpty, name != nil, uri != nil, !externalID.isEmpty].filter { $0 }.count
        if lookups > 1 { throw ValidationError("use one of: ids, --name, --uri, --external-id") }
        if lookups == 1 && (filter != nil || limit != nil || pageToken != nil || orderBy != .id || desc) {
            throw ValidationError("--filter, --order-by, --desc, --limit and --page-token apply to listings, not to lookups by id, name, uri or external id")
        }
    }

    func run() throws {
        let store = try location.open()
        switch kind {
        case .artifact: try show(try artifacts(store), store: store)
        case .execution: try show(try executions(store), store: store)
        case .context: try show(try contexts(store), store: store)
        }
    }

    private var options: ListOptions {
        ListOptions(filterQuery: filter, orderBy: orderBy.field, isAscending: !desc, maxResultSize: limit, nextPageToken: pageToken)
    }

    // Selectors combine: a lookup (ids, name, uri, external ids) keeps only the nodes that are
    // also of --type and in --context; a listing by --context narrows to --type in its query.

    /// The options of a listing of --context, narrowed to the type `typeID` when --type is given.
    private func contextListing(typeID: Int64?) -> ListOptions {
        var options = self.options
        if let typeID { options.filterQuery = [filter.map { "(\($0))" }, "type_id = \(typeID)"].compactMap { $0 }.joined(separator: " AND ") }
        return options
    }

    private func narrowed<N: Node>(_ nodes: [N], typeID: Int64?, members: () throws -> [N]) throws -> [N] {
        var nodes = nodes
        if let typeID { nodes = nodes.filter { $0.typeID == typeID } }
        if context != nil {
            let inContext = Set(try members().compactMap(\.id))
            nodes = nodes.filter { inContext.contains($0.id!) }
        }
        return nodes
    }

    private func artifacts(_ store: MetadataStore) throws -> [Artifact] {
        let typeID = try type.map { try store.getArtifactType($0, version: typeVersion).id! }
        let contextID = try context.map { try $0.context(in: store).id! }
        let members = { try store.getArtifactsByContext(contextID!) }
        if !ids.isEmpty { return try narrowed(store.getArtifactsByID(ids), typeID: typeID, members: members) }
        if let name, let type {
            return try narrowed(store.getArtifactByTypeAndName(type, name, version: typeVersion).map { [$0] } ?? [], typeID: nil, members: members)
        }
        if let uri { return try narrowed(store.getArtifactsByURI(uri), typeID: typeID, members: members) }
        if !externalID.isEmpty { return try narrowed(store.getArtifactsByExternalIDs(externalID), typeID: typeID, members: members) }
        if let contextID { return try page(store.getArtifactsByContext(contextID, options: contextListing(typeID: typeID))) }
        if let type { return try page(store.getArtifactsByType(type, version: typeVersion, options: options)) }
        return try page(store.getArtifacts(options))
    }

    private func executions(_ store: MetadataStore) throws -> [Execution] {
        let typeID = try type.map { try store.getExecutionType($0, version: typeVersion).id! }
        let contextID = try context.map { try $0.context(in: store).id! }
        let members = { try store.getExecutionsByContext(contextID!) }
        if !ids.isEmpty { return try narrowed(store.getExecutionsByID(ids), typeID: typeID, members: members) }
        if let name, let type {
            return try narrowed(store.getExecutionByTypeAndName(type, name, version: typeVersion).map { [$0] } ?? [], typeID: nil, members: members)
        }
        if !externalID.isEmpty { return try narrowed(store.getExecutionsByExternalIDs(externalID), typeID: typeID, members: members) }
        if let contextID { return try page(store.getExecutionsByContext(contextID, options: contextListing(typeID: typeID))) }
        if let type { return try page(store.getExecutionsByType(type, version: typeVersion, options: options)) }
        return try page(store.getExecutions(options))
    }

    private func contexts(_ store: MetadataStore) throws -> [Context] {
        let typeID = try type.map { try store.getContextType($0, version: typeVersion).id! }
        if !ids.isEmpty { return try narrowed(store.getContextsByID(ids), typeID: typeID) { [] } }
        if let name, let type { return try store.getContextByTypeAndName(type, name, version: typeVersion).map { [$0] } ?? [] }
        if !externalID.isEmpty { return try narrowed(store.getContextsByExternalIDs(externalID), typeID: typeID) { [] } }
        if let type { return try page(store.getContextsByType(type, version: typeVersion, options: options)) }
        return try page(store.getContexts(options))
    }

    /// The page's items; its token goes to standard error so that standard output stays data.
    private func page<N>(_ page: Page<N>) -> [N] {
        if let token = page.nextPageToken {
            Console.printError("next page: --page-token \(token)")
        }
        return page.items
    }

    private func show(_ artifacts: [Artifact], store: MetadataStore) throws {
        if output.format == .json || output.format == .jsonl { return MessageOutput.print(artifacts, output.format) }
        Table(header: ["ID", "TYPE", "NAME", "STATE", "URI", "CREATED"], rows: artifacts.map {
            [String($0.id!), $0.type ?? "", $0.name ?? "", Style.state($0.state?.rawValue ?? ""), $0.uri ?? "", Describe.time($0.createTimeSinceEpoch)]
        }).print(output.format)
    }

    private func show(_ executions: [Execution], store: MetadataStore) throws {
        if output.format == .json || output.format == .jsonl { return MessageOutput.print(executions, output.format) }
        Table(header: ["ID", "TYPE", "NAME", "STATE", "CREATED"], rows: executions.map {
            [String($0.id!), Describe.shortType($0.type), $0.name ?? "", Style.state($0.lastKnownState?.rawValue ?? ""),
             Describe.time($0.createTimeSinceEpoch)]
        }).print(output.format)
    }

    private func show(_ contexts: [Context], store: MetadataStore) throws {
        if output.format == .json || output.format == .jsonl { return MessageOutput.print(contexts, output.format) }
        Table(header: ["ID", "TYPE", "NAME", "CREATED"], rows: contexts.map {
            [String($0.id!), $0.type ?? "", $0.name ?? "", Describe.time($0.createTimeSinceEpoch)]
        }).print(output.format)
    }
}

import Foundation
