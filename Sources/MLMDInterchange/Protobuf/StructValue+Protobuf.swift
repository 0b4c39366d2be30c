import MLMetadata
import SwiftProtobuf

// A struct value between the store's model and protobuf's well-known `Struct` types, which MLMD's
// wire messages and its SQLite rows (serialized) both use.

extension StructValue {
    package init(protobuf value: Google_Protobuf_Value) {
        switch value.kind {
        case .nullValue?, nil: self = .null
        case .numberValue(let number)?: self = .number(number)
        case .stringValue(let text)?: self = .string(text)
        case .boolValue(let flag)?: self = .bool(flag)
        case .listValue(let list)?: self = .list(list.values.map(StructValue.init(protobuf:)))
        case .structValue(let object)?: self = .object(object.fields.mapValues(StructValue.init(protobuf:)))
        }
    }

    package var protobuf: Google_Protobuf_Value {
        var message = Google_Protobuf_Value()
        switch self {
        case .null: message.nullValue = .nullValue
        case .number(let number): message.numberValue = number
        case .string(let text): message.stringValue = text
        case .bool(let flag): message.boolValue = flag
        case .list(let values):
            var list = Google_Protobuf_ListValue()
            list.values = values.map(\.protobuf)
            message.listValue = list
        case .object(let fields):
            message.structValue = StructValue.protobuf(fields)
        }
        return message
    }

    /// A struct property's fields as a `google.protobuf.Struct`.
    package static func protobuf(_ fields: [String: StructValue]) -> Google_Protobuf_Struct {
        var object = Google_Protobuf_Struct()
        object.fields = fields.mapValues(\.protobuf)
        return object
    }

    /// The fields of a `google.protobuf.Struct`.
    package static func fields(_ object: Google_Protobuf_Struct) -> [String: StructValue] {
        object.fields.mapValues(StructValue.init(protobuf:))
    }
}
