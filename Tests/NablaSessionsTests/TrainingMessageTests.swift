import Foundation
import Nabla
import NablaNN
import NablaSessions
import Testing

/// What the trainer says when training breaks is advice in library terms, for any model and any
/// program that trains: no command-line option, no model's name.
@Suite struct TrainingMessageTests {
    /// A loss that is NaN for any scores: the log of a negative number.
    struct LogOfNegativeLoss: SampledLoss {
        var description: String { "logOfNegative" }
        func callAsFunction<Scalar: TensorScalar>(_ batch: ScoredBatch<Scalar>) -> Tensor<Scalar> {
            (batch.scores.exp() * -1).log().sum()
        }
    }

    @Test func aNaNLossFromFiniteWeightsAdvisesAnomalyDetection() throws {
        let data = try SessionData.training(SessionTSVReader.parse(Data(DemoShop.sessions(count: 50).utf8), source: "demo.tsv"),
                                            source: "demo.tsv")
        let model = TinyLSTMRecommender<Float>(itemCount: data.itemMap.count, embeddingSize: 3, hiddenSize: 3, seed: 2)
        let trainer = SessionTrainer(model: model, data: data,
                                     options: SessionTrainingOptions(batchSize: 4, loss: LogOfNegativeLoss(), sampleCount: 2),
                                     optimizer: Adagrad(parameters: model.parameters, learningRate: 0.1))
        do {
            try trainer.trainEpoch()
            Issue.record("a NaN loss did not stop training")
        } catch let error as TrainingError {
            #expect(error.message.hasPrefix("epoch 1, step 1: the loss is ") && error.message.contains("nan"), "\(error.message)")
            #expect(error.message.hasSuffix("no parameter holds a non-finite value; train inside withAnomalyDetection { } to find the op"),
                    "\(error.message)")
            #expect(!error.message.contains("--") && !error.message.contains("GRU4Rec"))
        }
    }
}
