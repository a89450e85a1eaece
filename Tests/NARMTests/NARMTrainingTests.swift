import Foundation
import GRU4Rec
import NARM
import Nabla
import NablaNN
import NablaSessions
import NablaTestSupport
import Testing

/// NARM trained with the shared session trainer on the demo shop data, next to GRU4Rec trained
/// the same way.
@Suite struct NARMTrainingTests {
    @Test func narmLearnsTheDemoShopAsWellAsGRU4Rec() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-narm-demo-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try DemoShop.write(to: folder)
        let train = try SessionData.training(SessionTSVReader.read(files.train), source: files.train.path)
        let test = try SessionData.test(streamingFrom: files.test, itemMap: train.itemMap)
        let training = "batch_size=32,n_sample=16,learning_rate=0.1,momentum=0.2"

        var configuration = NARMConfiguration()
        try configuration.set("embedding=32,hidden=64,n_epochs=3," + training)
        let narm = NARMModel<Float>(configuration: configuration, itemCount: train.itemMap.count)
        let narmTrainer = SessionTrainer(model: narm, data: train, options: configuration.trainingOptions,
                                         optimizer: Adagrad(parameters: narm.parameters, learningRate: configuration.learningRate,
                                                            momentum: configuration.momentum))
        let gru = GRU4RecModel<Float>(configuration: try GRU4RecConfiguration(parameters: "layers=64,n_epochs=3," + training),
                                      itemCount: train.itemMap.count)
        let gruTrainer = SessionTrainer(model: gru, data: train)
        var losses: [Double] = []
        for _ in 1...3 {
            losses.append(try narmTrainer.trainEpoch().meanLoss)
            try gruTrainer.trainEpoch()
        }
        #expect(losses[2] < losses[0], "NARM's loss did not fall: \(losses)")

        var narmScorer = SessionModelScorer(model: narm), gruScorer = SessionModelScorer(model: gru)
        let narmMetrics = try Evaluator.evaluate(&narmScorer, on: test, cutoffs: [5, 20])
        let gruMetrics = try Evaluator.evaluate(&gruScorer, on: test, cutoffs: [5, 20])
        let report = "NARM Recall@20 \(narmMetrics.recall(at: 20)) MRR@20 \(narmMetrics.mrr(at: 20)), "
            + "GRU4Rec Recall@20 \(gruMetrics.recall(at: 20)) MRR@20 \(gruMetrics.mrr(at: 20))"
        #expect(narmMetrics.recall(at: 20) > 0.9, "\(report)")
        #expect(narmMetrics.recall(at: 20) > gruMetrics.recall(at: 20) - 0.02, "\(report)")
        #expect(narmMetrics.mrr(at: 20) > 0.9 * gruMetrics.mrr(at: 20), "\(report)")
        print(report)
    }
}
