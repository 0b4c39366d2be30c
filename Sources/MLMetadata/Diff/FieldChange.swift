/// One field of a type, artifact, execution or context that differs between two states.
///
/// Field names are the proto field names of the file (`uri`, `state`, `last_known_state`,
/// `name`, `external_id`, `type`), with `properties.<name>` and `custom_properties.<name>` for
/// property values (for a type: `properties.<name>` holds the declared kind).
public struct FieldChange: Sendable, Hashable {
    public var field: String
    /// The value before; nil when the field was absent.
    public var old: Value?
    /// The value after; nil when the field was removed.
    public var new: Value?

    public init(field: String, old: Value?, new: Value?) {
        self.field = field
        self.old = old
        self.new = new
    }

    /// `new − old` when both values are numbers (int or double) and the field is not an id
    /// (a property named `…_id`, such as TFX's `current_model_id`: its difference means nothing).
    public var delta: Double? {
        guard !FieldChange.isIdentifier(propertyName ?? field) else { return nil }
        guard let before = old?.numericValue, let after = new?.numericValue else { return nil }
        return after - before
    }

    /// `(new − old) / |old|` when both are numbers and `old` is not zero.
    public var relativeChange: Double? {
        guard let delta, let before = old?.numericValue, before != 0 else { return nil }
        return delta / abs(before)
    }

    /// The property name when the field is a property or custom property.
    public var propertyName: String? {
        for prefix in ["properties.", "custom_properties."] where field.hasPrefix(prefix) {
            return String(field.dropFirst(prefix.count))
        }
        return nil
    }

    /// Whether a property holds an id rather than a measurement (`…_id`, `…Id`).
    static func isIdentifier(_ name: String) -> Bool {
        name == "id" || name.hasSuffix("_id") || name.hasSuffix("Id") || name.hasSuffix("_ids")
    }

    /// Compares two field maps; fields are reported in name order.
    static func changes(_ old: [String: Value], _ new: [String: Value]) -> [FieldChange] {
        Set(old.keys).union(new.keys).sorted(by: FieldOrder.precedes).compactMap { field in
            old[field] == new[field] ? nil : FieldChange(field: field, old: old[field], new: new[field])
        }
    }
}

/// The order fields are listed in: identity and state first, then properties, then custom properties.
enum FieldOrder {
    private static let leading = ["type", "name", "external_id", "uri", "state", "last_known_state", "version", "description", "base_type"]

    static func precedes(_ a: String, _ b: String) -> Bool {
        func rank(_ field: String) -> (Int, String) {
            if let position = leading.firstIndex(of: field) { return (position, "") }
            return (field.hasPrefix("properties.") ? leading.count : leading.count + 1, field)
        }
        return rank(a) < rank(b)
    }
}

extension Node {
    /// The fields a diff compares, by proto field name. Times are left out: every update
    /// moves `last_update_time_since_epoch`, which says nothing a reviewer needs.
    var comparableFields: [String: Value] {
        var fields: [String: Value] = [:]
        fields["type"] = type.map(Value.string)
        fields["name"] = name.map(Value.string)
        fields["external_id"] = externalID.map(Value.string)
        for (key, value) in properties { fields["properties." + key] = value }
        for (key, value) in customProperties { fields["custom_properties." + key] = value }
        if let artifact = self as? Artifact {
            fields["uri"] = artifact.uri.map(Value.string)
            fields["state"] = artifact.state.map { .string($0.rawValue) }
        }
        if let execution = self as? Execution {
            fields["last_known_state"] = execution.lastKnownState.map { .string($0.rawValue) }
        }
        return fields
    }
}

extension TypeRecord {
    /// The fields a diff compares, by proto field name.
    var comparableFields: [String: Value] {
        var fields: [String: Value] = ["name": .string(name)]
        fields["version"] = version.map(Value.string)
        fields["description"] = description.map(Value.string)
        fields["external_id"] = externalID.map(Value.string)
        fields["base_type"] = baseType.map(Value.string)
        for (key, kind) in properties { fields["properties." + key] = .string(kind.rawValue) }
        return fields
    }
}
