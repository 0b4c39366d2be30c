import MLMetadata

/// The MLMD benchmark scenario (`shared/bench/scenario.md`), ported from `bench_mlmd.py` value
/// for value: the same types, pipeline, properties and random draws in the same order.
enum Scenario {
    static let artifactTypes: [(String, [(String, PropertyType)])] = [
        ("Examples", [("span", .int), ("version", .int), ("split_names", .string), ("payload_format", .string)]),
        ("ExampleStatistics", [("span", .int), ("split_names", .string), ("num_examples", .int)]),
        ("Schema", [("version", .int), ("num_features", .int), ("checksum", .string)]),
        ("TransformGraph", [("version", .int), ("num_analyzers", .int), ("checksum", .string)]),
        ("Model", [("version", .int), ("accuracy", .double), ("loss", .double), ("framework", .string), ("num_params", .int)]),
        ("ModelEvaluation", [("accuracy", .double), ("auc", .double), ("num_slices", .int)]),
        ("ModelBlessing", [("blessed", .boolean), ("threshold", .double), ("current_model_id", .int), ("baseline_model_id", .int)]),
        ("PushedModel", [("pushed", .boolean), ("pushed_destination", .string), ("pushed_version", .string)]),
    ]

    static let executionCommon: [(String, PropertyType)] = [("pipeline_name", .string), ("run_id", .string), ("component_id", .string)]
    static let executionTypes: [(String, [(String, PropertyType)])] = [
        ("ExampleGen", executionCommon + [("input_base", .string)]),
        ("StatisticsGen", executionCommon + [("num_shards", .int)]),
        ("SchemaGen", executionCommon + [("infer_feature_shape", .boolean)]),
        ("Transform", executionCommon + [("force_tf_compat_v1", .boolean)]),
        ("Trainer", executionCommon + [("train_steps", .int)]),
        ("Evaluator", executionCommon + [("threshold", .double)]),
        ("Pusher", executionCommon + [("push_destination", .string)]),
    ]

    static let contextTypes: [(String, [(String, PropertyType)])] = [
        ("pipeline", [("pipeline_root", .string)]),
        ("pipeline_run", [("run_number", .int), ("trigger", .string)]),
        ("node", [("pipeline_name", .string), ("component_type", .string)]),
    ]

    static let pipelineName = "bench_pipeline"
    static let blessingThreshold = 0.8

    /// (component, inputs as (event key, "Component.output" or "prev:Component.output"), outputs as (key, type)).
    static let pipeline: [(component: String, inputs: [(String, String)], outputs: [(String, String)])] = [
        ("ExampleGen", [], [("examples", "Examples")]),
        ("StatisticsGen", [("examples", "ExampleGen.examples")], [("statistics", "ExampleStatistics")]),
        ("SchemaGen", [("statistics", "StatisticsGen.statistics")], [("schema", "Schema")]),
        ("Transform", [("examples", "ExampleGen.examples"), ("schema", "SchemaGen.schema")],
         [("transform_graph", "TransformGraph"), ("transformed_examples", "Examples")]),
        ("Trainer", [("examples", "Transform.transformed_examples"), ("transform_graph", "Transform.transform_graph"),
                     ("schema", "SchemaGen.schema")], [("model", "Model")]),
        ("Evaluator", [("examples", "ExampleGen.examples"), ("model", "Trainer.model"), ("baseline_model", "prev:Trainer.model")],
         [("evaluation", "ModelEvaluation"), ("blessing", "ModelBlessing")]),
        ("Pusher", [("model", "Trainer.model"), ("model_blessing", "Evaluator.blessing")], [("pushed_model", "PushedModel")]),
    ]
    static let artifactsPerRun = 9

    static let filterQueries = [
        "model_accuracy": "type = 'Model' AND properties.accuracy.double_value > 0.9",
        "bulk_version_quality": "type = 'Examples' AND properties.version.int_value = 3 AND custom_properties.quality.double_value > 0.5",
    ]

    /// `run_artifact_properties` of the harness.
    static func runArtifactProperties(_ type: String, run: Int, rng: inout PythonRandom, produced: [String: Artifact],
                                      previousModel: Artifact?) -> [String: Value] {
        let checksum = String(rng.getrandbits(64), radix: 16).leftPadded(16)
        let run64 = Int64(run)
        switch type {
        case "Examples":
            return ["span": .int(run64), "version": 0, "split_names": "[\"train\",\"eval\"]", "payload_format": "FORMAT_TF_EXAMPLE"]
        case "ExampleStatistics":
            return ["span": .int(run64), "split_names": "[\"train\",\"eval\"]", "num_examples": .int(Int64(rng.randint(10_000, 1_000_000)))]
        case "Schema":
            return ["version": .int(run64), "num_features": .int(Int64(rng.randint(10, 500))), "checksum": .string(checksum)]
        case "TransformGraph":
            return ["version": .int(run64), "num_analyzers": .int(Int64(rng.randint(1, 50))), "checksum": .string(checksum)]
        case "Model":
            let accuracy = pythonRound6(rng.uniform(0.70, 1.0))
            let loss = pythonRound6(1.0 - accuracy + rng.uniform(0, 0.05))
            return ["version": .int(run64), "accuracy": .double(accuracy), "loss": .double(loss), "framework": "tensorflow",
                    "num_params": .int(Int64(rng.randint(10_000, 10_000_000)))]
        default:
            break
        }
        let model = produced["Trainer.model"]!
        let accuracy = model.properties["accuracy"]!.doubleValue!
        switch type {
        case "ModelEvaluation":
            return ["accuracy": .double(accuracy), "auc": .double(pythonRound6(rng.uniform(0.7, 1.0))),
                    "num_slices": .int(Int64(rng.randint(1, 20)))]
        case "ModelBlessing":
            return ["blessed": .bool(accuracy > blessingThreshold), "threshold": .double(blessingThreshold),
                    "current_model_id": .int(model.id!), "baseline_model_id": .int(previousModel?.id ?? 0)]
        case "PushedModel":
            let blessed = produced["Evaluator.blessing"]!.properties["blessed"]!.boolValue!
            return ["pushed": .bool(blessed), "pushed_destination": .string("/serving/\(pipelineName)"), "pushed_version": .string(String(run))]
        default:
            fatalError("unknown artifact type \(type)")
        }
    }

    /// `execution_properties` of the harness. Its dict literal draws both random extras for every
    /// component, StatisticsGen's first; so does this.
    static func executionProperties(_ component: String, runName: String, rng: inout PythonRandom) -> [String: Value] {
        let shards = rng.randint(1, 16)
        let steps = rng.randint(1_000, 100_000)
        var properties: [String: Value] = ["pipeline_name": .string(pipelineName), "run_id": .string(runName), "component_id": .string(component)]
        switch component {
        case "ExampleGen": properties["input_base"] = "/data/raw"
        case "StatisticsGen": properties["num_shards"] = .int(Int64(shards))
        case "SchemaGen": properties["infer_feature_shape"] = true
        case "Transform": properties["force_tf_compat_v1"] = false
        case "Trainer": properties["train_steps"] = .int(Int64(steps))
        case "Evaluator": properties["threshold"] = .double(blessingThreshold)
        case "Pusher": properties["push_destination"] = .string("/serving/\(pipelineName)")
        default: fatalError("unknown component \(component)")
        }
        return properties
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
