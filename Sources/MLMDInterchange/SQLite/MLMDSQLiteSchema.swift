/// The MLMD SQLite schemas an import reads and an export writes.
///
/// MLMD keeps its schema version in the one row of `MLMDEnv`. Versions by release: 7 (MLMD
/// 1.1–1.6), 8 (1.7–1.10), 10 (1.11–1.17; 9 was never released on its own). Schema 9 added the
/// `external_id` columns, schema 10 the `proto_value` and `bool_value` property columns; 7 and 8
/// differ only in indexes and in `Event`'s uniqueness, which a reader does not see.
enum MLMDSQLiteSchema {
    /// The versions an import reads.
    static let readable: ClosedRange<Int64> = 7...10
    /// The version an export writes, which MLMD 1.11–1.17 open without migration.
    static let current: Int64 = 10

    /// The MLMD releases that wrote a schema version, for error messages.
    static func releases(of version: Int64) -> String {
        switch version {
        case 0: "MLMD 0.13"
        case 4: "MLMD 0.14–0.21"
        case 5: "MLMD 0.22–0.24"
        case 6: "MLMD 0.25–1.0"
        case 7: "MLMD 1.1–1.6"
        case 8: "MLMD 1.7–1.10"
        case 9: "a pre-release of MLMD 1.11"
        case 10: "MLMD 1.11–1.17"
        default: version > current ? "a release newer than MLMD 1.17" : "no MLMD release"
        }
    }

    /// Whether the node tables have `external_id` (schema 9 on).
    static func hasExternalIDs(_ version: Int64) -> Bool { version >= 9 }
    /// Whether property rows have `proto_value` and `bool_value` (schema 10).
    static func hasProtoAndBoolValues(_ version: Int64) -> Bool { version >= 10 }

    /// `Type.type_kind`.
    enum TypeKindNumber: Int64 {
        case execution = 0
        case artifact = 1
        case context = 2
    }

    /// The system types MLMD inserts into every database (the targets of `base_type`); reads
    /// never list them.
    static let systemArtifactTypes: [String: Int] = ["mlmd.Dataset": 1, "mlmd.Model": 2, "mlmd.Metrics": 3, "mlmd.Statistics": 4]
    static let systemExecutionTypes: [String: Int] = ["mlmd.Train": 1, "mlmd.Transform": 2, "mlmd.Process": 3, "mlmd.Evaluate": 4,
                                                      "mlmd.Deploy": 5]

    /// How MLMD stores a struct value in `string_value`: this prefix, then base64 of the
    /// serialized `google.protobuf.Struct`.
    static let structPrefix = "mlmd-struct::"
}
