import MLMetadata

extension TaxiPipeline {
    /// Records one pipeline run the way TFX's launcher does, component by component.
    static func recordRun(_ settings: RunSettings, number: Int, previous: RunOutputs?, in run: PipelineRunRecorder) throws -> RunOutputs {
        // TFX registers types idempotently before every component; record(into:) does it once per run.
        let recorder = ComponentRecorder(run: run)

        let cached = settings.cachedData ? previous : nil
        let examples = try recorder.run(.exampleGen, inputs: [],
            properties: ["input_base": .string("gs://ml-data/chicago_taxi/span-\(settings.span)"), "output_data_format": 6],
            outputs: cached.map { [("examples", $0.examples)] } ?? [("examples", artifact("Examples", uri: "CsvExampleGen/examples",
                number: number, properties: ["span": .int(settings.span), "version": 0, "split_names": "[\"train\", \"eval\"]"],
                custom: ["file_format": "tfrecords_gzip", "payload_format": "FORMAT_TF_EXAMPLE"]))])[0]
        let statistics = try recorder.run(.statisticsGen, inputs: [("examples", examples)],
            properties: ["exclude_splits": "[]"],
            outputs: cached.map { [("statistics", $0.statistics)] } ?? [("statistics", artifact("ExampleStatistics",
                uri: "StatisticsGen/statistics", number: number,
                properties: ["span": .int(settings.span), "split_names": "[\"train\", \"eval\"]"]))])[0]
        let schema = try recorder.run(.schemaGen, inputs: [("statistics", statistics)],
            properties: ["infer_feature_shape": 1],
            outputs: cached.map { [("schema", $0.schema)] } ?? [("schema", artifact("Schema", uri: "SchemaGen/schema", number: number))])[0]
        let transformed = try recorder.run(.transform, inputs: [("examples", examples), ("schema", schema)],
            properties: ["module_file": "taxi_utils.py", "force_tf_compat_v1": 0],
            outputs: cached.map { [("transform_graph", $0.transformGraph), ("transformed_examples", $0.transformedExamples)] }
                ?? [("transform_graph", artifact("TransformGraph", uri: "Transform/transform_graph", number: number)),
                    ("transformed_examples", artifact("Examples", uri: "Transform/transformed_examples", number: number,
                        properties: ["span": .int(settings.span), "version": 0, "split_names": "[\"train\", \"eval\"]"]))])
        let (transformGraph, transformedExamples) = (transformed[0], transformed[1])

        let model = try recorder.run(.trainer,
            inputs: [("examples", transformedExamples), ("transform_graph", transformGraph), ("schema", schema)],
            properties: ["train_steps": .int(settings.trainSteps), "learning_rate": .double(settings.learningRate),
                         "batch_size": .int(settings.batchSize), "module_file": "taxi_utils.py"],
            outputs: [("model", artifact("Model", uri: "Trainer/model", number: number, custom: ["framework": "tensorflow"]))])[0]

        let blessed = settings.accuracy >= 0.85
        var evaluatorInputs = [("examples", examples), ("model", model)]
        if let previous, previous.blessed { evaluatorInputs.append(("baseline_model", previous.model)) }
        let evaluatorOutputs = try recorder.run(.evaluator, inputs: evaluatorInputs,
            properties: ["eval_config": "{\"metrics_specs\": [{\"thresholds\": {\"accuracy\": {\"lower_bound\": 0.85}}}]}"],
            outputs: [
                ("evaluation", artifact("ModelEvaluation", uri: "Evaluator/evaluation", number: number,
                    custom: ["accuracy": .double(settings.accuracy), "auc": .double(settings.auc), "loss": .double(settings.loss)])),
                ("blessing", artifact("ModelBlessing", uri: "Evaluator/blessing", number: number,
                    custom: ["blessed": .int(blessed ? 1 : 0), "current_model_id": .int(model.id!)])),
            ])
        _ = try recorder.run(.pusher, inputs: [("model", model), ("model_blessing", evaluatorOutputs[1])],
            properties: ["push_destination": "{\"filesystem\": {\"base_directory\": \"gs://serving/chicago_taxi\"}}"],
            outputs: [("pushed_model", artifact("PushedModel", uri: "Pusher/pushed_model", number: number,
                custom: ["pushed": .int(blessed ? 1 : 0), "pushed_version": .string(blessed ? "v\(number)" : "")]))])
        return RunOutputs(examples: examples, statistics: statistics, schema: schema, transformGraph: transformGraph,
                          transformedExamples: transformedExamples, model: model, blessed: blessed)
    }

    /// A new output artifact with TFX's system properties; published LIVE by its execution.
    static func artifact(_ type: String, uri: String, number: Int, properties: [String: Value] = [:],
                         custom: [String: Value] = [:]) -> Artifact {
        var artifact = Artifact(type: type, uri: "\(pipelineRoot)/\(uri)/\(number)", properties: properties)
        artifact.customProperties = custom.merging(["tfx_version": .string(tfxVersion), "is_external": 0]) { given, _ in given }
        return artifact
    }
}

/// Records the components of one run through ``PipelineRunRecorder`` (TFX's two calls each).
struct ComponentRecorder {
    let run: PipelineRunRecorder

    /// Runs one component: outputs that already have an id are cached results, so the
    /// execution is CACHED and they stay as they are.
    func run(_ component: TaxiPipeline.Component, inputs: [(String, Artifact)], properties: [String: Value],
             outputs: [(String, Artifact)]) throws -> [Artifact] {
        try run.record(node: component.nodeID, executionType: component.typeName, properties: properties,
                       inputs: inputs.map { ($0.0, [$0.1]) }, outputs: outputs.map { ($0.0, [$0.1]) })
            .flatMap(\.artifacts)
    }
}
