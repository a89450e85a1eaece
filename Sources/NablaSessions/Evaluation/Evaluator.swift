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
    /// between the compute threads.
    ///
    /// - Throws: ``NonFiniteScoresError`` when a score is NaN or infinite.
    mutating func ranks(inputs: [Int], previousSlot: [Int?], targets: [Int], mode: RankMode, cutoff: Int) throws -> [Double]
}

extension NextItemScorer {
    /// Every item scored with ``scores(inputs:previousSlot:)``, then each target's rank counted.
    ///
    /// - Throws: ``NonFiniteScoresError`` when a score is NaN or infinite.
    public mutating func ranks(
        inputs: [Int], previousSlot: [Int?], targets: [Int], mode: RankMode, cutoff: Int
    ) throws -> [Double] {
        let scores = scores(inputs: inputs, previousSlot: previousSlot)
        guard VectorKernels.allFinite(scores) else { throw NonFiniteScoresError(scores: scores) }
        return Evaluator.ranks(of: targets, in: scores, mode: mode)
    }
}

/// Next-item evaluation, as the official GRU4Rec does it: every event after the first of a test session is a target,
/// predicted from the events before it, and its rank among all training items is counted.
///
/// Each test session starts from a zero hidden state; test events with items the model does not
/// know were dropped when the test data was read (``SessionData/test(_:source:itemMap:)``).
public enum Evaluator {
    /// The sessions evaluated at once unless a caller says otherwise.
    public static let defaultBatchSize = 100

    /// Ranks every target of `data` with `scorer` (``NextItemScorer/ranks(inputs:previousSlot:targets:mode:cutoff:)``).
    ///
    /// Only ranks up to the largest cutoff count, so a scorer may stop counting past it.
    ///
    /// - Throws: ``NonFiniteScoresError`` when the scorer scores an item as NaN or infinite:
    ///   such ranks would make a broken model look perfect (every item tied at +∞ ranks first).
    @_specialize(where Scorer == PopularityScorer)
    @_specialize(where Scorer == MarkovScorer)
    public static func evaluate<Scorer: NextItemScorer>(
        _ scorer: inout Scorer, on data: SessionData, batchSize: Int = defaultBatchSize, cutoffs: [Int] = [1, 5, 10, 20],
        mode: RankMode = .conservative, progress: (Int) -> Void = { _ in }
    ) throws -> RankingMetrics {
        var metrics = RankingMetrics(cutoffs: cutoffs)
        let cutoff = cutoffs.max() ?? 0
        for step in SessionParallelBatches(data: data, batchSize: batchSize) {
            let ranks = try scorer.ranks(inputs: step.inputs, previousSlot: step.previousSlot, targets: step.targets,
                                     mode: mode, cutoff: cutoff)
            for rank in ranks { metrics.add(rank: rank) }
            progress(metrics.predictions)
        }
        return metrics
    }

    /// The rank of each row's target in `scores` (`[targets.count, items]`, row-major), counted
    /// in one pass over each row, no sort, rows split between the compute threads
    /// (`ScoreRowRanker` in NablaKernels). A NaN target score ranks last.
    public static func ranks(of targets: [Int], in scores: [Float], mode: RankMode) -> [Double] {
        let rows = targets.count
        if rows > 0 && (scores.count % rows != 0 || targets.contains { $0 < 0 || $0 >= scores.count / rows }) {
            misuse("Evaluator.ranks", "\(scores.count) scores do not make \(rows) rows that hold every target")
        }
        return ScoreRowRanker.counts(of: targets, in: scores).map { mode.rank(higher: $0.higher, equal: $0.equal) }
    }

    /// The rank of `target` in one row of scores, as ``ranks(of:in:mode:)`` counts it.
    public static func rank(of target: Int, in scores: some Collection<Float>, mode: RankMode) -> Double {
        ranks(of: [target], in: Array(scores), mode: mode)[0]
    }
}
