import Foundation
import Nabla

/// Something that scores every item as the next one for a batch of sessions, step by step.
public protocol NextItemScorer {
    /// Scores for the next item of each slot, row-major `[slots, items]`, after the slots read
    /// `inputs`. `previousSlot` says which earlier slot each continues (`nil`: a new session).
    mutating func scores(inputs: [Int], previousSlot: [Int?]) -> [Float]
    /// The number of items scored.
    var itemCount: Int { get }
}

/// GRU4Rec's next-item evaluation: every event after the first of a test session is a target,
/// predicted from the events before it, and its rank among all training items is counted.
///
/// Each test session starts from a zero hidden state; test events with items the model does not
/// know were dropped when the test data was read (``SessionData/test(_:source:itemMap:)``).
public enum Evaluator {
    /// Ranks every target of `data` with `scorer`.
    ///
    /// Ranks are counted in one pass over each row of scores: the items scoring above and equal
    /// to the target, no sort. Rows are split across `threads` threads.
    @_specialize(where Scorer == PopularityScorer)
    @_specialize(where Scorer == MarkovScorer)
    public static func evaluate<Scorer: NextItemScorer>(
        _ scorer: inout Scorer, on data: SessionData, batchSize: Int = 100, cutoffs: [Int] = [1, 5, 10, 20],
        mode: RankMode = .conservative, threads: Int = 1, progress: (Int) -> Void = { _ in }
    ) -> RankingMetrics {
        var metrics = RankingMetrics(cutoffs: cutoffs)
        let width = scorer.itemCount
        for step in SessionParallelBatches(data: data, batchSize: batchSize) {
            let scores = scorer.scores(inputs: step.inputs, previousSlot: step.previousSlot)
            let rows = step.targets.count
            let parts = max(1, min(threads, rows))
            var partial = [RankingMetrics](repeating: RankingMetrics(cutoffs: cutoffs), count: parts)
            scores.withUnsafeBufferPointer { buffer in
                partial.withUnsafeMutableBufferPointer { results in
                    let results = UncheckedSendable(results), shared = UncheckedSendable(buffer)
                    DispatchQueue.concurrentPerform(iterations: parts) { part in
                        var local = RankingMetrics(cutoffs: cutoffs)
                        for row in stride(from: part, to: rows, by: parts) {
                            let rowScores = UnsafeBufferPointer(rebasing: shared.value[(row * width)..<((row + 1) * width)])
                            local.add(rank: rank(of: step.targets[row], in: rowScores, mode: mode))
                        }
                        results.value[part] = local
                    }
                }
            }
            for part in partial { metrics.merge(part) }
            progress(metrics.predictions)
        }
        return metrics
    }

    /// The rank of `target` in one row of scores, in one pass: sixteen comparisons at a time.
    ///
    /// A NaN target score ranks last: it compares neither higher nor equal to anything, and
    /// counting it as first would make a broken model look perfect.
    public static func rank(of target: Int, in scores: UnsafeBufferPointer<Float>, mode: RankMode) -> Double {
        let targetScore = scores[target]
        if targetScore.isNaN { return Double(scores.count) }
        typealias Vector = SIMD16<Float>
        typealias Counts = SIMD16<Int32>
        let threshold = Vector(repeating: targetScore)
        var higherCounts = Counts(repeating: 0), equalCounts = Counts(repeating: 0)
        let base = UnsafeRawPointer(scores.baseAddress!)
        var index = 0
        while index + 16 <= scores.count {
            let values = base.loadUnaligned(fromByteOffset: index * 4, as: Vector.self)
            higherCounts &+= Counts(repeating: 0).replacing(with: 1, where: values .> threshold)
            equalCounts &+= Counts(repeating: 0).replacing(with: 1, where: values .== threshold)
            index += 16
        }
        var higher = Int(higherCounts.wrappedSum()), equal = Int(equalCounts.wrappedSum())
        while index < scores.count {
            higher += scores[index] > targetScore ? 1 : 0
            equal += scores[index] == targetScore ? 1 : 0
            index += 1
        }
        return mode.rank(higher: higher, equal: equal)
    }
}

/// Moves a value the compiler cannot prove thread-safe into concurrent code whose writes do not
/// overlap (each task writes its own index).
struct UncheckedSendable<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
