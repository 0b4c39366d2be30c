import Foundation
import MLMetadata
import SwiftProtobuf

/// MLMD's encoding of a property value in the columns of a `*Property` row.
///
/// One row per (node, name, is_custom_property) with exactly one value column set: `int_value`,
/// `double_value`, `string_value`, `bool_value` (0/1), a struct as `string_value` =
/// `"mlmd-struct::"` + base64 of the serialized `google.protobuf.Struct`, a proto as
/// `proto_value` = base64 text of the serialized `google.protobuf.Any`.
enum PropertyValueCodec {
    /// The columns of one property row, as SQLite returned them.
    struct Columns {
        var int: Int64?
        var double: Double?
        var string: String?
        var bytes: [UInt8]?
        var proto: [UInt8]?
        var bool: Int64?
    }

    /// Why a row cannot be read; the reader adds the table, node and name.
    struct Problem: Error {
        var column: String
        var message: String
    }

    static func decode(_ columns: Columns) throws(Problem) -> Value {
        if let value = columns.int { return .int(value) }
        if let value = columns.double { return .double(value) }
        if let text = columns.string {
            guard text.hasPrefix(MLMDSQLiteSchema.structPrefix) else { return .string(text) }
            let encoded = text.dropFirst(MLMDSQLiteSchema.structPrefix.count)
            guard let bytes = Data(base64Encoded: String(encoded)) else {
                throw Problem(column: "string_value", message: "a struct value that is not base64")
            }
            do {
                return .struct(StructValue.fields(try Google_Protobuf_Struct(serializedBytes: bytes)))
            } catch {
                throw Problem(column: "string_value", message: "a struct value that is not a serialized google.protobuf.Struct (\(error))")
            }
        }
        if let stored = columns.proto {
            // MLMD writes base64 text into this BLOB column.
            guard let text = String(bytes: stored, encoding: .utf8), let bytes = Data(base64Encoded: text) else {
                throw Problem(column: "proto_value", message: "a proto value that is not base64 text")
            }
            do {
                let any = try Google_Protobuf_Any(serializedBytes: bytes)
                return .proto(ProtoAny(typeURL: any.typeURL, value: any.value))
            } catch {
                throw Problem(column: "proto_value", message: "a proto value that is not a serialized google.protobuf.Any (\(error))")
            }
        }
        if let value = columns.bool { return .bool(value != 0) }
        if columns.bytes != nil {
            throw Problem(column: "byte_value", message: "a value in the legacy byte_value column, which no MLMD release reads")
        }
        throw Problem(column: "int_value", message: "no value in any value column (MLMD cannot read this row either)")
    }

    /// The row for `value`, as MLMD 1.17 writes it.
    static func encode(_ value: Value) -> Columns {
        var columns = Columns()
        switch value {
        case .int(let v): columns.int = v
        case .double(let v): columns.double = v
        case .string(let v): columns.string = v
        case .bool(let v): columns.bool = v ? 1 : 0
        case .struct(let fields):
            let message = StructValue.protobuf(fields)
            // Serializing a message built from values cannot fail.
            let bytes: Data = (try? message.serializedBytes()) ?? Data()
            columns.string = MLMDSQLiteSchema.structPrefix + bytes.base64EncodedString()
        case .proto(let any):
            var message = Google_Protobuf_Any()
            message.typeURL = any.typeURL
            message.value = any.value
            let bytes: Data = (try? message.serializedBytes()) ?? Data()
            columns.proto = Array(bytes.base64EncodedString().utf8)
        }
        return columns
    }
}
