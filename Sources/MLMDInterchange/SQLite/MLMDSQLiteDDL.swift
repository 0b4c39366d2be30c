import GRDB

/// The tables and indexes of MLMD's SQLite schema 10, as MLMD 1.17 creates them (column names,
/// types, keys and uniqueness constraints are MLMD's; MLMD checks the version in `MLMDEnv` and
/// reads these columns).
enum MLMDSQLiteDDL {
    static func create(_ db: Database) throws {
        let property = { (table: String, idColumn: String) in
            """
            CREATE TABLE `\(table)` (`\(idColumn)` INT NOT NULL, `name` VARCHAR(255) NOT NULL, `is_custom_property` TINYINT(1) NOT NULL,
              `int_value` INT, `double_value` DOUBLE, `string_value` TEXT, `byte_value` BLOB, `proto_value` BLOB, `bool_value` BOOLEAN,
              PRIMARY KEY (`\(idColumn)`, `name`, `is_custom_property`));
            """
        }
        try db.execute(sql: """
            CREATE TABLE `Type` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `name` VARCHAR(255) NOT NULL, `version` VARCHAR(255),
              `type_kind` TINYINT(1) NOT NULL, `description` TEXT, `input_type` TEXT, `output_type` TEXT, `external_id` VARCHAR(255) UNIQUE);
            CREATE TABLE `TypeProperty` (`type_id` INT NOT NULL, `name` VARCHAR(255) NOT NULL, `data_type` INT NULL,
              PRIMARY KEY (`type_id`, `name`));
            CREATE TABLE `ParentType` (`type_id` INT NOT NULL, `parent_type_id` INT NOT NULL, PRIMARY KEY (`type_id`, `parent_type_id`));
            CREATE TABLE `Artifact` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `type_id` INT NOT NULL, `uri` TEXT, `state` INT,
              `name` VARCHAR(255), `external_id` VARCHAR(255) UNIQUE, `create_time_since_epoch` INT NOT NULL DEFAULT 0,
              `last_update_time_since_epoch` INT NOT NULL DEFAULT 0, UNIQUE(`type_id`, `name`));
            \(property("ArtifactProperty", "artifact_id"))
            CREATE TABLE `Execution` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `type_id` INT NOT NULL, `last_known_state` INT,
              `name` VARCHAR(255), `external_id` VARCHAR(255) UNIQUE, `create_time_since_epoch` INT NOT NULL DEFAULT 0,
              `last_update_time_since_epoch` INT NOT NULL DEFAULT 0, UNIQUE(`type_id`, `name`));
            \(property("ExecutionProperty", "execution_id"))
            CREATE TABLE `Event` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `artifact_id` INT NOT NULL, `execution_id` INT NOT NULL,
              `type` INT NOT NULL, `milliseconds_since_epoch` INT, UNIQUE(`artifact_id`, `execution_id`, `type`));
            CREATE TABLE `EventPath` (`event_id` INT NOT NULL, `is_index_step` TINYINT(1) NOT NULL, `step_index` INT, `step_key` TEXT);
            CREATE TABLE `MLMDEnv` (`schema_version` INTEGER PRIMARY KEY);
            CREATE TABLE `Context` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `type_id` INT NOT NULL, `name` VARCHAR(255) NOT NULL,
              `external_id` VARCHAR(255) UNIQUE, `create_time_since_epoch` INT NOT NULL DEFAULT 0,
              `last_update_time_since_epoch` INT NOT NULL DEFAULT 0, UNIQUE(`type_id`, `name`));
            \(property("ContextProperty", "context_id"))
            CREATE TABLE `ParentContext` (`context_id` INT NOT NULL, `parent_context_id` INT NOT NULL,
              PRIMARY KEY (`context_id`, `parent_context_id`));
            CREATE TABLE `Association` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `context_id` INT NOT NULL, `execution_id` INT NOT NULL,
              UNIQUE(`context_id`, `execution_id`));
            CREATE TABLE `Attribution` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `context_id` INT NOT NULL, `artifact_id` INT NOT NULL,
              UNIQUE(`context_id`, `artifact_id`));
            INSERT INTO `MLMDEnv`(`schema_version`) VALUES (\(MLMDSQLiteSchema.current));
            """)
        for (name, definition) in indexes {
            try db.execute(sql: "CREATE INDEX `\(name)` ON \(definition)")
        }
    }

    /// MLMD's secondary indexes, so that MLMD's own queries on an exported file are as fast as on its own.
    static let indexes: [(String, String)] = {
        var out: [(String, String)] = [("idx_artifact_uri", "`Artifact`(`uri`)"), ("idx_event_execution_id", "`Event`(`execution_id`)"),
                                       ("idx_parentcontext_parent_context_id", "`ParentContext`(`parent_context_id`)"),
                                       ("idx_type_name", "`Type`(`name`)"), ("idx_eventpath_event_id", "`EventPath`(`event_id`)"),
                                       ("idx_type_external_id", "`Type`(`external_id`)")]
        for (table, property) in [("artifact", "Artifact"), ("execution", "Execution"), ("context", "Context")] {
            out += [("idx_\(table)_create_time_since_epoch", "`\(property)`(`create_time_since_epoch`)"),
                    ("idx_\(table)_last_update_time_since_epoch", "`\(property)`(`last_update_time_since_epoch`)"),
                    ("idx_\(table)_external_id", "`\(property)`(`external_id`)")]
            for column in ["int", "double", "string"] {
                out.append(("idx_\(table)_property_\(column)",
                            "`\(property)Property`(`name`, `is_custom_property`, `\(column)_value`) WHERE `\(column)_value` IS NOT NULL"))
            }
        }
        return out
    }()
}
