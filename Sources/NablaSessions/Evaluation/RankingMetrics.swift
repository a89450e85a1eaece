/// Recall@K and MRR@K at several cutoffs at once, micro-averaged over predictions.
///
/// Recall@K is the share of predictions whose target ranks at most K; MRR@K the mean of
/// `1 / rank`, counting 0 for ranks past K.
public struct RankingMetrics: Sendable, Equatable {
    /// The cutoffs, ascending.
    public let cutoffs: [Int]
    /// The number of predictions counted.
    public private(set) var predictions = 0
    private var hits: [Int]
    private var reciprocalRanks: [Double]

    /// Empty metrics for `cutoffs` (default 1, 5, 10, 20).
    public init(cutoffs: [Int] = [1, 5, 10, 20]) {
        self.cutoffs = cutoffs.sorted()
        hits = Array(repeating: 0, count: cutoffs.count)
        reciprocalRanks = Array(repeating: 0, count: cutoffs.count)
    }

    /// Counts one prediction whose target had `rank` (1 is best).
    public mutating func add(rank: Double) {
        predictions += 1
        for (index, cutoff) in cutoffs.enumerated() where rank <= Double(cutoff) {
            hits[index] += 1
            reciprocalRanks[index] += 1 / rank
        }
    }

    /// Adds another set of counts with the same cutoffs.
    public mutating func merge(_ other: RankingMetrics) {
        predictions += other.predictions
        for index in cutoffs.indices {
            hits[index] += other.hits[index]
            reciprocalRanks[index] += other.reciprocalRanks[index]
        }
    }

    /// Recall at `cutoff` (which must be one of ``cutoffs``).
    public func recall(at cutoff: Int) -> Double {
        guard let index = cutoffs.firstIndex(of: cutoff), predictions > 0 else { return 0 }
        return Double(hits[index]) / Double(predictions)
    }

    /// MRR at `cutoff` (which must be one of ``cutoffs``).
    public func mrr(at cutoff: Int) -> Double {
        guard let index = cutoffs.firstIndex(of: cutoff), predictions > 0 else { return 0 }
        return reciprocalRanks[index] / Double(predictions)
    }
}
