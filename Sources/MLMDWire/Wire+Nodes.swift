import MLMDServiceProtocol
import MLMDInterchange
import MLMetadata

// Artifacts, executions and contexts between the wire and the model. Every optional proto2
// field stays absent when it was absent: an unset `state` and an explicit UNKNOWN differ, as in MLMD.

/// The fields MLMD's `Artifact`, `Execution` and `Context` messages share.
package protocol WireNodeMessage: Sendable {
    init()
    var id: Int64 { get set }
    var hasID: Bool { get }
    var typeID: Int64 { get set }
    var hasTypeID: Bool { get }
    var type: String { get set }
    var hasType: Bool { get }
    var name: String { get set }
    var hasName: Bool { get }
    var externalID: String { get set }
    var hasExternalID: Bool { get }
    var properties: [String: MlMetadata_Value] { get set }
    var customProperties: [String: MlMetadata_Value] { get set }
    var createTimeSinceEpoch: Int64 { get set }
    var hasCreateTimeSinceEpoch: Bool { get }
    var lastUpdateTimeSinceEpoch: Int64 { get set }
    var hasLastUpdateTimeSinceEpoch: Bool { get }
    var hasSystemMetadata: Bool { get }
}

extension MlMetadata_Artifact: WireNodeMessage {}
extension MlMetadata_Execution: WireNodeMessage {}
extension MlMetadata_Context: WireNodeMessage {}

/// The shared part of a node, read off the wire.
private struct WireNodeFields {
    var id: Int64?
    var typeID: Int64?
    var type: String?
    var name: String?
    var externalID: String?
    var properties: [String: Value]
    var customProperties: [String: Value]
    var createTime: Int64?
    var lastUpdateTime: Int64?

    package init<W: WireNodeMessage>(_ wire: W, field: String) throws(StoreError) {
        try refuseSystemMetadata(wire.hasSystemMetadata, field: field)
        id = wire.hasID ? wire.id : nil
        typeID = wire.hasTypeID ? wire.typeID : nil
        type = wire.hasType ? wire.type : nil
        name = wire.hasName ? wire.name : nil
        externalID = wire.hasExternalID ? wire.externalID : nil
        properties = try Value.properties(wire: wire.properties, field: "\(field).properties")
        customProperties = try Value.properties(wire: wire.customProperties, field: "\(field).custom_properties")
        createTime = wire.hasCreateTimeSinceEpoch ? wire.createTimeSinceEpoch : nil
        lastUpdateTime = wire.hasLastUpdateTimeSinceEpoch ? wire.lastUpdateTimeSinceEpoch : nil
    }
}

extension Node {
    /// The wire message with the fields every node has; the caller adds the kind's own.
    fileprivate func sharedWire<W: WireNodeMessage>(as: W.Type) -> W {
        var wire = W()
        if let id { wire.id = id }
        if let typeID { wire.typeID = typeID }
        if let type { wire.type = type }
        if let name { wire.name = name }
        if let externalID { wire.externalID = externalID }
        wire.properties = properties.mapValues(\.wire)
        wire.customProperties = customProperties.mapValues(\.wire)
        if let createTimeSinceEpoch { wire.createTimeSinceEpoch = createTimeSinceEpoch }
        if let lastUpdateTimeSinceEpoch { wire.lastUpdateTimeSinceEpoch = lastUpdateTimeSinceEpoch }
        return wire
    }
}

extension Artifact {
    package init(wire: MlMetadata_Artifact, field: String) throws(StoreError) {
        let shared = try WireNodeFields(wire, field: field)
        self.init(id: shared.id, typeID: shared.typeID, type: shared.type, name: shared.name,
                  uri: wire.hasUri ? wire.uri : nil, externalID: shared.externalID,
                  state: wire.hasState ? State(number: wire.state.rawValue) : nil,
                  properties: shared.properties, customProperties: shared.customProperties,
                  createTimeSinceEpoch: shared.createTime, lastUpdateTimeSinceEpoch: shared.lastUpdateTime)
    }

    package var wire: MlMetadata_Artifact {
        var wire = sharedWire(as: MlMetadata_Artifact.self)
        if let uri { wire.uri = uri }
        if let state, let number = MlMetadata_Artifact.State(rawValue: state.number) { wire.state = number }
        return wire
    }
}

extension Execution {
    package init(wire: MlMetadata_Execution, field: String) throws(StoreError) {
        let shared = try WireNodeFields(wire, field: field)
        self.init(id: shared.id, typeID: shared.typeID, type: shared.type, name: shared.name,
                  externalID: shared.externalID,
                  lastKnownState: wire.hasLastKnownState ? State(number: wire.lastKnownState.rawValue) : nil,
                  properties: shared.properties, customProperties: shared.customProperties,
                  createTimeSinceEpoch: shared.createTime, lastUpdateTimeSinceEpoch: shared.lastUpdateTime)
    }

    package var wire: MlMetadata_Execution {
        var wire = sharedWire(as: MlMetadata_Execution.self)
        if let lastKnownState, let number = MlMetadata_Execution.State(rawValue: lastKnownState.number) {
            wire.lastKnownState = number
        }
        return wire
    }
}

extension Context {
    package init(wire: MlMetadata_Context, field: String) throws(StoreError) {
        let shared = try WireNodeFields(wire, field: field)
        self.init(id: shared.id, typeID: shared.typeID, type: shared.type, name: shared.name,
                  externalID: shared.externalID,
                  properties: shared.properties, customProperties: shared.customProperties,
                  createTimeSinceEpoch: shared.createTime, lastUpdateTimeSinceEpoch: shared.lastUpdateTime)
    }

    package var wire: MlMetadata_Context { sharedWire(as: MlMetadata_Context.self) }
}

/// Converts a batch of wire messages, each error naming its position (`artifacts[2]`) and
/// carrying it as the request index.
package func modelBatch<W, M>(_ wires: [W], field: String, _ convert: (W, String) throws(StoreError) -> M) throws(StoreError) -> [M] {
    var result: [M] = []
    result.reserveCapacity(wires.count)
    for (position, wire) in wires.enumerated() {
        do {
            result.append(try convert(wire, "\(field)[\(position)]"))
        } catch {
            var located = error
            if located.requestIndex == nil { located.requestIndex = position }
            throw located
        }
    }
    return result
}
