import Foundation
import GRU4Rec
import Nabla
import NablaKernels
import NablaNN
import Testing

/// Interrupting training, saving, and resuming gives exactly the weights of an uninterrupted run.
@Suite struct ResumeTests {
    func demoData() throws -> SessionData {
        let text = DemoShop.sessions(count: 300)
        return try SessionData.training(SessionTSVReader.parse(Data(text.utf8), source: "demo.tsv"), source: "demo.tsv")
    }

    /// Dropout, momentum and a sample cache that refills every few steps: every kind of state.
    let parameters = "layers=8,batch_size=8,dropout_p_embed=0.2,dropout_p_hidden=0.3,momentum=0.3,n_sample=6,sample_cache_max_size=30,learning_rate=0.1,loss=bpr-max"

    @Test func interruptedAndResumedRunEqualsAnUninterruptedOne() throws {
        let data = try demoData()
        let configuration = try GRU4RecConfiguration(parameters: parameters)

        let reference = SessionTrainer(model: GRU4RecModel<Float>(configuration: configuration, itemCount: data.itemMap.count), data: data)
        try reference.trainEpoch()
        try reference.trainEpoch()

        let first = SessionTrainer(model: GRU4RecModel<Float>(configuration: configuration, itemCount: data.itemMap.count), data: data)
        try first.trainEpoch()
        var steps = 0
        let partial = try first.trainEpoch(shouldStop: { steps += 1; return steps > 37 })
        #expect(partial.interrupted)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-resume-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.saveTraining(first, to: url)

        let resumed: SessionTrainer<GRU4RecModel<Float>> = try Checkpoint.resumeTraining(from: url, data: data)
        #expect(resumed.completedEpochs == 1)
        #expect(resumed.epochInProgress?.steps == 37)
        let rest = try resumed.trainEpoch()
        #expect(!rest.interrupted && rest.epoch == 2)
        for (a, b) in zip(resumed.model.namedParameters(), reference.model.namedParameters()) {
            #expect(a.tensor.scalars == b.tensor.scalars, "\(a.name) differs after resuming")
        }
        #expect(resumed.optimizer.state.buffers == reference.optimizer.state.buffers)
    }

    @Test func anyOptimizerResumesExactlyThroughTheGenericCheckpoint() throws {
        let data = try demoData()
        let configuration = try GRU4RecConfiguration(parameters: parameters)
        func makeTrainer() -> SessionTrainer<GRU4RecModel<Float>> {
            let model = GRU4RecModel<Float>(configuration: configuration, itemCount: data.itemMap.count)
            return SessionTrainer(model: model, data: data, options: configuration.trainingOptions,
                                  optimizer: Adam(parameters: model.parameters, learningRate: 0.01))
        }
        let reference = makeTrainer()
        try reference.trainEpoch()
        let first = makeTrainer()
        var steps = 0
        #expect(try first.trainEpoch(shouldStop: { steps += 1; return steps > 20 }).interrupted)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-adam-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SessionCheckpoint.saveTraining(first, to: url)

        let resumed = makeTrainer()
        try SessionCheckpoint.resume(resumed, from: url)
        #expect(resumed.epochInProgress?.steps == 20)
        try resumed.trainEpoch()
        for (a, b) in zip(resumed.model.namedParameters(), reference.model.namedParameters()) {
            #expect(a.tensor.scalars == b.tensor.scalars, "\(a.name) differs after resuming")
        }
        #expect(resumed.optimizer.state.counters == ["step": reference.optimizer.state.counters["step"]!])
    }

    @Test func aCheckpointOfAnEarlierTrainingStateVersionIsRefusedWithAMessage() throws {
        let data = try demoData()
        let trainer = SessionTrainer(model: GRU4RecModel<Float>(configuration: try GRU4RecConfiguration(parameters: parameters),
                                                                itemCount: data.itemMap.count), data: data)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-old-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.saveTraining(trainer, to: url)
        var file = try SafeTensors.read(from: url)
        // As a file of the earlier format: training state version 1, format version 1, no checksums.
        file.metadata["training"] = file.metadata["training"]!.replacingOccurrences(of: "\"version\":3", with: "\"version\":1")
        file.metadata["format_version"] = "1"
        file.metadata["checksums"] = nil
        try file.write(to: url)
        do {
            let _: SessionTrainer<GRU4RecModel<Float>> = try Checkpoint.resumeTraining(from: url, data: data)
            Issue.record("an earlier training state was accepted")
        } catch let error as CheckpointError {
            #expect(error.message.contains("version 1") && error.message.contains("still loads as a model file"))
        }
        #expect(try Checkpoint.load(url, as: Float.self).itemMap == data.itemMap)
    }

    @Test func resumingOnOtherDataIsRefused() throws {
        let data = try demoData()
        let trainer = SessionTrainer(model: GRU4RecModel<Float>(configuration: try GRU4RecConfiguration(parameters: parameters),
                                                                itemCount: data.itemMap.count), data: data)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-resume-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.saveTraining(trainer, to: url)
        let other = try SessionData.training(SessionTSVReader.parse(Data(DemoShop.sessions(count: 200, firstSession: 900).utf8), source: "other.tsv"),
                                             source: "other.tsv")
        #expect(throws: CheckpointError.self) { let _: SessionTrainer<GRU4RecModel<Float>> = try Checkpoint.resumeTraining(from: url, data: other) }
        // A training checkpoint is also a model: it loads for evaluation and recommendation.
        #expect(try Checkpoint.load(url, as: Float.self).itemMap == data.itemMap)
    }

    /// A model whose step is the square root of its embedding rows: with the rows at zero every
    /// score is 0 and the loss finite, but the gradient of the rows is infinite.
    final class SquareRootStepRecommender: SessionModel {
        let embedding: Embedding<Float>
        let output: ItemOutput<Float>
        var isTraining = true

        init(itemCount: Int) {
            var generator = SeededRandomGenerator(seed: 5)
            embedding = Embedding(count: itemCount, dimension: 3, using: &generator)
            embedding.weight.updateScalars { $0 = [Float](repeating: 0, count: $0.count) }
            output = ItemOutput(itemCount: itemCount, inputSize: 3, using: &generator)
        }

        var localParameters: [(name: String, tensor: Tensor<Float>)] { [] }
        var submodules: [(name: String, module: any Module<Float>)] { [("embedding", embedding), ("items", output)] }
        var itemCount: Int { output.itemCount }
        func zeroStates(batchSize: Int) -> [Tensor<Float>] { [Tensor(zeros: [batchSize, 3])] }
        func step(_ items: [Int], states: inout [Tensor<Float>]) -> Tensor<Float> {
            states = [embedding(items).sqrt()]
            return states[0]
        }
        func scores(_ hidden: Tensor<Float>, items: [Int]) -> Tensor<Float> { output.scores(hidden, items: items) }
    }

    @Test func aNonFiniteRowSparseGradientStopsTrainingBeforeAnyUpdate() throws {
        let data = try demoData()
        let model = SquareRootStepRecommender(itemCount: data.itemMap.count)
        let before = model.namedParameters().map(\.tensor.scalars)
        let trainer = SessionTrainer(model: model, data: data, options: SessionTrainingOptions(batchSize: 4, sampleCount: 2),
                                     optimizer: Adagrad(parameters: model.parameters, learningRate: 0.1))
        do {
            try trainer.trainEpoch()
            Issue.record("training with an infinite gradient did not stop")
        } catch let error as TrainingError {
            #expect(error.message.hasPrefix("epoch 1, step 1: the gradient of '"), "\(error.message)")
            #expect(error.message.contains("is not finite"), "\(error.message)")
        }
        // The check ran before the update: no parameter changed.
        #expect(model.namedParameters().map(\.tensor.scalars) == before)
    }

    @Test func aNonFiniteLossNamesEpochStepAndParameter() throws {
        let data = try demoData()
        let model = GRU4RecModel<Float>(configuration: try GRU4RecConfiguration(parameters: "layers=4,batch_size=4,n_sample=2"),
                                        itemCount: data.itemMap.count)
        model.output.weight.updateScalars { $0 = [Float](repeating: .nan, count: $0.count) }
        let trainer = SessionTrainer(model: model, data: data)
        do {
            try trainer.trainEpoch()
            Issue.record("training with NaN weights did not stop")
        } catch let error as TrainingError {
            #expect(error.message.hasPrefix("epoch 1, step 1: the loss is ") && error.message.contains("nan"))
            #expect(error.message.contains("non-finite values in items.weight"))
        }
    }
}
