import Nabla

extension Losses {
    /// Sampled softmax cross-entropy, GRU4Rec's `cross-entropy` loss:
    ///
    ///     L = −Σᵢ log softmax(rᵢ − c)ᵢ
    ///
    /// where `rᵢ` is row `i` of `scores` and `c` an optional per-column correction. With logQ
    /// correction (`logq > 0`), `c = logq · log Q`, where `Q` is each column item's sampling
    /// weight (its support for the in-batch targets, support^α for the shared samples), which
    /// removes the bias towards popular items that sampling introduces. Computed with
    /// log-sum-exp, so it is finite for any scores.
    ///
    /// - Parameters:
    ///   - scores: `B × (B + S)`, targets on the diagonal.
    ///   - correction: `c`, shape `[B + S]`, or `nil` for none.
    public static func crossEntropy<Scalar>(_ scores: Tensor<Scalar>, correction: Tensor<Scalar>? = nil) -> Tensor<Scalar> {
        checkSampledScores(scores, loss: "crossEntropy")
        let corrected = correction.map { scores - $0 } ?? scores
        return -corrected.logSoftmax(axis: 1).diagonal().sum()
    }
}
