/// Kind-specific coding for the generic node code paths.
protocol NodeCoding: Node {
    var json: JSONValue { get }
    static func decode(_ json: JSONValue) throws(ProtoJSONError) -> Self
    /// The `uri` column (artifacts only).
    var indexedURI: String? { get }
    /// The `state` column: the state's enum number (artifacts and executions).
    var indexedState: Int? { get }
    /// Fills in what MLMD sets on every stored node of this kind (an artifact's unset uri is `""`).
    mutating func applyStoreDefaults()
    /// Copies the kind-specific field an update-mask path names (`uri`, `state`,
    /// `last_known_state`); false when the path names no such field.
    mutating func copyKindField(_ path: String, from other: Self) -> Bool
    /// An empty node with an id and type, for decoding.
    init(id: Int64, typeID: Int64)
    /// The node as its file holds it in a store of format `formatVersion` (a context of format
    /// 2 without its times, ``ContextTimes``).
    func fileForm(formatVersion: Int) -> Self
    /// Sets the kind-specific fields from index columns (the inverse of `indexedURI`/`indexedState`).
    mutating func setIndexedFields(uri: String?, state: Int?)
}

extension Artifact: NodeCoding {
    var json: JSONValue { ProtoJSON.encode(self) }
    static func decode(_ json: JSONValue) throws(ProtoJSONError) -> Artifact { try ProtoJSON.decodeArtifact(json) }
    var indexedURI: String? { uri }
    var indexedState: Int? { state?.number }
    mutating func applyStoreDefaults() { if uri == nil { uri = "" } }
    func fileForm(formatVersion: Int) -> Artifact { self }
    init(id: Int64, typeID: Int64) { self.init(id: id, typeID: typeID, type: nil) }
    mutating func setIndexedFields(uri: String?, state: Int?) {
        self.uri = uri
        self.state = state.flatMap(State.init(number:))
    }
    mutating func copyKindField(_ path: String, from other: Artifact) -> Bool {
        switch path {
        case "uri": uri = other.uri ?? ""
        case "state": state = other.state
        default: return false
        }
        return true
    }
}

extension Execution: NodeCoding {
    var json: JSONValue { ProtoJSON.encode(self) }
    static func decode(_ json: JSONValue) throws(ProtoJSONError) -> Execution { try ProtoJSON.decodeExecution(json) }
    var indexedURI: String? { nil }
    var indexedState: Int? { lastKnownState?.number }
    mutating func applyStoreDefaults() {}
    func fileForm(formatVersion: Int) -> Execution { self }
    init(id: Int64, typeID: Int64) { self.init(id: id, typeID: typeID, type: nil) }
    mutating func setIndexedFields(uri: String?, state: Int?) { lastKnownState = state.flatMap(State.init(number:)) }
    mutating func copyKindField(_ path: String, from other: Execution) -> Bool {
        guard path == "last_known_state" else { return false }
        lastKnownState = other.lastKnownState
        return true
    }
}

extension Context: NodeCoding {
    var json: JSONValue { ProtoJSON.encode(self) }
    static func decode(_ json: JSONValue) throws(ProtoJSONError) -> Context { try ProtoJSON.decodeContext(json) }
    var indexedURI: String? { nil }
    var indexedState: Int? { nil }
    mutating func applyStoreDefaults() {}
    init(id: Int64, typeID: Int64) { self.init(id: id, typeID: typeID, type: nil) }
    mutating func setIndexedFields(uri: String?, state: Int?) {}
    mutating func copyKindField(_ path: String, from other: Context) -> Bool { false }
}
