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

    @Test(.enabled(if: ItemTableRanker.isAvailable, "needs a CPU with AVX2 or AVX-512 VNNI"))
    func boundedRanksAreThoseOfScoresSummedLeftToRight() throws {
        let (model, data) = try trainedModel()
        var bounded = SessionModelScorer(model: model)
        let table = model.output.weight.scalars, bias = model.output.bias.scalars, width = model.output.weight.shape[1]
        for (index, step) in SessionParallelBatches(data: data, batchSize: 50).enumerated() where index < 20 {
            // Every call starts the slots afresh, so the states below are the scorer's too.
            let fresh = [Int?](repeating: nil, count: step.inputs.count)
            var states = model.zeroStates(batchSize: step.inputs.count)
            let hidden = withNoGrad { model.step(step.inputs, states: &states) }.scalars
            let scores = step.targets.indices.map { row in
                (0..<model.itemCount).map { item in
                    var sum: Float = 0
                    for k in 0..<width { sum += hidden[row * width + k] * table[item * width + k] }
                    return sum + bias[item]
                }
            }
            for mode in RankMode.allCases {
                let ranks = try bounded.ranks(inputs: step.inputs, previousSlot: fresh, targets: step.targets, mode: mode, cutoff: .max)
                let expected = step.targets.enumerated().map { row, target in
                    let targetScore = scores[row][target]
                    return mode.rank(higher: scores[row].filter { $0 > targetScore }.count, equal: scores[row].filter { $0 == targetScore }.count)
                }
                #expect(ranks == expected, "batch \(index), \(mode)")
                #expect(bounded.lastRanksUsedBounds)
            }
        }
    }

    @Test func anEvaluationGivesTheFiguresOfScoringEveryItem() throws {
        let (model, data) = try trainedModel()
        var bounded = SessionModelScorer(model: model), full = SessionModelScorer(model: model, boundedRanking: false)
        let fast = try Evaluator.evaluate(&bounded, on: data, cutoffs: [1, 5, 20])
        let every = try Evaluator.evaluate(&full, on: data, cutoffs: [1, 5, 20])
        #expect(!full.lastRanksUsedBounds && bounded.lastRanksUsedBounds == ItemTableRanker.isAvailable)
        #expect(fast.predictions == every.predictions)
        // The full product rounds in another order: a target within an ulp of another item may
        // rank one place apart, so the figures may differ by a prediction or two.
        let onePrediction = 1 / Double(every.predictions)
        for cutoff in [1, 5, 20] {
            #expect(abs(fast.recall(at: cutoff) - every.recall(at: cutoff)) <= 2 * onePrediction)
            #expect(abs(fast.mrr(at: cutoff) - every.mrr(at: cutoff)) <= 2 * onePrediction)
        }
    }

    @Test func aScorerRanksWithTheWeightsAsTheyAreNow() throws {
        let (model, _) = try trainedModel()
        var scorer = SessionModelScorer(model: model)
        let inputs = [1, 2, 3], fresh: [Int?] = [nil, nil, nil], targets = [7, 7, 7]
        let before = try scorer.ranks(inputs: inputs, previousSlot: fresh, targets: targets, mode: .conservative, cutoff: .max)
        #expect(before.contains { $0 > 1 })
        // Item 7 gets a huge bias: it now ranks first for every session.
        model.output.bias.updateScalars { $0[7] = 1_000 }
        let after = try scorer.ranks(inputs: inputs, previousSlot: fresh, targets: targets, mode: .conservative, cutoff: .max)
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
