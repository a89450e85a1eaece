import Foundation
import GRU4Rec
import Nabla
import NablaNN
import Testing

/// Models saved with their item map and hyperparameters, validated when loaded.
@Suite struct CheckpointTests {
    func temporaryFile(_ name: String = "model.safetensors") -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("nabla-\(UUID())-\(name)")
    }

    func trainedModel() throws -> (GRU4RecModel<Float>, ItemMap) {
        let configuration = try GRU4RecConfiguration(parameters: "layers=6,batch_size=2,n_sample=2,n_epochs=1,loss=bpr-max")
        let model = GRU4RecModel<Float>(configuration: configuration, itemCount: 4)
        return (model, try ItemMap(ids: ["apple", "pear", "fig", "kiwi"]))
    }

    @Test func roundTripKeepsWeightsItemsAndHyperparameters() throws {
        let (model, items) = try trainedModel()
        let url = temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(model, itemMap: items, epochsCompleted: 3, to: url)
        let loaded = try Checkpoint.load(url, as: Float.self)
        #expect(loaded.itemMap == items)
        #expect(loaded.epochsCompleted == 3)
        #expect(loaded.model.configuration == model.configuration)
        #expect(zip(loaded.model.parameters, model.parameters).allSatisfy { $0.scalars == $1.scalars })
        let a = try Recommender.recommend(model, itemMap: items, after: ["fig", "apple"])
        let b = try Recommender.recommend(loaded.model, itemMap: loaded.itemMap, after: ["fig", "apple"])
        #expect(a == b)
    }

    @Test func truncatedFileIsRefused() throws {
        let (model, items) = try trainedModel()
        let url = temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(model, itemMap: items, epochsCompleted: 1, to: url)
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count - 10).write(to: url)
        #expect(throws: SafeTensorsError.self) { try Checkpoint.load(url, as: Float.self) }
    }

    @Test func aPlainSafetensorsFileIsNotACheckpoint() throws {
        let url = temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        var file = SafeTensors()
        file.add(Tensor<Float>([1]), named: "w")
        try file.write(to: url)
        do {
            _ = try Checkpoint.load(url, as: Float.self)
            Issue.record("a file without GRU4Rec metadata was accepted")
        } catch let error as CheckpointError {
            #expect(error.message == "not a GRU4Rec checkpoint (format is missing)")
        }
    }

    @Test func hyperparametersThatDisagreeWithTheTensorsAreRefused() throws {
        let (model, items) = try trainedModel()
        let url = temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        var file = model.safeTensors(metadata: [
            "format": Checkpoint.formatName, "format_version": "1", "item_ids": #"["apple","pear","fig","kiwi"]"#,
            "parameters": "layers=8,loss=bpr-max", "epochs_completed": "1",
        ])
        try file.write(to: url)
        #expect(throws: CheckpointError.self) { try Checkpoint.load(url, as: Float.self) }
        file.metadata["parameters"] = "layers=6,loss=bpr-max,learnig_rate=1"
        try file.write(to: url)
        #expect(throws: CheckpointError.self) { try Checkpoint.load(url, as: Float.self) }
        file.metadata["parameters"] = model.configuration.parameterString
        file.metadata["item_ids"] = #"["apple","pear","fig"]"#
        try file.write(to: url)
        #expect(throws: CheckpointError.self) { try Checkpoint.load(url, as: Float.self) }
        file.metadata["format_version"] = "2"
        try file.write(to: url)
        #expect(throws: CheckpointError.self) { try Checkpoint.load(url, as: Float.self) }
        _ = items
    }

    @Test func metadataClaimingAHugeModelIsRefusedBeforeAllocating() throws {
        let (model, _) = try trainedModel()
        var file = model.safeTensors(metadata: [
            "format": Checkpoint.formatName, "format_version": "1", "item_ids": #"["a","b","c","d"]"#,
            "parameters": "layers=6/200000,loss=bpr-max", "epochs_completed": "1",
        ])
        file.metadata["parameters"] = "layers=60000/6,loss=bpr-max"
        do {
            _ = try Checkpoint.load(file, path: "huge.safetensors", as: Float.self)
            Issue.record("a checkpoint claiming a 60,000-unit layer was accepted")
        } catch let error as CheckpointError {
            #expect(error.message.contains("'gru.layer0.weightHH' as [180000, 60000]"))
        }
    }

    @Test func recommendMapsBackToItemIDsAndRefusesUnknownItems() throws {
        let (model, items) = try trainedModel()
        let top = try Recommender.recommend(model, itemMap: items, after: ["kiwi"], count: 4)
        #expect(Set(top.map(\.item)) == ["apple", "pear", "fig", "kiwi"])
        #expect(top.map(\.score) == top.map(\.score).sorted(by: >))
        #expect(throws: DataError.self) { try Recommender.recommend(model, itemMap: items, after: ["banana"]) }
    }
}
