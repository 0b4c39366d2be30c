import ArgumentParser
import MLMetadata

/// The kinds of node a command can name.
enum NodeKindArgument: String, ExpressibleByArgument, CaseIterable {
    case artifact, execution, context

    init?(argument: String) {
        // Accept the plural too: `mlmd list artifacts`.
        let singular = argument.hasSuffix("s") ? String(argument.dropLast()) : argument
        self.init(rawValue: singular)
    }

    static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

/// A node named by its id, by `TYPE/NAME` (the type's name, then the node's name), as
/// `TYPE@latest` (the newest node of the type), or as `SOURCE#ID` (the node `mlmd import` brought
/// in from SOURCE, where MLMD's id was ID).
struct NodeReference: ExpressibleByArgument {
    enum Form {
        case id(Int64)
        case typeAndName(type: String, name: String)
        case latest(type: String)
        case imported(source: String, mlmdID: Int64)
    }

    var form: Form
    /// Set when the reference says its kind (`artifact:42`).
    var kind: NodeKindArgument?

    init?(argument: String) {
        var text = Substring(argument)
        if let colon = text.firstIndex(of: ":"), let kind = NodeKindArgument(argument: String(text[..<colon])) {
            self.kind = kind
            text = text[text.index(after: colon)...]
        }
        if let id = Int64(text) {
            form = .id(id)
        } else if let hash = text.lastIndex(of: "#"), hash != text.startIndex, let mlmdID = Int64(text[text.index(after: hash)...]) {
            form = .imported(source: String(text[..<hash]), mlmdID: mlmdID)
        } else if text.hasSuffix("@latest"), text.count > "@latest".count {
            form = .latest(type: String(text.dropLast("@latest".count)))
        } else if let slash = text.firstIndex(of: "/"), slash != text.startIndex, text.index(after: slash) != text.endIndex {
            form = .typeAndName(type: String(text[..<slash]), name: String(text[text.index(after: slash)...]))
        } else {
            return nil
        }
    }

    static var helpText: String { "an id, TYPE/NAME, TYPE@latest, or SOURCE#MLMD-ID" }

    /// The store id of an imported node (nil when the source brought in no such node).
    private func importedID(_ kind: NodeKind, source: String, mlmdID: Int64, in store: MetadataStore) throws -> Int64? {
        try store.importedID(source: source, kind: Origin.Kind(kind), mlmdID: mlmdID)
    }

    /// The error for a reference that found nothing: it names the file when the node's file is
    /// there but unreadable.
    private func notFound(_ kind: NodeKind, in store: MetadataStore) throws -> StoreError {
        if case .id(let id) = form, let problem = try store.unreadableFile(of: kind, id: id) {
            return StoreError(.dataLoss, "\(kind.rawValue) \(id) cannot be read: \(problem)", path: nil)
        }
        return StoreError(.notFound, "no \(kind.rawValue) \(self)")
    }

    /// Newest first, one result.
    private static let newest = ListOptions(orderBy: .createTime, isAscending: false, maxResultSize: 1)

    func artifact(in store: MetadataStore) throws -> Artifact {
        let found: Artifact? = switch form {
        case .id(let id): try store.getArtifactsByID([id]).first
        case .typeAndName(let type, let name): try store.getArtifactByTypeAndName(type, name)
        case .latest(let type): try store.getArtifactsByType(type, options: Self.newest).items.first
        case .imported(let source, let mlmdID):
            try importedID(.artifact, source: source, mlmdID: mlmdID, in: store).flatMap { try store.getArtifactsByID([$0]).first }
        }
        guard let found else { throw try notFound(.artifact, in: store) }
        return found
    }

    func execution(in store: MetadataStore) throws -> Execution {
        let found: Execution? = switch form {
        case .id(let id): try store.getExecutionsByID([id]).first
        case .typeAndName(let type, let name): try store.getExecutionByTypeAndName(type, name)
        case .latest(let type): try store.getExecutionsByType(type, options: Self.newest).items.first
        case .imported(let source, let mlmdID):
            try importedID(.execution, source: source, mlmdID: mlmdID, in: store).flatMap { try store.getExecutionsByID([$0]).first }
        }
        guard let found else { throw try notFound(.execution, in: store) }
        return found
    }

    func context(in store: MetadataStore) throws -> Context {
        let found: Context? = switch form {
        case .id(let id): try store.getContextsByID([id]).first
        case .typeAndName(let type, let name): try store.getContextByTypeAndName(type, name)
        case .latest(let type): try store.getContextsByType(type, options: Self.newest).items.first
        case .imported(let source, let mlmdID):
            try importedID(.context, source: source, mlmdID: mlmdID, in: store).flatMap { try store.getContextsByID([$0]).first }
        }
        guard let found else { throw try notFound(.context, in: store) }
        return found
    }
}

extension NodeReference: CustomStringConvertible {
    var description: String {
        switch form {
        case .id(let id): String(id)
        case .typeAndName(let type, let name): "\(type)/\(name)"
        case .latest(let type): "\(type)@latest"
        case .imported(let source, let mlmdID): "\(source)#\(mlmdID)"
        }
    }
}
