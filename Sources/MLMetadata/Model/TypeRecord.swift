/// A type of any kind, as the store handles it internally.
struct TypeRecord: Sendable, Hashable {
    var kind: TypeKind
    var id: Int64
    var name: String
    var version: String?
    var description: String?
    var externalID: String?
    var properties: [String: PropertyType]
    /// The base type's enum name (`DATASET`, `TRAIN`, …), nil when unset.
    var baseType: String?

    init<T: MetadataType>(_ type: T, id: Int64) {
        self.kind = T.kind
        self.id = id
        self.name = type.name
        self.version = type.version
        self.description = type.description
        self.externalID = type.externalID
        self.properties = type.properties
        self.baseType = type.baseType?.rawValue
    }

    func typed<T: MetadataType>(as: T.Type) -> T {
        T(id: id, name: name, version: version, description: description, externalID: externalID,
          properties: properties, baseType: baseType.flatMap(T.BaseType.init(rawValue:)))
    }

    /// `name` or `name@version`: the file name stem and the folder name of its instances.
    var stem: String { StoreLayout.stem(name: name, version: version) }

    /// `Examples` or `Examples (version 1.0)`, for messages.
    var displayName: String {
        guard let version, !version.isEmpty else { return name }
        return "\(name) (version \(version))"
    }
}

extension TypeRecord {
    /// The canonical JSON of the type's file.
    var json: JSONValue {
        switch kind {
        case .artifact: ProtoJSON.encode(typed(as: ArtifactType.self))
        case .execution: ProtoJSON.encode(typed(as: ExecutionType.self))
        case .context: ProtoJSON.encode(typed(as: ContextType.self))
        }
    }

    static func decode(_ json: JSONValue, kind: TypeKind) throws(ProtoJSONError) -> TypeRecord {
        switch kind {
        case .artifact:
            let type = try ProtoJSON.decodeType(json, as: ArtifactType.self)
            return TypeRecord(type, id: type.id ?? 0)
        case .execution:
            let type = try ProtoJSON.decodeType(json, as: ExecutionType.self)
            return TypeRecord(type, id: type.id ?? 0)
        case .context:
            let type = try ProtoJSON.decodeType(json, as: ContextType.self)
            return TypeRecord(type, id: type.id ?? 0)
        }
    }
}
