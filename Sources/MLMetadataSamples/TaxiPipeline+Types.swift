import MLMetadata

extension TaxiPipeline {
    /// The component classes TFX names its execution types after.
    enum Component: String, CaseIterable {
        case exampleGen = "CsvExampleGen"
        case statisticsGen = "StatisticsGen"
        case schemaGen = "SchemaGen"
        case transform = "Transform"
        case trainer = "Trainer"
        case evaluator = "Evaluator"
        case pusher = "Pusher"

        /// The fully qualified class name, as TFX's compiler records it.
        var typeName: String {
            switch self {
            case .exampleGen: "tfx.components.example_gen.csv_example_gen.component.CsvExampleGen"
            case .statisticsGen: "tfx.components.statistics_gen.component.StatisticsGen"
            case .schemaGen: "tfx.components.schema_gen.component.SchemaGen"
            case .transform: "tfx.components.transform.component.Transform"
            case .trainer: "tfx.components.trainer.component.Trainer"
            case .evaluator: "tfx.components.evaluator.component.Evaluator"
            case .pusher: "tfx.components.pusher.component.Pusher"
            }
        }

        var baseType: ExecutionType.BaseType? {
            switch self {
            case .exampleGen, .statisticsGen, .schemaGen: .process
            case .transform: .transform
            case .trainer: .train
            case .evaluator: .evaluate
            case .pusher: .deploy
            }
        }

        /// The node id (`node` context name is `<pipeline>.<node id>`).
        var nodeID: String { rawValue }
    }

    /// TFX's standard artifact types (tfx/types/standard_artifacts.py).
    static let artifactTypes: [ArtifactType] = [
        ArtifactType(name: "Examples", properties: ["span": .int, "version": .int, "split_names": .string], baseType: .dataset),
        ArtifactType(name: "ExampleStatistics", properties: ["span": .int, "split_names": .string], baseType: .statistics),
        ArtifactType(name: "Schema"),
        ArtifactType(name: "TransformGraph"),
        ArtifactType(name: "Model", baseType: .model),
        ArtifactType(name: "ModelEvaluation"),
        ArtifactType(name: "ModelBlessing"),
        ArtifactType(name: "PushedModel", baseType: .model),
    ]

    static let contextTypes: [ContextType] = [
        ContextType(name: "pipeline"),
        ContextType(name: "pipeline_run"),
        ContextType(name: "node"),
    ]

    static func executionType(_ component: Component) -> ExecutionType {
        ExecutionType(name: component.typeName, baseType: component.baseType)
    }
}
