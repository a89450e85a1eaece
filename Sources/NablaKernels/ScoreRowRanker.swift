/// Counts, for each row of full scores, the items scoring above its target and those scoring
/// the same: what a rank among all items is made of, in one pass over each row and no sort.
///
/// Rows are split between the compute threads (``ComputeThreads``); a row is counted sixteen
/// comparisons at a time. Where a model's item table allows it, `ItemTableRanker` gives the
/// same counts without scoring every item.
///
/// ```swift
/// let counts = ScoreRowRanker.counts(of: [1], in: [0.9, 0.5, 0.5, 0.1])   // [(higher: 1, equal: 2)]
/// ```
public enum ScoreRowRanker {
    /// For each row of `scores` (`[targets.count, items]`, row-major), the number of items
    /// scoring strictly above its target and the number scoring the same (the target included).
    ///
    /// A NaN target score counts as below every other item, `(items − 1, 1)`: it compares neither
    /// higher nor equal to anything, and counting it as first would make a broken model look
    /// perfect.
    public static func counts(of targets: [Int], in scores: [Float]) -> [(higher: Int, equal: Int)] {
        let rows = targets.count
        guard rows > 0 else { return [] }
        if scores.count % rows != 0 || targets.contains(where: { $0 < 0 || $0 >= scores.count / rows }) {
            kernelMisuse("ScoreRowRanker.counts", "\(scores.count) scores do not make \(rows) rows that hold every target")
        }
        let width = scores.count / rows
        var counts = [(higher: Int, equal: Int)](repeating: (0, 0), count: rows)
        scores.withUnsafeBufferPointer { scores in
            counts.withUnsafeMutableBufferPointer { counts in
                ComputeThreads.forEachRange(rows) { range in
                    for row in range {
                        counts[row] = Self.counts(of: targets[row], in: UnsafeBufferPointer(rebasing: scores[(row * width)..<((row + 1) * width)]))
                    }
                }
            }
        }
        return counts
    }

    /// The counts of one row: sixteen comparisons at a time, then the rest one by one.
    private static func counts(of target: Int, in scores: UnsafeBufferPointer<Float>) -> (higher: Int, equal: Int) {
        let targetScore = scores[target]
        if targetScore.isNaN { return (scores.count - 1, 1) }
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
        return (higher, equal)
    }
}
