/// The rules every stored type and node obeys: one source for the writer (which refuses input
/// that breaks them), `mlmd fsck` (which reports files that break them) and the index (which
/// reports such files when it reads them).
///
/// Every function here is pure: it looks only at its arguments (no files, no database), so that
/// each caller can check with what it has at hand. Problems come in a fixed order, the order in
/// which the writer reports the first one.
///
/// ```swift
/// for problem in EntityRules.problems(of: artifact, type: modelType) {
///     print(problem.field, problem.message)   // "properties.accuracy", "properties.accuracy: Found unmatched property type: …"
/// }
/// ```
enum EntityRules {
    /// One broken rule: the field it is about and a message that explains it.
    struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// The proto field path the problem is about (`name`, `type`, `properties.span`,
        /// `custom_properties.cfg.struct_value.layers[2]`).
        var field: String
        /// What is wrong, as a sentence that names the entity's field and values; MLMD's leading
        /// phrase where MLMD has one ("Found unknown property", "Found unmatched property type").
        var message: String

        var description: String { message }
    }

    // MARK: Nodes

    /// The rules a node breaks, given the type its `type_id` names.
    ///
    /// Checks, in this order: that `type` is a type of the node's kind; that the node's `type`
    /// field (when set) is that type's name; that a context has a name; the text rules of
    /// ``NameRules`` for the name, external id and uri; that every property is declared by the
    /// type with the value kind it declares; the text rules for property names; and that no
    /// struct value holds a non-finite number.
    ///
    /// - Parameters:
    ///   - node: an artifact, execution or context, as given to the writer or read from its file.
    ///   - type: the type with the node's `type_id`.
    /// - Returns: every broken rule; empty when the node may be stored.
    static func problems<N: NodeCoding>(of node: N, type: TypeRecord) -> [Problem] {
        var out: [Problem] = []
        let nodeKind = N.kind
        let kind = nodeKind.messageName
        guard type.kind == nodeKind.typeKind else {
            return [Problem(field: "type_id", message: "\(kind) has type_id \(type.id), which is the \(type.kind.messageName) "
                + "'\(type.displayName)', not a \(nodeKind.typeKind.messageName)")]
        }
        if let name = node.type, !sameScalars(name, type.name) {
            out.append(Problem(field: "type", message: "\(kind) names its type '\(NameRules.preview(name))', but its type_id "
                + "\(type.id) is the \(type.kind.messageName) '\(type.displayName)'"))
        }
        if nodeKind == .context && (node.name ?? "").isEmpty {
            out.append(Problem(field: "name", message: "Context name should not be empty"))
        }
        if let name = node.name, let message = NameRules.identifierTextProblem(name, what: "\(kind) name") {
            out.append(Problem(field: "name", message: message))
        }
        if let externalID = node.externalID, let message = NameRules.identifierTextProblem(externalID, what: "\(kind) external_id") {
            out.append(Problem(field: "external_id", message: message))
        }
        if let uri = node.indexedURI, let message = NameRules.uriProblem(uri, what: "Artifact uri") {
            out.append(Problem(field: "uri", message: message))
        }
        for (name, value) in node.properties.sorted(by: { $0.key < $1.key }) {
            let field = "properties.\(name)"
            guard let declared = type.properties[name] else {
                out.append(Problem(field: field, message: "\(field): Found unknown property: type '\(type.displayName)' "
                    + "does not declare '\(name)' (undeclared values belong in custom_properties)"))
                continue
            }
            if declared != value.propertyType {
                out.append(Problem(field: field, message: "\(field): Found unmatched property type: type '\(type.displayName)' "
                    + "declares \(declared.rawValue), the value is \(value.propertyType.rawValue)"))
            }
        }
        for name in node.properties.keys.sorted() {
            if let message = NameRules.identifierTextProblem(name, what: "property name") {
                out.append(Problem(field: "properties.\(name)", message: message))
            }
        }
        for name in node.customProperties.keys.sorted() {
            if let message = NameRules.identifierTextProblem(name, what: "custom property name") {
                out.append(Problem(field: "custom_properties.\(name)", message: message))
            }
        }
        for (name, value) in node.properties.sorted(by: { $0.key < $1.key }) {
            out += problems(of: value, field: "properties.\(name)")
        }
        for (name, value) in node.customProperties.sorted(by: { $0.key < $1.key }) {
            out += problems(of: value, field: "custom_properties.\(name)")
        }
        return out
    }

    // MARK: Values

    /// The rules a property value breaks: a `struct_value` may hold only finite numbers, because
    /// JSON (and so `google.protobuf.Struct`) has no spelling for NaN or ±Infinity; a store that
    /// wrote `null` instead would change the value silently. (A `double_value` may be
    /// non-finite: proto3 JSON spells it `"NaN"`, `"Infinity"`.)
    ///
    /// - Parameters:
    ///   - value: the value.
    ///   - field: the value's field path, `properties.<name>` or `custom_properties.<name>`.
    /// - Returns: one problem per non-finite number, with the path inside the struct
    ///   (`custom_properties.cfg.struct_value.layers[2]`).
    static func problems(of value: Value, field: String) -> [Problem] {
        guard case .struct(let fields) = value else { return [] }
        var out: [Problem] = []
        func visit(_ value: StructValue, path: String) {
            switch value {
            case .number(let number) where !number.isFinite:
                out.append(Problem(field: path, message: "\(path): a struct_value holds the non-finite number "
                    + "\(PythonFloat.format(number)), which JSON cannot represent; store it as a double_value instead"))
            case .list(let items):
                for (index, item) in items.enumerated() { visit(item, path: "\(path)[\(index)]") }
            case .object(let members):
                for (key, member) in members.sorted(by: { $0.key < $1.key }) { visit(member, path: "\(path).\(key)") }
            case .null, .number, .string, .bool:
                break
            }
        }
        visit(.object(fields), path: field + ".struct_value")
        return out
    }

    // MARK: Types

    /// The rules a type breaks on its own: the name and version rules of
    /// ``NameRules/typeNameProblem(_:version:kind:)`` (portable path components, NFC, length),
    /// no `UNKNOWN` property type, the text rules for property names and the external id.
    ///
    /// Rules between types (names that are case or normalization twins) are
    /// ``clash(between:and:)``.
    ///
    /// - Returns: every broken rule; empty when the type may be stored.
    static func problems(ofType type: TypeRecord) -> [Problem] {
        var out: [Problem] = []
        let kind = type.kind.messageName
        if let problem = NameRules.typeNameProblem(type.name, version: type.version, kind: type.kind) {
            out.append(Problem(field: problem.field, message: problem.message))
        }
        for (name, propertyType) in type.properties.sorted(by: { $0.key < $1.key }) {
            if propertyType == .unknown {
                out.append(Problem(field: "properties.\(name)", message: "Property \(name) is UNKNOWN."))
            }
            if let message = NameRules.identifierTextProblem(name, what: "\(kind) '\(NameRules.preview(type.name))' property name") {
                out.append(Problem(field: "properties.\(name)", message: message))
            }
        }
        if let externalID = type.externalID,
            let message = NameRules.identifierTextProblem(externalID, what: "\(kind) '\(NameRules.preview(type.name))' external_id")
        {
            out.append(Problem(field: "external_id", message: message))
        }
        return out
    }

    /// Whether two different types of the same kind would collide as files or folders on a
    /// case-insensitive or normalization-insensitive file system (macOS, Windows): their stems
    /// (`name` or `name@version`) are equal under ``NameRules/portableKey(_:)``, or their names are
    /// but spelled differently (`Model` and `model@2`: one name must have one spelling).
    ///
    /// - Returns: a message naming both types, or nil when they may coexist (also when they are
    ///   the same type: same kind, name and version, byte for byte).
    static func clash(between type: TypeRecord, and other: TypeRecord) -> String? {
        guard type.kind == other.kind else { return nil }
        let sameName = sameScalars(type.name, other.name)
        if sameName && sameScalars(type.version ?? "", other.version ?? "") { return nil }
        let kind = type.kind.messageName
        if NameRules.portableKey(type.stem) == NameRules.portableKey(other.stem) {
            return "\(kind) '\(NameRules.preview(type.displayName))' clashes with the \(kind) '\(NameRules.preview(other.displayName))': "
                + "their files (\(type.stem).json, \(other.stem).json) would collide on case-insensitive file systems "
                + "(macOS and Windows, which also ignore Unicode normalization)"
        }
        if !sameName && NameRules.portableKey(type.name) == NameRules.portableKey(other.name) {
            return "\(kind) '\(NameRules.preview(type.displayName))' clashes with the \(kind) '\(NameRules.preview(other.displayName))': "
                + "type names that differ only in letter case or Unicode normalization are refused, as their files "
                + "would collide on case-insensitive file systems (macOS, Windows) once either is put without a version"
        }
        return nil
    }

    /// Byte-for-byte (scalar) equality; Swift's `==` on strings is canonical equivalence, under
    /// which `café` in NFC and in NFD are equal.
    static func sameScalars(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.elementsEqual(b.unicodeScalars)
    }
}
