import Foundation
import Nabla
import NablaKernels
import NablaSessions
import NablaTestSupport
import Testing

/// Ranks with ties in all three modes, the metrics, and the baselines against reference figures.
@Suite struct EvaluationTests {
    /// A scorer that returns fixed scores for every slot.
    struct FixedScorer: NextItemScorer {
        let row: [Float]
        var itemCount: Int { row.count }
        func scores(inputs: [Int], previousSlot: [Int?]) -> [Float] { Array(repeating: row, count: inputs.count).flatMap { $0 } }
    }

    @Test func rankModesWithTies() {
        let scores: [Float] = [0.9, 0.5, 0.5, 0.5, 0.1, 0.7]
        scores.withUnsafeBufferPointer { row in
            // Target item 1 scores 0.5: two items above, two others tie with it.
            #expect(Evaluator.rank(of: 1, in: row, mode: .conservative) == 5)
            #expect(Evaluator.rank(of: 1, in: row, mode: .standard) == 3)
            #expect(Evaluator.rank(of: 1, in: row, mode: .median) == 4)
            // A unique score ranks the same in every mode.
            for mode in RankMode.allCases {
                #expect(Evaluator.rank(of: 5, in: row, mode: mode) == 2)
                #expect(Evaluator.rank(of: 0, in: row, mode: mode) == 1)
            }
        }
    }

    @Test func vectorisedRankingEqualsCountingOneByOne() {
        var generator = SeededRandomGenerator(seed: 12)
        let scores = (0..<1_003).map { _ in Float(generator.nextInt(below: 40)) / 4 }   // many ties
        scores.withUnsafeBufferPointer { row in
            for target in [0, 15, 16, 500, 1_002] {
                let higher = scores.filter { $0 > scores[target] }.count, equal = scores.filter { $0 == scores[target] }.count
                for mode in RankMode.allCases {
                    #expect(Evaluator.rank(of: target, in: row, mode: mode) == mode.rank(higher: higher, equal: equal))
                }
            }
        }
    }

    @Test func recallAndMRRAtSeveralCutoffs() {
        var metrics = RankingMetrics(cutoffs: [1, 3])
        for rank in [1.0, 2, 3, 10] { metrics.add(rank: rank) }
        #expect(metrics.recall(at: 1) == 0.25)
        #expect(metrics.recall(at: 3) == 0.75)
        #expect(abs(metrics.mrr(at: 3) - (1 + 0.5 + 1.0 / 3) / 4) < 1e-12)
        #expect(metrics.mrr(at: 1) == 0.25)
    }

    @Test func evaluatorCountsEveryEventAfterTheFirstOfASession() throws {
        let data = try sessions([[0, 1, 2], [3, 0], [2, 1, 3, 0]])
        var scorer = FixedScorer(row: [0.4, 0.3, 0.2, 0.1])
        let metrics = try Evaluator.evaluate(&scorer, on: data, batchSize: 2, cutoffs: [1, 2, 4])
        // Targets 1, 2, 0, 1, 3, 0 have ranks 2, 3, 1, 2, 4, 1.
        #expect(metrics.predictions == 6)
        #expect(metrics.recall(at: 1) == 2.0 / 6)
        #expect(metrics.recall(at: 2) == 4.0 / 6)
        #expect(abs(metrics.mrr(at: 4) - (0.5 + 1.0 / 3 + 1 + 0.5 + 0.25 + 1) / 6) < 1e-12)
        // Ranks are counted on the compute threads: two give the same metrics as one.
        ComputeThreads.set(2)
        defer { ComputeThreads.set(1) }
        let threaded = try Evaluator.evaluate(&scorer, on: data, batchSize: 2, cutoffs: [1, 2, 4])
        #expect(threaded == metrics)
    }

    @Test func hiddenStateStartsFromZeroForEveryTestSession() throws {
        // Two identical sessions evaluated in different slots and at different times score identically.
        let model = TinyLSTMRecommender<Float>(itemCount: 5, embeddingSize: 3, hiddenSize: 4, seed: 1)
        var scorer = SessionModelScorer(model: model)
        let first = scorer.scores(inputs: [1, 2], previousSlot: [nil, nil])
        _ = scorer.scores(inputs: [3, 4], previousSlot: [0, 1])
        let again = scorer.scores(inputs: [2, 1], previousSlot: [nil, nil])
        #expect(Array(first[0..<5]) == Array(again[5..<10]))
        #expect(Array(first[5..<10]) == Array(again[0..<5]))
    }

    @Test func baselinesMatchTheReferenceFiguresOnRsc15() throws {
        guard let train = sharedData("rsc15-100k/train_full.tsv"), let test = sharedData("rsc15-100k/test.tsv") else {
            print("skipped: ../shared/data/rsc15-100k is absent")
            return
        }
        let training = try SessionData.training(SessionTSVReader.read(train), source: train.path)
        let testing = SessionData.test(try SessionTSVReader.read(test), source: test.path, itemMap: training.itemMap)
        var popularity = PopularityScorer(training: training)
        var markov = MarkovScorer(training: training)
        let pop = try Evaluator.evaluate(&popularity, on: testing, cutoffs: [20])
        let chain = try Evaluator.evaluate(&markov, on: testing, cutoffs: [20])
        // Reference: an independent implementation of the official evaluation rules.
        #expect(pop.predictions == 10_152)
        #expect(abs(pop.recall(at: 20) - 0.0894) < 5e-5 && abs(pop.mrr(at: 20) - 0.0264) < 5e-5)
        #expect(abs(chain.recall(at: 20) - 0.5626) < 5e-5 && abs(chain.mrr(at: 20) - 0.3275) < 5e-5)
    }
}
