/// A message that is valid JSON but not a valid proto3-JSON MLMD message.
struct ProtoJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Dotted path of the offending field (`properties.span.int_value`), empty for the message.
    var field: String
    var message: String
    /// 1-based line of the field in the source text, 0 when unknown.
    var line: Int

    var description: String {
        field.isEmpty ? message : "field '\(field)': \(message)"
    }

    /// Converts to a store error about a file (or an input when `path` is nil).
    func storeError(path: String?, code: StoreError.Code = .dataLoss) -> StoreError {
        StoreError(code, description, path: path, line: line == 0 ? nil : line, field: field.isEmpty ? nil : field)
    }
}
