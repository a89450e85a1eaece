import Foundation
import Nabla
import NablaKernels

/// Something that scores every item as the next one for a batch of sessions, step by step.
public protocol NextItemScorer {
    /// Scores for the next item of each slot, row-major `[slots, items]`, after the slots read
    /// `inputs`. `previousSlot` says which earlier slot each continues (`nil`: a new session).
    mutating func scores(inputs: [Int], previousSlot: [Int?]) -> [Float]
    /// The number of items scored.
    var itemCount: Int { get }

    /// The rank of each slot's target among all items after the slots read `inputs`, as
    /// ``Evaluator/rank(of:in:mode:)`` counts it in that slot's row of scores. Ranks past
    /// `cutoff` only need to be past it. The default scores every item and counts, rows split
    /// across `threads` threads.
    ///
    /// - Throws: ``NonFiniteScoresError`` when a score is NaN or infinite.
    mutating func ranks(inputs: [Int], previousSlot: [Int?], targets: [Int], mode: RankMode, cutoff: Int, threads: Int) throws -> [Double]
}

extension NextItemScorer {
    /// Every item scored with ``scores(inputs:previousSlot:)``, then each target's rank counted.
    ///
    /// - Throws: ``NonFiniteScoresError`` when a score is NaN or infinite.
    public mutating func ranks(
        inputs: [Int], previousSlot: [Int?], targets: [Int], mode: RankMode, cutoff: Int, threads: Int
    ) throws -> [Double] {
        let scores = scores(inputs: inputs, previousSlot: previousSlot)
        guard VectorKernels.allFinite(scores) else { throw NonFiniteScoresError(scores: scores) }
        return Evaluator.ranks(of: targets, in: scores, mode: mode, threads: threads)
    }
}

/// GRU4Rec's next-item evaluation: every event after the first of a test session is a target,
/// predicted from the events before it, and its rank among all training items is counted.
///
/// Each test session starts from a zero hidden state; test events with items the model does not
/// know were dropped when the test data was read (``SessionData/test(_:source:itemMap:)``).
public enum Evaluator {
    /// The sessions evaluated at once unless a caller says otherwise.
    public static let defaultBatchSize = 100

    /// Ranks every target of `data` with `scorer` (``NextItemScorer/ranks(inputs:previousSlot:targets:mode:cutoff:threads:)``).
    ///
    /// Only ranks up to the largest cutoff count, so a scorer may stop counting past it.
    ///
    /// - Throws: ``NonFiniteScoresError`` when the scorer scores an item as NaN or infinite:
    ///   such ranks would make a broken model look perfect (every item tied at +∞ ranks first).
    @_specialize(where Scorer == PopularityScorer)
    @_specialize(where Scorer == MarkovScorer)
    public static func evaluate<Scorer: NextItemScorer>(
        _ scorer: inout Scorer, on data: SessionData, batchSize: Int = defaultBatchSize, cutoffs: [Int] = [1, 5, 10, 20],
        mode: RankMode = .conservative, threads: Int = 1, progress: (Int) -> Void = { _ in }
    ) throws -> RankingMetrics {
        var metrics = RankingMetrics(cutoffs: cutoffs)
        let cutoff = cutoffs.max() ?? 0
        for step in SessionParallelBatches(data: data, batchSize: batchSize) {
            let ranks = try scorer.ranks(inputs: step.inputs, previousSlot: step.previousSlot, targets: step.targets,
                                     mode: mode, cutoff: cutoff, threads: threads)
            for rank in ranks { metrics.add(rank: rank) }
            progress(metrics.predictions)
        }
        return metrics
    }

    /// The rank of each row's target in `scores` (`[targets.count, items]`, row-major), counted
    /// in one pass over each row with ``rank(of:in:mode:)``, no sort; rows split across `threads`
    /// threads.
    public static func ranks(of targets: [Int], in scores: [Float], mode: RankMode, threads: Int = 1) -> [Double] {
        let rows = targets.count
        guard rows > 0 else { return [] }
        if scores.count % rows != 0 || targets.contains(where: { $0 < 0 || $0 >= scores.count / rows }) {
            misuse("Evaluator.ranks", "\(scores.count) scores do not make \(rows) rows that hold every target")
        }
        let width = scores.count / rows, parts = max(1, min(threads, rows))
        var ranks = [Double](repeating: 0, count: rows)
        scores.withUnsafeBufferPointer { buffer in
            ranks.withUnsafeMutableBufferPointer { results in
                let results = UncheckedSendable(results), shared = UncheckedSendable(buffer)
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    for row in stride(from: part, to: rows, by: parts) {
                        let rowScores = UnsafeBufferPointer(rebasing: shared.value[(row * width)..<((row + 1) * width)])
                        results.value[row] = rank(of: targets[row], in: rowScores, mode: mode)
                    }
                }
            }
        }
        return ranks
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
