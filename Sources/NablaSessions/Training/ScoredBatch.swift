import Nabla

/// One mini-batch's sampled scores, as a ``SampledLoss`` sees them.
///
/// ``scores`` is `B × (B + S)`: row `i` scores slot `i`'s target in column `i` (the diagonal),
/// the other slots' targets (in-batch negatives) in the other first `B` columns, and the `S`
/// shared samples after them. For a logQ correction, each column carries the log support of its
/// item, and ``sampleAlpha`` says how the samples were drawn (∝ support^α), so the probability
/// of a column being a negative is `Q ∝ support` for the in-batch targets and `support^α` for the
/// shared samples.
///
/// The trainer makes one per step; make one yourself to check a loss of your own in `Double`:
///
/// ```swift
/// let scores = Tensor<Double>.uniform([2, 3], in: -1..<1, using: &generator, requiresGrad: true)
/// let check = gradcheck([scores]) { inputs in
///     InfoNCE(temperature: 0.3)(ScoredBatch(scores: inputs[0], items: [4, 1, 7], targetCount: 2,
///                                           logSupport: [0.7, 1.9, 0.0], sampleAlpha: 0.5))
/// }
/// ```
public struct ScoredBatch<Scalar: TensorScalar> {
    /// The scores, `B × (B + S)`, targets on the diagonal.
    public let scores: Tensor<Scalar>
    /// The item of each column: the `B` targets, then the `S` shared samples.
    public let items: [Int]
    /// `B`: the rows, and the first columns, which are the slots' targets.
    public let targetCount: Int
    /// `log(max(support, 1))` of each column's item (``SessionTrainer/logSupport(_:)``).
    public let logSupport: [Double]
    /// The exponent `α` the shared samples were drawn with (∝ support^α).
    public let sampleAlpha: Double

    /// `S`: the shared samples, the columns after the targets.
    public var sampleCount: Int { items.count - targetCount }

    /// A batch of `scores` over `items`, the first `targetCount` of them the slots' targets.
    public init(scores: Tensor<Scalar>, items: [Int], targetCount: Int, logSupport: [Double], sampleAlpha: Double) {
        if scores.shape != [targetCount, items.count] || logSupport.count != items.count {
            misuse("ScoredBatch", "scores of shape \(scores.shape) need \(targetCount) targets as rows and one item and one "
                + "log support per column; got \(items.count) items and \(logSupport.count) log supports")
        }
        self.scores = scores
        self.items = items
        self.targetCount = targetCount
        self.logSupport = logSupport
        self.sampleAlpha = sampleAlpha
    }

    /// The logQ correction `weight · log Q` of each column, to subtract from the scores before a
    /// softmax: `weight · log support` for the in-batch targets and `weight · α · log support`
    /// for the shared samples (Yi et al. 2019; GRU4Rec's `logq`).
    public func logQCorrection(weight: Double) -> [Double] {
        let sampleWeight = weight * sampleAlpha
        return logSupport.indices.map { column in (column < targetCount ? weight : sampleWeight) * logSupport[column] }
    }
}
