import Foundation
import GRU4Rec
import Nabla
import NablaKernels
import Testing

/// Evaluation that ranks from the item table's 8-bit bounds against scoring every item.
@Suite struct BoundedRankingTests {
    func trainedModel() throws -> (model: GRU4RecModel<Float>, data: SessionData) {
        let events = try SessionTSVReader.parse(Data(DemoShop.sessions(count: 400).utf8), source: "demo.tsv")
        let data = try SessionData.training(events, source: "demo.tsv")
        let configuration = try GRU4RecConfiguration(parameters: "layers=24,batch_size=16,n_sample=32,learning_rate=0.1")
        let trainer = SessionTrainer(model: GRU4RecModel<Float>(configuration: configuration, itemCount: data.itemMap.count), data: data)
        _ = try trainer.trainEpoch()
        return (trainer.model, data)
    }

    @Test func boundedRanksEqualRanksFromEveryScore() throws {
        let (model, data) = try trainedModel()
        var bounded = SessionModelScorer(model: model)
        var full = SessionModelScorer(model: model, boundedRanking: false)
        for (index, step) in SessionParallelBatches(data: data, batchSize: 50).enumerated() where index < 20 {
            for mode in RankMode.allCases {
                // Each scorer reads each batch once per mode: reset the slots so every call starts alike.
                let fresh = [Int?](repeating: nil, count: step.inputs.count)
                let fast = bounded.ranks(inputs: step.inputs, previousSlot: fresh, targets: step.targets, mode: mode, cutoff: .max, threads: 1)
                let every = full.ranks(inputs: step.inputs, previousSlot: fresh, targets: step.targets, mode: mode, cutoff: .max, threads: 1)
                #expect(fast == every, "batch \(index), \(mode)")
                #expect(bounded.lastRanksUsedBounds == ItemTableRanker.isAvailable && !full.lastRanksUsedBounds)
            }
        }
        var boundedAgain = SessionModelScorer(model: model), fullAgain = SessionModelScorer(model: model, boundedRanking: false)
        let fast = Evaluator.evaluate(&boundedAgain, on: data, cutoffs: [1, 5, 20])
        let every = Evaluator.evaluate(&fullAgain, on: data, cutoffs: [1, 5, 20])
        #expect(fast.predictions == every.predictions)
        for cutoff in [1, 5, 20] {
            #expect(fast.recall(at: cutoff) == every.recall(at: cutoff))
            #expect(abs(fast.mrr(at: cutoff) - every.mrr(at: cutoff)) < 1e-12)
        }
    }

    @Test func aScorerRanksWithTheWeightsAsTheyAreNow() throws {
        let (model, _) = try trainedModel()
        var scorer = SessionModelScorer(model: model)
        let inputs = [1, 2, 3], fresh: [Int?] = [nil, nil, nil], targets = [7, 7, 7]
        let before = scorer.ranks(inputs: inputs, previousSlot: fresh, targets: targets, mode: .conservative, cutoff: .max, threads: 1)
        #expect(before.contains { $0 > 1 })
        // Item 7 gets a huge bias: it now ranks first for every session.
        model.output.bias.updateScalars { $0[7] = 1_000 }
        let after = scorer.ranks(inputs: inputs, previousSlot: fresh, targets: targets, mode: .conservative, cutoff: .max, threads: 1)
        #expect(after == [1, 1, 1])
    }

    @Test func ranksOfScoresThatDoNotFitTheTargetsAreAMisuse() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Evaluator.ranks(of: [0, 5], in: [0.1, 0.2, 0.3, 0.4], mode: .conservative)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("Evaluator.ranks: 4 scores do not make 2 rows that hold every target"))
    }
}
