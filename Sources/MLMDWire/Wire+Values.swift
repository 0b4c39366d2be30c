import Foundation
import MLMDServiceProtocol
import MLMDInterchange
import MLMetadata
import SwiftProtobuf

// Property values between MLMD's wire messages and the store's model. A value's absence and
// presence carry over exactly: the model keeps proto2's "has" bits as optionals.

extension Value {
    /// The model value of a wire `Value`; `field` (`artifacts[0].properties.span`) and `key`
    /// (`span`) name it in the error for an empty one.
    package init(wire: MlMetadata_Value, field: String, key: String) throws(StoreError) {
        switch wire.value {
        case .intValue(let value)?: self = .int(value)
        case .doubleValue(let value)?: self = .double(value)
        case .stringValue(let value)?: self = .string(value)
        case .boolValue(let value)?: self = .bool(value)
        case .structValue(let value)?: self = .struct(StructValue.fields(value))
        case .protoValue(let value)?: self = .proto(ProtoAny(typeURL: value.typeURL, value: value.value))
        // MLMD's words for a value with none of its fields set.
        case nil: throw StoreError(.invalidArgument, "\(field): Found unmatched property type: \(key)", field: field)
        }
    }

    package var wire: MlMetadata_Value {
        var wire = MlMetadata_Value()
        switch self {
        case .int(let value): wire.intValue = value
        case .double(let value): wire.doubleValue = value
        case .string(let value): wire.stringValue = value
        case .bool(let value): wire.boolValue = value
        case .struct(let fields):
            wire.structValue = StructValue.protobuf(fields)
        case .proto(let any):
            var message = Google_Protobuf_Any()
            message.typeURL = any.typeURL
            message.value = any.value
            wire.protoValue = message
        }
        return wire
    }

    /// Model properties of a wire property map, each error naming `<field>.<key>`.
    package static func properties(wire: [String: MlMetadata_Value], field: String) throws(StoreError) -> [String: Value] {
        var result: [String: Value] = [:]
        result.reserveCapacity(wire.count)
        for (key, value) in wire {
            result[key] = try Value(wire: value, field: "\(field).\(key)", key: key)
        }
        return result
    }
}

/// A proto enum of the model from a wire enum's number; nil for a number the model lacks.
package func modelEnum<E: ProtoEnum>(_ number: Int, as: E.Type) -> E? { E(number: number) }

/// The output-only `system_metadata` MLMD never fills: refused in input (COMPATIBILITY.md).
package func refuseSystemMetadata(_ isSet: Bool, field: String) throws(StoreError) {
    if isSet {
        throw StoreError(.invalidArgument, "\(field).system_metadata is output-only and never stored", field: "\(field).system_metadata")
    }
}
