import MLMDServiceProtocol
import MLMDInterchange
import MLMetadata

// Types between the wire and the model. The three wire type messages share their fields, so one
// generic conversion serves all of them.

/// The fields MLMD's `ArtifactType`, `ExecutionType` and `ContextType` messages share.
package protocol WireTypeMessage: Sendable {
    init()
    var id: Int64 { get set }
    var hasID: Bool { get }
    var name: String { get set }
    var version: String { get set }
    var hasVersion: Bool { get }
    var description_p: String { get set }
    var hasDescription_p: Bool { get }
    var externalID: String { get set }
    var hasExternalID: Bool { get }
    var properties: [String: MlMetadata_PropertyType] { get set }
    /// The `base_type` enum's number; 0 (`UNSET`) when absent.
    var baseTypeNumber: Int { get set }
    var hasBaseType: Bool { get }
}

extension MlMetadata_ArtifactType: WireTypeMessage {
    package var baseTypeNumber: Int {
        get { baseType.rawValue }
        set { baseType = SystemDefinedBaseType(rawValue: newValue) ?? .unset }
    }
}

extension MlMetadata_ExecutionType: WireTypeMessage {
    package var baseTypeNumber: Int {
        get { baseType.rawValue }
        set { baseType = SystemDefinedBaseType(rawValue: newValue) ?? .unset }
    }
}

extension MlMetadata_ContextType: WireTypeMessage {
    package var baseTypeNumber: Int {
        get { baseType.rawValue }
        set { baseType = SystemDefinedBaseType(rawValue: newValue) ?? .unset }
    }
}

extension MetadataType {
    /// The model type of a wire type message; `field` names it in errors (`artifact_type`, `types[2]`).
    package init<W: WireTypeMessage>(wire: W, field: String) throws(StoreError) {
        var properties: [String: PropertyType] = [:]
        for (name, type) in wire.properties {
            guard let declared = PropertyType(number: type.rawValue) else {
                throw StoreError(.invalidArgument, "\(field).properties.\(name): unknown property type \(type.rawValue)",
                                 field: "properties.\(name)")
            }
            properties[name] = declared
        }
        // UNSET means no base type (COMPATIBILITY.md: an explicit UNSET is not told apart from an absent one).
        let baseType = wire.hasBaseType && wire.baseTypeNumber != 0 ? BaseType(number: wire.baseTypeNumber) : nil
        if wire.hasBaseType && wire.baseTypeNumber != 0 && baseType == nil {
            throw StoreError(.invalidArgument, "\(field).base_type: unknown base type \(wire.baseTypeNumber)", field: "base_type")
        }
        self.init(id: wire.hasID ? wire.id : nil, name: wire.name,
                  version: wire.hasVersion ? wire.version : nil,
                  description: wire.hasDescription_p ? wire.description_p : nil,
                  externalID: wire.hasExternalID ? wire.externalID : nil,
                  properties: properties, baseType: baseType)
    }

    package func wire<W: WireTypeMessage>(as: W.Type = W.self) -> W {
        var wire = W()
        if let id { wire.id = id }
        wire.name = name
        if let version { wire.version = version }
        if let description { wire.description_p = description }
        if let externalID { wire.externalID = externalID }
        wire.properties = properties.mapValues { MlMetadata_PropertyType(rawValue: $0.number) ?? .unknown }
        if let baseType { wire.baseTypeNumber = baseType.number }
        return wire
    }
}

extension ArtifactType {
    package var wire: MlMetadata_ArtifactType { wire(as: MlMetadata_ArtifactType.self) }
}

extension ExecutionType {
    package var wire: MlMetadata_ExecutionType { wire(as: MlMetadata_ExecutionType.self) }
}

extension ContextType {
    package var wire: MlMetadata_ContextType { wire(as: MlMetadata_ContextType.self) }
}

extension ExecutionType {
    /// An execution type from the wire. The experimental `input_type` and `output_type` are not
    /// part of the store's model (COMPATIBILITY.md) and are refused.
    package init(executionWire wire: MlMetadata_ExecutionType, field: String) throws(StoreError) {
        if wire.hasInputType || wire.hasOutputType {
            let name = wire.hasInputType ? "input_type" : "output_type"
            throw StoreError(.invalidArgument, "\(field).\(name) (ArtifactStructType) is not supported by this store", field: name)
        }
        try self.init(wire: wire, field: field)
    }
}
