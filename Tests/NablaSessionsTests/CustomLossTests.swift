import Foundation
import Nabla
import NablaNN
import NablaSessions
import NablaTestSupport
import Testing

/// InfoNCE with temperature τ: the softmax cross-entropy of the scores divided by τ, each slot's
/// target against the other slots' targets and the shared samples. Written as a user would,
/// from the public protocol alone.
struct InfoNCE: SampledLoss {
    var temperature: Double
    var description: String { "InfoNCE(temperature: \(temperature))" }

    func callAsFunction<Scalar: TensorScalar>(_ batch: ScoredBatch<Scalar>) -> Tensor<Scalar> {
        Losses.crossEntropy(batch.scores / Scalar(temperature))
    }
}

/// A loss of one's own trains any session model through the shared trainer, checks like the
/// built-ins, and resumes from checkpoints; the built-ins are values of the same protocol.
@Suite struct CustomLossTests {
    func demoData() throws -> SessionData {
        let text = DemoShop.sessions(count: 300)
        return try SessionData.training(SessionTSVReader.parse(Data(text.utf8), source: "demo.tsv"), source: "demo.tsv")
    }

    func makeTrainer(_ data: SessionData, loss: any SampledLoss = InfoNCE(temperature: 0.5)) -> SessionTrainer<TinyLSTMRecommender<Float>> {
        let model = TinyLSTMRecommender<Float>(itemCount: data.itemMap.count, embeddingSize: 8, hiddenSize: 8, seed: 3)
        return SessionTrainer(model: model, data: data,
                              options: SessionTrainingOptions(batchSize: 8, loss: loss, sampleCount: 6, sampleCacheSize: 30),
                              optimizer: Adagrad(parameters: model.parameters, learningRate: 0.1, momentum: 0.2))
    }

    @Test func aModelTrainsWithALossOfItsOwn() throws {
        let trainer = makeTrainer(try demoData())
        let losses = try (1...3).map { _ in try trainer.trainEpoch().meanLoss }
        #expect(losses[2] < losses[0] * 0.9, "\(losses)")
    }

    @Test func infoNCEPassesGradcheckOnItsOwnAndThroughTheTrainer() throws {
        let loss = InfoNCE(temperature: 0.3)
        let scores = randomInput([3, 5], seed: 11)
        expectGradientsMatch([scores]) { inputs in
            loss(ScoredBatch(scores: inputs[0], items: [4, 1, 2, 0, 3], targetCount: 3,
                             logSupport: [0.5, 1.2, 0, 2.3, 0.7], sampleAlpha: 0.5))
        }
        // At τ = 1 it is the built-in cross-entropy without logQ.
        let batch = ScoredBatch(scores: scores, items: [4, 1, 2, 0, 3], targetCount: 3, logSupport: [0, 0, 0, 0, 0], sampleAlpha: 1)
        #expect(InfoNCE(temperature: 1)(batch).item == RankingLoss.crossEntropy()(batch).item)

        // A whole training step of a model in Double, through the trainer's loss.
        let data = try sessions([[0, 1, 2, 3], [2, 4, 1], [5, 0, 4, 3]])
        let model = TinyLSTMRecommender<Double>(itemCount: data.itemMap.count, embeddingSize: 3, hiddenSize: 4, seed: 5)
        let trainer = SessionTrainer(model: model, data: data,
                                     options: SessionTrainingOptions(batchSize: 3, loss: loss, sampleCount: 2),
                                     optimizer: SGD(parameters: model.parameters, learningRate: 0.1))
        let result = gradcheck(model.parameters) { _ in
            var states = model.zeroStates(batchSize: 3)
            return trainer.loss(inputs: [0, 2, 5], targets: [1, 4, 0], samples: [3, 1], states: &states)
        }
        #expect(result.passed, "\(result)")
    }

    @Test func aCheckpointResumesWithTheSameLossExactlyAndRefusesAnother() throws {
        let data = try demoData()
        let reference = makeTrainer(data)
        try reference.trainEpoch()
        let first = makeTrainer(data)
        var steps = 0
        #expect(try first.trainEpoch(shouldStop: { steps += 1; return steps > 25 }).interrupted)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-infonce-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SessionCheckpoint.saveTraining(first, to: url)

        let resumed = makeTrainer(data)
        try SessionCheckpoint.resume(resumed, from: url)
        try resumed.trainEpoch()
        for (a, b) in zip(resumed.model.namedParameters(), reference.model.namedParameters()) {
            #expect(a.tensor.scalars == b.tensor.scalars, "\(a.name) differs after resuming")
        }

        let other = makeTrainer(data, loss: InfoNCE(temperature: 0.2))
        #expect(other.options != first.options)
        do {
            try SessionCheckpoint.resume(other, from: url)
            Issue.record("a checkpoint trained with another temperature was resumed")
        } catch {
            #expect("\(error)".contains("was trained with loss InfoNCE(temperature: 0.5), this trainer has InfoNCE(temperature: 0.2)"),
                    "\(error)")
        }
    }

    @Test func theBuiltInsDescribeThemselvesAsCheckpointsHaveAlwaysRecordedThem() {
        let described: [(any SampledLoss, String)] = [
            (.crossEntropy(), "crossEntropy(logq: 0.0)"), (.crossEntropy(logq: 1), "crossEntropy(logq: 1.0)"),
            (.bprMax(), "bprMax(elu: 0.5, bpreg: 1.0)"), (.bprMax(elu: 0, bpreg: 1.95), "bprMax(elu: 0.0, bpreg: 1.95)"),
            (.top1Max, "top1Max"), (.bpr, "bpr"), (.top1, "top1"),
        ]
        for (loss, text) in described { #expect(loss.description == text) }
        #expect(SessionTrainingOptions(loss: .bprMax()) == SessionTrainingOptions(loss: RankingLoss(.bprMax(elu: 0.5, bpreg: 1))))
        #expect(SessionTrainingOptions(loss: .bprMax()) != SessionTrainingOptions(loss: .bprMax(elu: 0)))
    }
}
