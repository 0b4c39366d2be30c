import Testing
@testable import MLMetadata

/// The library example of README.md, verbatim apart from the store's folder.
@Suite struct ReadmeExampleTests {
    @Test func theReadmeExampleWorks() throws {
        let directory = TemporaryDirectory()
        let store = try MetadataStore(path: directory.path + "/metadata")     // created if missing

        let modelType = try store.putArtifactType(ArtifactType(name: "Model", properties: ["accuracy": .double]))
        let trainerType = try store.putExecutionType(ExecutionType(name: "Trainer"))
        _ = try store.putContextType(ContextType(name: "pipeline_run"))

        var model = Artifact(typeID: modelType, uri: "gs://bucket/models/7", state: .live)
        model.properties["accuracy"] = 0.93
        model.customProperties["framework"] = "tensorflow"

        // One atomic call: the execution, its output, the event and the context links.
        let result = try store.putExecution(
            Execution(typeID: trainerType, lastKnownState: .complete),
            artifactsAndEvents: [ArtifactAndEvent(model, .output, path: [.key("model"), .index(0)])],
            contexts: [Context(type: "pipeline_run", name: "run-7")],
            options: PutExecutionOptions(reuseContextIfAlreadyExist: true))

        let models = try store.getArtifactsByType("Model")
        let events = try store.getEventsByExecutionIDs([result.executionID])

        #expect(models.map(\.properties) == [["accuracy": 0.93]])
        #expect(events.map(\.type) == [.output])
    }
}
